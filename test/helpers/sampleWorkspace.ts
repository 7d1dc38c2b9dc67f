import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dvcliveMetricsJson, dvcliveTsv, yamlFile, type TsvPoint } from './writers/dvc';
import { pyFloat as hfFloat, trainerState, writeTrainerOutput, type LogEntry } from './writers/hf';
import { writeMlflowStore, type MetricPoint, type RunSpec } from './writers/mlflowFiles';
import { lightningMetricsCsv, prng, type PyValue } from './writers/tabular';
import {
  eventFileName,
  fileVersionEvent,
  hparamsEvents,
  scalarEvent,
  writeEventFile,
  type EventSpec,
} from './writers/tfevents';
import { items, logOf, rec, writeWandbRun, type Item } from './writers/wandb';

/**
 * The sample workspace of the demo, the screenshots and the integration tests: a small git repository (a tiny
 * train.py and configs over five commits) with runs in six formats, written by the test writers in the tools'
 * exact on-disk formats. Runs that can record a commit (MLflow, W&B) record one of the repository's commits; the
 * others get realistic file times so the git fallbacks have something to bracket. Deterministic apart from the
 * absolute paths MLflow records, and fast (no process but git).
 */
export async function makeSampleWorkspace(dir: string): Promise<SampleWorkspace> {
  fs.mkdirSync(dir, { recursive: true });
  const repo = new Repo(dir);
  repo.init();
  const rand = prng(20240506);
  const commits = writeHistory(repo);
  const runs = [
    ...writeMlflow(dir, commits, rand),
    ...writeLightning(dir, rand),
    ...writeHf(dir, rand),
    ...writeTensorboard(dir, rand),
    ...writeWandb(dir, commits, rand),
  ];
  const dvc = writeDvc(repo, rand);
  commits.results = dvc.commit!;
  runs.push(dvc);
  return { dir, commits, runs };
}

/** What was written, for tests that assert on it. */
export interface SampleWorkspace {
  dir: string;
  /** Commit SHAs by the names used below (init, adam, dvc, batch, results). */
  commits: Record<CommitName, string>;
  runs: SampleRun[];
}

export interface SampleRun {
  format: 'mlflow' | 'lightning' | 'hf-trainer' | 'tensorboard' | 'wandb' | 'dvc';
  /** Run root relative to the workspace, '/' separators. */
  path: string;
  name: string;
  /** The commit the run's files record, if the format records one. */
  commit?: string;
}

type CommitName = 'init' | 'adam' | 'dvc' | 'batch' | 'results';

// 2024-05-06 09:00 UTC, a Monday; everything below is relative to it.
const T0 = Date.UTC(2024, 4, 6, 9, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// ------------------------------------------------------------------------------------------------ git repository

class Repo {
  constructor(readonly dir: string) {}

  /** git with the user's global and system config ignored, so hooks, templates or signing never interfere. */
  git(args: string[], when?: number): string {
    const date = when === undefined ? undefined : `${Math.floor(when / 1000)} +0000`;
    return execFileSync('git', args, {
      cwd: this.dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_CONFIG_NOSYSTEM: '1',
        ...(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {}),
      },
    }).trim();
  }

  init(): void {
    this.git(['init', '-q', '-b', 'main']);
    this.git(['config', 'user.name', 'Ada Researcher']);
    this.git(['config', 'user.email', 'ada@example.com']);
    this.git(['config', 'commit.gpgsign', 'false']);
  }

  commit(message: string, files: Record<string, string>, when: number): string {
    for (const [rel, content] of Object.entries(files)) write(this.dir, rel, content);
    this.git(['add', '--', ...Object.keys(files)]);
    this.git(['commit', '-q', '-m', message], when);
    return this.git(['rev-parse', 'HEAD']);
  }
}

function write(root: string, rel: string, content: string | Uint8Array, mtime?: number): string {
  const abs = path.join(root, ...rel.split('/'));
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, content);
  if (mtime !== undefined) fs.utimesSync(abs, new Date(mtime), new Date(mtime));
  return abs;
}

/** Sets the mtime of every file under `rel` (untracked run output keeps the time it was written). */
function stamp(root: string, rel: string, mtime: number): void {
  const abs = path.join(root, rel);
  const walk = (p: string): void => {
    if (fs.statSync(p).isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
    fs.utimesSync(p, new Date(mtime), new Date(mtime));
  };
  walk(abs);
}

function trainPy(optimizer: string, schedule: string, extra = ''): string {
  return `"""Train a small MLP on the digits data set."""
import argparse

import yaml

from model import MLP, make_optimizer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default="configs/baseline.yaml")
    args = parser.parse_args()
    cfg = yaml.safe_load(open(args.config))
    model = MLP(hidden_dim=cfg["model"]["hidden_dim"], dropout=cfg["model"]["dropout"])
    opt = make_optimizer(model, name=cfg["train"].get("optimizer", "${optimizer}"), lr=cfg["train"]["lr"])
    schedule = "${schedule}"
${extra}    for epoch in range(cfg["train"]["epochs"]):
        model.fit_epoch(opt, batch_size=cfg["train"]["batch_size"], schedule=schedule)


if __name__ == "__main__":
    main()
`;
}

function configYaml(train: Record<string, unknown>, model: Record<string, unknown>): string {
  return yamlFile({ train, model });
}

function writeHistory(repo: Repo): Record<CommitName, string> {
  const init = repo.commit(
    'Initial training script and baseline config',
    {
      'README.md':
        '# digits-mlp\n\nA tiny MLP on the digits data set, tracked with MLflow, Lightning, DVC, W&B and TensorBoard.\n',
      '.gitignore': 'mlruns/\nlightning_logs/\noutputs/\nruns/\nwandb/\n__pycache__/\n',
      'requirements.txt':
        'torch==2.3.0\nlightning==2.2.4\nmlflow==2.12.2\ntransformers==4.40.2\ndvclive==3.45.0\nwandb==0.17.0\n',
      'model.py':
        'import torch\n\n\nclass MLP(torch.nn.Module):\n    def __init__(self, hidden_dim: int, dropout: float) -> None:\n        super().__init__()\n        self.net = torch.nn.Sequential(torch.nn.Linear(64, hidden_dim), torch.nn.ReLU(), torch.nn.Dropout(dropout), torch.nn.Linear(hidden_dim, 10))\n',
      'train.py': trainPy('sgd', 'step'),
      'configs/baseline.yaml': configYaml(
        { lr: 0.1, batch_size: 64, optimizer: 'sgd', epochs: 30 },
        { hidden_dim: 128, dropout: 0.1 },
      ),
    },
    T0,
  );
  const adam = repo.commit(
    'Switch to Adam with a cosine schedule',
    {
      'train.py': trainPy('adam', 'cosine'),
      'configs/baseline.yaml': configYaml(
        { lr: 0.001, batch_size: 64, optimizer: 'adam', epochs: 40 },
        { hidden_dim: 128, dropout: 0.1 },
      ),
    },
    T0 + DAY,
  );
  const dvc = repo.commit(
    'Add a DVC pipeline with DVCLive logging',
    {
      'train.py': trainPy('adam', 'cosine', '    from dvclive import Live\n    live = Live()\n'),
      'dvc.yaml': yamlFile({
        stages: {
          train: {
            cmd: 'python train.py --config params.yaml',
            deps: ['train.py', 'model.py'],
            params: ['train', 'model'],
            outs: [{ 'models/model.pt': { cache: true } }],
          },
        },
        metrics: ['dvclive/metrics.json'],
        plots: [{ 'dvclive/plots/metrics': { x: 'step' } }],
      }),
      'params.yaml': configYaml(
        { lr: 0.001, batch_size: 64, optimizer: 'adam', epochs: 40 },
        { hidden_dim: 128, dropout: 0.1 },
      ),
      '.dvc/config': '[core]\n    autostage = true\n',
      '.dvc/.gitignore': '/config.local\n/tmp\n/cache\n',
      '.dvcignore':
        '# Add patterns of files dvc should ignore, which could improve\n# the performance. Learn more at\n# https://dvc.org/doc/user-guide/dvcignore\n',
    },
    T0 + 2 * DAY,
  );
  const batch = repo.commit(
    'Larger batches and AdamW',
    {
      'configs/baseline.yaml': configYaml(
        { lr: 0.0005, batch_size: 128, optimizer: 'adamw', epochs: 50 },
        { hidden_dim: 256, dropout: 0.2 },
      ),
      'params.yaml': configYaml(
        { lr: 0.0005, batch_size: 128, optimizer: 'adamw', epochs: 40 },
        { hidden_dim: 256, dropout: 0.2 },
      ),
    },
    T0 + 3 * DAY,
  );
  return { init, adam, dvc, batch, results: '' };
}

// ------------------------------------------------------------------------------------------------ curves

interface Curve {
  trainLoss: number[];
  valLoss: number[];
  valAcc: number[];
}

/** Loss decaying towards a floor with noise; accuracy mirrors validation loss. `divergeAt` ends in a blow-up. */
function curve(
  rand: () => number,
  steps: number,
  o: { start: number; floor: number; rate: number; noise: number; divergeAt?: number },
): Curve {
  const c: Curve = { trainLoss: [], valLoss: [], valAcc: [] };
  for (let s = 0; s < steps; s++) {
    const base = o.floor + (o.start - o.floor) * Math.exp(-o.rate * s);
    const blow = o.divergeAt !== undefined && s >= o.divergeAt ? Math.exp((s - o.divergeAt + 1) * 1.1) : 1;
    const n = (rand() - 0.5) * 2 * o.noise;
    const train = base * (1 + n) * blow;
    const val = (base * 1.08 + 0.02 * (s / steps)) * (1 + n * 0.6) * blow;
    c.trainLoss.push(round(train));
    c.valLoss.push(round(val));
    c.valAcc.push(round(Math.min(0.995, Math.max(0.05, 1 - 0.42 * val + (rand() - 0.5) * 0.01))));
  }
  return c;
}

function round(x: number, digits = 6): number {
  return Number(x.toPrecision(digits));
}

// ------------------------------------------------------------------------------------------------ MLflow

function runId(rand: () => number): string {
  let s = '';
  for (let i = 0; i < 32; i++) s += Math.floor(rand() * 16).toString(16);
  return s;
}

function writeMlflow(dir: string, commits: Record<CommitName, string>, rand: () => number): SampleRun[] {
  const expId = '427419862387013142';
  const specs: Array<{
    name: string;
    commit: string;
    start: number;
    params: Record<string, string>;
    curve: Curve;
    status?: number;
    parent?: string;
  }> = [];
  const add = (
    name: string,
    commit: string,
    start: number,
    lr: number,
    batch: number,
    optimizer: string,
    epochs: number,
    c: Curve,
    status?: number,
  ): void => {
    specs.push({
      name,
      commit,
      start,
      params: { lr: String(lr), batch_size: String(batch), optimizer, epochs: String(epochs) },
      curve: c,
      status,
    });
  };
  add(
    'sgd-baseline',
    commits.init,
    T0 + 1 * HOUR,
    0.1,
    64,
    'sgd',
    30,
    curve(rand, 30, { start: 2.3, floor: 0.42, rate: 0.12, noise: 0.05 }),
  );
  add(
    'adam-lr1e-3',
    commits.adam,
    T0 + DAY + HOUR,
    0.001,
    64,
    'adam',
    40,
    curve(rand, 40, { start: 2.3, floor: 0.21, rate: 0.16, noise: 0.04 }),
  );
  add(
    'adam-lr3e-4',
    commits.adam,
    T0 + DAY + 3 * HOUR,
    0.0003,
    64,
    'adam',
    40,
    curve(rand, 40, { start: 2.3, floor: 0.26, rate: 0.09, noise: 0.04 }),
  );
  add(
    'adamw-lr5e-3',
    commits.batch,
    T0 + 3 * DAY + HOUR,
    0.005,
    128,
    'adamw',
    50,
    curve(rand, 18, { start: 2.3, floor: 0.5, rate: 0.2, noise: 0.06, divergeAt: 12 }),
    4,
  );
  add(
    'hp-sweep',
    commits.batch,
    T0 + 3 * DAY + 2 * HOUR,
    0.0005,
    128,
    'adamw',
    50,
    curve(rand, 50, { start: 2.3, floor: 0.16, rate: 0.13, noise: 0.03 }),
  );
  add(
    'hp-sweep-trial-1',
    commits.batch,
    T0 + 3 * DAY + 2 * HOUR + 60_000,
    0.0005,
    128,
    'adamw',
    50,
    curve(rand, 50, { start: 2.3, floor: 0.17, rate: 0.12, noise: 0.04 }),
  );

  const ids = specs.map(() => runId(rand));
  const runs: RunSpec[] = specs.map((s, i) => {
    const stepMs = 20_000;
    const n = s.curve.trainLoss.length;
    const points = (ys: number[]): MetricPoint[] =>
      ys.map((y, step) => [s.start + 5_000 + step * stepMs + Math.floor(rand() * 900), y, step]);
    const trainLoss = points(s.curve.trainLoss);
    if (s.status === 4) trainLoss.push([s.start + 5_000 + n * stepMs, Number.NaN, n]); // the step that diverged
    const tags: Record<string, string> = {
      'mlflow.user': 'ada',
      'mlflow.source.name': 'train.py',
      'mlflow.source.type': 'LOCAL',
      'mlflow.source.git.commit': s.commit,
    };
    if (s.name === 'hp-sweep-trial-1') tags['mlflow.parentRunId'] = ids[specs.findIndex((p) => p.name === 'hp-sweep')]!;
    return {
      id: ids[i]!,
      runName: s.name,
      status: s.status ?? 3,
      startTime: s.start,
      endTime: s.start + 5_000 + (n + 1) * stepMs,
      params: s.params,
      tags,
      metrics: { train_loss: trainLoss, val_loss: points(s.curve.valLoss), val_accuracy: points(s.curve.valAcc) },
    };
  });
  writeMlflowStore(dir, 'mlruns', [
    { id: '0', name: 'Default', creationTime: T0 - HOUR },
    { id: expId, name: 'baseline', creationTime: T0 + 50 * 60_000, runs },
  ]);
  return specs.map((s, i) => ({ format: 'mlflow', path: `mlruns/${expId}/${ids[i]}`, name: s.name, commit: s.commit }));
}

// ------------------------------------------------------------------------------------------------ Lightning CSVLogger

function writeLightning(dir: string, rand: () => number): SampleRun[] {
  const versions = [
    { lr: 0.001, batch_size: 64, hidden_dim: 128, dropout: 0.1, start: T0 + DAY + 5 * HOUR },
    { lr: 0.003, batch_size: 64, hidden_dim: 256, dropout: 0.2, start: T0 + DAY + 7 * HOUR },
    { lr: 0.0005, batch_size: 128, hidden_dim: 256, dropout: 0.2, start: T0 + 3 * DAY + 4 * HOUR },
  ];
  const stepsPerEpoch = 40;
  const epochs = 8;
  return versions.map((v, i) => {
    const c = curve(rand, epochs * 4, { start: 2.2, floor: 0.15 + 0.05 * i, rate: 0.11 + 0.02 * i, noise: 0.05 });
    const rows: Record<string, PyValue>[] = [];
    for (let e = 0; e < epochs; e++) {
      for (let k = 0; k < 4; k++) {
        const step = e * stepsPerEpoch + (k + 1) * 10 - 1;
        rows.push({ epoch: BigInt(e), step: BigInt(step), train_loss_step: c.trainLoss[e * 4 + k]! });
      }
      const last = e * 4 + 3;
      const step = BigInt((e + 1) * stepsPerEpoch - 1);
      rows.push({ epoch: BigInt(e), step, val_acc: c.valAcc[last]!, val_loss: c.valLoss[last]! });
      rows.push({ epoch: BigInt(e), step, train_loss_epoch: round((c.trainLoss[last - 1]! + c.trainLoss[last]!) / 2) });
    }
    const rel = `lightning_logs/version_${i}`;
    const hparams = `batch_size: ${v.batch_size}\ndropout: ${v.dropout}\nhidden_dim: ${v.hidden_dim}\nlr: ${v.lr}\noptimizer: adam\n`;
    write(dir, `${rel}/hparams.yaml`, hparams, v.start);
    write(dir, `${rel}/metrics.csv`, lightningMetricsCsv(rows), v.start + 25 * 60_000);
    stamp(dir, rel, v.start + 25 * 60_000);
    return { format: 'lightning', path: rel, name: `version_${i}` };
  });
}

// ------------------------------------------------------------------------------------------------ Hugging Face Trainer

function writeHf(dir: string, rand: () => number): SampleRun[] {
  const rel = 'outputs/distilbert-sst2';
  const maxSteps = 600;
  const stepsPerEpoch = 200;
  const c = curve(rand, 30, { start: 0.69, floor: 0.19, rate: 0.1, noise: 0.06 });
  const history: LogEntry[] = [];
  const states: Array<{ step: number; state: Record<string, unknown> }> = [];
  let best = 0;
  let bestCk = '';
  for (let i = 0; i < 30; i++) {
    const step = (i + 1) * 20;
    history.push({
      epoch: hfFloat(round(step / stepsPerEpoch, 4)),
      grad_norm: hfFloat(round(4.5 * Math.exp(-step / 300) + 0.8 + rand() * 0.4)),
      learning_rate: hfFloat(round(5e-5 * (1 - step / maxSteps) || 0, 6)),
      loss: hfFloat(round(c.trainLoss[i]!, 4)),
      step,
    });
    if (step % stepsPerEpoch === 0) {
      const acc = round(c.valAcc[i]! - 0.02, 4);
      history.push({
        epoch: hfFloat(step / stepsPerEpoch),
        eval_accuracy: hfFloat(acc),
        eval_loss: hfFloat(round(c.valLoss[i]! * 1.1, 4)),
        eval_runtime: hfFloat(round(11.2 + rand(), 4)),
        eval_samples_per_second: hfFloat(round(77.8 + rand() * 3, 3)),
        eval_steps_per_second: hfFloat(round(9.7 + rand() * 0.4, 3)),
        step,
      });
      if (acc > best) {
        best = acc;
        bestCk = `${rel}/checkpoint-${step}`;
      }
      if (step === maxSteps)
        history.push({
          epoch: hfFloat(3),
          step,
          total_flos: hfFloat(1.9873e14),
          train_loss: hfFloat(round(c.trainLoss.reduce((a, b) => a + b) / 30, 6)),
          train_runtime: hfFloat(734.5821),
          train_samples_per_second: hfFloat(26.14),
          train_steps_per_second: hfFloat(0.817),
        });
      states.push({
        step,
        state: trainerState({
          globalStep: step,
          epoch: step / stepsPerEpoch,
          maxSteps,
          numTrainEpochs: 3,
          logHistory: history.slice(),
          bestMetric: best,
          bestModelCheckpoint: bestCk,
        }),
      });
    }
  }
  writeTrainerOutput(dir, rel, { checkpoints: states, companions: true });
  stamp(dir, rel, T0 + 2 * DAY + 6 * HOUR);
  return [{ format: 'hf-trainer', path: rel, name: 'distilbert-sst2' }];
}

// ------------------------------------------------------------------------------------------------ TensorBoard

function writeTensorboard(dir: string, rand: () => number): SampleRun[] {
  const runs = [
    { name: 'May07_14-02-11_gpu-box', start: T0 + DAY + 5 * HOUR + 2 * 60_000, lr: 0.001 },
    { name: 'May09_10-31-45_gpu-box', start: T0 + 3 * DAY + HOUR + 31 * 60_000, lr: 0.0005 },
  ];
  return runs.map((r, i) => {
    const secs = r.start / 1000;
    const c = curve(rand, 40, { start: 2.3, floor: 0.2 - 0.03 * i, rate: 0.12, noise: 0.05 });
    const events: EventSpec[] = [fileVersionEvent(secs)];
    for (let s = 0; s < 40; s++) {
      const t = secs + 5 + s * 15 + rand();
      events.push(scalarEvent('train/loss', Math.fround(c.trainLoss[s]!), s, t));
      events.push(scalarEvent('val/loss', Math.fround(c.valLoss[s]!), s, t + 0.5));
      events.push(scalarEvent('val/accuracy', Math.fround(c.valAcc[s]!), s, t + 0.6));
    }
    events.push(...hparamsEvents({ lr: r.lr, batch_size: 64, optimizer: 'adam' }, secs + 610, ['val/accuracy']));
    const rel = `runs/${r.name}`;
    writeEventFile(path.join(dir, rel), eventFileName(secs, 'gpu-box', 31337 + i), events);
    stamp(dir, rel, r.start + 11 * 60_000);
    return { format: 'tensorboard', path: rel, name: r.name };
  });
}

// ------------------------------------------------------------------------------------------------ W&B (offline)

function writeWandb(dir: string, commits: Record<CommitName, string>, rand: () => number): SampleRun[] {
  const id = 'k3v9x2qd';
  const start = T0 + 3 * DAY + 5 * HOUR + 15 * 60_000;
  const c = curve(rand, 40, { start: 2.3, floor: 0.18, rate: 0.14, noise: 0.04 });
  const config: Item[] = items(
    { lr: 0.0005, batch_size: 128, optimizer: 'adamw', epochs: 40, hidden_dim: 256, dropout: 0.2 },
    false,
  );
  const recs: Uint8Array[] = [
    rec.header(),
    rec.run({
      runId: id,
      project: 'digits-mlp',
      name: 'adamw-bs128',
      tags: ['baseline', 'adamw'],
      config,
      startMs: start,
      host: 'gpu-box',
      git: { remote: 'git@github.com:ada/digits-mlp.git', commit: commits.batch },
    }),
    rec.environment({ startedMs: start, git: { remote: 'git@github.com:ada/digits-mlp.git', commit: commits.batch } }),
  ];
  for (let s = 0; s < 40; s++) {
    const ts = start / 1000 + 4 + s * 14 + rand();
    recs.push(
      rec.history(
        [
          ...items({ train_loss: c.trainLoss[s]!, val_loss: c.valLoss[s]!, val_accuracy: c.valAcc[s]! }, true),
          { nested: ['_step'], json: String(s) },
          { nested: ['_runtime'], json: String(round(ts - start / 1000, 6)) },
          { nested: ['_timestamp'], json: String(round(ts, 16)) },
        ],
        s,
      ),
    );
  }
  recs.push(
    rec.summary(items({ train_loss: c.trainLoss[39]!, val_loss: c.valLoss[39]!, val_accuracy: c.valAcc[39]! }, true)),
    rec.exit(0, 566),
    rec.final(),
    rec.footer(),
  );
  const rel = writeWandbRun(dir, { mode: 'offline-run', timespec: '20240509_141500', id, log: logOf(recs) });
  stamp(dir, 'wandb', start + 10 * 60_000);
  return [{ format: 'wandb', path: rel, name: 'adamw-bs128', commit: commits.batch }];
}

// ------------------------------------------------------------------------------------------------ DVC + DVCLive

/** DVCLive output of `dvc repro` at the 'batch' commit, committed with dvc.lock (results in git, the DVC way). */
function writeDvc(repo: Repo, rand: () => number): SampleRun {
  const c = curve(rand, 40, { start: 2.3, floor: 0.17, rate: 0.13, noise: 0.035 });
  const start = T0 + 3 * DAY + 2 * HOUR;
  const ts = (s: number): bigint => BigInt(start + 4_000 + s * 15_000);
  const tsv = (name: string, ys: number[]): string =>
    dvcliveTsv(
      name,
      ys.map((y, s): TsvPoint => ({ step: BigInt(s), value: y, timestamp: ts(s) })),
    );
  const files: Record<string, string> = {
    'dvclive/plots/metrics/train/loss.tsv': tsv('train/loss', c.trainLoss),
    'dvclive/plots/metrics/val/loss.tsv': tsv('val/loss', c.valLoss),
    'dvclive/plots/metrics/val/accuracy.tsv': tsv('val/accuracy', c.valAcc),
    'dvclive/metrics.json': dvcliveMetricsJson(
      { 'train/loss': c.trainLoss[39]!, 'val/loss': c.valLoss[39]!, 'val/accuracy': c.valAcc[39]! },
      39,
    ),
    'dvc.lock': yamlFile({
      schema: '2.0',
      stages: {
        train: {
          cmd: 'python train.py --config params.yaml',
          deps: [
            { path: 'model.py', hash: 'md5', md5: md5ish(rand), size: 331 },
            { path: 'train.py', hash: 'md5', md5: md5ish(rand), size: 742 },
          ],
          params: {
            'params.yaml': {
              model: { dropout: 0.2, hidden_dim: 256 },
              train: { batch_size: 128, epochs: 40, lr: 0.0005, optimizer: 'adamw' },
            },
          },
          outs: [{ path: 'models/model.pt', hash: 'md5', md5: md5ish(rand), size: 271_304 }],
        },
      },
    }),
  };
  // results committed together with the lock file, as `dvc exp run` + git would have them
  const results = repo.commit('Record DVC training results', files, start + 11 * 60_000);
  return { format: 'dvc', path: '', name: 'workspace', commit: results };
}

function md5ish(rand: () => number): string {
  let s = '';
  for (let i = 0; i < 32; i++) s += Math.floor(rand() * 16).toString(16);
  return s;
}
