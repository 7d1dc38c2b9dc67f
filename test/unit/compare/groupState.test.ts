import assert from 'node:assert/strict';
import { aliasRuns, buildGroups } from '../../../src/vscode/compare/groupState';
import { modelRun as run } from '../../helpers/modelRun';

describe('compare view: groups and aliases in its state', () => {
  it('pairs each canonical key with the name a run logged it under', () => {
    const a = aliasRuns([run('a', {}, { acc: 1, eval_loss: 2 }), run('b', {}, { val_loss: 3 })], {});
    assert.deepEqual(Object.keys(a.runs[0]!.metrics), ['acc', 'val_loss']);
    assert.deepEqual([...a.renamed.get('a')!], [['val_loss', 'eval_loss']]);
    assert.equal(a.renamed.has('b'), false);
    assert.deepEqual([...a.originals.get('val_loss')!], ['eval_loss']);
  });

  it('no groups when every configuration has a single run', () => {
    const runs = [run('a', { lr: 1 }, { loss: 1 }), run('b', { lr: 2 }, { loss: 2 })];
    assert.equal(
      buildGroups({ runs, baselineId: 'a', seedParams: ['seed'], directions: {}, color: () => '#000' }),
      undefined,
    );
  });

  it('deltas to the baseline’s group with Welch’s t-test (Welch 1947 by hand), n, seeds and colours', () => {
    // A: 10, 12, 14 (mean 12, s² 4); B: 20, 21 (mean 20.5, s² 0.5); C: one run
    const runs = [
      run('b0', { lr: 0.1, seed: 0 }, { loss: 20 }),
      run('a0', { lr: 0.01, seed: 0 }, { loss: 10 }),
      run('a1', { lr: 0.01, seed: 1 }, { loss: 12 }),
      run('a2', { lr: 0.01, seed: 2 }, { loss: 14 }),
      run('b1', { lr: 0.1, seed: 1 }, { loss: 21 }),
      run('c0', { lr: 1, seed: 0 }, { loss: 30 }),
    ];
    const g = buildGroups({
      runs,
      baselineId: 'a1',
      seedParams: ['seed'],
      directions: {},
      color: (id) => `#${id}`,
    })!;
    assert.deepEqual(
      g.list.map((x) => [x.label, x.runIds, x.seeds, x.color]),
      [
        ['lr=0.01', ['a0', 'a1', 'a2'], ['seed=0', 'seed=1', 'seed=2'], '#a0'],
        ['lr=0.1', ['b0', 'b1'], ['seed=0', 'seed=1'], '#b0'],
        ['lr=1', ['c0'], ['seed=0'], '#c0'],
      ],
    );
    assert.equal(g.baseline, 0);
    assert.equal(g.test, "Welch's t-test");
    const row = g.metrics.find((m) => m.key === 'loss')!;
    assert.equal(row.direction, 'lower');
    assert.deepEqual(
      row.cells.map((c) => [c.mean, c.n]),
      [
        [12, 3],
        [20.5, 2],
        [30, 1],
      ],
    );
    assert.equal(row.deltas[0], null, 'none for the baseline itself');
    // t = 8.5 / √(4/3 + 0.5/2) = 6.7551; df = 1.5833² / ((4/3)²/2 + 0.25²/1) = 2.6350 (Welch–Satterthwaite);
    // p = 0.00987 by integrating Student's t density numerically over the two tails (outside this code)
    const d = row.deltas[1]!;
    assert.equal(d.delta, 8.5);
    assert.ok(Math.abs(d.pct! - (8.5 / 12) * 100) < 1e-12);
    assert.ok(Math.abs(d.p! - 0.00987) < 1e-4, `p = ${d.p}`);
    assert.equal(d.beyondNoise, true);
    // one run: a delta, but no spread to test against
    assert.deepEqual(row.deltas[2], { delta: 18, pct: 150, p: null, beyondNoise: null });
  });
});
