import assert from 'node:assert/strict';
import { aggregateRuns, bandEdges, downsampleBand, type StepSeries } from '../../../src/core/compare/aggregate';
import { rangeStats, valueAtStep } from '../../../src/core/compare/stepValues';

const close = (actual: number, expected: number, what: string, tol = 1e-9): void =>
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);

/** A deterministic pseudo-random stream (no Math.random: failures must reproduce). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * The independent computation: for each step, collect every run's value there by a plain scan (the run's latest
 * point at or before the step, if the step is within the run), then the two-pass mean and sample std.
 */
function naive(runs: StepSeries[]): Map<number, number[]> {
  const steps = [...new Set(runs.flatMap((r) => Array.from(r.steps)))].sort((a, b) => a - b);
  const out = new Map<number, number[]>();
  for (const s of steps) {
    const vals: number[] = [];
    for (const r of runs) {
      const st = Array.from(r.steps);
      if (!st.length || s < st[0]! || s > st[st.length - 1]!) continue;
      let v = NaN;
      for (let i = 0; i < st.length; i++) if (st[i]! <= s) v = r.values[i]!;
      if (Number.isFinite(v)) vals.push(v);
    }
    out.set(s, vals);
  }
  return out;
}

function check(runs: StepSeries[], smoothing = 0, smoothed?: StepSeries[]): void {
  const agg = aggregateRuns(runs, smoothing);
  const expected = naive(smoothed ?? runs);
  assert.deepEqual(Array.from(agg.x), [...expected.keys()]);
  agg.x.forEach((s, u) => {
    const vals = expected.get(s)!;
    assert.equal(agg.n[u], vals.length, `n at step ${s}`);
    if (!vals.length) {
      assert.ok(Number.isNaN(agg.mean[u]!));
      return;
    }
    const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
    close(agg.mean[u]!, mean, `mean at ${s}`);
    close(agg.min[u]!, Math.min(...vals), `min at ${s}`);
    close(agg.max[u]!, Math.max(...vals), `max at ${s}`);
    if (vals.length < 2) {
      assert.ok(Number.isNaN(agg.std[u]!), `no std below two runs at ${s}`);
      return;
    }
    const std = Math.sqrt(vals.reduce((a, v) => a + (v - mean) ** 2, 0) / (vals.length - 1));
    close(agg.std[u]!, std, `std at ${s}`, 1e-7);
    close(agg.stderr[u]!, std / Math.sqrt(vals.length), `stderr at ${s}`, 1e-7);
  });
}

describe('compare: aggregated curves of a group of runs', () => {
  it('ragged seeds on one step grid: n drops where runs end; mean, std, stderr, min, max per step', () => {
    const rnd = lcg(7);
    const runs: StepSeries[] = [100, 80, 100, 35, 1].map((len) => {
      const steps = Float64Array.from({ length: len }, (_, i) => i * 10);
      return { steps, values: Float64Array.from(steps, (s) => 1 / (1 + s / 100) + rnd() * 0.05) };
    });
    check(runs);
    const agg = aggregateRuns(runs);
    assert.deepEqual([agg.n[0], agg.n[10], agg.n[50], agg.n[99]], [5, 4, 3, 2]);
  });

  it('runs logging at different steps meet at the union of steps (each run holds its last value)', () => {
    const rnd = lcg(3);
    const runs: StepSeries[] = [
      { steps: [0, 5, 10, 15, 20, 25], values: [1, 0.9, 0.8, 0.7, 0.6, 0.5] },
      { steps: [2, 7, 12], values: [1.1, 0.95, 0.85] },
      { steps: Float64Array.from({ length: 40 }, (_, i) => i), values: Float64Array.from({ length: 40 }, rnd) },
    ];
    check(runs);
  });

  it('leaves non-finite values out of n; unsorted steps are ordered first (the last value at a step wins)', () => {
    const runs: StepSeries[] = [
      { steps: [0, 1, 2, 3], values: [1, NaN, 3, Infinity] },
      { steps: [3, 0, 2, 1, 1], values: [4, 1, 3, 9, 2] },
    ];
    const agg = aggregateRuns(runs);
    assert.deepEqual(Array.from(agg.n), [2, 1, 2, 1]);
    assert.deepEqual(Array.from(agg.mean), [1, 2, 3, 4]);
  });

  it('smooths each run (TensorBoard’s debiased EMA) before the mean, not the mean after', () => {
    const rnd = lcg(11);
    const runs: StepSeries[] = [50, 30, 50].map((len) => ({
      steps: Float64Array.from({ length: len }, (_, i) => i),
      values: Float64Array.from({ length: len }, () => rnd()),
    }));
    const w = 0.8;
    // the EMA written out again here: last = last·w + (1 − w)·v; smoothed = last / (1 − w^k)
    const smoothed = runs.map((r) => {
      let last = 0;
      return {
        steps: r.steps,
        values: Float64Array.from(Array.from(r.values), (v, i) => {
          last = last * w + (1 - w) * v;
          return last / (1 - w ** (i + 1));
        }),
      };
    });
    check(runs, w, smoothed);
  });

  it('downsampling keeps the band’s extremes, the mean’s extremes and the fewest runs of a bucket', () => {
    const rnd = lcg(5);
    const runs: StepSeries[] = [20_000, 20_000, 14_000, 9_000].map((len) => ({
      steps: Float64Array.from({ length: len }, (_, i) => i),
      values: Float64Array.from({ length: len }, (_, i) => Math.sin(i / 500) + (rnd() - 0.5) * (i === 7777 ? 40 : 1)),
    }));
    const agg = aggregateRuns(runs);
    for (const band of ['std', 'stderr', 'minmax'] as const) {
      const full = bandEdges(agg, band);
      const d = downsampleBand(agg, band, 400, undefined);
      assert.ok(d.x.length <= 400 && d.x.length > 100, `${d.x.length} points`);
      assert.equal(d.total, 20_000);
      const maxOf = (a: Float64Array): number => a.reduce((m, v) => (v > m ? v : m), -Infinity);
      const minOf = (a: Float64Array): number => a.reduce((m, v) => (v < m ? v : m), Infinity);
      assert.equal(maxOf(d.hi), maxOf(full.hi), `${band}: highest upper edge kept`);
      assert.equal(minOf(d.lo), minOf(full.lo), `${band}: lowest lower edge kept`);
      assert.equal(maxOf(d.mean), maxOf(agg.mean), `${band}: highest mean kept`);
      assert.equal(minOf(d.mean), minOf(agg.mean), `${band}: lowest mean kept`);
      // every downsampled band contains its mean, and n steps down 4 → 3 → 2 as the runs end
      for (let i = 0; i < d.x.length; i++) assert.ok(d.lo[i]! <= d.mean[i]! && d.mean[i]! <= d.hi[i]!);
      assert.deepEqual([...new Set(d.n)], [4, 3, 2]);
    }
    // a zoomed range keeps one step beyond each edge, at full resolution when it fits
    const z = downsampleBand(agg, 'std', 400, { min: 100, max: 200 });
    assert.deepEqual([z.x[0], z.x[z.x.length - 1], z.total], [99, 201, 103]);
  });

  it('values at a step and over a brushed range', () => {
    const c = { x: [0, 10, 20, 30, 40], y: [5, 3, NaN, 8, 6] };
    assert.deepEqual(valueAtStep(c, 10), { x: 10, y: 3, i: 1 });
    assert.deepEqual(valueAtStep(c, 25), { x: 10, y: 3, i: 1 }, 'the last finite point at or before the step');
    assert.equal(valueAtStep(c, 41), null);
    assert.equal(valueAtStep(c, -1), null);
    assert.deepEqual(rangeStats(c, 5, 45), {
      start: 3,
      startStep: 10,
      end: 6,
      endStep: 40,
      change: 3,
      min: 3,
      minStep: 10,
      max: 8,
      maxStep: 30,
      points: 3,
    });
    assert.equal(rangeStats(c, 21, 29), null);
  });
});
