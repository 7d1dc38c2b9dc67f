"""Writes an MLflow store (file: or sqlite: URI) of <runs> finished runs, each with two params and the metrics loss
and acc at <steps> steps, through MlflowClient (one log_batch per run, as a training loop's final flush would).

usage: python gen_mlflow.py <tracking uri> <runs> <steps>
"""
import os
import sys
import time

os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import Metric, Param  # noqa: E402


def main():
    uri, runs, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    client = MlflowClient(tracking_uri=uri)
    exp = client.create_experiment("peers")
    t0 = int(time.time() * 1000)
    for i in range(runs):
        r = client.create_run(exp, run_name=f"run_{i:04d}")
        metrics = [Metric("loss", 1.0 / (1 + s + i % 7), t0 + s, s) for s in range(steps)]
        metrics += [Metric("acc", s / steps, t0 + s, s) for s in range(steps)]
        params = [Param("lr", str(0.001 * (1 + i % 10))), Param("seed", str(i))]
        for k in range(0, len(metrics), 1000):
            client.log_batch(r.info.run_id, metrics=metrics[k:k + 1000], params=params if k == 0 else [])
        client.set_terminated(r.info.run_id)


if __name__ == "__main__":
    main()
