import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { WorkspaceIndex } from '../../../src/core/index';
import { AdaptivePoller, DEFAULT_POLL_BOUNDS, nextPollInterval, type PollBounds } from '../../../src/core/watch/poller';
import { makeTemp, put, rmTemp } from '../../helpers/tmp';
import { kerasCsv } from '../../helpers/writers/tabular';

describe('adaptive poll interval', () => {
  const b = DEFAULT_POLL_BOUNDS;

  it('grows while nothing changes, up to the longest', () => {
    let ms = b.minMs;
    const seen = [ms];
    for (let i = 0; i < 12; i++) seen.push((ms = nextPollInterval(ms, { changed: false, costMs: 5 })));
    assert.deepEqual(seen.slice(0, 5), [1000, 1500, 2250, 3375, 5063]);
    assert.equal(seen.at(-1), b.maxMs);
  });

  it('drops to the shortest on a change', () => {
    assert.equal(nextPollInterval(b.maxMs, { changed: true, costMs: 5 }), b.minMs);
  });

  it('stays costFactor times above what a poll costs, past the longest if need be', () => {
    assert.equal(nextPollInterval(b.minMs, { changed: true, costMs: 400 }), 8000);
    assert.equal(nextPollInterval(1500, { changed: false, costMs: 200 }), 4000);
    assert.equal(nextPollInterval(b.maxMs, { changed: false, costMs: 1000 }), b.maxMs);
    assert.equal(nextPollInterval(b.minMs, { changed: true, costMs: 10_000 }), 200_000);
  });
});

describe('poll loop on real files', () => {
  let root: string;
  let ix: WorkspaceIndex | undefined;
  let poller: AdaptivePoller | undefined;
  beforeEach(() => (root = makeTemp()));
  afterEach(async () => {
    await poller?.stop();
    ix?.dispose();
    rmTemp(root);
  });

  it('sees rows another process appends, within the interval, and backs off while quiet', async () => {
    const log = put(root, 'exp/logs/training.log', kerasCsv([{ loss: 1 }, { loss: 0.5 }]));
    ix = await WorkspaceIndex.open([{ path: root, name: 'ws' }], { workers: 0 });
    await ix.indexAll();
    const loss = (): number | undefined => ix!.runs()[0]?.metrics.loss?.count;
    assert.equal(loss(), 2);
    const bounds: PollBounds = { minMs: 100, maxMs: 400, growth: 2, costFactor: 1 };
    const index = ix;
    poller = new AdaptivePoller(async () => {
      const c = await index.indexAll();
      return { changed: c.changed.length + c.removed.length > 0 };
    }, bounds).start();
    // quiet: the interval grows to its bound
    await until(() => poller!.intervalMs === bounds.maxMs, 10_000);
    // another process appends a row (no watcher here: only the poll can see it)
    const interval = poller.intervalMs;
    const t0 = Date.now();
    const r = spawnSync('sh', ['-c', `printf '2,0.25\\r\\n' >> "$1"`, 'sh', log]);
    assert.equal(r.status, 0);
    await until(() => loss() === 3, 10_000);
    const ms = Date.now() - t0;
    // within the interval plus one poll's cost (and slack for a loaded machine's timers)
    assert.ok(ms <= interval + poller.lastCostMs + 1000, `seen after ${ms} ms; interval ${interval} ms`);
    assert.equal(ix.runs()[0]!.metrics.loss!.last, 0.25);
    // the change brings the interval back to the shortest
    assert.equal(poller.intervalMs, Math.max(bounds.minMs, Math.round(poller.lastCostMs)));
    // a new run in a new folder is found too (the poll is a full pass, not only the known files)
    put(root, 'exp2/logs/training.log', kerasCsv([{ loss: 3 }]));
    await until(() => ix!.runs().length === 2, 10_000);
    assert.deepEqual(
      ix
        .runs()
        .map((x) => path.basename(path.dirname(path.dirname(x.path))))
        .sort(),
      ['exp', 'exp2'],
    );
  });

  it('polls only the folders given (the others follow file events)', async () => {
    const other = makeTemp();
    try {
      put(root, 'a/logs/training.log', kerasCsv([{ loss: 1 }]));
      const logB = put(other, 'b/logs/training.log', kerasCsv([{ loss: 1 }]));
      ix = await WorkspaceIndex.open(
        [
          { path: root, name: 'polled' },
          { path: other, name: 'evented' },
        ],
        { workers: 0 },
      );
      await ix.indexAll();
      spawnSync('sh', ['-c', `printf '1,0.5\r\n' >> "$1"`, 'sh', logB]);
      put(root, 'a2/logs/training.log', kerasCsv([{ loss: 2 }]));
      const change = await ix.pollFolders([root]);
      assert.equal(change.changed.length, 1, 'the new run of the polled folder only');
      assert.equal(ix.runs().length, 3);
      assert.ok(
        ix.runs().every((r) => r.metrics.loss!.count === 1),
        'the other folder was not read again',
      );
    } finally {
      rmTemp(other);
    }
  });

  it('goes on after a poll that throws', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    poller = new AdaptivePoller(
      () => (++calls === 1 ? Promise.reject(new Error('EIO')) : Promise.resolve({ changed: false })),
      { minMs: 10, maxMs: 20, growth: 2, costFactor: 1 },
      (e) => errors.push(e),
    ).start();
    await until(() => calls >= 3, 5_000);
    assert.equal(errors.length, 1);
  });
});

async function until(ok: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
