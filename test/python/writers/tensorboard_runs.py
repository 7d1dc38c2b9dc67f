"""Logs TensorBoard event files with known values: tensorboardX's SummaryWriter (scalars as simple_value, hparams
with add_hparams) and TensorBoard's own TF-free writer (tensorboard.summary.Writer: scalars as 0-d tensors; hparams
from tensorboard.plugins.hparams.summary_v2, written as Keras's hp.KerasCallback would).

usage: python tensorboard_runs.py <workspace>
TensorBoard stores scalars as float32: the expected values are rounded the same way here.
"""
import os
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import run, series, version, write_expected  # noqa: E402


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def main():
    root = os.path.abspath(sys.argv[1])
    logs = os.path.join(root, "logs")
    runs = []

    from tensorboardX import SummaryWriter

    loss = [(0, 1.0), (1, 0.7), (2, 0.45), (3, 0.3), (4, 0.2)]
    grad = [(0, 3.5), (1, float("nan")), (2, 1.25)]
    with SummaryWriter(os.path.join(logs, "tbx_plain")) as w:
        for s, v in loss:
            w.add_scalar("train/loss", v, s)
        for s, v in grad:
            w.add_scalar("grad_norm", v, s)
    runs.append(run("tensorboard", "logs/tbx_plain", "logs/tbx_plain", metrics={
        "train/loss": series([s for s, _ in loss], [f32(v) for _, v in loss]),
        "grad_norm": series([s for s, _ in grad], [f32(v) for _, v in grad])}))

    acc = [(10, 0.5), (20, 0.625), (30, 0.8125)]
    hp = {"lr": 0.1, "batch_size": 64, "optimizer": "sgd", "batch_norm": True}
    with SummaryWriter(os.path.join(logs, "tbx_hparams")) as w:
        for s, v in acc:
            w.add_scalar("val/acc", v, s)
        # add_hparams writes the HParams plugin data and the metric values into a sub-run named `name`.
        w.add_hparams(hp, {"hparam/best_acc": 0.8125}, name="hp")
    runs.append(run("tensorboard", "logs/tbx_hparams", "logs/tbx_hparams", metrics={
        "val/acc": series([s for s, _ in acc], [f32(v) for _, v in acc])}))
    runs.append(run("tensorboard", "logs/tbx_hparams/hp", "logs/tbx_hparams/hp", params=hp, metrics={
        "hparam/best_acc": series([0], [f32(0.8125)])}))

    from tensorboard.compat.proto import event_pb2
    from tensorboard.plugins.hparams import summary_v2 as hparams_v2
    from tensorboard.summary import DirectoryOutput, Writer

    out = DirectoryOutput(os.path.join(logs, "tb_writer"))
    w = Writer(out)
    hp2 = {"learning_rate": 0.003, "layers": 4, "activation": "gelu"}
    start = time.time()
    out._ev_writer.add_event(event_pb2.Event(wall_time=start, summary=hparams_v2.hparams_pb(hp2, trial_id="trial-1", start_time_secs=start)))
    mse = [(0, 2.0), (5, 1.5), (10, 0.875), (15, 0.5)]
    for s, v in mse:
        w.add_scalar("mse", v, s)
    w.close()
    runs.append(run("tensorboard", "logs/tb_writer", "logs/tb_writer", params=hp2, metrics={
        "mse": series([s for s, _ in mse], [f32(v) for _, v in mse])}))

    write_expected(root, "tensorboard", version("tensorboardX", "tensorboard"), runs)


if __name__ == "__main__":
    main()
