import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { allRunNodes, removeFromWorkspace, runlens, waitFor, workspaceDir } from './helpers';

const RUN = 'polled_logs/version_0';

/** Runs a shell line in another process (the way a training job on another node writes to a shared volume). */
function sh(script: string, ...args: string[]): void {
  const r = spawnSync('sh', ['-c', script, 'sh', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

describe('live updates by polling (runlens.watch = poll)', function () {
  this.timeout(120_000);

  after(async () => {
    await vscode.workspace.getConfiguration('runlens').update('watch', undefined, vscode.ConfigurationTarget.Global);
    removeFromWorkspace('polled_logs');
    // the next suites start from file events again
    const api = await runlens();
    await waitFor('file events again', () => api.service.following[0]?.mode === 'events');
    await api.service.ready;
  });

  it('polls instead of watching, and sees files another process writes within the interval', async () => {
    const api = await runlens();
    await vscode.workspace.getConfiguration('runlens').update('watch', 'poll', vscode.ConfigurationTarget.Global);
    // the setting restarts live updates: no file watcher for the folder, the poll loop instead
    await waitFor('polling to start', () => api.service.poller && api.service.following[0]?.mode === 'poll');
    await api.service.ready;
    assert.deepEqual(
      api.service.following.map((f) => [f.mode, f.reason]),
      [['poll', 'runlens.watch is "poll"']],
    );
    const poller = api.service.poller!;

    // quiet for a while: the interval grows past its shortest
    await waitFor('the interval to grow', () => poller.intervalMs > 1_000, 30_000);
    const dir = path.join(workspaceDir(), RUN);
    let interval = poller.intervalMs;
    let t0 = Date.now();
    sh(
      'mkdir -p "$1" && printf "lr: 0.01\\n" > "$1/hparams.yaml" && printf "epoch,step,train_loss\\n0,0,2.5\\n" > "$1/metrics.csv"',
      dir,
    );
    const run = await waitFor('the new run', () => allRunNodes(api).find((n) => n.run.path === RUN)?.run, 60_000);
    let seenMs = Date.now() - t0;
    assert.deepEqual(run.params, { lr: 0.01 });
    // within the interval the loop was waiting, plus a poll's cost and the tree's turn (a loaded machine: slack)
    const slack = (): number => poller.lastCostMs + 3_000;
    assert.ok(seenMs <= interval + slack(), `new run seen after ${seenMs} ms; interval ${interval} ms`);

    // a change brings the interval back down; rows appended by another process are followed
    assert.equal(poller.intervalMs, Math.max(1_000, Math.round(poller.lastCostMs * 20)));
    interval = poller.intervalMs;
    t0 = Date.now();
    sh('printf "0,1,2.0\\n1,2,1.25\\n" >> "$1/metrics.csv"', dir);
    const updated = await waitFor(
      'the appended rows',
      () => {
        const r = api.service.index!.runs().find((x) => x.path === RUN);
        return r && r.metrics.train_loss!.count === 3 ? r : undefined;
      },
      60_000,
    );
    seenMs = Date.now() - t0;
    assert.deepEqual(updated.metrics.train_loss, { last: 1.25, lastStep: 2, min: 1.25, max: 2.5, count: 3 });
    assert.ok(seenMs <= interval + slack(), `append seen after ${seenMs} ms; interval ${interval} ms`);

    // and a run removed by another process leaves the tree
    sh('rm -rf "$1"', dir);
    await waitFor('the removed run to leave', () => !allRunNodes(api).some((n) => n.run.path === RUN), 60_000);
  });
});
