import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { RunlensApi } from '../../../src/extension';
import { allRunNodes, removeFromWorkspace, runlens, waitFor, writeInWorkspace } from './helpers';

const RUN = 'live_logs/version_0';

/** The ids of every run in the index, sorted: what a warm start must give back. */
const indexedIds = (api: RunlensApi): string[] =>
  api.service
    .index!.runs()
    .map((r) => r.id)
    .sort();

describe('live updates from file watchers', function () {
  this.timeout(60_000);

  after(() => removeFromWorkspace('live_logs'));

  it('shows a new run, follows appended metrics, and drops a deleted run', async () => {
    const api = await runlens();
    writeInWorkspace(`${RUN}/hparams.yaml`, 'lr: 0.003\nbatch_size: 64\n');
    const csv = writeInWorkspace(`${RUN}/metrics.csv`, 'epoch,step,train_loss\n0,0,2.5\n0,1,2.0\n');
    const t0 = Date.now();
    const run = await waitFor(
      'the new Lightning run in the tree',
      () => allRunNodes(api).find((n) => n.run.path === RUN)?.run,
    );
    const appeared = Date.now() - t0;
    assert.deepEqual(run.params, { lr: 0.003, batch_size: 64 });
    assert.deepEqual(run.metrics.train_loss, { last: 2, lastStep: 1, min: 2, max: 2.5, count: 2 });

    fs.appendFileSync(csv, '1,2,1.25\n');
    const updated = await waitFor('the appended point', () => {
      const r = api.service.index!.runs().find((x) => x.path === RUN);
      return r && r.metrics.train_loss!.count === 3 ? r : undefined;
    });
    assert.deepEqual(updated.metrics.train_loss, { last: 1.25, lastStep: 2, min: 1.25, max: 2.5, count: 3 });

    removeFromWorkspace(RUN);
    await waitFor('the removed run to leave the tree', () => !allRunNodes(api).some((n) => n.run.path === RUN));
    // The issue asks for "within about a second"; the debounce is 250 ms. Allow CI some slack.
    assert.ok(appeared < 5_000, `new run appeared after ${appeared} ms`);
  });

  it('lists a corrupt file under "could not be read" while the rest keeps working', async () => {
    const api = await runlens();
    const runs = api.service.index!.runs().length;
    writeInWorkspace('broken_hf/trainer_state.json', '{"log_history": [ {"loss": 1.0, "step": 1}, ');
    const problems = await waitFor('a diagnostics item', () => {
      const node = api.tree.getChildren().find((n) => n.kind === 'problems');
      return node?.kind === 'problems' && node.diagnostics.some((d) => d.path === 'broken_hf/trainer_state.json')
        ? node
        : undefined;
    });
    const item = api.tree.getTreeItem(problems);
    assert.match(String(item.label), /could not be read/);
    const child = api.tree
      .getChildren(problems)
      .find((n) => n.kind === 'problem' && n.diagnostic.path === 'broken_hf/trainer_state.json')!;
    assert.match(String(api.tree.getTreeItem(child).description), /JSON|json/);
    assert.ok(api.service.index!.runs().length >= runs, 'no run lost');
    removeFromWorkspace('broken_hf');
    await waitFor(
      'the diagnostic to clear',
      () => !api.service.index!.diagnostics().some((d) => d.path.startsWith('broken_hf')),
    );
  });
});

describe('warm start', function () {
  this.timeout(60_000);

  it('snapshots the index to workspace storage and restores it on the next start', async () => {
    const api = await runlens();
    await api.service.reindex(); // settle what earlier suites changed on disk
    const ids = indexedIds(api);
    await api.service.saveSnapshot();
    await api.service.start();
    assert.deepEqual(api.service.lastStart, { warm: true, runsFromSnapshot: ids.length, discarded: undefined });
    assert.deepEqual(indexedIds(api), ids);
  });

  it('discards a corrupt snapshot and indexes afresh', async () => {
    const api = await runlens();
    await api.service.reindex();
    const ids = indexedIds(api);
    await api.service.saveSnapshot(); // flushes the snapshot the last start scheduled, so it cannot overwrite ours
    await vscode.workspace.fs.writeFile(api.service.snapshotUri!, new TextEncoder().encode('not a database'));
    await api.service.start();
    assert.equal(api.service.lastStart.warm, false);
    assert.match(api.service.lastStart.discarded ?? '', /snapshot unreadable/);
    assert.deepEqual(indexedIds(api), ids);
  });
});
