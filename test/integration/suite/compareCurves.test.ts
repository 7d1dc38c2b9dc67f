import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { smoothEma } from '../../../src/core/compare/smooth';
import { allRunNodes, runlens } from './helpers';

describe('compare view curves', function () {
  this.timeout(60_000);

  it('reads series with the smoothing panels start with summarised, as TensorBoard smooths them', async () => {
    const api = await runlens();
    const panels = api.compare();
    assert.ok(panels, 'compare panels once the index is open');
    const run = allRunNodes(api)
      .map((n) => n.run)
      .find((r) => Object.keys(r.metrics).length > 0);
    assert.ok(run, 'a run with metrics in the test workspace');
    const key = Object.keys(run.metrics).sort()[0]!;
    const [series] = await panels.curves.series(run.id, [key]);
    assert.ok(series && series.values.length > 0, `${run.name}: ${key} read`);
    const weight = vscode.workspace.getConfiguration('runlens').get<number>('smoothing', 0.6);
    const e = series.extremes!;
    assert.equal(e.smoothed?.weight, weight, 'summarised at the setting');
    // the summary's values are TensorBoard's smoothing of the same points, to the last bit
    const full = smoothEma(series.values, weight);
    for (let b = 0; b < e.minAt.length; b++) {
      if (e.minAt[b]! >= 0) assert.equal(e.smoothed!.minS[b], full[e.minAt[b]!], `block ${b} min`);
      if (e.maxAt[b]! >= 0) assert.equal(e.smoothed!.maxS[b], full[e.maxAt[b]!], `block ${b} max`);
    }
  });
});
