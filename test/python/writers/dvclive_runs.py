"""Logs a DVCLive run with known params and metrics (inside a git repository, as DVCLive expects; no DVC
experiment is saved).

usage: python dvclive_runs.py <workspace>
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import code_workspace, run, series, version, write_expected  # noqa: E402


def main():
    root, _ = code_workspace(sys.argv[1])
    os.chdir(root)
    from dvclive import Live

    loss = [0.8, 0.4, 0.2, 0.1]
    acc = [0.5, 0.7, 0.8, 0.875]
    params = {"lr": 0.05, "epochs": 4, "model": {"name": "resnet", "width": 2}}
    with Live(dir="dvclive", save_dvc_exp=False, report=None) as live:
        live.log_params(params)
        for l, a in zip(loss, acc):
            live.log_metric("train/loss", l)
            live.log_metric("val_acc", a)
            live.next_step()
    steps = list(range(len(loss)))
    runs = [run("dvc", "dvclive", None, params={"lr": 0.05, "epochs": 4, "model.name": "resnet", "model.width": 2},
                metrics={"train/loss": series(steps, loss), "val_acc": series(steps, acc)})]
    write_expected(root, "dvclive", version("dvclive"), runs)


if __name__ == "__main__":
    main()
