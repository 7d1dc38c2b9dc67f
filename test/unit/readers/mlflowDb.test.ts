import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mlflowDbReader } from '../../../src/core/readers/mlflow/mlflowDb';
import { makeTemp, rmTemp } from '../../helpers/tmp';
import { writeMlflowDb, writeOtherSqlite, type DbRun } from '../../helpers/writers/mlflowDb';
import { readFolder, type ReadResult, type ReadRun } from '../../helpers/writers/mlflowHarness';

const A = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const B = 'b1b2c3d4e5f60718293a4b5c6d7e8f91';
const C = 'c1b2c3d4e5f60718293a4b5c6d7e8f92';
const D = 'd1b2c3d4e5f60718293a4b5c6d7e8f93';
const T0 = 1717343700000;

function run(read: ReadResult, p: string): ReadRun {
  const r = read.runs.find((x) => x.path === p);
  assert.ok(r, `no run ${p}; have ${read.runs.map((x) => x.path).join(', ')}`);
  return r;
}

describe('mlflow.db (SQL store) reader', function () {
  this.timeout(20_000);
  let root: string;
  beforeEach(() => {
    root = makeTemp('runlens-mlflowdb-');
  });
  afterEach(() => rmTemp(root));

  const read = (): Promise<ReadResult> => readFolder(root, [mlflowDbReader]);

  const runs: DbRun[] = [
    {
      id: A,
      experimentId: 1,
      name: 'spiffy-donkey-347',
      status: 'FINISHED',
      startTime: T0,
      endTime: T0 + 3166,
      params: { C: '0.1', random_state: '42' },
      tags: {
        'mlflow.source.git.commit': 'f2af9755276a8518adf931c9316d3e83ac870f74',
        'mlflow.source.git.dirty': 'false',
      },
      metrics: [
        { key: 'loss', value: 0.9, timestamp: T0 + 1, step: 0 },
        { key: 'loss', value: 0.4, timestamp: T0 + 2, step: 1 },
        { key: 'loss', value: 0.6, timestamp: T0 + 3, step: 1 },
        { key: 'acc', value: NaN, timestamp: T0 + 1, step: 0 },
        { key: 'acc', value: Infinity, timestamp: T0 + 2, step: 1 },
        { key: 'acc', value: -Infinity, timestamp: T0 + 3, step: 2 },
        { key: 'acc', value: 0.5, timestamp: T0 + 4, step: 3 },
      ],
    },
    { id: B, experimentId: 1, name: null, status: 'RUNNING', endTime: null, tags: { 'mlflow.parentRunId': A } },
    { id: C, experimentId: 2, name: '', status: 'KILLED', lifecycleStage: 'deleted', sourceVersion: 'abc123' },
    {
      id: D,
      experimentId: 3,
      name: 'in-deleted-exp',
      status: 'SCHEDULED',
      tags: { 'mlflow.parentRunId': 'f'.repeat(32) },
    },
  ];

  it('reads runs, experiments, params, tags, status, times, git, nesting and deletion', async () => {
    await writeMlflowDb(
      path.join(root, 'week-02/mlflow.db'),
      [
        { id: 0, name: 'Default' },
        { id: 1, name: 'nyc-taxi' },
        { id: 2, name: 'other' },
        { id: 3, name: 'old', lifecycleStage: 'deleted' },
      ],
      runs,
    );
    const r = await read();
    assert.deepEqual(
      r.sources.map((s) => [s.dir, s.path]),
      [['week-02', 'week-02/mlflow.db']],
    );
    assert.equal(r.runs.length, 4);
    const a = run(r, `week-02/mlflow.db#${A}`);
    assert.equal(a.name, 'spiffy-donkey-347');
    assert.equal(a.experiment, 'nyc-taxi');
    assert.equal(a.status, 'finished');
    assert.equal(a.startTime, T0);
    assert.equal(a.endTime, T0 + 3166);
    assert.equal(a.deleted, false);
    assert.deepEqual(a.params, { C: '0.1', random_state: '42' });
    assert.deepEqual(a.git, {
      commit: 'f2af9755276a8518adf931c9316d3e83ac870f74',
      branch: null,
      dirty: false,
      remote: null,
    });
    assert.deepEqual(a.metrics['loss'], { last: 0.6, lastStep: 1, min: 0.4, max: 0.9, count: 3 });
    // NaN stored as 0 + is_nan, ±Inf clamped to ±float max: converted back, so min/max see only 0.5.
    assert.deepEqual(a.metrics['acc'], { last: 0.5, lastStep: 3, min: 0.5, max: 0.5, count: 4 });

    const b = run(r, `week-02/mlflow.db#${B}`);
    assert.equal(b.name, B); // name NULL and no mlflow.runName tag: the id
    assert.equal(b.status, 'running');
    assert.equal(b.endTime, null);
    assert.equal(b.parentPath, `week-02/mlflow.db#${A}`);

    const c = run(r, `week-02/mlflow.db#${C}`);
    assert.equal(c.name, C);
    assert.equal(c.status, 'killed');
    assert.equal(c.deleted, true);
    assert.equal(c.git.commit, 'abc123');

    const d = run(r, `week-02/mlflow.db#${D}`);
    assert.equal(d.status, 'unknown');
    assert.equal(d.deleted, true); // its experiment is deleted
    assert.equal(d.parentPath, null);
    assert.deepEqual(
      r.diagnostics.map((x) => [x.path, x.severity, x.message]),
      [
        [
          'week-02/mlflow.db',
          'warning',
          `mlflow: parent run ${'f'.repeat(32)} of run ${D} is not in this database; shown as a top-level run`,
        ],
      ],
    );
  });

  it('takes the name from tag mlflow.runName when the column is empty', async () => {
    await writeMlflowDb(
      path.join(root, 'mlflow.db'),
      [{ id: 0, name: 'Default' }],
      [{ id: A, experimentId: 0, name: null, tags: { 'mlflow.runName': 'from-tag' } }],
    );
    assert.equal(run(await read(), `mlflow.db#${A}`).name, 'from-tag');
  });

  it('reads an MLflow store under another *.db name and ignores other SQLite files silently, unless named mlflow.db', async () => {
    await writeMlflowDb(path.join(root, 'mlruns.db'), [{ id: 0, name: 'Default' }], [{ id: A, experimentId: 0 }]);
    await writeOtherSqlite(path.join(root, 'app.db'));
    await writeOtherSqlite(path.join(root, 'sub/mlflow.db'));
    fs.writeFileSync(path.join(root, 'notes.db'), 'plain text, not SQLite');
    const r = await read();
    assert.deepEqual(
      r.runs.map((x) => x.path),
      [`mlruns.db#${A}`],
    );
    // An mlflow.db that gives no run says why (no silent loss); a guessed *.db stays silent.
    assert.deepEqual(
      r.diagnostics.map((d) => `${d.path}: ${d.message}`),
      [
        'sub/mlflow.db: mlflow: mlflow.db has no MLflow tables (runs, experiments, metrics, params, tags); no runs read',
      ],
    );
  });

  it('treats an empty store as no runs, silently, and a 0-byte mlflow.db as no runs, with a warning', async () => {
    await writeMlflowDb(path.join(root, 'mlflow.db'), [{ id: 0, name: 'Default' }], []);
    fs.mkdirSync(path.join(root, 'fresh'));
    fs.writeFileSync(path.join(root, 'fresh/mlflow.db'), '');
    const r = await read();
    assert.equal(r.sources.length, 2);
    assert.deepEqual(r.runs, []);
    assert.deepEqual(
      r.diagnostics.map((d) => `${d.path}: ${d.severity}: ${d.message}`),
      ['fresh/mlflow.db: warning: mlflow: mlflow.db is empty (0 bytes): no runs in it yet'],
    );
  });

  it("takes the uncommitted changes MLflow 3 records on a run's LoggedModel (inputs + logged_model_tags)", async () => {
    const diff = 'diff --git a/train.py b/train.py\n--- a/train.py\n+++ b/train.py\n@@ -1 +1,2 @@\n x=1\n+x=2 # dirty';
    const commit = '9f4980f8f1e93e1f94494050ac9ffd094ece145f';
    const B = 'b'.repeat(32);
    const C = 'c'.repeat(32);
    await writeMlflowDb(
      path.join(root, 'mlflow.db'),
      [{ id: 0, name: 'Default' }],
      [
        { id: A, experimentId: 0, tags: { 'mlflow.source.git.commit': commit } },
        { id: B, experimentId: 0, tags: { 'mlflow.source.git.commit': 'e'.repeat(40) } },
        { id: C, experimentId: 0, tags: { 'mlflow.source.git.commit': commit } },
      ],
      [
        {
          id: 'm-4c7944b337e0439e866a682857350d8a',
          experimentId: 0,
          runIds: [A, B],
          tags: {
            'mlflow.source.git.commit': commit,
            'mlflow.source.git.dirty': 'true',
            'mlflow.source.git.diff': diff,
          },
        },
      ],
    );
    const r = await read();
    assert.deepEqual(r.diagnostics, []);
    const byId = new Map(r.runs.map((x) => [x.path.slice(-32), x]));
    assert.equal(byId.get(A)!.tags['mlflow.source.git.diff'], diff);
    assert.equal(byId.get(A)!.git.dirty, true);
    assert.equal(byId.get(B)!.tags['mlflow.source.git.diff'], undefined, 'another commit');
    assert.equal(byId.get(C)!.tags['mlflow.source.git.diff'], undefined, 'not linked');
  });

  it('diagnoses an mlflow.db that is not SQLite or is corrupt, without throwing', async () => {
    fs.writeFileSync(path.join(root, 'mlflow.db'), 'this is not a database');
    await writeMlflowDb(
      path.join(root, 'broken/mlflow.db'),
      [{ id: 0, name: 'Default' }],
      runs.map((x) => ({ ...x, experimentId: 0 })),
    );
    const file = path.join(root, 'broken/mlflow.db');
    const bytes = fs.readFileSync(file);
    // Keep the header, wipe the schema page: SQLite reports a malformed image.
    bytes.fill(0x5a, 100, 4096);
    fs.writeFileSync(file, bytes);
    const r = await read();
    assert.deepEqual(r.runs, []);
    assert.deepEqual(r.diagnostics.map((d) => `${d.path}: ${d.message}`).sort(), [
      'broken/mlflow.db: mlflow: corrupt database: database disk image is malformed',
      'mlflow.db: mlflow: mlflow.db is not an SQLite database (bad header)',
    ]);
  });

  it('orders ties at the highest step by insertion (the last logged wins)', async () => {
    await writeMlflowDb(
      path.join(root, 'mlflow.db'),
      [{ id: 0, name: 'Default' }],
      [
        {
          id: A,
          experimentId: 0,
          metrics: [
            { key: 'm', value: 3, timestamp: T0 + 9, step: 5 },
            { key: 'm', value: 1, timestamp: T0 + 1, step: 5 },
            { key: 'm', value: 7, timestamp: T0 + 2, step: 4 },
          ],
        },
      ],
    );
    assert.deepEqual(run(await read(), `mlflow.db#${A}`).metrics['m'], {
      last: 1,
      lastStep: 5,
      min: 1,
      max: 7,
      count: 3,
    });
  });
});
