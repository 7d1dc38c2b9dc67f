"""TensorBoard's Python loading: one EventAccumulator per run folder (what its EventMultiplexer does for each
run, without the size guidance's sampling: every scalar kept), Reload(), then Scalars() for every tag.
Prints {"ms", "cpuMs", "runs", "points"} as JSON (import time excluded).

usage: python read_tensorboard.py <logdir>
"""
import json
import os
import sys
import time

from tensorboard.backend.event_processing import event_accumulator as ea  # noqa: E402


def main():
    logdir = sys.argv[1]
    t0, c0 = time.perf_counter(), time.process_time()
    runs = points = 0
    for dirpath, _dirs, files in sorted(os.walk(logdir)):
        if not any("tfevents" in f for f in files):
            continue
        acc = ea.EventAccumulator(dirpath, size_guidance={ea.SCALARS: 0})
        acc.Reload()
        runs += 1
        for tag in acc.Tags()[ea.SCALARS]:
            points += len(acc.Scalars(tag))
    print(json.dumps({"ms": (time.perf_counter() - t0) * 1000, "cpuMs": (time.process_time() - c0) * 1000, "runs": runs, "points": points}))


if __name__ == "__main__":
    main()
