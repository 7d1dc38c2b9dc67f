"""Runs a Hydra app: single runs and a multirun, with Hydra's default job logging (each job folder gets
`<job name>.log`) and one single run with job logging disabled (no .log file).

usage: python hydra_runs.py <workspace>
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import run, version, write_expected  # noqa: E402

APP = '''import hydra


@hydra.main(version_base=None, config_path="conf", config_name="config")
def main(cfg):
    print("training with lr", cfg.optim.lr)


if __name__ == "__main__":
    main()
'''
CONFIG = '''optim:
  name: sgd
  lr: 0.1
  momentum: 0.9
batch_size: 32
layers: [64, 32]
use_amp: false
'''


def main():
    root = os.path.abspath(sys.argv[1])
    os.makedirs(os.path.join(root, "conf"), exist_ok=True)
    with open(os.path.join(root, "train.py"), "w") as f:
        f.write(APP)
    with open(os.path.join(root, "conf", "config.yaml"), "w") as f:
        f.write(CONFIG)

    def hydra(*args):
        subprocess.run([sys.executable, "train.py", *args], cwd=root, check=True, capture_output=True)

    base = {"optim.name": "sgd", "optim.lr": 0.1, "optim.momentum": 0.9, "batch_size": 32, "layers": "[64,32]",
            "use_amp": False}
    runs = []
    hydra("hydra.run.dir=outputs/default")
    assert os.path.exists(os.path.join(root, "outputs/default/train.log"))
    runs.append(run("hydra", "outputs/default", None, params=base))
    hydra("hydra.run.dir=outputs/no_log", "hydra/job_logging=disabled", "batch_size=16")
    assert not [f for f in os.listdir(os.path.join(root, "outputs/no_log")) if f.endswith(".log")]
    runs.append(run("hydra", "outputs/no_log", None, params=dict(base, batch_size=16)))
    hydra("-m", "hydra.sweep.dir=multirun/sweep", "optim.lr=0.1,0.01", "optim.name=sgd,adam")
    # Hydra numbers the jobs in the order of the sweep's cartesian product (the last override varies fastest).
    for n, (lr, name) in enumerate([(0.1, "sgd"), (0.1, "adam"), (0.01, "sgd"), (0.01, "adam")]):
        assert os.path.exists(os.path.join(root, f"multirun/sweep/{n}/train.log"))
        runs.append(run("hydra", f"multirun/sweep/{n}", None, params=dict(base, **{"optim.lr": lr, "optim.name": name})))
    write_expected(root, "hydra", version("hydra-core"), runs)


if __name__ == "__main__":
    main()
