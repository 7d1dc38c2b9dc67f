import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { RunsTablePanel } from '../../../src/vscode/table/runsTablePanel';
import { removeFromWorkspace, runlens, waitFor, workspaceDir, writeInWorkspace } from './helpers';

describe('Saved views', function () {
  this.timeout(60_000);
  after(() => removeFromWorkspace('.vscode/runlens'));

  it('"Save View…" writes .vscode/runlens/views/<name>.json; opening it opens the table in that state', async () => {
    const api = await runlens();
    const state = {
      filter: 'params.lr < 0.01 or format = dvc',
      columns: ['name', 'params.lr', 'metrics.val_loss.min'],
      sort: { column: 'params.lr', desc: true },
      onlyDiffs: false,
      baselineId: null,
    };
    const uri = await vscode.commands.executeCommand<vscode.Uri>('runlens.saveView', state, 'small lr');
    assert.equal(uri.fsPath, `${workspaceDir()}/.vscode/runlens/views/small lr.json`);
    const onDisk = JSON.parse(fs.readFileSync(uri.fsPath, 'utf8'));
    assert.deepEqual(onDisk, {
      version: 1,
      kind: 'table',
      filter: state.filter,
      columns: state.columns,
      sort: state.sort,
      onlyDiffs: false,
      baseline: null,
    });
    // The Runs tree lists it under a Views node at its top.
    const listed = await waitFor('the Views node of the Runs tree', () => {
      const top = api.tree.getChildren()[0];
      const names =
        top?.kind === 'views' ? api.tree.getChildren(top).map((n) => (n.kind === 'view' ? n.item.name : '')) : [];
      return names.includes('small lr') ? names : undefined;
    });
    assert.deepEqual(listed, ['small lr']);
    const viewItem = api.tree.getTreeItem({ kind: 'view', item: api.views.listed[0]! });
    assert.equal(viewItem.command?.command, 'runlens.openView');
    const panel = await vscode.commands.executeCommand<RunsTablePanel>('runlens.openView', 'small lr');
    try {
      assert.deepEqual(panel.queryState, state);
      assert.equal(panel.panel.title, 'small lr');
      const ids = api.service.index!.runIdsWhere(panel.queryState.filter);
      assert.ok(ids.length > 0 && ids.length < api.service.index!.runs().length);
    } finally {
      panel.dispose();
    }
  });

  it('a bad view file is listed with its problem and gets a diagnostic', async () => {
    const file = writeInWorkspace('.vscode/runlens/views/broken.json', '{"version": 1, "filter": "params.lr <"}');
    const uri = vscode.Uri.file(file);
    const api = await runlens();
    const item = (await api.views.items()).find((i) => i.name === 'broken');
    assert.equal(item?.problem, `"filter": expected a value after '<' at column 12`);
    assert.equal(item.view, undefined);
    const diags = await waitFor('the diagnostic', () => {
      const d = vscode.languages.getDiagnostics(uri);
      return d.length ? d : undefined;
    });
    assert.equal(diags[0]!.message, `Runlens view: "filter": expected a value after '<' at column 12`);
  });
});
