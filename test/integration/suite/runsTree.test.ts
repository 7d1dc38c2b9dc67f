import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { scanFolder } from '../../../src/core/index/scan';
import { allRunNodes, runlens, workspaceDir } from './helpers';

describe('Runs view', function () {
  this.timeout(60_000);

  afterEach(async () => {
    const api = await runlens();
    api.tree.setGroupBy('experiment');
    api.tree.setFilter('');
  });

  it('shows every run the core finds in the workspace, once', async () => {
    const api = await runlens();
    const expected = await scanFolder(workspaceDir());
    const shown = allRunNodes(api)
      .map((n) => n.run.id)
      .sort();
    assert.ok(expected.runs.length >= 10, `sample workspace has ${expected.runs.length} runs`);
    assert.deepEqual(shown, expected.runs.map((r) => r.id).sort());
  });

  it('groups by experiment, format, commit and none', async () => {
    const api = await runlens();
    const runs = api.service.index!.runs();
    const labels = (): string[] =>
      api.tree
        .getChildren()
        .filter((n) => n.kind === 'group')
        .map((n) => (n.kind === 'group' ? n.label : ''));

    api.tree.setGroupBy('format');
    assert.deepEqual(labels().sort(), [...new Set(runs.map((r) => r.format))].sort());

    api.tree.setGroupBy('experiment');
    assert.ok(labels().includes('baseline'), `experiment groups: ${labels().join(', ')}`);

    api.tree.setGroupBy('commit');
    const commits = [...new Set(runs.map((r) => r.git.commit).filter((c): c is string => !!c))];
    assert.ok(commits.length >= 1);
    for (const c of commits)
      assert.ok(
        labels().some((l) => l.startsWith(c.slice(0, 8))),
        `a group for commit ${c}`,
      );
    assert.ok(labels().includes('No commit recorded'));

    api.tree.setGroupBy('none');
    assert.ok(api.tree.getChildren().every((n) => n.kind === 'run' || n.kind === 'problems'));
  });

  it('gives each run a status icon, its key metric and a tooltip with params and commit', async () => {
    const api = await runlens();
    const node = allRunNodes(api).find(
      (n) => n.run.format === 'mlflow' && n.run.git.commit && Object.keys(n.run.params).length > 0,
    )!;
    assert.ok(node, 'an MLflow run with a commit and params');
    const item = api.tree.getTreeItem(node);
    assert.equal(item.label, node.run.name);
    assert.equal(item.id, node.run.id);
    const icon = item.iconPath as vscode.ThemeIcon;
    assert.equal(
      icon.id,
      { finished: 'pass', failed: 'error', running: 'sync~spin', killed: 'circle-slash', unknown: 'circle-outline' }[
        node.run.status
      ],
    );
    assert.match(String(item.description), /loss \d/);
    const tooltip = (item.tooltip as vscode.MarkdownString).value;
    assert.ok(tooltip.includes(node.run.git.commit!.slice(0, 12)), 'commit in tooltip');
    const [k] = Object.keys(node.run.params);
    assert.ok(tooltip.includes(`${k} = `), 'params in tooltip');
    assert.match(item.contextValue!, /^runlens:run(:commit)?$/);
  });

  it('filters by name, param and metric text, and clears', async () => {
    const api = await runlens();
    const all = allRunNodes(api).length;
    const some = api.service.index!.runs().find((r) => 'lr' in r.params)!;
    api.tree.setFilter(`lr=${String(some.params.lr)}`);
    const byParam = allRunNodes(api);
    assert.ok(byParam.length >= 1 && byParam.length < all, `filtered ${byParam.length} of ${all}`);
    assert.ok(byParam.every((n) => String(n.run.params.lr) === String(some.params.lr)));
    api.tree.setFilter('no run is called this');
    assert.equal(allRunNodes(api).length, 0);
    assert.match(String((api.tree.getChildren()[0] as { label?: string }).label), /No runs match/);
    await vscode.commands.executeCommand('runlens.clearFilter');
    assert.equal(allRunNodes(api).length, all);
  });

  it('nests MLflow child runs under their parent', async () => {
    const api = await runlens();
    const child = api.service.index!.runs().find((r) => r.parentId);
    assert.ok(child, 'the sample has a nested run');
    const parent = allRunNodes(api).find((n) => n.run.id === child.parentId)!;
    assert.deepEqual(
      parent.children.map((c) => c.id),
      [child.id],
    );
  });
});
