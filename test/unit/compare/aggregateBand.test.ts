import assert from 'node:assert/strict';
import { aggregateRuns, downsampleBand, type StepSeries } from '../../../src/core/compare/aggregate';
import { aggregateBand } from '../../../src/core/compare/aggregateBand';
import { BAND_KINDS } from '../../../src/core/compare/aggregate';
import type { BandColumns } from '../../../src/core/compare/curve';
import { sharedColumns, withOrder } from '../../../src/core/series';

/** A deterministic pseudo-random stream (no Math.random: failures must reproduce). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Seeds logging steps 0, every, 2·every, …; some end early (ragged), some hold NaN or Infinity here and there. */
function seeds(rnd: () => number, count: number, len: number, every = 1): StepSeries[] {
  return Array.from({ length: count }, (_, k) => {
    const n = k === count - 1 ? Math.floor(len * (0.3 + 0.5 * rnd())) : len;
    const steps = Float64Array.from({ length: n }, (_, i) => i * every);
    const values = Float64Array.from({ length: n }, (_, i) => {
      const r = rnd();
      if (r < 0.01) return NaN;
      if (r < 0.012) return Infinity;
      return 1e4 + 1 / (1 + i / 50) + (rnd() - 0.5) * 0.1;
    });
    return { steps, values };
  });
}

/** Exact equality, NaN equal to NaN (the fused pass must do the very same arithmetic). */
function same(actual: BandColumns, expected: BandColumns, what: string): void {
  assert.equal(actual.total, expected.total, `${what}: total`);
  for (const c of ['x', 'mean', 'lo', 'hi', 'n'] as const) {
    assert.equal(actual[c].length, expected[c].length, `${what}: ${c} length`);
    for (let i = 0; i < actual[c].length; i++)
      assert.ok(
        Object.is(actual[c][i], expected[c][i]) || (actual[c][i] === 0 && expected[c][i] === 0),
        `${what}: ${c}[${i}] ${actual[c][i]} vs ${expected[c][i]}`,
      );
  }
}

describe('aggregateBand (aggregate and downsample in one pass)', () => {
  it('gives exactly downsampleBand(aggregateRuns(…)) for aligned ragged seeds, every band, width, range, smoothing', () => {
    const rnd = lcg(7);
    for (const len of [1, 2, 17, 400, 3001]) {
      const runs = seeds(rnd, 5, len, len % 2 ? 1 : 10);
      const last = runs[0]!.steps[len - 1]!;
      for (const band of BAND_KINDS)
        for (const maxPoints of [16, 100, 5000])
          for (const range of [undefined, { min: last * 0.2, max: last * 0.7 }, { min: -5, max: 1e9 }])
            for (const smoothing of [0, 0.6]) {
              const what = `len ${len} ${band} ${maxPoints} ${JSON.stringify(range)} smoothing ${smoothing}`;
              const expected = downsampleBand(aggregateRuns(runs, smoothing), band, maxPoints, range);
              same(aggregateBand(runs, { band, maxPoints, smoothing, range }), expected, what);
            }
    }
  });

  it('gives the same from series read by the index (steps known ascending at a fixed interval) as from bare columns', () => {
    const rnd = lcg(5);
    const bare = seeds(rnd, 4, 2000, 10);
    const read = bare.map((r) => {
      const cols = sharedColumns(r.steps.length);
      cols.steps.set(Array.from(r.steps));
      cols.values.set(Array.from(r.values));
      return withOrder({ runId: 'r', key: 'loss', ...cols });
    });
    assert.equal(read[0]!.stepEvery, 10);
    // a run starting at another step, at the same interval: not a prefix, so the general alignment
    const shifted = withOrder({ runId: 's', key: 'loss', ...sharedColumns(3) });
    shifted.steps.set([5, 15, 25]);
    shifted.values.set([1, 2, 3]);
    for (const runs of [read, [...read, shifted]])
      for (const band of BAND_KINDS) {
        const o = { band, maxPoints: 300, smoothing: 0.4 };
        const plain = runs.map((r) => ({ steps: Array.from(r.steps), values: Array.from(r.values) }));
        same(aggregateBand(runs, o), aggregateBand(plain, o), `${runs.length} runs, ${band}`);
      }
  });

  it('falls back to the general alignment for runs logging different steps, with the same result', () => {
    const rnd = lcg(11);
    const runs: StepSeries[] = [
      { steps: Float64Array.from({ length: 500 }, (_, i) => i * 2), values: Float64Array.from({ length: 500 }, rnd) },
      {
        steps: Float64Array.from({ length: 300 }, (_, i) => i * 3 + 1),
        values: Float64Array.from({ length: 300 }, rnd),
      },
      { steps: [5, 3, 9, 9, NaN, 700], values: [1, 2, 3, 4, 5, 6] },
    ];
    for (const band of BAND_KINDS) {
      const expected = downsampleBand(aggregateRuns(runs, 0.3), band, 64);
      same(aggregateBand(runs, { band, maxPoints: 64, smoothing: 0.3 }), expected, band);
    }
  });

  it('keeps a one-step spike of one seed in the band, and n drops where a seed ended', () => {
    const len = 10_000;
    const flat = (n: number): StepSeries => ({
      steps: Float64Array.from({ length: n }, (_, i) => i),
      values: new Float64Array(n).fill(1),
    });
    const spiky = flat(len);
    (spiky.values as Float64Array)[6789] = 50;
    const out = aggregateBand([flat(len), spiky, flat(len / 2)], { band: 'minmax', maxPoints: 100, smoothing: 0 });
    assert.equal(Math.max(...out.hi), 50);
    assert.equal(Math.min(...out.lo), 1);
    assert.equal(out.n[0], 3);
    assert.equal(out.n[out.n.length - 1], 2);
    assert.equal(out.total, len);
  });

  it('gives empty columns for no runs or runs without points', () => {
    const out = aggregateBand([{ steps: [], values: [] }], { band: 'std', maxPoints: 100, smoothing: 0 });
    assert.equal(out.x.length, 0);
    assert.equal(out.total, 0);
  });
});
