"""Shared by the real-writer scripts: the expected.json they write for the Runlens test to check.

expected.json = {"tool": ..., "versions": {package: version}, "runs": [run, ...], "notes": [...]}
run = {"format", "path", "name", "experiment", "status", "deleted", "commit", "parent" (path or None),
       "params": {key: value}, "exactParams": bool, "tags": {key: value},
       "metrics": {key: {"steps": [...], "values": [...]}}, "exactMetrics": bool,
       "startTime"/"endTime": ms or None (checked when not None)}
Float values are written as the writer stored them (float32 for TensorBoard: the script rounds them itself).
"""
import json
import math
import os
import subprocess
from importlib import metadata


def version(*packages):
    return {p: metadata.version(p) for p in packages}


def git_repo(root):
    """Makes `root` a git repository with one commit of everything in it; returns the commit id."""
    env = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1",
               GIT_AUTHOR_NAME="Runlens Test", GIT_AUTHOR_EMAIL="test@example.com",
               GIT_COMMITTER_NAME="Runlens Test", GIT_COMMITTER_EMAIL="test@example.com")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "training code"]):
        subprocess.run(["git", *args], cwd=root, check=True, env=env, capture_output=True)
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, check=True, env=env,
                          capture_output=True, text=True).stdout.strip()


def code_workspace(path):
    """Creates the workspace with a training script committed in a git repository; returns (root, commit)."""
    root = os.path.abspath(path)
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "train.py"), "w") as f:
        f.write("# the training code of these runs\n")
    return root, git_repo(root)


def run(format, path, name, *, experiment=None, status="unknown", deleted=False, commit=None, parent=None,
        params=None, exact_params=True, tags=None, metrics=None, exact_metrics=True, start=None, end=None,
):
    r = {"format": format, "path": path, "name": name, "experiment": experiment, "status": status,
         "deleted": deleted, "commit": commit, "parent": parent, "params": params or {},
         "exactParams": exact_params, "tags": tags or {}, "metrics": metrics or {},
         "exactMetrics": exact_metrics, "startTime": start, "endTime": end}
    return r


def series(steps, values):
    return {"steps": list(steps), "values": [_json_float(v) for v in values]}


def _json_float(v):
    if isinstance(v, float) and not math.isfinite(v):
        return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    return v


def write_expected(root, tool, versions, runs, notes=()):
    with open(os.path.join(root, "expected.json"), "w") as f:
        json.dump({"tool": tool, "versions": versions, "runs": runs, "notes": list(notes)}, f, indent=1)
