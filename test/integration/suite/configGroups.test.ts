import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { allRunNodes, removeFromWorkspace, runlens, waitFor, writeInWorkspace } from './helpers';

/** Three seeds of one configuration (Lightning CSV logs, lr 0.0042), one of them logged by its Hugging Face name. */
const SEEDS = [
  { seed: 1, loss: 0.5 },
  { seed: 2, loss: 0.6 },
  { seed: 3, loss: 0.7 },
];

describe('Runs view: grouped by configuration (seeds grouped)', function () {
  this.timeout(60_000);

  after(async () => {
    const api = await runlens();
    removeFromWorkspace('seed_logs');
    api.tree.setGroupBy('experiment');
    // Later suites count the workspace's runs: wait until the watcher has dropped these.
    await waitFor(
      'the seed runs to leave the index',
      () => !api.service.index!.runs().some((r) => r.path.startsWith('seed_logs/')),
    );
  });

  it('folds the seeds of one configuration into one node with n and the key metric’s mean ± std', async () => {
    const api = await runlens();
    SEEDS.forEach(({ seed, loss }, i) => {
      writeInWorkspace(`seed_logs/version_${i}/hparams.yaml`, `lr: 0.0042\nbatch_size: 8\nseed: ${seed}\n`);
      const name = i === 2 ? 'eval_loss' : 'val_loss';
      writeInWorkspace(`seed_logs/version_${i}/metrics.csv`, `epoch,step,${name}\n0,0,${loss + 1}\n1,1,${loss}\n`);
    });
    await waitFor(
      'the three seed runs',
      () => api.service.index!.runs().filter((r) => r.path.startsWith('seed_logs/')).length === 3,
    );
    api.tree.setGroupBy('configuration');
    const groups = api.tree.getChildren().filter((n): n is Extract<typeof n, { kind: 'group' }> => n.kind === 'group');
    const mine = groups.filter((g) => g.runs.some((r) => r.path.startsWith('seed_logs/')));
    assert.equal(mine.length, 1, `one group for the seeds: ${mine.map((g) => g.label).join(' / ')}`);
    const g = mine[0]!;
    assert.equal(g.runs.length, 3);
    assert.match(g.label, /lr=0\.0042/);
    const item = api.tree.getTreeItem(g);
    // mean 0.6, sample std 0.1, over the three runs: eval_loss counts as val_loss (the default aliases).
    assert.equal(item.description, '3 runs · val_loss 0.6 ± 0.1');
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'layers');
    // Every run of the workspace is in exactly one group.
    const inGroups = groups.flatMap((x) => x.runs.map((r) => r.id)).sort();
    assert.deepEqual(
      inGroups,
      api.tree
        .visibleRuns()
        .map((r) => r.id)
        .sort(),
    );
    assert.equal(allRunNodes(api).filter((n) => n.run.path.startsWith('seed_logs/')).length, 3);
  });
});
