import * as os from 'node:os';
import { aggregateRuns, downsampleBand } from '../src/core/compare/aggregate';

/**
 * Aggregated curves for the compare view: 20 groups × 5 seeds × 100,000 points (10 M points) aligned by step,
 * summarised per step (mean, std, stderr, min, max, n), and downsampled to a chart's width (1,600 points, band
 * extremes kept) — what the host does before the page draws one band per group. Next to its floor measured in the
 * same run: the naive per-step mean and std over all points (runs already aligned, two passes, no alignment, no
 * min/max/n, no downsampling). Smoothing off in both. The 500 ms target is for the whole path to the screen; this is
 * its computing part (the page then draws 20 × 1,600 points). The load average is printed: only the ratio means much
 * on a shared machine.
 *
 *   npx tsc -p . && node out/bench/groupCurves.js [--groups 20] [--seeds 5] [--points 100000] [--repeat 5]
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

function main(): void {
  const groups = makeGroups();
  const ms: number[] = [];
  const floorMs: number[] = [];
  let drawn = 0;
  for (let r = 0; r < REPEAT; r++) {
    const t0 = performance.now();
    const curves = groups.map((g) => downsampleBand(aggregateRuns(g), 'std', WIDTH_POINTS));
    ms.push(performance.now() - t0);
    const t1 = performance.now();
    const f = groups.map(floor);
    floorMs.push(performance.now() - t1);
    drawn = curves.reduce((a, c) => a + c.x.length, 0);
    // Same answer where both have one, or the comparison means nothing: the full aggregate's mean at a few steps.
    const a = aggregateRuns(groups[1]!);
    for (const i of [0, 1234, POINTS - 1])
      if (Math.abs(a.mean[i]! - f[1]!.mean[i]!) > 1e-9 || Math.abs(a.std[i]! - f[1]!.std[i]!) > 1e-9)
        throw new Error(`aggregate and floor differ at step ${i}`);
  }
  const m = median(ms);
  const f = median(floorMs);
  console.log(
    `group curves: ${GROUPS} groups × ${SEEDS} seeds × ${POINTS} points → ${drawn} points drawn (${WIDTH_POINTS} per group)`,
  );
  console.log(
    `aggregate + downsample (median of ${REPEAT}): ${m.toFixed(1)} ms   target < 500 ms   (load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores)`,
  );
  console.log(`floor (naive per-step mean ± std, runs pre-aligned): ${f.toFixed(1)} ms   ratio ${(m / f).toFixed(2)}×`);
}

main();
