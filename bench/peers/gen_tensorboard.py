"""Writes a TensorBoard logdir of <runs> runs with tensorboardX, each with the scalars loss and acc at <steps> steps.

usage: python gen_tensorboard.py <logdir> <runs> <steps>
"""
import os
import sys

from tensorboardX import SummaryWriter


def main():
    logdir, runs, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    for i in range(runs):
        with SummaryWriter(os.path.join(logdir, f"run_{i:04d}"), flush_secs=3600) as w:
            for s in range(steps):
                w.add_scalar("loss", 1.0 / (1 + s + i % 7), s)
                w.add_scalar("acc", s / steps, s)


if __name__ == "__main__":
    main()
