import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMAND_IDS } from '../../../src/vscode/commandIds';
import { allRunNodes, runlens } from './helpers';

describe('commands', function () {
  this.timeout(60_000);

  it('registers every contributed command', async () => {
    await runlens();
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      COMMAND_IDS.filter((id) => !registered.has(id)),
      [],
    );
  });

  it('stars and unstars runs (workspace state), starred first', async () => {
    const api = await runlens();
    api.tree.setGroupBy('none');
    const nodes = allRunNodes(api);
    const last = nodes[nodes.length - 1]!;
    await vscode.commands.executeCommand('runlens.star', last);
    assert.equal(api.marks.isStarred(last.run.id), true);
    assert.equal(api.tree.getTreeItem(allRunNodes(api)[0]!).id, last.run.id, 'starred run comes first');
    assert.match(api.tree.getTreeItem(allRunNodes(api)[0]!).contextValue!, /^runlens:run:starred/);
    await vscode.commands.executeCommand('runlens.unstar', last);
    assert.equal(api.marks.isStarred(last.run.id), false);
    api.tree.setGroupBy('experiment');
  });

  it('sets the baseline and shows it in the tree', async () => {
    const api = await runlens();
    const node = allRunNodes(api)[0]!;
    await vscode.commands.executeCommand('runlens.setBaseline', node);
    assert.equal(api.marks.baseline, node.run.id);
    assert.match(String(api.tree.getTreeItem(node).description), /baseline/);
    await api.marks.setBaseline(undefined);
  });

  it('copies run ids to the clipboard', async () => {
    const api = await runlens();
    const [a, b] = allRunNodes(api);
    await vscode.commands.executeCommand('runlens.copyRunId', a, [a, b]);
    assert.equal(await vscode.env.clipboard.readText(), `${a!.run.id}\n${b!.run.id}`);
  });

  it('refreshes without reading unchanged files again', async () => {
    const api = await runlens();
    const before = api.service.index!.runs().length;
    await vscode.commands.executeCommand('runlens.refresh');
    assert.equal(api.service.index!.runs().length, before);
  });

  it('answers read-only SQL over the same index the tree shows, and refuses writes', async () => {
    const api = await runlens();
    const store = api.service.index!;
    const res = store.query("SELECT count(*) FROM runs WHERE format = 'mlflow'");
    assert.equal(res.rows[0]![0], api.service.index!.runs().filter((r) => r.format === 'mlflow').length);
    assert.throws(() => store.query('DELETE FROM runs'), /read-only/);
  });

  it('opens run files and reveals a run folder', async () => {
    const api = await runlens();
    const node = allRunNodes(api).find((n) => n.run.format === 'lightning')!;
    const files = api.service.index!.filesOf(node.run.id);
    assert.ok(
      files.some((f) => f.endsWith('metrics.csv')),
      files.join(', '),
    );
    await vscode.commands.executeCommand('runlens.revealRun', node);
  });
});
