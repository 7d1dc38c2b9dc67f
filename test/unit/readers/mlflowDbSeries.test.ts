import assert from 'node:assert/strict';
import fs from 'node:fs';
import * as path from 'node:path';
import { Indexer } from '../../../src/core/index/indexer';
import { HeldFileCache } from '../../../src/core/index/heldFiles';
import { READERS } from '../../../src/core/readers';
import type { Series } from '../../../src/core/model';
import { makeTemp, put, rmTemp } from '../../helpers/tmp';
import { writeMlflowDb, type DbRun } from '../../helpers/writers/mlflowDb';

const T0 = 1717343700000;
const ids = ['a', 'b', 'c'].map((c) => c.repeat(32));

/** Three runs whose loss at step s is run + s / 10 (the middle run also logs NaN, +Inf and a tie at step 2). */
function dbRuns(offset: number): DbRun[] {
  return ids.map((id, r) => ({
    id,
    experimentId: 0,
    metrics: [
      ...[0, 1, 2].map((s) => ({ key: 'loss', value: offset + r + s / 10, timestamp: T0 + s, step: s })),
      { key: 'acc', value: 0.5 + r / 10, timestamp: T0, step: 0 },
      ...(r === 1
        ? [
            { key: 'odd', value: NaN, timestamp: T0, step: 0 },
            { key: 'odd', value: Infinity, timestamp: T0 + 1, step: 1 },
            { key: 'odd', value: 7, timestamp: T0 + 3, step: 2 },
            { key: 'odd', value: 8, timestamp: T0 + 2, step: 2 },
          ]
        : []),
    ],
  }));
}

const curves = (series: Series[]): Record<string, [number[], number[]]> =>
  Object.fromEntries(series.map((s) => [s.key, [[...s.steps], [...s.values]]]));

describe('mlflow.db curves read run by run', function () {
  this.timeout(20_000);
  let root: string;
  let ix: Indexer;
  const realRead = fs.readFileSync;
  let dbReads = 0;
  beforeEach(() => {
    root = makeTemp('runlens-mlflowdb-series-');
    dbReads = 0;
    // Counts whole-file loads of the database: each is a full copy and parse of it by sql.js.
    fs.readFileSync = ((...args: Parameters<typeof realRead>) => {
      if (String(args[0]).endsWith('mlflow.db')) dbReads++;
      return realRead(...args);
    }) as typeof realRead;
  });
  afterEach(() => {
    fs.readFileSync = realRead;
    ix?.dispose();
    rmTemp(root);
  });

  it('loads the database once for the curves of every run, and again only when it changes', async () => {
    await writeMlflowDb(path.join(root, 'mlflow.db'), [{ id: 0, name: 'Default' }], dbRuns(0));
    ix = new Indexer(root, { readers: READERS });
    await ix.indexAll();
    const runs = ix.runs().sort((a, b) => (a.path < b.path ? -1 : 1));
    assert.deepEqual(
      runs.map((r) => r.path),
      ids.map((id) => `mlflow.db#${id}`),
    );
    dbReads = 0;
    const read = await Promise.all(runs.map((r) => ix.readSeries(r)));
    assert.equal(dbReads, 1, 'one load for the curves of three runs');
    assert.deepEqual(curves(read[0]!), {
      acc: [[0], [0.5]],
      loss: [
        [0, 1, 2],
        [0, 0.1, 0.2],
      ],
    });
    assert.deepEqual(curves(read[1]!), {
      acc: [[0], [0.6]],
      loss: [
        [0, 1, 2],
        [1, 1.1, 1.2],
      ],
      // NaN and Inf come back as logged; the tie at step 2 keeps insertion order (8 was logged last).
      odd: [
        [0, 1, 2, 2],
        [NaN, Infinity, 7, 8],
      ],
    });
    // The same points as the whole-database read gives (the path every other reader takes).
    assert.equal(runs[1]!.metrics['odd']!.last, 8);
    assert.deepEqual(curves(await ix.readSeries(runs[2]!, ['loss'])), {
      loss: [
        [0, 1, 2],
        [2, 2.1, 2.2],
      ],
    });
    assert.equal(dbReads, 1);

    // Rewritten (another size or mtime): loaded again, and the new values are read.
    fs.rmSync(path.join(root, 'mlflow.db'));
    await writeMlflowDb(path.join(root, 'mlflow.db'), [{ id: 0, name: 'Default' }], dbRuns(10));
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(root, 'mlflow.db'), later, later);
    assert.deepEqual(curves(await ix.readSeries(runs[0]!, ['loss'])), {
      loss: [
        [0, 1, 2],
        [10, 10.1, 10.2],
      ],
    });
    assert.equal(dbReads, 2);
  });

  it('gives no curves, without throwing, when the database is gone or damaged', async () => {
    await writeMlflowDb(path.join(root, 'mlflow.db'), [{ id: 0, name: 'Default' }], dbRuns(0));
    ix = new Indexer(root, { readers: READERS });
    await ix.indexAll();
    const run = ix.runs()[0]!;
    put(root, 'mlflow.db', 'SQLite format 3\u0000 but nothing after');
    assert.deepEqual(await ix.readSeries(run), []);
    fs.rmSync(path.join(root, 'mlflow.db'));
    assert.deepEqual(await ix.readSeries(run), []);
  });
});

describe('HeldFileCache', () => {
  let root: string;
  beforeEach(() => {
    root = makeTemp('runlens-held-');
    for (const f of ['a', 'b', 'c']) put(root, f, f.repeat(10));
  });
  afterEach(() => rmTemp(root));

  class Thing {
    closed = false;
    constructor(readonly name: string) {}
    close(): void {
      this.closed = true;
    }
  }

  it('keeps at most its bound of files, closes the least recently used, and never one in use', async () => {
    const cache = new HeldFileCache(root, 2);
    const opened: Thing[] = [];
    const open = (name: string) => async (): Promise<Thing> => {
      const t = new Thing(name);
      opened.push(t);
      return t;
    };
    const use = (name: string): Promise<string | undefined> => cache.use(name, open(name), async (t) => t.name);
    assert.equal(await use('a'), 'a');
    assert.equal(await use('b'), 'b');
    assert.equal(await use('a'), 'a'); // held: not opened again, and now the most recent
    assert.equal(opened.length, 2);
    // 'c' while 'b' (the least recent) is in use: 'b' leaves the cache but is closed only after its read.
    let release!: () => void;
    const inUse = cache.use('b', open('b'), (t) => new Promise<Thing>((r) => (release = () => r(t))));
    await new Promise((r) => setImmediate(r));
    await use('c');
    const b = opened.find((t) => t.name === 'b')!;
    assert.equal(cache.size, 2);
    assert.equal(opened.find((t) => t.name === 'a')!.closed, true, 'least recently used');
    assert.equal(b.closed, false, 'in use');
    release();
    assert.equal(await inUse, b);
    cache.dispose();
    await new Promise((r) => setImmediate(r));
    assert.equal(cache.size, 0);
    assert.ok(opened.every((t) => t.closed));
  });

  it('opens a file again when its size or mtime changed, closing the stale one', async () => {
    const cache = new HeldFileCache(root);
    const things: Thing[] = [];
    const open = async (): Promise<Thing> => {
      const t = new Thing(fs.readFileSync(path.join(root, 'a'), 'utf8'));
      things.push(t);
      return t;
    };
    assert.equal(await cache.use('a', open, async (t) => t.name), 'aaaaaaaaaa');
    put(root, 'a', 'changed');
    assert.equal(await cache.use('a', open, async (t) => t.name), 'changed');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      things.map((t) => t.closed),
      [true, false],
    );
    cache.dispose();
  });
});
