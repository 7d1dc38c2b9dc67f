import assert from 'node:assert/strict';
import { QueryError, RunStore, SnapshotError } from '../../../src/core/db/runStore';
import type { IndexDelta, SourceRecord } from '../../../src/core/index/types';
import { NO_GIT, type Run } from '../../../src/core/model';

function run(id: string, over: Partial<Run> = {}): Run {
  return {
    id,
    format: 'mlflow',
    path: `mlruns/0/${id}`,
    name: `run ${id}`,
    experiment: 'Default',
    status: 'finished',
    startTime: 1_700_000_000_000,
    endTime: 1_700_000_060_000,
    git: { ...NO_GIT, commit: 'abc123' },
    params: { lr: '0.1', layers: 3, amp: true, note: null },
    metrics: { loss: { last: NaN, lastStep: 3, min: 0.5, max: 2, count: 4 } },
    tags: { 'mlflow.user': 'ana' },
    parentId: null,
    deleted: false,
    ...over,
  };
}

function delta(runs: Run[], key = 'mlflow:x'): IndexDelta {
  const rec: SourceRecord = {
    key,
    source: { format: 'mlflow', dir: 'x', path: 'x', files: [] },
    state: { opened: [], cursors: {} },
    signature: 's',
    ownRuns: runs,
    runs,
    diagnostics: [{ path: 'x/bad', severity: 'error', message: 'broken' }],
  };
  return { updated: [rec], removed: [], walkDiagnostics: [], stats: { sources: 1, read: 1, skipped: 0, ms: 0 } };
}

describe('run store (sql.js)', () => {
  it('rolls a failed pass back whole (the rollback journal is kept in memory)', async () => {
    const store = await RunStore.create();
    store.apply(delta([run('r1')]));
    // the same source again: its old runs are deleted first, then a value sql.js cannot bind fails the pass
    const bad = run('r2', { params: { weird: {} as unknown as string } });
    assert.throws(() => store.apply(delta([run('r3'), bad])));
    assert.deepEqual(
      store.runs().map((r) => r.id),
      ['r1'],
    );
    assert.equal(store.query("SELECT count(*) AS n FROM params WHERE run_id = 'r1'").rows[0]![0], 4);
    store.dispose();
  });

  it('stores runs and gives them back with their types (NaN, booleans, null params)', async () => {
    const store = await RunStore.create();
    store.apply(
      delta([
        run('r1'),
        run('r2', { deleted: true, git: { commit: null, branch: 'main', dirty: true, remote: null } }),
      ]),
    );
    const [r1, r2] = store.runs();
    assert.deepEqual(r1!.params, { amp: true, layers: 3, lr: '0.1', note: null });
    assert.ok(Number.isNaN(r1!.metrics.loss!.last));
    assert.equal(r1!.metrics.loss!.min, 0.5);
    assert.equal(r2!.deleted, true);
    assert.deepEqual(r2!.git, { commit: null, branch: 'main', dirty: true, remote: null });
    assert.deepEqual(store.diagnostics(), [{ path: 'x/bad', severity: 'error', message: 'broken' }]);
    store.dispose();
  });

  it("replaces a source's runs on update and removes them with the source", async () => {
    const store = await RunStore.create();
    store.apply(delta([run('r1'), run('r2')]));
    store.apply(delta([run('r3')]));
    assert.deepEqual(
      store.runs().map((r) => r.id),
      ['r3'],
    );
    store.apply({
      updated: [],
      removed: ['mlflow:x'],
      walkDiagnostics: [],
      stats: { sources: 0, read: 0, skipped: 0, ms: 0 },
    });
    assert.equal(store.runCount(), 0);
    assert.equal(store.query('SELECT count(*) AS n FROM params').rows[0]![0], 0);
    store.dispose();
  });

  it('resolves a run by id, unique prefix, path or name', async () => {
    const store = await RunStore.create();
    store.apply(delta([run('abc111'), run('abc222'), run('def333')]));
    assert.equal(store.resolveRun('def')!.run!.id, 'def333');
    assert.deepEqual(store.resolveRun('abc').ambiguous, ['abc111', 'abc222']);
    assert.equal(store.resolveRun('mlruns/0/abc222').run!.id, 'abc222');
    assert.equal(store.resolveRun('run def333').run!.id, 'def333');
    assert.deepEqual(store.resolveRun('zzz'), {});
    store.dispose();
  });

  it('answers read-only SQL and refuses anything that would change the index', async () => {
    const store = await RunStore.create();
    store.apply(delta([run('r1')]));
    const res = store.query("SELECT r.name, m.min FROM runs r JOIN metrics m ON m.run_id = r.id WHERE m.key = 'loss'");
    assert.deepEqual(res, { columns: ['name', 'min'], rows: [['run r1', 0.5]], truncated: false });
    for (const sql of [
      'DELETE FROM runs',
      'DROP TABLE runs',
      'PRAGMA query_only = 0',
      "ATTACH ':memory:' AS x",
      'SELECT 1; DELETE FROM runs',
      'WITH x AS (SELECT 1) DELETE FROM runs',
    ]) {
      assert.throws(() => store.query(sql), QueryError, sql);
    }
    assert.equal(store.runCount(), 1, 'nothing was deleted');
    assert.equal(store.query('SELECT 1; -- trailing comment').rows[0]![0], 1);
    assert.equal(store.query('SELECT column1 FROM (VALUES (1),(2),(3)) ', 2).truncated, true);
    store.dispose();
  });

  it('round-trips through a snapshot and rejects a corrupt one', async () => {
    const store = await RunStore.create();
    store.apply(delta([run('r1')]));
    const bytes = store.export();
    const back = await RunStore.fromSnapshot(bytes);
    assert.equal(back.runs()[0]!.name, 'run r1');
    assert.deepEqual(back.diagnostics(), [{ path: 'x/bad', severity: 'error', message: 'broken' }]);
    const corrupt = bytes.slice(0, 200);
    await assert.rejects(RunStore.fromSnapshot(corrupt), SnapshotError);
    await assert.rejects(
      RunStore.fromSnapshot(new TextEncoder().encode('not a database at all, just text')),
      SnapshotError,
    );
    back.dispose();
    store.dispose();
  });
});

describe('snapshot container', () => {
  it('keeps records bit for bit (NaN, -Infinity) and rejects foreign or other-schema bytes', async () => {
    const { writeSnapshot, readSnapshot, decodeSnapshotRecords } = await import('../../../src/core/index/snapshot');
    const { SnapshotError } = await import('../../../src/core/db/runStore');
    const runs = [run('r1')];
    const rec: SourceRecord = {
      key: 'k',
      source: { format: 'mlflow', dir: 'x', path: 'x', files: ['x/a'] },
      state: { opened: ['x/a'], cursors: {} },
      signature: 'sig',
      ownRuns: runs,
      runs,
      diagnostics: [],
    };
    const bytes = writeSnapshot(new Uint8Array([1, 2, 3]), [rec], runs);
    const back = readSnapshot(bytes);
    assert.deepEqual([...back.sqlite], [1, 2, 3]);
    const { decodeSnapshotRuns } = await import('../../../src/core/index/snapshot');
    const [kept] = decodeSnapshotRuns(back.runs);
    assert.deepEqual({ ...kept!, metrics: {} }, { ...runs[0]!, metrics: {} });
    assert.ok(Number.isNaN(kept!.metrics.loss!.last));
    const [r] = decodeSnapshotRecords(back.records);
    assert.equal(r!.signature, 'sig');
    assert.ok(Number.isNaN(r!.runs[0]!.metrics.loss!.last));
    assert.equal(r!.runs, r!.ownRuns);
    assert.throws(() => readSnapshot(new TextEncoder().encode('garbage')), SnapshotError);
    // an older snapshot (one V8 container) is foreign to this format
    const v8 = await import('node:v8');
    assert.throws(
      () =>
        readSnapshot(
          v8.serialize({
            format: 'runlens-snapshot',
            schema: 3,
            sqlite: new Uint8Array(),
            records: [],
            runs: new Uint8Array(),
          }),
        ),
      SnapshotError,
    );
    const { SCHEMA_VERSION } = await import('../../../src/core/db/schema');
    const otherSchema = Buffer.from(bytes).toString('latin1').replace(`"schema":${SCHEMA_VERSION}`, '"schema":9');
    assert.throws(() => readSnapshot(Buffer.from(otherSchema, 'latin1')), /schema 9 is not/);
    // cut anywhere, it is refused, never half-read
    for (const at of [10, 30, bytes.length - 6, bytes.length - 1])
      assert.throws(() => readSnapshot(bytes.subarray(0, at)), SnapshotError, `cut at ${at}`);
  });

  it('comes in pieces of a few hundred runs and records, equal to the one-buffer form', async () => {
    const { snapshotPieces, writeSnapshot, readSnapshot, decodeSnapshotRuns, decodeSnapshotRecords } =
      await import('../../../src/core/index/snapshot');
    const runs = Array.from({ length: 1200 }, (_, i) => run(`r${i}`));
    const records: SourceRecord[] = runs.map((r, i) => {
      const own = [r];
      return {
        key: `k${i}`,
        source: { format: 'mlflow', dir: r.id, path: r.id, files: [`${r.id}/a`] },
        state: { opened: [], cursors: {} },
        signature: `s${i}`,
        ownRuns: own,
        runs: own,
        diagnostics: [],
      };
    });
    const sqlite = new Uint8Array([9]);
    const pieces = [...snapshotPieces({ sqlite, records, runs })];
    // magic; then head + payload for the header, the sqlite export, 5 run frames and 5 record frames; the end's head
    assert.equal(pieces.length, 1 + 2 * (1 + 1 + 5 + 5) + 1);
    assert.ok(pieces.includes(sqlite), 'the export is passed through, not copied');
    const whole = writeSnapshot(new Uint8Array([9]), records, runs);
    assert.deepEqual(Buffer.concat(pieces), Buffer.from(whole));
    const back = readSnapshot(whole);
    assert.equal(decodeSnapshotRuns(back.runs).length, 1200);
    const recs = decodeSnapshotRecords(back.records);
    assert.deepEqual(recs.map((r) => r.signature).slice(0, 3), ['s0', 's1', 's2']);
    assert.ok(recs[0]!.encoded, 'decoded records keep their bytes for the next snapshot');
  });
});
