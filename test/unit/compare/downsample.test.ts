import * as assert from 'node:assert/strict';
import { blockExtremes, smoothedAt, smoothedRange } from '../../../src/core/compare/blocks';
import {
  curveFor,
  downsampleMinMax,
  downsampleSmoothed,
  packCurves,
  snapEdge,
} from '../../../src/core/compare/downsample';
import { evenInterval, withOrder } from '../../../src/core/series';
import { smoothEma } from '../../../src/core/compare/smooth';
import type { Series } from '../../../src/core/model';

function line(n: number, f: (i: number) => number): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = i;
    y[i] = f(i);
  }
  return { x, y };
}

describe('downsampleMinMax', () => {
  it('keeps every point when they fit', () => {
    const { x, y } = line(10, (i) => i * i);
    assert.deepEqual([...downsampleMinMax(x, y, 10)], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('stays within the budget, ascending, with first and last', () => {
    const { x, y } = line(100_000, (i) => Math.sin(i / 50));
    const idx = downsampleMinMax(x, y, 1000);
    assert.ok(idx.length <= 1000, `${idx.length}`);
    assert.ok(idx.length >= 900, `${idx.length}`);
    assert.equal(idx[0], 0);
    assert.equal(idx[idx.length - 1], 99_999);
    for (let i = 1; i < idx.length; i++) assert.ok(idx[i]! > idx[i - 1]!);
  });

  it('keeps a one-point spike and the global extremes', () => {
    const { x, y } = line(100_000, (i) => (i === 31_337 ? 1e6 : i === 77_777 ? -5 : Math.cos(i)));
    const idx = [...downsampleMinMax(x, y, 200)];
    assert.ok(idx.includes(31_337));
    assert.ok(idx.includes(77_777));
  });

  it('keeps each bucket’s min and max exactly, its edges on block edges when both sides hold two blocks', () => {
    // budget 10 -> 4 buckets of equal x width. 1000 points: pixel edges at 250, 500, 750, read from the nearest
    // multiples of 64 (256, 512, 768). 200 points: buckets of 50 points, under two blocks, so the edges stay at the
    // pixel columns' (50, 100, 150: x·4/199 crosses 1, 2, 3 there).
    for (const [n, edges] of [
      [1000, [1, 256, 512, 768, 999]],
      [200, [1, 50, 100, 150, 199]],
    ] as const) {
      const { x, y } = line(n, (i) => ((i * 7919) % n) / 10);
      const idx = [...downsampleMinMax(x, y, 10)];
      const want = [0];
      for (let b = 0; b < 4; b++) {
        const inBucket = Array.from({ length: edges[b + 1]! - edges[b]! }, (_, j) => edges[b]! + j);
        const lowest = inBucket.reduce((p, i) => (y[i]! < y[p]! ? i : p));
        const highest = inBucket.reduce((p, i) => (y[i]! > y[p]! ? i : p));
        want.push(Math.min(lowest, highest), Math.max(lowest, highest));
      }
      want.push(n - 1);
      assert.deepEqual(idx, want, `${n} points`);
    }
  });

  it('snapEdge: the nearest multiple of 64 only when both buckets hold 128 points or more', () => {
    assert.equal(snapEdge(0, 250, 500), 256);
    assert.equal(snapEdge(100, 290, 420), 320);
    assert.equal(snapEdge(0, 127, 400), 127);
    assert.equal(snapEdge(0, 200, 327), 200);
    assert.equal(snapEdge(0, 128, 256), 128);
    assert.equal(snapEdge(1000, 1160, 1300), 1152);
  });

  it('restricts to a range, keeping one point beyond each end', () => {
    const { x, y } = line(1000, (i) => i);
    assert.deepEqual([...downsampleMinMax(x, y, 100, { min: 10.5, max: 14 })], [10, 11, 12, 13, 14, 15]);
    assert.deepEqual([...downsampleMinMax(x, y, 100, { min: -5, max: 1 })], [0, 1, 2]);
    assert.deepEqual([...downsampleMinMax(x, y, 100, { min: 2000, max: 3000 })], [999]);
  });

  it('keeps non-finite points so gaps stay visible', () => {
    const { x, y } = line(10_000, (i) => (i === 5000 ? NaN : i === 6000 ? Infinity : 1));
    const idx = [...downsampleMinMax(x, y, 50)];
    assert.ok(idx.includes(5000));
    assert.ok(idx.includes(6000));
  });

  it('buckets by x, not by index: dense and sparse stretches get equal width', () => {
    // 10,000 points in x∈[0,1) and one point at x=1000: every dense point falls into the first bucket.
    const x = new Float64Array(10_001);
    const y = new Float64Array(10_001);
    for (let i = 0; i < 10_000; i++) {
      x[i] = i / 10_000;
      y[i] = i % 2;
    }
    x[10_000] = 1000;
    const idx = downsampleMinMax(x, y, 100);
    assert.ok(idx.length <= 4, `${idx.length}`);
  });
});

describe('curveFor', () => {
  const series = (n: number, f: (i: number) => number, t0 = 1_700_000_000_000): Series => ({
    runId: 'r',
    key: 'loss',
    steps: Float64Array.from({ length: n }, (_, i) => i * 10),
    values: Float64Array.from({ length: n }, (_, i) => f(i)),
    times: Float64Array.from({ length: n }, (_, i) => t0 + i * 500),
  });

  it('sends every point with the smoothed column when they fit', () => {
    const c = curveFor(
      series(4, (i) => i + 1),
      { xAxis: 'step', maxPoints: 100, smoothing: 0.5 },
    );
    assert.ok(
      c.x instanceof Float64Array && c.y instanceof Float64Array && c.s instanceof Float64Array,
      'columns cross to the webview as bytes',
    );
    assert.deepEqual([...c.x], [0, 10, 20, 30]);
    assert.deepEqual([...c.y], [1, 2, 3, 4]);
    assert.deepEqual(
      [...c.s].map((v) => Number(v.toFixed(6))),
      [1, 1.666667, 2.428571, 3.266667],
    );
    assert.equal(c.total, 4);
  });

  it('smooths over the whole series even when only a range is sent', () => {
    const s = series(1000, (i) => (i % 2 ? 1 : 0));
    const full = curveFor(s, { xAxis: 'step', maxPoints: 5000, smoothing: 0.9 });
    const part = curveFor(s, { xAxis: 'step', maxPoints: 5000, smoothing: 0.9, range: { min: 5000, max: 5100 } });
    assert.equal(part.x[0], 4990);
    const at = full.x.indexOf(5000);
    assert.equal(part.s[1], full.s[at]);
    assert.equal(part.total, 11);
  });

  it('relative time is seconds since the first point; ranges are in that unit', () => {
    const c = curveFor(
      series(10, (i) => i),
      { xAxis: 'relative', maxPoints: 100, smoothing: 0, range: { min: 1, max: 2 } },
    );
    assert.deepEqual([...c.x], [0.5, 1, 1.5, 2, 2.5]);
    assert.deepEqual([...c.y], [1, 2, 3, 4, 5]);
  });

  it('drops points without the x unit, sorts, and sends non-finite values as NaN', () => {
    const s = series(5, (i) => [1, NaN, 3, Infinity, 5][i]!);
    s.times[2] = NaN;
    s.steps.set([40, 30, 20, 10, 0]);
    const byTime = curveFor(s, { xAxis: 'wall', maxPoints: 100, smoothing: 0 });
    assert.deepEqual([...byTime.y], [1, NaN, NaN, 5]);
    const byStep = curveFor(s, { xAxis: 'step', maxPoints: 100, smoothing: 0 });
    assert.deepEqual([...byStep.x], [0, 10, 20, 30, 40]);
    assert.deepEqual([...byStep.y], [5, NaN, 3, NaN, 1]);
    // the order noted when the series was read is trusted (and the same curve comes out)
    assert.deepEqual(
      [...curveFor(withOrder(s), { xAxis: 'step', maxPoints: 100, smoothing: 0 }).y],
      [5, NaN, 3, NaN, 1],
    );
  });

  it('withOrder notes which x columns are finite and ascending', () => {
    const s = series(3, (i) => i);
    assert.deepEqual(withOrder(s).ascending, { steps: true, times: true });
    assert.equal(s.stepEvery, 10, 'steps 0, 10, 20 are evenly spaced');
    s.times[1] = NaN;
    s.steps.set([0, 20, 10]);
    assert.deepEqual(withOrder(s).ascending, { steps: false, times: false });
    assert.equal(s.stepEvery, undefined);
  });

  it('evenInterval: only when every x is x0 + i·d exactly, as computed in doubles', () => {
    assert.equal(evenInterval(Float64Array.from([5, 7, 9, 11])), 2);
    assert.equal(evenInterval(Float64Array.from([0, 1, 2, 4])), undefined);
    // 0.1 steps written as decimals: 3 · 0.1 is 0.30000000000000004, not 0.3
    assert.equal(evenInterval(Float64Array.from([0, 0.1, 0.2, 0.3])), undefined);
    assert.equal(evenInterval(Float64Array.from([0, 0.1, 0.2, 3 * 0.1])), 0.1);
    assert.equal(evenInterval(Float64Array.from([3])), undefined);
  });

  it('draws the same curve whether or not it knows the steps are evenly spaced', () => {
    const s = withOrder(series(50_000, (i) => Math.sin(i / 300) + (i % 997 === 0 ? 3 : 0) + ((i * 7919) % 13) / 50));
    assert.equal(s.stepEvery, 10);
    for (const o of [{ smoothing: 0.6 }, { smoothing: 0 }, { smoothing: 0.9, range: { min: 12_345, max: 301_234 } }]) {
      const known = curveFor(s, { xAxis: 'step', maxPoints: 600, ...o });
      const unknown = curveFor({ ...s, stepEvery: undefined }, { xAxis: 'step', maxPoints: 600, ...o });
      assert.deepEqual(known, unknown, JSON.stringify(o));
      assert.ok(known.x.length > 500);
    }
  });

  it('packCurves puts every column of an answer in one buffer, values unchanged', () => {
    const a = curveFor(
      series(5, (i) => i * 2),
      { xAxis: 'step', maxPoints: 100, smoothing: 0.3 },
    );
    const b = curveFor(
      series(3, (i) => -i),
      { xAxis: 'step', maxPoints: 100, smoothing: 0 },
    );
    const packed = packCurves([a, b]);
    const buffers = new Set(packed.flatMap((c) => [c.x.buffer, c.y.buffer, c.s.buffer]));
    assert.equal(buffers.size, 1);
    assert.equal([...buffers][0]!.byteLength, (5 + 3) * 3 * 8);
    for (const [got, want] of [
      [packed[0]!, a],
      [packed[1]!, b],
    ] as const) {
      assert.deepEqual([...got.x], [...want.x]);
      assert.deepEqual([...got.y], [...want.y]);
      assert.deepEqual([...got.s], [...want.s]);
      assert.equal(got.runId, want.runId);
    }
  });

  it('downsamples 100,000 points to the budget and keeps a spike', () => {
    const c = curveFor(
      series(100_000, (i) => (i === 4242 ? 99 : Math.sin(i / 100))),
      { xAxis: 'step', maxPoints: 1200, smoothing: 0.6 },
    );
    assert.ok(c.x.length <= 1200);
    assert.ok(c.y.includes(99));
    assert.equal(c.total, 100_000);
  });
});

describe('downsampleSmoothed (one pass)', () => {
  it('picks what downsampleMinMax picks and smooths like smoothEma, with gaps, ranges, constant series and any weight', () => {
    let seed = 7;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (const n of [0, 1, 3, 50, 1000, 20_000]) {
      const x = Float64Array.from({ length: n }, (_, i) => i * 2 + (i > n / 2 ? 7 : 0));
      const gappy = Float64Array.from({ length: n }, (_, i) =>
        i % 97 === 5 ? NaN : i % 211 === 3 ? Infinity : Math.sin(i / 30) + rand(),
      );
      // no gaps: the EMA's four-points-per-step path runs past the first ~1,400 points
      const clean = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 30) + rand() + (i === n >> 2 ? 5 : 0));
      const flat = new Float64Array(n).fill(3);
      // few distinct values: every bucket's extremes are tied many times over (the first one is the pick)
      const ties = Float64Array.from({ length: n }, () => Math.round(rand() * 3) - 1.5);
      for (const values of [gappy, clean, flat, ties]) {
        for (const w of [0, 0.6, 0.99, 1]) {
          const full = smoothEma(values, w);
          for (const range of [undefined, { min: n * 0.3, max: n * 1.1 }, { min: -10, max: 4 }]) {
            for (const maxPoints of [10, 200, 5000]) {
              const what = `n=${n} w=${w} max=${maxPoints} ${JSON.stringify(range)}`;
              const got = downsampleSmoothed(x, values, maxPoints, w, range);
              const idx = downsampleMinMax(x, values, maxPoints, range);
              assert.deepEqual([...got.idx], [...idx], `idx ${what}`);
              const want = [...idx].map((i) => full[i]!);
              assertClose([...got.smooth], want, `smooth ${what}`);
              // block extremes of any size give the very same answer
              for (const size of [1, 3, 64])
                assert.deepEqual(
                  downsampleSmoothed(x, values, maxPoints, w, range, blockExtremes(values, size)),
                  got,
                  `blocks of ${size} ${what}`,
                );
              // with the smoothing summarised at this weight as the series was read: the same picks and raw values,
              // and smoothEma's values to the last bit (one point at a time, as smoothEma runs); at another weight,
              // the summaries are left alone
              for (const size of [1, 3, 64]) {
                const summarised = downsampleSmoothed(x, values, maxPoints, w, range, blockExtremes(values, size, w));
                assert.deepEqual([...summarised.idx], [...idx], `summaries of ${size}: idx ${what}`);
                assert.deepEqual([...summarised.raw], [...got.raw], `summaries of ${size}: raw ${what}`);
                assert.deepEqual([...summarised.smooth], want, `summaries of ${size}: smooth ${what}`);
                assert.deepEqual(
                  downsampleSmoothed(
                    x,
                    values,
                    maxPoints,
                    w,
                    range,
                    blockExtremes(values, size, w === 0.6 ? 0.99 : 0.6),
                  ),
                  got,
                  `summaries at another weight ${what}`,
                );
              }
              // evenly spaced x, read or computed (see Series.stepEvery): the same picks and values
              const even = Float64Array.from({ length: n }, (_, i) => 3 + i * 2);
              assert.deepEqual(
                downsampleSmoothed(even, values, maxPoints, w, range, undefined, 2),
                downsampleSmoothed(even, values, maxPoints, w, range),
                `computed x ${what}`,
              );
            }
          }
        }
      }
    }
  });
});

describe('blockExtremes', () => {
  it('notes the first lowest and highest finite value of each block and the blocks with gaps', () => {
    const e = blockExtremes(Float64Array.from([3, 1, 1, 5, 5, NaN, 2, -Infinity, NaN, NaN, 7]), 4);
    assert.equal(e.size, 4);
    assert.deepEqual([...e.min], [1, 2, 7]);
    assert.deepEqual([...e.minAt], [1, 6, 10]);
    assert.deepEqual([...e.max], [5, 5, 7]);
    assert.deepEqual([...e.maxAt], [3, 4, 10]);
    assert.deepEqual([...e.gaps], [0, 1, 1]);
    const none = blockExtremes(Float64Array.from([NaN, Infinity, 4]), 2);
    assert.deepEqual([...none.minAt], [-1, 2], 'a block of gaps only has no extremes');
    assert.deepEqual([...none.min], [Infinity, 4]);
    assert.ok(e.min.buffer instanceof SharedArrayBuffer, 'shared, so curve workers read it without a copy');
    assert.equal(e.smoothed, undefined, 'no smoothing summaries unless asked for');
  });

  it('summarises the smoothing at a weight: the EMA state before each block and the smoothed value at its picks', () => {
    const values = Float64Array.from([3, 1, 1, 5, 5, NaN, 2, -Infinity, NaN, NaN, 7, 4]);
    const plain = blockExtremes(values, 4);
    const e = blockExtremes(values, 4, 0.6);
    for (const k of ['min', 'max', 'minAt', 'maxAt', 'gaps'] as const) assert.deepEqual([...e[k]], [...plain[k]], k);
    const sm = e.smoothed!;
    assert.equal(sm.weight, 0.6);
    const full = smoothEma(values, 0.6);
    assert.deepEqual([...sm.minS], [full[1], full[6], full[11]]);
    assert.deepEqual([...sm.maxS], [full[3], full[4], full[10]]);
    // before block 1: the average of 3, 1, 1, 5 and 0.6^4
    let last = 0;
    for (const v of [3, 1, 1, 5]) last = last * 0.6 + 0.4 * v;
    assert.equal(sm.last[1], last);
    assert.equal(sm.pow[1], 0.6 * 0.6 * 0.6 * 0.6);
    // the smoothed value anywhere, run from its block's start: smoothEma's
    for (const p of [0, 2, 4, 6, 10, 11]) assert.equal(smoothedAt(values, e, sm, p), full[p], `at ${p}`);
    // and over a range (gaps keep their raw value)
    for (const [from, to] of [
      [0, 12],
      [5, 11],
      [9, 10],
    ] as const)
      assert.deepEqual([...smoothedRange(values, e, sm, from, to)], [...full.subarray(from, to)], `${from}..${to}`);
    assert.ok(sm.minS.buffer === e.min.buffer, 'in the same shared buffer');
    assert.equal(blockExtremes(values, 4, 0).smoothed, undefined, 'weight 0: nothing to summarise');
    assert.equal(blockExtremes(values, 4, 7).smoothed!.weight, 1, 'clamped as the smoothing clamps it');
  });
});

/** Equal up to rounding: the EMA's grouped steps round differently from the one-point recurrence in the last bits. */
function assertClose(got: number[], want: number[], what: string): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) {
    const a = got[i]!;
    const b = want[i]!;
    if (Object.is(a, b)) continue;
    assert.ok(Math.abs(a - b) <= 1e-13 * Math.abs(b), `${what}: at ${i} ${a} vs ${b}`);
  }
}
