import * as os from 'node:os';
import * as path from 'node:path';
import { aggregateRuns, downsampleBand } from '../src/core/compare/aggregate';
import { aggregateBand } from '../src/core/compare/aggregateBand';
import { CurvePool } from '../src/core/compare/curvePool';
import type { Series } from '../src/core/model';
import { sharedColumns, withOrder } from '../src/core/series';

/**
 * Aggregated curves for the compare view: 20 groups × 5 seeds × 100,000 points (10 M points) aligned by step,
 * summarised per step (mean, std, stderr, min, max, n), and downsampled to a chart's width (1,600 points, band
 * extremes kept) — what the host does before the page draws one band per group. Next to its floor measured in the
 * same run: the naive per-step mean and std over all points (runs already aligned, two passes, no alignment, no
 * min/max/n, no downsampling). Smoothing off in both. The 500 ms target is for the whole path to the screen; this is
 * its computing part (the page then draws 20 × 1,600 points). Timed three ways: the former path (aggregateRuns then
 * downsampleBand), aggregateBand's one pass, and aggregateBand on the curve pool's workers over shared columns (what
 * the extension host does), with the longest the calling thread went without a turn of its event loop meanwhile.
 * The load average is printed: only the ratio means much on a shared machine.
 *
 *   npx tsc -p . && node out/bench/groupCurves.js [--groups 20] [--seeds 5] [--points 100000] [--repeat 5] [--workers 2]
 */
const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const GROUPS = opt('--groups', 20);
const SEEDS = opt('--seeds', 5);
const POINTS = opt('--points', 100_000);
const REPEAT = opt('--repeat', 5);
const WORKERS = opt('--workers', 2);
const WIDTH_POINTS = 1600;

interface Run {
  steps: Float64Array;
  values: Float64Array;
}

/** Seeds of a group log the same steps; the last seed of every other group stopped at 60 % (ragged, as crashes do). */
function makeGroups(): Run[][] {
  let s = 12345;
  const rnd = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return Array.from({ length: GROUPS }, (_, g) =>
    Array.from({ length: SEEDS }, (_, k) => {
      const len = g % 2 === 1 && k === SEEDS - 1 ? Math.floor(POINTS * 0.6) : POINTS;
      const steps = new Float64Array(len);
      const values = new Float64Array(len);
      for (let i = 0; i < len; i++) {
        steps[i] = i;
        values[i] = 1 / (1 + i / 1000) + g * 0.01 + (rnd() - 0.5) * 0.05;
      }
      return { steps, values };
    }),
  );
}

/** The floor: per step, the mean and the sample std of the runs that reach it, by two plain passes. */
function floor(group: Run[]): { mean: Float64Array; std: Float64Array } {
  const len = Math.max(...group.map((r) => r.values.length));
  const mean = new Float64Array(len);
  const std = new Float64Array(len);
  for (let i = 0; i < len; i++) {
    let sum = 0;
    let n = 0;
    for (const r of group)
      if (i < r.values.length) {
        sum += r.values[i]!;
        n++;
      }
    const m = sum / n;
    let ss = 0;
    for (const r of group) if (i < r.values.length) ss += (r.values[i]! - m) ** 2;
    mean[i] = m;
    std[i] = n > 1 ? Math.sqrt(ss / (n - 1)) : NaN;
  }
  return { mean, std };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The longest the event loop went without a turn while `work` ran (a timer ticking every 5 ms measures it). */
async function longestBlock<T>(work: () => Promise<T>): Promise<{ result: T; ms: number; blockMs: number }> {
  let last = performance.now();
  let worst = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 5);
  const t0 = performance.now();
  const result = await work();
  const ms = performance.now() - t0;
  worst = Math.max(worst, performance.now() - last);
  clearInterval(tick);
  return { result, ms, blockMs: worst };
}

/** The groups' runs with their columns in SharedArrayBuffers, as the index's readSeries gives them to the pool. */
function shared(groups: Run[][]): Series[][] {
  return groups.map((g, gi) =>
    g.map((r, k) => {
      const cols = sharedColumns(r.values.length);
      cols.steps.set(r.steps);
      cols.values.set(r.values);
      return withOrder({ runId: `g${gi}s${k}`, key: 'loss', ...cols });
    }),
  );
}

async function main(): Promise<void> {
  const groups = makeGroups();
  const sharedGroups = shared(groups);
  const pool = new CurvePool(WORKERS, path.join(__dirname, '../src/core/compare/curveWorker.js'));
  pool.warm();
  const options = { band: 'std' as const, maxPoints: WIDTH_POINTS, smoothing: 0 };
  await pool.bands(sharedGroups.slice(0, 4), options); // the workers' first pass compiles aggregateBand
  const twoStep: number[] = [];
  const fused: number[] = [];
  const pooled: number[] = [];
  const blocks: number[] = [];
  const floorMs: number[] = [];
  let drawn = 0;
  for (let r = 0; r < REPEAT; r++) {
    let t0 = performance.now();
    // all three ways read the series as the index gives them (shared columns, their order known: see withOrder)
    const before = sharedGroups.map((g) => downsampleBand(aggregateRuns(g), 'std', WIDTH_POINTS));
    twoStep.push(performance.now() - t0);
    t0 = performance.now();
    const curves = sharedGroups.map((g) => aggregateBand(g, options));
    fused.push(performance.now() - t0);
    const p = await longestBlock(() => pool.bands(sharedGroups, options));
    pooled.push(p.ms);
    blocks.push(p.blockMs);
    const t1 = performance.now();
    const f = groups.map(floor);
    floorMs.push(performance.now() - t1);
    drawn = curves.reduce((a, c) => a + c.x.length, 0);
    // Same answer where both have one, or the comparison means nothing: the full aggregate's mean at a few steps,
    // and the three ways' drawn columns.
    const a = aggregateRuns(groups[1]!);
    for (const i of [0, 1234, POINTS - 1])
      if (Math.abs(a.mean[i]! - f[1]!.mean[i]!) > 1e-9 || Math.abs(a.std[i]! - f[1]!.std[i]!) > 1e-9)
        throw new Error(`aggregate and floor differ at step ${i}`);
    for (const [g, c] of curves.entries())
      if (c.mean.some((m, i) => !Object.is(m, before[g]!.mean[i]) || !Object.is(m, p.result[g]!.mean[i])))
        throw new Error(`group ${g}: the fused, two-step and pooled means differ`);
  }
  pool.dispose();
  const f = median(floorMs);
  const line = (what: string, xs: number[]): string =>
    `${what} (median of ${REPEAT}): ${median(xs).toFixed(1)} ms   ratio to floor ${(median(xs) / f).toFixed(2)}×`;
  console.log(
    `group curves: ${GROUPS} groups × ${SEEDS} seeds × ${POINTS} points → ${drawn} points drawn (${WIDTH_POINTS} per group)   (load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores)`,
  );
  console.log(line('aggregate, then downsample (the former path), this thread', twoStep));
  console.log(line('aggregateBand (one pass), this thread', fused));
  console.log(
    `${line(`aggregateBand on ${WORKERS} curve workers (what the host does)`, pooled)}   longest block of this thread ${median(blocks).toFixed(1)} ms`,
  );
  console.log(`floor (naive per-step mean ± std, runs pre-aligned, this thread): ${f.toFixed(1)} ms`);
}

void main();
