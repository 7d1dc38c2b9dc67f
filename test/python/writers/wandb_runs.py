"""Logs Weights & Biases offline runs (WANDB_MODE=offline) with known config, history and summary: a finished run,
a failed one, and a run resumed (same id, a second folder holding what was logged after the resume).

usage: python wandb_runs.py <workspace>
"""
import glob
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import code_workspace, run, series, version, write_expected  # noqa: E402


def main():
    root, commit = code_workspace(sys.argv[1])
    os.chdir(root)
    os.environ.update(WANDB_MODE="offline", WANDB_SILENT="true", WANDB_DIR=root, WANDB_CONSOLE="off")
    import wandb

    runs = []

    def folder(r):
        # run.dir is <workspace>/wandb/offline-run-<time>-<id>/files
        return os.path.relpath(os.path.dirname(r.dir), root)

    config = {"lr": 0.001, "epochs": 3, "arch": {"depth": 18, "act": "relu"}, "augment": False}
    r = wandb.init(project="real-writers", name="baseline", config=config, settings=wandb.Settings(x_disable_stats=True))
    loss = [(0, 0.9), (1, 0.6), (2, 0.4)]
    for s, v in loss:
        r.log({"train/loss": v, "epoch": s}, step=s)
    r.summary["best_acc"] = 0.75
    r.finish()
    runs.append(run("wandb", folder(r), "baseline", experiment="real-writers", status="finished", commit=commit,
                    params={"lr": 0.001, "epochs": 3, "arch.depth": 18, "arch.act": "relu", "augment": False},
                    exact_params=False,
                    metrics={"train/loss": series([s for s, _ in loss], [v for _, v in loss]),
                             "epoch": series([s for s, _ in loss], [s for s, _ in loss]),
                             "best_acc": series([2], [0.75])}))

    r = wandb.init(project="real-writers", name="diverged", config={"lr": 1.0}, settings=wandb.Settings(x_disable_stats=True))
    r.log({"train/loss": 5.0}, step=0)
    r.log({"train/loss": 50.0}, step=1)
    r.finish(exit_code=1)
    runs.append(run("wandb", folder(r), "diverged", experiment="real-writers", status="failed", commit=commit,
                    params={"lr": 1.0}, exact_params=False,
                    metrics={"train/loss": series([0, 1], [5.0, 50.0])}))

    first = [(0, 2.0), (1, 1.5)]
    second = [(2, 1.25), (3, 1.0)]
    parts = []
    for pts in (first, second):
        r = wandb.init(project="real-writers", name="long", id="resumable1", resume="allow", config={"lr": 0.01},
                       settings=wandb.Settings(x_disable_stats=True))
        for s, v in pts:
            r.log({"train/loss": v}, step=s)
        parts.append(folder(r))
        r.finish()
    for part, pts in zip(parts, (first, second)):
        runs.append(run("wandb", part, "long", experiment="real-writers", status="finished", commit=commit,
                        params={"lr": 0.01}, exact_params=False,
                        metrics={"train/loss": series([s for s, _ in pts], [v for _, v in pts])}))

    assert len(glob.glob(os.path.join(root, "wandb", "offline-run-*"))) == 4
    write_expected(root, "wandb (offline)", version("wandb"), runs)


if __name__ == "__main__":
    main()
