import assert from 'node:assert/strict';
import { aggregateRuns } from '../../../src/core/compare/aggregate';
import { aggregateBand } from '../../../src/core/compare/aggregateBand';
import { smoothEma } from '../../../src/core/compare/smooth';
import { onElapsedGrid, type TimedSeries } from '../../../src/core/compare/timeGrid';

const close = (actual: number, expected: number, what: string, tol = 1e-9): void =>
  assert.ok(
    (Number.isNaN(actual) && Number.isNaN(expected)) ||
      Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} vs ${expected}`,
  );

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Seeds started at different wall-clock moments, logging at irregular intervals, of different lengths. */
function raggedRuns(rnd: () => number): TimedSeries[] {
  return [40, 25, 61].map((len, k) => {
    const start = 1.7e12 + k * 3_600_000; // an hour apart
    let t = start;
    const times: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < len; i++) {
      times.push(t);
      values.push(1 / (1 + i) + k * 0.01 + rnd() * 0.02);
      t += 500 + Math.floor(rnd() * 2500); // 0.5–3 s apart
    }
    return { times, values };
  });
}

/**
 * The plain loop: the grid is 0, w, …, end with as many points as the longest run, w = end / (points − 1); at each
 * grid second, every run whose own elapsed span reaches it gives its latest value logged at or before it.
 */
function naive(runs: TimedSeries[], smoothing: number): { x: number[]; mean: number[]; std: number[]; n: number[] } {
  const el = runs.map((r) => {
    const t = Array.from(r.times, (x) => (x - r.times[0]!) / 1000);
    const v = smoothing > 0 ? Array.from(smoothEma(Float64Array.from(r.values), smoothing)) : Array.from(r.values);
    return { t, v };
  });
  const end = Math.max(...el.map((r) => r.t[r.t.length - 1]!));
  const points = Math.max(...el.map((r) => r.t.length));
  const w = end / (points - 1);
  const out = { x: [] as number[], mean: [] as number[], std: [] as number[], n: [] as number[] };
  for (let j = 0; j < points; j++) {
    const g = j * w;
    const vals: number[] = [];
    for (const r of el) {
      if (g > r.t[r.t.length - 1]! * (1 + 1e-12)) continue;
      let v = NaN;
      for (let i = 0; i < r.t.length; i++) if (r.t[i]! <= g) v = r.v[i]!;
      vals.push(v);
    }
    const m = vals.reduce((a, b) => a + b, 0) / vals.length;
    const ss = vals.reduce((a, b) => a + (b - m) ** 2, 0);
    out.x.push(g);
    out.mean.push(vals.length ? m : NaN);
    out.std.push(vals.length > 1 ? Math.sqrt(ss / (vals.length - 1)) : NaN);
    out.n.push(vals.length);
  }
  return out;
}

describe('group curves on relative time (a common grid of elapsed seconds)', () => {
  it('aligns ragged runs started at different moments on elapsed seconds, as a plain loop does', () => {
    for (const smoothing of [0, 0.7]) {
      const runs = raggedRuns(lcg(3));
      const agg = aggregateRuns(onElapsedGrid(runs, smoothing), 0);
      const want = naive(runs, smoothing);
      assert.equal(agg.x.length, want.x.length);
      for (let j = 0; j < want.x.length; j++) {
        close(agg.x[j]!, want.x[j]!, `x[${j}]`);
        assert.equal(agg.n[j], want.n[j], `n[${j}]`);
        close(agg.mean[j]!, want.mean[j]!, `mean[${j}] smoothing ${smoothing}`);
        close(agg.std[j]!, want.std[j]!, `std[${j}] smoothing ${smoothing}`);
      }
      // n drops where the shorter runs end, and the first grid point holds every run's first value
      assert.equal(agg.n[0], 3);
      assert.equal(agg.n[agg.n.length - 1], 1);
    }
  });

  it('orders points by time, leaves out points without a time, and caps the grid', () => {
    const runs: TimedSeries[] = [
      { times: [3000, 1000, NaN, 2000], values: [3, 1, 99, 2] },
      { times: [5000, 6000, 7000], values: [10, 20, 30] },
    ];
    const grid = onElapsedGrid(runs, 0, 3);
    // run 0: elapsed 0, 1, 2 s → values 1, 2, 3; run 1: 0, 1, 2 s → 10, 20, 30; grid 0, 1, 2
    assert.deepEqual(Array.from(grid[0]!.steps), [0, 1, 2]);
    assert.deepEqual(Array.from(grid[0]!.values), [1, 2, 3]);
    assert.deepEqual(Array.from(grid[1]!.values), [10, 20, 30]);
    const capped = onElapsedGrid(
      [{ times: Array.from({ length: 1000 }, (_, i) => i * 10), values: new Array(1000).fill(1) }],
      0,
      50,
    );
    assert.equal(capped[0]!.steps.length, 50);
    assert.deepEqual(onElapsedGrid([{ times: [], values: [] }]), []);
  });

  it('aggregateBand on relative time equals aggregating the grid by hand', () => {
    const runs = raggedRuns(lcg(9));
    const series = runs.map((r) => ({ steps: [], values: r.values, times: r.times }));
    const band = aggregateBand(series, { xAxis: 'relative', band: 'std', maxPoints: 1000, smoothing: 0.5 });
    const agg = aggregateRuns(onElapsedGrid(runs, 0.5), 0);
    assert.deepEqual(Array.from(band.x), Array.from(agg.x));
    assert.deepEqual(Array.from(band.mean), Array.from(agg.mean));
    assert.deepEqual(Array.from(band.n), Array.from(agg.n));
  });
});
