import * as fs from 'node:fs';
import * as path from 'node:path';
import { dvcliveMetricsJson, dvcliveTsv, yamlFile } from './writers/dvc';
import { writeMlflowStore, type MetricPoint, type RunSpec } from './writers/mlflowFiles';
import { git } from './gitRepo';

/** One side's runs: one per seed, final values per seed; curves decay towards them. */
export interface SideSpec {
  valLoss: number[];
  accuracy?: number[];
  params?: Record<string, string>;
  /** Run name of the first run (hostile names for the escaping test). */
  firstName?: string;
  /** false: the runs record no commit (only their start time, at their commit's time). */
  recordCommit?: boolean;
  /** More tags on every run of the side (e.g. MLflow 3's `mlflow.source.git.diff`). */
  tags?: Record<string, string>;
}

export interface ReviewRepoSpec {
  base: SideSpec;
  head: SideSpec;
  /** Commits on main after the baseline runs' commit and before the branch point (ancestor walk). */
  commitsAfterBaseRuns?: number;
  /** 'mlflow': runs in mlruns/ (ignored by git) recording their commit; 'dvclive': run files committed at each side. */
  kind?: 'mlflow' | 'dvclive';
  /** Leave the baseline side without runs (no-baseline case). */
  noBaseRuns?: boolean;
  remote?: string;
  /** The MLflow experiment's name (default digits-mlp): the review's group label. */
  experimentName?: string;
}

export interface ReviewRepo {
  dir: string;
  baseRuns: string;
  mergeBase: string;
  head: string;
}

const T0 = Date.UTC(2024, 6, 1, 9, 0, 0);
const HOUR = 3_600_000;
const EXP = '271828182845904523';

/**
 * A real git repository for review tests: `main` with a training script, the baseline's runs at one of its commits
 * (optionally followed by commits without runs), and a `feature` branch whose head commit has the candidate's
 * runs. MLflow runs record their commit in the `mlflow.source.git.commit` tag (as MLflow does); dvclive output is
 * committed into the tree (the DVC way). Returns with `feature` checked out.
 */
export function makeReviewRepo(dir: string, spec: ReviewRepoSpec): ReviewRepo {
  fs.mkdirSync(dir, { recursive: true });
  let clock = T0;
  const commit = (msg: string, files: Record<string, string>): string => {
    for (const [rel, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), content);
    }
    git(dir, ['add', '-A']);
    git(dir, ['commit', '-q', '-m', msg], (clock += HOUR));
    return git(dir, ['rev-parse', 'HEAD']);
  };
  git(dir, ['init', '-q', '-b', 'main']);
  if (spec.remote) git(dir, ['remote', 'add', 'origin', spec.remote]);
  const kind = spec.kind ?? 'mlflow';
  const mlruns: RunSpec[] = [];
  const sideFiles = (side: SideSpec): Record<string, string> => (kind === 'dvclive' ? dvcliveFiles(side) : {});
  const base = commit('Train an MLP on digits', {
    '.gitignore': 'mlruns/\n',
    'train.py': trainPy(64, 'relu'),
    ...(spec.noBaseRuns ? {} : sideFiles(spec.base)),
  });
  if (kind === 'mlflow' && !spec.noBaseRuns) mlruns.push(...mlflowRuns(spec.base, base, 'b', clock));
  let mergeBase = base;
  for (let i = 0; i < (spec.commitsAfterBaseRuns ?? 0); i++)
    mergeBase = commit(`Docs ${i + 1}`, { [`docs/note${i}.md`]: `note ${i}\n` });
  git(dir, ['checkout', '-q', '-b', 'feature']);
  const head = commit('Wider hidden layer, GELU', {
    'train.py': trainPy(128, 'gelu'),
    'model.py': 'class MLP:\n    pass\n',
    ...sideFiles(spec.head),
  });
  if (kind === 'mlflow') mlruns.push(...mlflowRuns(spec.head, head, 'h', clock));
  // main moves on after the branch point: the merge-base, not main's tip, is the baseline's start.
  git(dir, ['checkout', '-q', 'main']);
  commit('Later work on main', { 'later.py': 'x = 1\n' });
  git(dir, ['checkout', '-q', 'feature']);
  if (mlruns.length)
    writeMlflowStore(dir, 'mlruns', [
      { id: EXP, name: spec.experimentName ?? 'digits-mlp', creationTime: T0, runs: mlruns },
    ]);
  return { dir, baseRuns: base, mergeBase, head };
}

function trainPy(hidden: number, act: string): string {
  return `import mlflow\n\nHIDDEN = ${hidden}\nACTIVATION = "${act}"\n\n\ndef train(seed):\n    mlflow.log_params({"hidden": HIDDEN, "activation": ACTIVATION, "seed": seed})\n`;
}

/** A decaying curve of 10 steps ending exactly at `final`. */
export function decay(final: number, start: number, steps = 10): number[] {
  return Array.from({ length: steps }, (_, i) =>
    Number(
      (
        final +
        (start - final) * Math.exp(-i / 2) -
        (start - final) * Math.exp(-(steps - 1) / 2) * (i / (steps - 1))
      ).toPrecision(6),
    ),
  );
}

function mlflowRuns(side: SideSpec, commit: string, tag: string, start: number): RunSpec[] {
  return side.valLoss.map((final, seed) => {
    const points = (ys: number[]): MetricPoint[] => ys.map((y, step) => [start + seed * 60_000 + step * 1000, y, step]);
    const loss = decay(final, 2.3);
    loss[loss.length - 1] = final;
    const acc = side.accuracy ? decay(side.accuracy[seed]!, 0.1) : undefined;
    if (acc) acc[acc.length - 1] = side.accuracy![seed]!;
    return {
      id: (tag === 'b' ? 'b' : 'c') + String(seed).padStart(31, '0'),
      runName: seed === 0 && side.firstName ? side.firstName : `mlp-seed${seed}`,
      startTime: start + seed * 60_000,
      endTime: start + seed * 60_000 + 20_000,
      params: {
        hidden: tag === 'b' ? '64' : '128',
        activation: tag === 'b' ? 'relu' : 'gelu',
        seed: String(seed),
        ...side.params,
      },
      tags: {
        ...(side.recordCommit === false ? {} : { 'mlflow.source.git.commit': commit }),
        'mlflow.source.name': 'train.py',
        'mlflow.source.type': 'LOCAL',
        ...side.tags,
      },
      metrics: { val_loss: points(loss), ...(acc ? { val_accuracy: points(acc) } : {}) },
    };
  });
}

/** DVCLive output of one run (the first seed: DVC commits one run's results), committed into the tree. */
function dvcliveFiles(side: SideSpec): Record<string, string> {
  const final = side.valLoss[0]!;
  const loss = decay(final, 2.3);
  loss[loss.length - 1] = final;
  return {
    'dvclive/metrics.json': dvcliveMetricsJson({ val_loss: final }, loss.length - 1),
    'dvclive/params.yaml': yamlFile({ hidden: side === undefined ? 0 : Number(side.params?.hidden ?? 64), seed: 0 }),
    'dvclive/plots/metrics/val_loss.tsv': dvcliveTsv(
      'val_loss',
      loss.map((v, i) => ({ step: BigInt(i), value: v })),
    ),
  };
}
