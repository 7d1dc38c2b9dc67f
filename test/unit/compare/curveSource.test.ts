import assert from 'node:assert/strict';
import { CurveSource, type SeriesReader } from '../../../src/core/compare/curveSource';
import type { Series } from '../../../src/core/model';
import { WorkspaceIndex } from '../../../src/core/index/workspaceIndex';
import { lineReader } from '../../helpers/lineReader';
import { makeTemp, put, rmTemp } from '../../helpers/tmp';

describe('curve source: extremes', () => {
  let dir: string;
  beforeEach(() => (dir = makeTemp()));
  afterEach(() => rmTemp(dir));

  // The compare view takes a run's min and max from here when its summary has none (a remote source's run, whose
  // server keeps only the latest value per metric: docs/sources.md).
  it("gives the value and the step of each curve's finite min and max, read from the index", async () => {
    put(dir, 'exp/run.txt', 'name=r\n');
    put(dir, 'exp/points.log', 'loss 0 2\nloss 1 0.25\nloss 2 NaN\nloss 3 0.5\nacc 0 0.5\nacc 5 0.75\n');
    const ix = await WorkspaceIndex.open([{ path: dir, name: 'A' }], { readers: [lineReader] });
    const curves = new CurveSource(ix);
    try {
      await ix.indexAll();
      const run = ix.runs()[0]!;
      await curves.computeExtremes(run.id);
      const ex = curves.extremes(run.id)!;
      assert.deepEqual(ex.get('loss'), { min: 0.25, max: 2, minStep: 1, maxStep: 0 });
      assert.deepEqual(ex.get('acc'), { min: 0.5, max: 0.75, minStep: 0, maxStep: 5 });
    } finally {
      curves.dispose();
      ix.dispose();
    }
  });
});

/** A curve of n points: value = 10 - i / 10 except a dip to -1 at step `dip`. */
function wholeSeries(runId: string, key: string, n: number, dip: number): Series {
  const steps = Float64Array.from({ length: n }, (_, i) => i);
  const values = Float64Array.from({ length: n }, (_, i) => (i === dip ? -1 : 10 - i / 10));
  return { runId, key, steps, values, times: new Float64Array(n).fill(NaN) };
}

/** Three of the whole curve's points, marked as a sample. */
function sample(runId: string, key: string): Series {
  const whole = wholeSeries(runId, key, 50, -1);
  const pick = [0, 25, 49];
  return {
    runId,
    key,
    steps: Float64Array.from(pick, (i) => whole.steps[i]!),
    values: Float64Array.from(pick, (i) => whole.values[i]!),
    times: new Float64Array(pick.length).fill(NaN),
    partial: true,
  };
}

describe('curve source: a sampled curve is read whole once', () => {
  // A tracking server's run: its curves come first as a sample, then whole in the background. Finding where they
  // peak must wait for that whole read, not start a second one (each is a paged get-history over the network).
  it('computeExtremes waits for the whole reads under way and reads only the curves not kept', async () => {
    const wholeReads: string[] = [];
    const reader: SeriesReader = {
      async readSeries(runId, keys) {
        await new Promise((r) => setTimeout(r, 30));
        const want = keys ?? ['loss', 'acc'];
        wholeReads.push(...want);
        return want.map((k) => wholeSeries(runId, k, 50, k === 'loss' ? 37 : 3));
      },
      async readSampledSeries(runIds, keys) {
        return runIds.flatMap((id) => keys.map((k) => sample(id, k)));
      },
    };
    const curves = new CurveSource(reader);
    try {
      const drawn = await curves.curves(['r1'], ['loss'], { xAxis: 'step', maxPoints: 100, smoothing: 0 });
      assert.equal(drawn[0]!.partial, true, 'the first answer is the sample');
      await curves.computeExtremes('r1', ['loss', 'acc']);
      assert.deepEqual(wholeReads.sort(), ['acc', 'loss'], 'each curve read whole once');
      assert.deepEqual(curves.extremes('r1')!.get('loss'), { min: -1, max: 10, minStep: 37, maxStep: 0 });
      assert.deepEqual(curves.extremes('r1')!.get('acc'), { min: -1, max: 10, minStep: 3, maxStep: 0 });
    } finally {
      curves.dispose();
    }
  });
});
