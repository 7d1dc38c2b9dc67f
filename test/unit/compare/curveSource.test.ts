import assert from 'node:assert/strict';
import { CurveSource } from '../../../src/core/compare/curveSource';
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
