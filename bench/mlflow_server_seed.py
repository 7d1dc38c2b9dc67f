"""Seeds an MLflow tracking server's SQLite database with N runs, fast, for the server bench.

usage: mlflow_server_seed.py <db file> <artifact root> <n>
One run is logged through MLflow's own SQL store (so every table and column is as MLflow writes them); the others are
copies of its rows made with SQL, each with its own run id, name, start time, lr param and metric values. Logging
10,000 runs through the REST API would take longer than the bench may spend on set-up.
"""
import sqlite3
import sys
import time
import uuid

from mlflow.entities import Metric, Param, RunTag
from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

db, artifacts, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = SqlAlchemyStore(f"sqlite:///{db}", artifacts)
exp = store.create_experiment("bench")
now = int(time.time() * 1000)
run = store.create_run(exp, "bench", now, [RunTag("mlflow.source.git.commit", "0" * 40)], "template")
rid = run.info.run_id
store.log_batch(rid, metrics=[Metric("loss", 0.5, now, 10), Metric("acc", 0.9, now, 10)],
                params=[Param("lr", "0.001"), Param("batch_size", "32"), Param("optimizer", "adam")], tags=[])
store.update_run_info(rid, 3, now + 1000, "template")  # FINISHED
store.engine.dispose()

con = sqlite3.connect(db)
cols = {t: [r[1] for r in con.execute(f"PRAGMA table_info({t})")] for t in ("runs", "params", "latest_metrics", "metrics", "tags")}
con.execute("BEGIN")
for i in range(1, n):
    new = uuid.uuid4().hex
    for t, c in cols.items():
        key = "run_uuid"
        sel = ", ".join(
            "?" if x == key
            else ("? " if (t == "runs" and x == "name") else
                  ("start_time + ?" if (t == "runs" and x == "start_time") else
                   ("value * ?" if (t in ("latest_metrics", "metrics") and x == "value") else x)))
            for x in c)
        args = []
        for x in c:
            if x == key:
                args.append(new)
            elif t == "runs" and x == "name":
                args.append(f"run-{i:05d}")
            elif t == "runs" and x == "start_time":
                args.append(i)
            elif t in ("latest_metrics", "metrics") and x == "value":
                args.append(1 + i / n)
        con.execute(f"INSERT INTO {t} ({', '.join(c)}) SELECT {sel} FROM {t} WHERE {key} = ?", [*args, rid])
con.execute("UPDATE tags SET value = (SELECT name FROM runs WHERE runs.run_uuid = tags.run_uuid) WHERE key = 'mlflow.runName'")
con.commit()
print(n)
