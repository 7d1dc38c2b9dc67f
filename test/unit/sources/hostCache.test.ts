// `--cache`: the CLI keeps its index between calls (what an SSH source's refreshes run on the host); a call must
// still see every change made since the last one.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { indexFolder } from '../../../src/cli/workspace';
import { makeTemp, put, rmTemp } from '../../helpers/tmp';
import { lightningMetricsCsv } from '../../helpers/writers/tabular';

describe('CLI index cache (--cache)', () => {
  let root: string;
  let cacheHome: string;
  const saved = process.env.XDG_CACHE_HOME;
  before(() => {
    root = makeTemp();
    cacheHome = makeTemp();
    process.env.XDG_CACHE_HOME = cacheHome;
    put(
      root,
      'lightning_logs/version_0/metrics.csv',
      lightningMetricsCsv([
        { epoch: 0n, step: 0n, loss: 1 },
        { epoch: 0n, step: 1n, loss: 0.5 },
      ]),
    );
  });
  after(() => {
    if (saved === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved;
    rmTemp(root);
    rmTemp(cacheHome);
  });

  const counts = async (): Promise<Record<string, number>> => {
    const index = await indexFolder(root, { cache: true });
    try {
      return Object.fromEntries(index.runs().map((r) => [r.path, r.metrics.loss!.count]));
    } finally {
      index.dispose();
    }
  };

  it('sees appends, new runs and removed runs made between calls', async () => {
    assert.deepEqual(await counts(), { 'lightning_logs/version_0': 2 });
    assert.equal(fs.readdirSync(path.join(cacheHome, 'runlens', 'index')).length, 1);
    fs.appendFileSync(path.join(root, 'lightning_logs/version_0/metrics.csv'), '0,0.25,2\r\n');
    assert.deepEqual(await counts(), { 'lightning_logs/version_0': 3 });
    put(root, 'lightning_logs/version_1/metrics.csv', lightningMetricsCsv([{ epoch: 0n, step: 0n, loss: 1 }]));
    assert.deepEqual(await counts(), { 'lightning_logs/version_0': 3, 'lightning_logs/version_1': 1 });
    fs.rmSync(path.join(root, 'lightning_logs/version_0'), { recursive: true });
    assert.deepEqual(await counts(), { 'lightning_logs/version_1': 1 });
  });

  it('reads from the files when the cache is not a snapshot', async () => {
    const dir = path.join(cacheHome, 'runlens', 'index');
    for (const f of fs.readdirSync(dir)) fs.writeFileSync(path.join(dir, f), 'not a snapshot');
    assert.deepEqual(await counts(), { 'lightning_logs/version_1': 1 });
  });
});
