import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { CurvePool, answeredInline, requestCost, splitByPoints } from '../../../src/core/compare/curvePool';
import { sharedColumns } from '../../../src/core/series';
import { curveFor } from '../../../src/core/compare/downsample';
import { aggregateBand } from '../../../src/core/compare/aggregateBand';
import { withOrder } from '../../../src/core/series';
import type { Series } from '../../../src/core/model';

function series(runId: string, n: number, shared: boolean, smoothing?: number): Series {
  const cols = shared
    ? sharedColumns(n)
    : { steps: new Float64Array(n), values: new Float64Array(n), times: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    cols.steps[i] = i;
    cols.times[i] = 1.7e12 + i * 100;
    cols.values[i] = Math.exp(-i / (n / 3)) + (i % 7919 === 0 ? 2 : 0) + Math.sin(i + runId.length) / 20;
  }
  return withOrder({ runId, key: 'loss', ...cols }, smoothing);
}

describe('CurvePool', () => {
  // The pool is tested against the compiled worker next to it (out/src/core/compare/curveWorker.js).
  const workerFile = path.join(__dirname, '../../../src/core/compare/curveWorker.js');
  let pool: CurvePool;
  beforeEach(() => (pool = new CurvePool(2, workerFile)));
  afterEach(() => pool.dispose());

  it('answers big requests on its workers with the curves curveFor computes, in request order', async () => {
    // 1.4 M points read one by one (no smoothing summarised): past what is answered on the calling thread
    const all = Array.from({ length: 11 }, (_, r) => series(`run-${r}`, 120_000 + r * 1000, true));
    const options = { xAxis: 'step' as const, maxPoints: 900, smoothing: 0.6 };
    const got = await pool.curves(all, options);
    assert.deepEqual(
      got.map((c) => c.runId),
      all.map((s) => s.runId),
    );
    for (const [i, s] of all.entries()) {
      const want = curveFor(s, options);
      assert.deepEqual([...got[i]!.x], [...want.x]);
      assert.deepEqual([...got[i]!.y], [...want.y]);
      assert.deepEqual([...got[i]!.s], [...want.s]);
      assert.equal(got[i]!.total, want.total);
    }
    assert.equal(new Set(got.map((c) => c.x.buffer)).size, 1, 'one buffer for the answer');
  });

  it('aggregates groups into bands on its workers, as aggregateBand does on this thread, in request order', async () => {
    // 12 groups × 3 seeds × 60,000 points (2.2 M): cut into chunks for the two workers; the last seed of odd groups
    // is shorter (ragged), every group is shifted so the order shows
    const groups = Array.from({ length: 12 }, (_, g) =>
      Array.from({ length: 3 }, (_, k) => {
        const s = series(`g${g}s${k}`, g % 2 && k === 2 ? 40_000 : 60_000, true);
        for (let i = 0; i < s.values.length; i++) s.values[i]! += g;
        return s;
      }),
    );
    for (const xAxis of ['step', 'relative'] as const) {
      const options = { xAxis, band: 'std' as const, maxPoints: 800, smoothing: 0.5 };
      const got = await pool.bands(groups, options);
      assert.equal(got.length, groups.length);
      for (const [g, runs] of groups.entries()) {
        const want = aggregateBand(runs, options);
        for (const c of ['x', 'mean', 'lo', 'hi', 'n'] as const)
          assert.deepEqual([...got[g]![c]], [...want[c]], `${xAxis} g${g} ${c}`);
        assert.equal(got[g]!.total, want.total);
      }
    }
  });

  it('cuts a big request into chunks shared by the workers, and joins them in order', async () => {
    const all = Array.from({ length: 24 }, (_, r) => series(`many-${r}`, 150_000, true));
    const options = { xAxis: 'step' as const, maxPoints: 400, smoothing: 0.8 };
    // two requests at once, both for the workers (1.35 M points at a weight not summarised): their chunks wait in one
    // queue, the first request's first
    const other = { ...options, smoothing: 0.3 };
    const [a, b] = await Promise.all([pool.curves(all, options), pool.curves(all.slice(3, 12), other)]);
    assert.equal(answeredInline(all.slice(3, 12), other), false);
    assert.deepEqual(
      a.map((c) => c.runId),
      all.map((s) => s.runId),
    );
    for (const [i, s] of all.entries()) assert.deepEqual([...a[i]!.s], [...curveFor(s, options).s], s.runId);
    assert.deepEqual(
      b.map((c) => c.runId),
      all.slice(3, 12).map((s) => s.runId),
    );
    for (const [i, s] of all.slice(3, 12).entries()) assert.deepEqual([...b[i]!.s], [...curveFor(s, other).s], s.runId);
  });

  it('with one worker, answers in the one buffer the worker packed', async () => {
    const single = new CurvePool(1, workerFile);
    try {
      const all = Array.from({ length: 7 }, (_, r) => series(`one-${r}`, 200_000, true));
      const options = { xAxis: 'step' as const, maxPoints: 300, smoothing: 0.5 };
      const got = await single.curves(all, options);
      assert.equal(new Set(got.flatMap((c) => [c.x.buffer, c.y.buffer, c.s.buffer])).size, 1);
      for (const [i, s] of all.entries()) assert.deepEqual([...got[i]!.s], [...curveFor(s, options).s]);
    } finally {
      single.dispose();
    }
  });

  it('gives the same answer from series whose columns are not shared (copied into the job)', async () => {
    const all = Array.from({ length: 9 }, (_, r) => series(`plain-${r}`, 150_000, false));
    const options = { xAxis: 'relative' as const, maxPoints: 500, smoothing: 0.9, range: { min: 100, max: 9000 } };
    const got = await pool.curves(all, options);
    for (const [i, s] of all.entries()) assert.deepEqual([...got[i]!.s], [...curveFor(s, options).s]);
  });

  it('rejects, and recovers with a new worker, when a worker cannot start', async () => {
    const broken = new CurvePool(2, path.join(__dirname, 'no-such-worker.js'));
    const all = Array.from({ length: 9 }, (_, r) => series(`b-${r}`, 150_000, true));
    try {
      await assert.rejects(broken.curves(all, { xAxis: 'step', maxPoints: 100, smoothing: 0.5 }));
    } finally {
      broken.dispose();
    }
    // small requests never need a worker
    const few = await broken.curves([series('small', 1000, false)], { xAxis: 'step', maxPoints: 100, smoothing: 0 });
    assert.equal(few.length, 1);
  });
});

describe('CurvePool on the calling thread', () => {
  it('counts a point read from block summaries at a fifth of one read point by point', () => {
    const summarised = Array.from({ length: 3 }, (_, r) => series(`s-${r}`, 10_000, false, 0.6));
    assert.equal(requestCost(summarised, { xAxis: 'step', maxPoints: 100, smoothing: 0.6 }), 6_000);
    // unsmoothed: the block extremes alone give the buckets
    assert.equal(requestCost(summarised, { xAxis: 'wall', maxPoints: 100, smoothing: 0 }), 6_000);
    // another weight streams the EMA over every point
    assert.equal(requestCost(summarised, { xAxis: 'step', maxPoints: 100, smoothing: 0.7 }), 30_000);
    // x out of order: the curve is drawn from a sorted copy, point by point
    const shuffled = series('x', 10_000, false, 0.6);
    shuffled.steps.reverse();
    withOrder(shuffled, 0.6);
    assert.equal(requestCost([shuffled], { xAxis: 'step', maxPoints: 100, smoothing: 0.6 }), 10_000);
  });

  it('decides what the calling thread answers: 50 summarised series of 100,000 points need no worker', async () => {
    const broken = new CurvePool(2, path.join(__dirname, 'no-such-worker.js'));
    try {
      const all = Array.from({ length: 50 }, (_, r) => series(`c-${r}`, 100_000, true, 0.6));
      const options = { xAxis: 'step' as const, maxPoints: 856, smoothing: 0.6 };
      const got = await broken.curves(all, options);
      for (const [i, s] of all.entries()) assert.deepEqual([...got[i]!.s], [...curveFor(s, options).s], s.runId);
      // the slider moved: every point is read again, on the workers (which cannot start here)
      await assert.rejects(broken.curves(all, { ...options, smoothing: 0.7 }));
    } finally {
      broken.dispose();
    }
  });
  it('answers the calling thread’s requests one per turn of the event loop, each before the next is computed', async () => {
    const inline = new CurvePool(0);
    const all = Array.from({ length: 3 }, (_, r) => series(`t-${r}`, 1000, false));
    const options = { xAxis: 'step' as const, maxPoints: 100, smoothing: 0 };
    const order: string[] = [];
    const a = inline.curves(all, options).then(() => order.push('a'));
    const b = inline.curves(all, options).then(() => order.push('b'));
    // an I/O callback due meanwhile (a webview message, say) runs between the two answers, not after both
    setImmediate(() => order.push('io'));
    await Promise.all([a, b]);
    assert.deepEqual(order, ['a', 'io', 'b']);
  });
});

describe('splitByPoints', () => {
  const sized = (n: number): Series => ({
    runId: String(n),
    key: 'k',
    steps: new Float64Array(n),
    values: new Float64Array(n),
    times: new Float64Array(n),
  });
  it('keeps order and balances points', () => {
    const parts = splitByPoints([10, 10, 10, 10, 40].map(sized), 2);
    assert.deepEqual(
      parts.map((p) => p.map((s) => s.values.length)),
      [[10, 10, 10, 10], [40]],
    );
    assert.deepEqual(splitByPoints([5].map(sized), 3).length, 1);
    assert.deepEqual(splitByPoints([], 2), []);
  });
});
