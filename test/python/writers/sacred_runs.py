"""Logs Sacred runs through its FileStorageObserver: a completed run and a failed one, with config, scalars at
known steps and the git commit Sacred records for a script inside a repository.

usage: python sacred_runs.py <workspace>
"""
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    root = os.path.abspath(sys.argv[1])
    os.makedirs(root, exist_ok=True)
    shutil.copy(os.path.join(HERE, "common.py"), root)
    shutil.copy(os.path.abspath(__file__), os.path.join(root, "experiment.py"))
    sys.path.insert(0, root)
    from common import git_repo
    commit = git_repo(root)
    subprocess.run([sys.executable, "experiment.py", "--log", commit], cwd=root, check=True)


LOSS = [(0, 1.0), (10, 0.5), (20, 0.375)]


def log(commit):
    from sacred import Experiment
    from sacred.observers import FileStorageObserver
    from common import run, series, version, write_expected

    ex = Experiment("mnist_sacred", save_git_info=True)
    ex.observers.append(FileStorageObserver("runs"))

    @ex.config
    def cfg():
        lr = 0.01  # noqa: F841
        hidden = 128  # noqa: F841
        optimizer = {"name": "adam", "beta1": 0.9}  # noqa: F841

    @ex.main
    def train(_run, lr):
        for s, v in LOSS:
            _run.log_scalar("train.loss", v, s)
        if lr > 1:
            _run.log_scalar("train.loss", float("inf"), 30)
            raise RuntimeError("diverged")
        return 0.98

    ex.run(config_updates={"seed": 1})
    try:
        ex.run(config_updates={"lr": 2.0, "seed": 2})
    except RuntimeError:
        pass
    params = {"lr": 0.01, "hidden": 128, "optimizer.name": "adam", "optimizer.beta1": 0.9, "seed": 1}
    loss = series([s for s, _ in LOSS], [v for _, v in LOSS])
    runs = [run("sacred", "runs/1", "mnist_sacred 1", experiment="mnist_sacred", status="finished", commit=commit,
                params=params, metrics={"train.loss": loss}),
            run("sacred", "runs/2", "mnist_sacred 2", experiment="mnist_sacred", status="failed", commit=commit,
                params=dict(params, lr=2.0, seed=2),
                metrics={"train.loss": series(loss["steps"] + [30], loss["values"] + [float("inf")])})]
    write_expected(os.getcwd(), "sacred (FileStorageObserver)", version("sacred"), runs)


if __name__ == "__main__":
    log(sys.argv[2]) if "--log" in sys.argv else main()
