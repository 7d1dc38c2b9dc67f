import assert from 'node:assert/strict';
import { DEFAULT_SEED_PARAMS } from '../../../src/core/compare/seeds';
import { configurationGroups } from '../../../src/vscode/configGroups';
import { modelRun as run } from '../../helpers/modelRun';

describe('Runs tree: group node tooltips', () => {
  it('name the key, the number of runs, the seeds and a metric summary (aliases shown, run text made plain)', () => {
    const runs = [
      run('a', { lr: 0.1, seed: 0 }, { val_loss: 0.5, acc: 0.7 }),
      run('b', { lr: 0.1, seed: 1 }, { eval_loss: 0.7, acc: 0.8 }),
      run('c', { lr: 0.1, seed: 2 }, { val_loss: 0.6 }),
      run('d', { lr: '0.01\u202e<b>', seed: 7 }, { val_loss: 0.4 }),
    ];
    const nodes = configurationGroups(
      runs,
      { seedParams: DEFAULT_SEED_PARAMS, metricAliases: {}, keyMetric: 'val_loss' },
      (r, configured) => (r.metrics[configured] ? configured : Object.keys(r.metrics)[0]),
    );
    const three = nodes.find((n) => n.runs.length === 3)!;
    const lines = three.tooltip.split('\n');
    assert.equal(lines[0], 'lr=0.1');
    assert.equal(lines[1], '3 runs');
    assert.equal(lines[2], 'seed: 0, 1, 2');
    // the key metric first: mean 0.6, std 0.1 of 0.5, 0.7, 0.6 — eval_loss counted as val_loss, and named
    assert.equal(lines[5], 'val_loss (eval_loss): 0.6 ± 0.1 (n=3), 0.5 – 0.7');
    assert.match(lines[6]!, /^acc: 0\.75 ± 0\.071 \(n=2\), 0\.7 – 0\.8$/);
    const one = nodes.find((n) => n.runs.length === 1)!;
    assert.ok(!one.tooltip.includes('\u202e'), 'bidi override dropped');
    assert.match(one.tooltip, /^lr=0\.01<b>\n1 run\nseed: 7\n/);
  });
});
