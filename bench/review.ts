import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadReviewConfig } from '../src/core/review/config';
import { reviewToMarkdown } from '../src/core/review/markdown';
import { review } from '../src/core/review/review';
import { indexFolder } from '../src/core/review/runSource';
import { defaultWorkerCount } from '../src/core/index';
import { git } from '../test/helpers/gitRepo';
import { writeMlflowStore, type RunSpec } from '../test/helpers/writers/mlflowFiles';
import { opt } from './options';

/**
 * `review` on a workspace of 1,000 runs (target: under 2 s), next to its floor measured in the same run: the same
 * answer computed the simplest way (read each run's commit tag and each metric file's last line, average per
 * experiment and side) with no index, no git, no curves, no rendering. Also prints the load average: on a shared
 * machine both figures grow together, the ratio much less.
 *
 *   npx tsc -p . && node out/bench/review.js [--runs 1000] [--points 100] [--repeat 3] [--workers n]
 */
const RUNS = opt('--runs', 1000);
const POINTS = opt('--points', 100);
const REPEAT = opt('--repeat', 3);
/** Index worker threads: the CLI's default unless given (0 reads on the main thread). */
const WORKERS = opt('--workers', defaultWorkerCount());
const EXPERIMENTS = 10;
const T0 = Date.UTC(2024, 8, 1);

function hex(n: number, prefix: string): string {
  return prefix + n.toString(16).padStart(32 - prefix.length, '0');
}

/** A repository with a base and a head commit, and RUNS MLflow runs (half recording each) in an ignored mlruns/. */
function makeWorkspace(dir: string): { base: string; head: string } {
  git(dir, ['init', '-q', '-b', 'main']);
  fs.writeFileSync(path.join(dir, '.gitignore'), 'mlruns/\n');
  fs.writeFileSync(path.join(dir, 'train.py'), 'HIDDEN = 64\n');
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'base'], T0);
  const base = git(dir, ['rev-parse', 'HEAD']);
  git(dir, ['checkout', '-q', '-b', 'feature']);
  fs.writeFileSync(path.join(dir, 'train.py'), 'HIDDEN = 128\n');
  git(dir, ['commit', '-q', '-am', 'head'], T0 + 3_600_000);
  const head = git(dir, ['rev-parse', 'HEAD']);
  const byExp: RunSpec[][] = Array.from({ length: EXPERIMENTS }, () => []);
  for (let i = 0; i < RUNS; i++) {
    const side = i % 2 === 0 ? 'base' : 'head';
    const e = Math.floor(i / 2) % EXPERIMENTS;
    const final = 0.4 + e * 0.01 + (side === 'head' ? 0.005 : 0) + ((i * 7919) % 100) / 10_000;
    const curve = Array.from({ length: POINTS }, (_, s): [number, number, number] => [
      T0 + i * 1000 + s,
      Number((final + 2 * Math.exp(-s / 10)).toPrecision(6)),
      s,
    ]);
    curve[POINTS - 1]![1] = final;
    byExp[e]!.push({
      id: hex(i, side === 'base' ? 'b' : 'c'),
      runName: `run-${i}`,
      startTime: T0 + i * 1000,
      endTime: T0 + i * 1000 + 500,
      params: { lr: String(0.001 * (e + 1)), seed: String(i), hidden: side === 'base' ? '64' : '128' },
      tags: { 'mlflow.source.git.commit': side === 'base' ? base : head },
      metrics: { val_loss: curve, accuracy: curve.map(([t, v, s]) => [t, 1 - v / 3, s]) },
    });
  }
  writeMlflowStore(
    dir,
    'mlruns',
    byExp.map((runs, e) => ({ id: String(100 + e), name: `exp-${e}`, runs })),
  );
  return { base, head };
}

/**
 * The floor: the same answer read the simplest way: every file of every run read and parsed (meta.yaml, params,
 * tags, each metric file line by line), runs split by their commit tag, the last values averaged per experiment.
 */
function floor(dir: string, base: string, head: string): number {
  const sums = new Map<string, { n: number; sum: number }>();
  const store = path.join(dir, 'mlruns');
  const readDir = (d: string): Record<string, string> =>
    Object.fromEntries(fs.readdirSync(d).map((f) => [f, fs.readFileSync(path.join(d, f), 'utf8')]));
  for (const exp of fs.readdirSync(store)) {
    const expDir = path.join(store, exp);
    if (!fs.statSync(expDir).isDirectory()) continue;
    for (const run of fs.readdirSync(expDir)) {
      const runDir = path.join(expDir, run);
      if (!fs.statSync(runDir).isDirectory()) continue;
      fs.readFileSync(path.join(runDir, 'meta.yaml'), 'utf8');
      readDir(path.join(runDir, 'params'));
      const commit = readDir(path.join(runDir, 'tags'))['mlflow.source.git.commit'];
      const side = commit === base ? 'base' : commit === head ? 'head' : undefined;
      if (!side) continue;
      for (const [key, text] of Object.entries(readDir(path.join(runDir, 'metrics')))) {
        let last = NaN;
        let lastStep = -Infinity;
        for (const line of text.split('\n')) {
          if (!line) continue;
          const [, v, st] = line.split(' ');
          if (Number(st) >= lastStep) [last, lastStep] = [Number(v), Number(st)];
        }
        const k = `${exp}|${side}|${key}`;
        const acc = sums.get(k) ?? { n: 0, sum: 0 };
        acc.n++;
        acc.sum += last;
        sums.set(k, acc);
      }
    }
  }
  return sums.size;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-bench-review-'));
  try {
    const t = performance.now();
    const { base, head } = makeWorkspace(dir);
    console.log(
      `workspace: ${RUNS} MLflow runs × ${POINTS} points × 2 metrics, ${EXPERIMENTS} experiments, in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    const settings = { ...loadReviewConfig(dir).settings, base: 'main', failOn: ['val_loss:+2%', 'accuracy:-1%'] };
    const reviewMs: number[] = [];
    const floorMs: number[] = [];
    const reviewCpu: number[] = [];
    const floorCpu: number[] = [];
    const indexMs: number[] = [];
    const indexCpu: number[] = [];
    const cpu = (): number => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    let verdict = '';
    for (let i = 0; i < REPEAT; i++) {
      const t0 = performance.now();
      const c0 = cpu();
      const r = await review({ dir, settings, workers: WORKERS });
      const md = reviewToMarkdown(r);
      reviewMs.push(performance.now() - t0);
      reviewCpu.push(cpu() - c0);
      verdict = `${r.verdict}, ${r.base.runs.length} vs ${r.head.runs.length} runs, ${r.pairs.length} pairs, ${md.length} chars of Markdown`;
      // The index pass alone (what review does first, over the same folder): how much of the figure is it?
      const t2 = performance.now();
      const c2 = cpu();
      (await indexFolder(dir, { workers: WORKERS })).dispose();
      indexMs.push(performance.now() - t2);
      indexCpu.push(cpu() - c2);
      const t1 = performance.now();
      const c1 = cpu();
      const groups = floor(dir, base, head);
      floorMs.push(performance.now() - t1);
      floorCpu.push(cpu() - c1);
      if (groups !== EXPERIMENTS * 2 * 2) throw new Error(`floor found ${groups} groups`);
    }
    const m = median(reviewMs);
    const f = median(floorMs);
    console.log(`review: ${verdict}`);
    console.log(
      `review (${RUNS} runs, ${WORKERS} index workers, median of ${REPEAT}): ${m.toFixed(0)} ms   target < 2000 ms   ${m < 2000 ? 'OK' : 'MISSED'}`,
    );
    console.log(
      `floor  (read + parse every run file, average): ${f.toFixed(0)} ms   ratio ${(m / f).toFixed(1)}×   load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs`,
    );
    const im = median(indexMs);
    console.log(
      `of which the index pass (the folder indexed alone, same workers): ${im.toFixed(0)} ms wall (${((100 * im) / m).toFixed(0)}%), ${median(indexCpu).toFixed(0)} ms CPU (${((100 * median(indexCpu)) / median(reviewCpu)).toFixed(0)}%)`,
    );
    // CPU time of this process (worker threads included; git's own processes not): less sensitive to a busy machine.
    console.log(
      `CPU time: review ${median(reviewCpu).toFixed(0)} ms, floor ${median(floorCpu).toFixed(0)} ms, ratio ${(median(reviewCpu) / median(floorCpu)).toFixed(1)}×`,
    );
  } finally {
    if (!process.env.KEEP) fs.rmSync(dir, { recursive: true, force: true });
    else console.log(dir);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
