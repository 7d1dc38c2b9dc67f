import assert from 'node:assert/strict';
import { QueryCancelledError, QueryTimeoutError, runQueryInWorker } from '../../../src/core/db/queryRunner';
import { QueryError, RunStore } from '../../../src/core/db/runStore';
import type { Run } from '../../../src/core/model';
import { syntheticDelta } from '../../helpers/syntheticDelta';
import { cli } from '../../helpers/runCli';
import { makeTemp, rmTemp } from '../../helpers/tmp';
import { writeMlflowStore } from '../../helpers/writers/mlflowFiles';
import { modelRun } from '../../helpers/modelRun';

const RUNAWAY = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';

const run = (id: string): Run => modelRun(id, { lr: 0.1 }, {}, { format: 'hydra', path: id });

describe('console queries in a worker', () => {
  let store: RunStore;
  before(async () => {
    store = await RunStore.create();
    const runs = [run('a'), run('b'), run('c')];
    store.apply(syntheticDelta(runs, 'hydra', 'k'));
  });
  after(() => store.dispose());

  it('answers a query from a copy of the index', async () => {
    const r = await runQueryInWorker(store.export(), 'SELECT id FROM runs ORDER BY id', {
      timeoutMs: 10_000,
      maxRows: 2,
    });
    assert.deepEqual(r, { columns: ['id'], rows: [['a'], ['b']], truncated: true });
  });

  it("stops a runaway recursive query at the time limit, and the caller's thread stays free meanwhile", async () => {
    const t0 = performance.now();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    await assert.rejects(
      runQueryInWorker(store.export(), RUNAWAY, { timeoutMs: 700, maxRows: 10 }),
      (e: unknown) => e instanceof QueryTimeoutError && e.message === 'query stopped after 0.7 s',
    );
    clearInterval(timer);
    const ms = performance.now() - t0;
    assert.ok(ms >= 700 && ms < 3000, `stopped after ${ms} ms`);
    assert.ok(ticks >= 30, `the event loop ran ${ticks} 10 ms timers meanwhile`);
  });

  it('stops when cancelled', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    await assert.rejects(
      runQueryInWorker(store.export(), RUNAWAY, { timeoutMs: 10_000, maxRows: 10 }, ac.signal),
      QueryCancelledError,
    );
  });

  it('refuses a gigabyte randomblob() at once instead of making it', async () => {
    const t0 = performance.now();
    await assert.rejects(
      runQueryInWorker(store.export(), 'SELECT length(randomblob(900000000))', { timeoutMs: 10_000, maxRows: 10 }),
      (e: unknown) =>
        e instanceof QueryError && /randomblob\(900000000\): values are limited to 16777216 bytes/.test(e.message),
    );
    assert.ok(performance.now() - t0 < 3000);
    const ok = await runQueryInWorker(store.export(), 'SELECT length(randomblob(1000)), length(zeroblob(10))', {
      timeoutMs: 10_000,
      maxRows: 10,
    });
    assert.deepEqual(ok.rows, [[1000, 10]]);
  });

  it('stops collecting rows past the byte budget and says so', async () => {
    const r = await runQueryInWorker(
      store.export(),
      'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100) SELECT x, zeroblob(1000) FROM c',
      { timeoutMs: 10_000, maxRows: 1000, maxBytes: 10_000 },
    );
    assert.equal(r.overBytes, true);
    assert.equal(r.truncated, true);
    assert.ok(r.rows.length >= 8 && r.rows.length < 11, `${r.rows.length} rows`);
  });

  it('keeps the read-only rules', async () => {
    await assert.rejects(
      runQueryInWorker(store.export(), 'DELETE FROM runs', { timeoutMs: 10_000, maxRows: 10 }),
      (e: unknown) => e instanceof QueryError && /only read-only queries/.test(e.message),
    );
    await assert.rejects(
      runQueryInWorker(store.export(), 'SELECT 1; DROP TABLE runs', { timeoutMs: 10_000, maxRows: 10 }),
      /one statement at a time/,
    );
  });

  it('CLI query --timeout exits 4 with "query stopped after N s"', async () => {
    const root = makeTemp();
    try {
      writeMlflowStore(root, 'mlruns', [{ id: '1', name: 'e', runs: [{ id: 'a'.repeat(32), params: { lr: '0.1' } }] }]);
      const stopped = await cli(['query', root, RUNAWAY, '--timeout', '0.5']);
      assert.equal(stopped.code, 4);
      assert.equal(stopped.err, 'runlens: query stopped after 0.5 s\n');
      const ok = await cli(['query', root, 'SELECT count(*) AS n FROM params', '--json', '--timeout', '20']);
      assert.deepEqual(JSON.parse(ok.out).rows, [[1]]);
      assert.equal((await cli(['query', root, 'SELECT 1', '--timeout', 'soon'])).code, 2);
    } finally {
      rmTemp(root);
    }
  });
});
