"""Runs `guild run` on a tiny script (GUILD_HOME inside the workspace): Guild records flags, status, times and
the scalars it reads from the script's output ("key: value" lines) into the run's own event files.

usage: python guild_runs.py <workspace>
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import run, series, version, write_expected  # noqa: E402

SCRIPT = '''import sys
lr = 0.1
epochs = 3
for step in range(epochs):
    print("step: %d" % step)
    print("loss: %s" % [1.0, 0.5, 0.25][step])
if lr > 1:
    sys.exit(3)
'''


def main():
    root = os.path.abspath(sys.argv[1])
    project = os.path.join(root, "project")
    os.makedirs(project, exist_ok=True)
    with open(os.path.join(project, "train.py"), "w") as f:
        f.write(SCRIPT)
    os.makedirs(os.path.join(root, ".guild"), exist_ok=True)
    env = dict(os.environ, GUILD_HOME=os.path.join(root, ".guild"), NO_IMPORT_FLAGS_PROMPT="1")
    guild = [sys.executable, "-m", "guild.main_bootstrap"]
    subprocess.run([*guild, "run", "-y", "train.py", "lr=0.05", "--label", "good"], cwd=project, env=env, check=True,
                   capture_output=True)
    bad = subprocess.run([*guild, "run", "-y", "train.py", "lr=2.0", "--label", "bad"], cwd=project, env=env,
                         capture_output=True)
    assert bad.returncode != 0
    listed = subprocess.run([*guild, "runs", "list", "--json"], cwd=project, env=env, check=True, capture_output=True,
                            text=True).stdout
    runs = []
    for r in json.loads(listed):
        flags = {"lr": 0.05, "epochs": 3} if r.get("label", "").startswith("good") else {"lr": 2.0, "epochs": 3}
        status = "finished" if r["status"] == "completed" else "failed"
        runs.append(run("guild", f".guild/runs/{r['id']}", None, status=status, params=flags,
                        metrics={"loss": series([0, 1, 2], [1.0, 0.5, 0.25])}))
    write_expected(root, "guild", version("guildai"), runs)


if __name__ == "__main__":
    main()
