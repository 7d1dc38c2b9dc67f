"""Logs MLflow runs with known values into a file store (mlruns/) or an SQLite store (mlflow.db).

usage: python mlflow_runs.py <workspace> file|sqlite
The workspace becomes a git repository holding a copy of this script, which is run from there, so MLflow records
the commit the way it does for a user's training script (mlflow.source.git.commit from the entry point's repo).
"""
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    root, store = os.path.abspath(sys.argv[1]), sys.argv[2]
    os.makedirs(root, exist_ok=True)
    shutil.copy(os.path.join(HERE, "common.py"), root)
    shutil.copy(os.path.abspath(__file__), os.path.join(root, "train.py"))
    sys.path.insert(0, root)
    from common import git_repo
    commit = git_repo(root)
    env = dict(os.environ, RUNLENS_COMMIT=commit, RUNLENS_STORE=store, MLFLOW_TRACKING_URI="")
    # MLflow 3 (since 3.7 or so) refuses the file store unless told to: users who keep mlruns/ set this too.
    env["MLFLOW_ALLOW_FILE_STORE"] = "true"
    subprocess.run([sys.executable, "train.py", "--log"], cwd=root, check=True, env=env)


# Values the runs log: step -> value, chosen to be exact in binary (no rounding questions) except where noted.
LOSS = [(0, 1.0), (1, 0.5), (2, 0.25), (3, 0.125), (4, 0.0625)]
ACC = [(0, 0.5), (2, 0.75), (4, 0.875)]


def log():
    import mlflow
    from mlflow import MlflowClient
    from mlflow.tracking.context import registry as context_registry
    from common import run, series, version, write_expected

    root = os.getcwd()
    store = os.environ["RUNLENS_STORE"]
    commit = os.environ["RUNLENS_COMMIT"]
    uri = "file:" + os.path.join(root, "mlruns") if store == "file" else "sqlite:///" + os.path.join(root, "mlflow.db")
    mlflow.set_tracking_uri(uri)
    client = MlflowClient()
    exp_id = mlflow.create_experiment("real-writers")
    mlflow.set_experiment(experiment_id=exp_id)
    runs = []

    def path_of(run_id):
        return f"mlruns/{exp_id}/{run_id}" if store == "file" else f"mlflow.db#{run_id}"

    def expect(run_id, name, status, params, metrics, parent=None, deleted=False, tags=None):
        info = client.get_run(run_id).info
        runs.append(run("mlflow", path_of(run_id), name, experiment="real-writers", status=status, deleted=deleted,
                        commit=commit, parent=path_of(parent) if parent else None, params=params, tags=tags,
                        metrics={k: series([s for s, _ in v], [x for _, x in v]) for k, v in metrics.items()},
                        start=info.start_time, end=info.end_time))

    with mlflow.start_run(run_name="parent") as parent:
        mlflow.log_params({"lr": 0.01, "batch_size": 32, "optimizer": "adam"})
        mlflow.set_tags({"team": "vision", "stage": "sweep"})
        for s, v in LOSS:
            mlflow.log_metric("loss", v, step=s)
        for s, v in ACC:
            mlflow.log_metric("val/acc", v, step=s)
        children = []
        for i, dropout in enumerate([0.1, 0.3]):
            with mlflow.start_run(run_name=f"child-{i}", nested=True) as child:
                mlflow.log_param("dropout", dropout)
                pts = [(s, 2.0 - s * dropout) for s in range(3)]
                for s, v in pts:
                    mlflow.log_metric("loss", v, step=s)
                children.append((child.info.run_id, f"child-{i}", {"dropout": str(dropout)}, {"loss": pts}))
    expect(parent.info.run_id, "parent", "finished", {"lr": "0.01", "batch_size": "32", "optimizer": "adam"},
           {"loss": LOSS, "val/acc": ACC}, tags={"team": "vision", "stage": "sweep"})
    for rid, name, params, metrics in children:
        expect(rid, name, "finished", params, metrics, parent=parent.info.run_id)

    with mlflow.start_run(run_name="crashed") as r:
        mlflow.log_param("lr", 10)
        mlflow.log_metric("loss", 1.5, step=0)
        mlflow.log_metric("loss", -7.25, step=1)
        mlflow.end_run(status="FAILED")
    expect(r.info.run_id, "crashed", "failed", {"lr": "10"}, {"loss": [(0, 1.5), (1, -7.25)]})

    with mlflow.start_run(run_name="stopped") as r:
        mlflow.log_metric("loss", 3.0, step=0)
        mlflow.end_run(status="KILLED")
    expect(r.info.run_id, "stopped", "killed", {}, {"loss": [(0, 3.0)]})

    with mlflow.start_run(run_name="thrown-away") as r:
        mlflow.log_param("seed", 7)
        mlflow.log_metric("loss", 0.75, step=10)
    client.delete_run(r.info.run_id)
    expect(r.info.run_id, "thrown-away", "finished", {"seed": "7"}, {"loss": [(10, 0.75)]}, deleted=True)

    # A run still being written: created through the client (the fluent API would end it at exit), with the tags
    # start_run would have given it (source, git commit), and never terminated.
    tags = context_registry.resolve_tags({"mlflow.runName": "in-progress"})
    live = client.create_run(exp_id, tags=tags, run_name="in-progress")
    client.log_param(live.info.run_id, "epochs", 100)
    for s in range(3):
        client.log_metric(live.info.run_id, "loss", 1.0 / (s + 1) if s != 2 else 0.375, step=s)
    expect(live.info.run_id, "in-progress", "running", {"epochs": "100"},
           {"loss": [(0, 1.0), (1, 0.5), (2, 0.375)]})

    write_expected(root, f"mlflow ({store} store)", version("mlflow-skinny"), runs)


if __name__ == "__main__":
    log() if "--log" in sys.argv else main()
