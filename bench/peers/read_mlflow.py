"""MLflow's own way to every curve of a store: search_runs over the experiments, then get_metric_history for every
metric of every run. Prints {"ms", "cpuMs", "runs", "points", "searchMs"} as JSON (import time excluded, store open included).

usage: python read_mlflow.py <tracking uri>
"""
import json
import os
import sys
import time

os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import ViewType  # noqa: E402


def main():
    t0, c0 = time.perf_counter(), time.process_time()
    client = MlflowClient(tracking_uri=sys.argv[1])
    exp_ids = [e.experiment_id for e in client.search_experiments(view_type=ViewType.ALL)]
    runs, token = [], None
    while True:
        page = client.search_runs(exp_ids, run_view_type=ViewType.ALL, max_results=50000, page_token=token)
        runs.extend(page)
        token = page.token
        if not token:
            break
    search_ms = (time.perf_counter() - t0) * 1000
    points = 0
    for r in runs:
        for key in r.data.metrics:
            points += len(client.get_metric_history(r.info.run_id, key))
    print(json.dumps({"ms": (time.perf_counter() - t0) * 1000, "cpuMs": (time.process_time() - c0) * 1000, "searchMs": search_ms, "runs": len(runs), "points": points}))


if __name__ == "__main__":
    main()
