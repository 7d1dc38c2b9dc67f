import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { groupCurves } from '../../../src/core/compare/groupCurves';
import { aliasRuns, buildGroups } from '../../../src/vscode/compare/groupState';
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

  it('a group node’s tooltip names the key, the runs, the seeds and the metrics', async () => {
    const api = await runlens();
    const g = api.tree
      .getChildren()
      .find(
        (n): n is Extract<typeof n, { kind: 'group' }> =>
          n.kind === 'group' && n.runs.some((r) => r.path.startsWith('seed_logs/')),
      );
    assert.ok(g, 'the seeds’ group');
    const tooltip = String(api.tree.getTreeItem(g).tooltip);
    assert.match(tooltip, /lr=0\.0042/);
    assert.match(tooltip, /\n3 runs\nseed: 1, 2, 3\n/);
    assert.match(tooltip, /\nval_loss \(eval_loss\): 0\.6 ± 0\.1 \(n=3\), 0\.5 – 0\.7/);
  });

  it('the compare view’s groups: the seeds form one group, its curve is the step-aligned mean over the real files', async () => {
    const api = await runlens();
    const panels = api.compare();
    assert.ok(panels);
    const runs = api.service.index!.runs().filter((r) => r.path.startsWith('seed_logs/'));
    const other = api.service.index!.runs().find((r) => !r.path.startsWith('seed_logs/'))!;
    const aliased = aliasRuns([...runs, other], {});
    const groups = buildGroups({
      runs: aliased.runs,
      baselineId: runs[0]!.id,
      seedParams: ['seed'],
      directions: {},
      color: () => '#3b82f6',
    });
    assert.ok(groups, 'the compared runs form groups');
    const mine = groups.list.find((x) => x.runIds.length === 3)!;
    assert.deepEqual([...mine.runIds].sort(), runs.map((r) => r.id).sort());
    const [curve] = await groupCurves(panels.curves, [mine], ['val_loss'], {
      band: 'std',
      maxPoints: 100,
      smoothing: 0,
      original: (runId, key) => aliased.renamed.get(runId)?.get(key) ?? key,
    });
    assert.ok(curve, 'a curve for the group');
    assert.deepEqual([...curve.x], [0, 1]);
    assert.deepEqual([...curve.n], [3, 3], 'the run that logged eval_loss counted as val_loss');
    assert.ok(Math.abs(curve.mean[1]! - 0.6) < 1e-12 && Math.abs(curve.hi[1]! - 0.7) < 1e-12, `${[...curve.hi]}`);
  });
});
