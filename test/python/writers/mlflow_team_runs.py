"""Logs "team" runs to a running MLflow tracking server with the real MLflow client, for the sources screenshot.

usage: mlflow_team_runs.py <tracking uri> <commit> [--long]
Runs shaped like the sample workspace's (test/helpers/sampleWorkspace.ts): params lr, batch_size, optimizer, epochs;
curves train_loss, val_loss, val_accuracy over 40 epochs; `mlflow.source.git.commit` = <commit> (a commit of the
sample workspace, so the commit links work on the local clone), as a CI job on the main branch would log them.
--long adds "ci-main-long", 5,000 steps of each curve (the compare view draws it from a sample first).
"""
import math
import random
import sys
import time

from mlflow.entities import Metric, Param, RunTag
from mlflow.tracking import MlflowClient


def curve(rng, steps, start, floor, rate, noise):
    """The sample workspace's curve shape (sampleWorkspace.ts, `curve`): an exponential decay with noise."""
    train, val, acc = [], [], []
    for s in range(steps):
        base = floor + (start - floor) * math.exp(-rate * s)
        n = (rng.random() - 0.5) * 2 * noise
        v = (base * 1.08 + 0.02 * (s / steps)) * (1 + n * 0.6)
        train.append(round(base * (1 + n), 6))
        val.append(round(v, 6))
        acc.append(round(min(0.995, max(0.05, 1 - 0.42 * v + (rng.random() - 0.5) * 0.01)), 6))
    return {"train_loss": train, "val_loss": val, "val_accuracy": acc}


def main():
    uri, commit = sys.argv[1], sys.argv[2]
    rng = random.Random(21)
    client = MlflowClient(tracking_uri=uri)
    exp = client.create_experiment("ci-main")
    plan = [
        ("ci-main-adam", {"lr": "0.001", "batch_size": "64", "optimizer": "adam", "epochs": "40"},
         dict(start=2.3, floor=0.2, rate=0.15, noise=0.03)),
        ("ci-main-adam-seed2", {"lr": "0.001", "batch_size": "64", "optimizer": "adam", "epochs": "40"},
         dict(start=2.3, floor=0.215, rate=0.14, noise=0.03)),
    ]
    if "--long" in sys.argv:
        plan.append(("ci-main-long", {"lr": "0.001", "batch_size": "64", "optimizer": "adam", "epochs": "5000"},
                     dict(start=2.3, floor=0.2, rate=0.0012, noise=0.03)))
    t0 = int(time.time() * 1000) - 3600_000
    for i, (name, params, shape) in enumerate(plan):
        tags = {"mlflow.source.git.commit": commit, "mlflow.source.git.branch": "main", "ci": "github-actions"}
        run = client.create_run(exp, run_name=name, start_time=t0 + i * 600_000,
                                tags=tags)
        rid = run.info.run_id
        client.log_batch(rid, params=[Param(k, v) for k, v in params.items()],
                         tags=[RunTag("mlflow.runName", name)])
        c = curve(rng, int(params["epochs"]), **shape)
        ms = [Metric(k, float(v), t0 + i * 600_000 + s * 15_000, s) for k, vs in c.items() for s, v in enumerate(vs)]
        for b in range(0, len(ms), 1000):  # the server takes at most 1,000 metrics per batch
            client.log_batch(rid, metrics=ms[b:b + 1000])
        client.set_terminated(rid, status="FINISHED", end_time=t0 + i * 600_000 + 40 * 15_000)


if __name__ == "__main__":
    main()
