"""Logs runs to a running MLflow tracking server with the real MLflow client, and writes what it logged.

usage: mlflow_server_runs.py <tracking uri> <expected.json> [--more]
  without --more: two experiments, three finished runs (one nested), one left RUNNING, one curve longer than a page
  with --more:    one new run, and the RUNNING run gets more points and ends (the incremental refresh's case)
Credentials come from MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD when the server has basic auth.
expected.json = {"runs": [{"id" (MLflow's run id), "name", "experiment", "status", "params", "tags" (the ones set),
                 "commit", "parent" (MLflow run id or None), "metrics": {key: {"steps", "values"}}}]}
"""
import json
import sys
import time

import mlflow
from mlflow.entities import Metric, Param, RunTag
from mlflow.tracking import MlflowClient

COMMIT = "3f2a1c0d9e8b7a6f5e4d3c2b1a0f9e8d7c6b5a49"


def log_curve(client, run_id, key, values, step0=0):
    now = int(time.time() * 1000)
    metrics = [Metric(key, float(v), now + i, step0 + i) for i, v in enumerate(values)]
    for i in range(0, len(metrics), 1000):
        client.log_batch(run_id, metrics=metrics[i:i + 1000])


def main():
    uri, out = sys.argv[1], sys.argv[2]
    more = "--more" in sys.argv
    client = MlflowClient(tracking_uri=uri)
    expected = json.load(open(out)) if more else {"runs": []}
    if not more:
        base = client.create_experiment("team-baselines")
        sweep = client.create_experiment("sweep")
        plan = [
            (base, "baseline-main", {"lr": "0.001", "batch_size": "32", "optimizer": "adam"}, "FINISHED", None),
            (base, "baseline-long", {"lr": "0.0005", "batch_size": "64", "optimizer": "adam"}, "FINISHED", None),
            (sweep, "sweep-parent", {"grid": "lr"}, "FINISHED", None),
            (sweep, "sweep-child", {"lr": "0.01"}, "FINISHED", "sweep-parent"),
            (base, "still-training", {"lr": "0.002"}, "RUNNING", None),
        ]
    else:
        base = client.get_experiment_by_name("team-baselines").experiment_id
        plan = [(base, "late-arrival", {"lr": "0.003"}, "FINISHED", None)]
    names = {r["name"]: r["id"] for r in expected["runs"]}
    for exp_id, name, params, status, parent in plan:
        tags = {"mlflow.source.git.commit": COMMIT, "team": "vision"}
        if parent:
            tags["mlflow.parentRunId"] = names[parent]
        run = client.create_run(exp_id, run_name=name, tags=tags)
        rid = run.info.run_id
        names[name] = rid
        client.log_batch(rid, params=[Param(k, v) for k, v in params.items()])
        n = 2600 if name == "baseline-long" else 20
        loss = [1.0 / (1 + i * 0.1) for i in range(n)]
        acc = [0.5 + 0.4 * i / n for i in range(n)]
        log_curve(client, rid, "loss", loss)
        log_curve(client, rid, "accuracy", acc)
        if status != "RUNNING":
            client.set_terminated(rid, status=status)
        expected["runs"].append({
            "id": rid, "name": name, "experiment": client.get_experiment(exp_id).name, "status": status.lower(),
            "params": params, "tags": tags, "commit": COMMIT, "parent": tags.get("mlflow.parentRunId"),
            "metrics": {"loss": {"steps": list(range(n)), "values": loss},
                        "accuracy": {"steps": list(range(n)), "values": acc}},
        })
    if more:
        # The run left RUNNING logs ten more points and finishes.
        r = next(r for r in expected["runs"] if r["name"] == "still-training")
        extra = [0.2 - i * 0.01 for i in range(10)]
        log_curve(client, r["id"], "loss", extra, step0=len(r["metrics"]["loss"]["steps"]))
        r["metrics"]["loss"]["steps"] += list(range(20, 30))
        r["metrics"]["loss"]["values"] += extra
        client.set_terminated(r["id"], status="FINISHED")
        r["status"] = "finished"
    with open(out, "w") as f:
        json.dump(expected, f)


if __name__ == "__main__":
    main()
