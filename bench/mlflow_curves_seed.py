"""Seeds an MLflow tracking server's SQLite database with RUNS runs of one metric of STEPS steps, fast, for the
first-paint bench (bench/mlflowFirstPaint.ts).

usage: mlflow_curves_seed.py <db file> <artifact root> <runs> <steps>
Each run and its last point are logged through MLflow's own SQL store (so every table, column and the latest_metrics
row are as MLflow writes them); the other points are copies of that row made with SQL, each with its own step, value
and timestamp. Logging 200,000 points through the REST API would take longer than the bench may spend on set-up.
"""
import math
import sqlite3
import sys
import time

from mlflow.entities import Metric, RunTag
from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

db, artifacts, runs, steps = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
store = SqlAlchemyStore(f"sqlite:///{db}", artifacts)
exp = store.create_experiment("first-paint")
now = int(time.time() * 1000)


def value(r, s):
    return 1.0 / (1 + s * 0.001 * (1 + r / 10)) + 0.01 * math.sin(s / 50.0)


ids = []
for r in range(runs):
    run = store.create_run(exp, "bench", now + r, [RunTag("mlflow.source.git.commit", "0" * 40)], f"curve-{r:02d}")
    rid = run.info.run_id
    store.log_batch(rid, metrics=[Metric("loss", value(r, steps - 1), now + steps - 1, steps - 1)], params=[], tags=[])
    store.update_run_info(rid, 3, now + steps, f"curve-{r:02d}")  # FINISHED
    ids.append(rid)
store.engine.dispose()

con = sqlite3.connect(db)
cols = [c[1] for c in con.execute("PRAGMA table_info(metrics)")]
con.execute("BEGIN")
for r, rid in enumerate(ids):
    row = dict(zip(cols, con.execute(f"SELECT {', '.join(cols)} FROM metrics WHERE run_uuid = ?", [rid]).fetchone()))
    rows = []
    for s in range(steps - 1):
        row.update(step=s, value=value(r, s), timestamp=now + s)
        rows.append([row[c] for c in cols])
    con.executemany(f"INSERT INTO metrics ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})", rows)
con.commit()
con.close()
print(f"seeded {runs} runs x {steps} steps")
