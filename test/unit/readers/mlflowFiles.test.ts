import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mlflowFilesReader } from '../../../src/core/readers/mlflow/mlflowFiles';
import { parseMeta } from '../../../src/core/readers/mlflow/mlflowYaml';
import { makeTemp, rmTemp } from '../../helpers/tmp';
import {
  metricLine,
  pyFloatRepr,
  safeDump,
  writeKeyFile,
  writeLoggedModel,
  writeMlflowStore,
} from '../../helpers/writers/mlflowFiles';
import { readFolder, type ReadResult, type ReadRun } from '../../helpers/writers/mlflowHarness';

const A = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const B = 'b1b2c3d4e5f60718293a4b5c6d7e8f91';
const C = 'c1b2c3d4e5f60718293a4b5c6d7e8f92';
const T0 = 1721450907221;

function run(read: ReadResult, p: string): ReadRun {
  const r = read.runs.find((x) => x.path === p);
  assert.ok(r, `no run ${p}; have ${read.runs.map((x) => x.path).join(', ')}`);
  return r;
}

function diagsFor(read: ReadResult, file: string): string[] {
  return read.diagnostics.filter((d) => d.path === file).map((d) => d.message);
}

describe('mlflow FileStore reader', () => {
  let root: string;
  beforeEach(() => {
    root = makeTemp('runlens-mlflow-');
  });
  afterEach(() => rmTemp(root));

  const read = (): Promise<ReadResult> => readFolder(root, [mlflowFilesReader]);

  it('reads a run: names, status, times, params, tags, git and metric summaries', async () => {
    writeMlflowStore(root, 'mlruns', [
      {
        id: '0',
        name: 'Default',
        runs: [
          {
            id: A,
            runName: 'wistful-ant-659',
            status: 4,
            startTime: T0,
            endTime: T0 + 9,
            params: { lr: '0.001', layers: '[64, 64]', empty: '' },
            tags: {
              'mlflow.source.git.commit': '9740abf1973478067cca523c20d83b5e7aed0fd1',
              'mlflow.source.git.branch': 'main',
              'mlflow.source.git.repoURL': 'https://github.com/o/r.git',
              'mlflow.source.git.dirty': 'true',
              'mlflow.source.name': 'train.py',
            },
            metrics: {
              loss: [
                [T0 + 1, 0.9, 0],
                [T0 + 2, 0.5, 1],
                [T0 + 3, 0.7, 2],
              ],
            },
          },
        ],
      },
    ]);
    const r = await read();
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.runs.length, 1);
    const x = run(r, `mlruns/0/${A}`);
    assert.equal(x.name, 'wistful-ant-659');
    assert.equal(x.experiment, 'Default');
    assert.equal(x.status, 'failed');
    assert.equal(x.startTime, T0);
    assert.equal(x.endTime, T0 + 9);
    assert.equal(x.deleted, false);
    assert.equal(x.parentPath, null);
    assert.deepEqual(x.params, { lr: '0.001', layers: '[64, 64]', empty: '' });
    assert.equal(x.tags['mlflow.runName'], 'wistful-ant-659');
    assert.deepEqual(x.git, {
      commit: '9740abf1973478067cca523c20d83b5e7aed0fd1',
      branch: 'main',
      dirty: true,
      remote: 'https://github.com/o/r.git',
    });
    assert.deepEqual(x.metrics, { loss: { last: 0.7, lastStep: 2, min: 0.5, max: 0.9, count: 3 } });
    const src = r.sources[0]!;
    assert.equal(src.path, `mlruns/0/${A}`);
    assert.ok(src.files.includes(`mlruns/0/${A}/metrics/loss`) && src.files.includes(`mlruns/0/meta.yaml`));
  });

  it("takes the uncommitted changes MLflow 3 records on the run's LoggedModel (git model versioning)", async () => {
    const diff =
      'diff --git a/train.py b/train.py\nindex bafc5d9..42aed0a 100644\n--- a/train.py\n+++ b/train.py\n@@ -1 +1,2 @@\n x=1\n+x=2 # dirty';
    const commit = 'c'.repeat(40);
    const A = 'a'.repeat(32);
    const B = 'b'.repeat(32);
    const C = 'd'.repeat(32);
    writeMlflowStore(root, 'mlruns', [
      {
        id: '0',
        name: 'Default',
        runs: [
          {
            id: A,
            params: { lr: '0.1' },
            tags: { 'mlflow.source.git.commit': commit, 'mlflow.source.git.branch': 'main' },
          },
          { id: B, tags: { 'mlflow.source.git.commit': 'e'.repeat(40) } },
          { id: C, tags: { 'mlflow.source.git.commit': commit } },
        ],
      },
    ]);
    const exp = path.join(root, 'mlruns/0');
    const gitTags = {
      'mlflow.source.git.commit': commit,
      'mlflow.source.git.branch': 'main',
      'mlflow.source.git.dirty': 'true',
      'mlflow.source.git.diff': diff,
    };
    writeLoggedModel(exp, 'm-5457e2aa336547ff82c2053965b2d87f', path.join(exp, A), gitTags);
    // A model of another commit says nothing about run B's code; run C is linked to no model.
    writeLoggedModel(exp, 'm-0000e2aa336547ff82c2053965b2d87f', path.join(exp, B), gitTags);
    const r = await read();
    assert.deepEqual(r.diagnostics, []);
    const byId = new Map(r.runs.map((x) => [x.path.slice(-32), x]));
    assert.equal(byId.get(A)!.tags['mlflow.source.git.diff'], diff);
    assert.equal(byId.get(A)!.git.dirty, true);
    assert.equal(byId.get(B)!.tags['mlflow.source.git.diff'], undefined);
    assert.equal(byId.get(B)!.git.dirty, null);
    assert.equal(byId.get(C)!.tags['mlflow.source.git.diff'], undefined);
    assert.equal(r.runs.length, 3, 'the models folder holds no runs');
  });

  it('detects the store whatever its folder is called, and maps every status int', async () => {
    const runs = [1, 2, 3, 4, 5].map((status, i) => ({ id: `${i}${A.slice(1)}`, status, runName: `s${status}` }));
    writeMlflowStore(root, 'outputs/tracking', [{ id: '42', name: 'exp', runs }]);
    const r = await read();
    assert.deepEqual(
      r.runs.map((x) => [x.path, x.status]),
      [
        [`outputs/tracking/42/0${A.slice(1)}`, 'running'],
        [`outputs/tracking/42/1${A.slice(1)}`, 'unknown'],
        [`outputs/tracking/42/2${A.slice(1)}`, 'finished'],
        [`outputs/tracking/42/3${A.slice(1)}`, 'failed'],
        [`outputs/tracking/42/4${A.slice(1)}`, 'killed'],
      ],
    );
    assert.deepEqual(r.diagnostics, []);
  });

  it('reads keys with "/" as nested paths (metrics, params, tags)', async () => {
    writeMlflowStore(root, 'mlruns', [
      {
        id: '0',
        name: 'Default',
        runs: [
          {
            id: A,
            params: { 'model/optimizer/lr': '0.1', 'model/depth': '3' },
            tags: { 'team/owner': 'ml' },
            metrics: { 'train/loss': [[T0, 2.5, 7]], 'system/cpu_utilization_percentage': [[T0, 12.5, 0]] },
          },
        ],
      },
    ]);
    const x = run(await read(), `mlruns/0/${A}`);
    assert.deepEqual(x.params, { 'model/depth': '3', 'model/optimizer/lr': '0.1' });
    assert.equal(x.tags['team/owner'], 'ml');
    assert.deepEqual(Object.keys(x.metrics).sort(), ['system/cpu_utilization_percentage', 'train/loss']);
    assert.deepEqual(x.metrics['train/loss'], { last: 2.5, lastStep: 7, min: 2.5, max: 2.5, count: 1 });
  });

  it('accepts legacy int experiment ids (also 18 digits), missing lifecycle_stage, creation_time and status', async () => {
    writeMlflowStore(root, 'mlruns', [
      {
        id: '1',
        name: 'old',
        recordedId: 1,
        lifecycleStage: null,
        creationTime: null,
        runs: [{ id: A, experimentId: 1, status: null, lifecycleStage: null, endTime: null }],
      },
      {
        id: '728371293847102938',
        name: 'big',
        recordedId: 728371293847102938n as unknown as number,
        runs: [{ id: B }],
      },
    ]);
    const r = await read();
    assert.deepEqual(r.diagnostics, []);
    const x = run(r, `mlruns/1/${A}`);
    assert.equal(x.experiment, 'old');
    assert.equal(x.deleted, false);
    assert.equal(x.status, 'running'); // MLflow reads a missing status as RUNNING
    assert.equal(x.endTime, null);
    assert.equal(run(r, `mlruns/728371293847102938/${B}`).experiment, 'big');
    assert.match(
      fs.readFileSync(path.join(root, 'mlruns/728371293847102938/meta.yaml'), 'utf8'),
      /^experiment_id: 728371293847102938$/m,
    );
  });

  it('reads pre-1.0 runs: run_uuid only, the name and commit from the legacy fields', async () => {
    writeMlflowStore(root, 'mlruns', [
      {
        id: '0',
        name: 'Default',
        runs: [{ id: A, runName: null, legacy: { name: 'old-run', sourceVersion: 'deadbeef' } }],
      },
    ]);
    const x = run(await read(), `mlruns/0/${A}`);
    assert.equal(x.name, 'old-run');
    assert.equal(x.git.commit, 'deadbeef');
  });

  it('names a run by run_name, then tag mlflow.runName, then the id (empty legacy name skipped)', async () => {
    writeMlflowStore(root, 'mlruns', [
      {
        id: '0',
        name: 'Default',
        runs: [
          { id: A, runName: null, tags: { 'mlflow.runName': 'from-tag' } },
          { id: B, runName: null, legacy: { name: '' } },
        ],
      },
    ]);
    const r = await read();
    assert.equal(run(r, `mlruns/0/${A}`).name, 'from-tag');
    assert.equal(run(r, `mlruns/0/${B}`).name, B);
  });

  it('maps nan, inf, -inf, -0.0, 1e+308, ints and True; min/max over finite values only', async () => {
    const raw = [
      `${T0} nan 0`,
      `${T0} inf 1`,
      `${T0} -inf 2`,
      `${T0} -0.0 3`,
      `${T0} 1e+308 4`,
      `${T0} 5 5`,
      `${T0} 1e-05 6`,
      `${T0} True 7`,
      `${T0} NaN 8`,
      '',
    ].join('\n');
    writeMlflowStore(root, 'mlruns', [
      { id: '0', name: 'Default', runs: [{ id: A, metrics: { m: raw, last_inf: [[T0, Infinity, 3]] } }] },
    ]);
    const r = await read();
    const x = run(r, `mlruns/0/${A}`);
    const m = x.metrics['m']!;
    assert.equal(m.count, 9);
    assert.ok(Number.isNaN(m.last));
    assert.equal(m.lastStep, 8);
    assert.equal(m.min, -0);
    assert.equal(m.max, 1e308);
    assert.deepEqual(x.metrics['last_inf'], { last: Infinity, lastStep: 3, min: null, max: null, count: 1 });
    assert.deepEqual(diagsFor(r, `mlruns/0/${A}/metrics/m`), ['mlflow: metric value True read as 1 at line 8']);
  });

  it('parses 2-field (legacy, step 0), 5-field (dataset) lines, \\r\\n endings and long mantissas', async () => {
    const raw = `${T0} 0.10000000149011612\r\n${T0 + 1} 0.25 3 eval_ds 1a2b3c\r\n${T0 + 2} 123456789.123456789 2\r\n`;
    writeMlflowStore(root, 'mlruns', [{ id: '0', name: 'Default', runs: [{ id: A, metrics: { acc: raw } }] }]);
    const r = await read();
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(run(r, `mlruns/0/${A}`).metrics['acc'], {
      last: 0.25,
      lastStep: 3,
      min: 0.10000000149011612,
      max: 123456789.12345679,
      count: 3,
    });
  });

  it('keeps every point of a step; the highest step wins, ties go to the last logged', async () => {
    writeMlflowStore(root, 'mlruns', [
      {
        id: '0',
        name: 'Default',
        runs: [
          {
            id: A,
            metrics: {
              m: [
                [T0, 1, 0],
                [T0 + 5, 4, 2],
                [T0 + 1, 2, 1],
                [T0 + 6, 3, 2],
                [T0 + 2, 9, 1],
              ],
            },
          },
        ],
      },
    ]);
    assert.deepEqual(run(await read(), `mlruns/0/${A}`).metrics['m'], {
      last: 3,
      lastStep: 2,
      min: 1,
      max: 9,
      count: 5,
    });
  });

  it('reports a malformed line in the middle with its line number and keeps the others', async () => {
    const raw = [
      `${T0} 1.0 0`,
      `${T0} oops 1`,
      `${T0} 2.0`,
      `${T0} 2.0 1 extra`,
      `12.5 3.0 2`,
      `${T0} 3.0 x`,
      `${T0} 4.0 3`,
      '',
    ].join('\n');
    writeMlflowStore(root, 'mlruns', [{ id: '0', name: 'Default', runs: [{ id: A, metrics: { m: raw } }] }]);
    const r = await read();
    assert.deepEqual(run(r, `mlruns/0/${A}`).metrics['m'], { last: 4, lastStep: 3, min: 1, max: 4, count: 3 });
    assert.deepEqual(diagsFor(r, `mlruns/0/${A}/metrics/m`), [
      'mlflow: metric value "oops" is not a number at line 2',
      'mlflow: malformed metric line (4 fields, expected 2, 3 or 5) at line 4',
      'mlflow: metric timestamp is not an integer at line 5',
      'mlflow: metric step is not an integer at line 6',
    ]);
  });

  it('leaves a half-written last line for the next read, then follows the growing file', async () => {
    const store = writeMlflowStore(root, 'mlruns', [
      { id: '0', name: 'Default', runs: [{ id: A, metrics: { loss: `${T0} 0.5 0\n${T0 + 1} 0.4` } }] },
    ]);
    const first = await read();
    assert.deepEqual(first.diagnostics, []);
    assert.deepEqual(run(first, `mlruns/0/${A}`).metrics['loss'], {
      last: 0.5,
      lastStep: 0,
      min: 0.5,
      max: 0.5,
      count: 1,
    });
    fs.appendFileSync(path.join(store, '0', A, 'metrics', 'loss'), `5 1\n${T0 + 2} 0.3 2\n`);
    const second = await readFolder(root, [mlflowFilesReader], first.states);
    assert.deepEqual(second.diagnostics, []);
    assert.deepEqual(run(second, `mlruns/0/${A}`).metrics['loss'], {
      last: 0.3,
      lastStep: 2,
      min: 0.3,
      max: 0.5,
      count: 3,
    });
    // The resumed read started after the consumed bytes (the first line only).
    assert.equal(
      first.states.get(`mlruns/0/${A}`)!.cursors[`mlruns/0/${A}/metrics/loss`]!.offset,
      `${T0} 0.5 0\n`.length,
    );
  });

  it('strips spaces and \\r around a line as MLflow does, skips blank lines, rejects a 1-field line', async () => {
    const raw = [`${T0} 1.0 0 `, '', `  ${T0} 2.0 1\r`, '   ', `${T0}`, `${T0} 3.0 2`, ''].join('\n');
    writeMlflowStore(root, 'mlruns', [{ id: '0', name: 'Default', runs: [{ id: A, metrics: { m: raw } }] }]);
    const r = await read();
    assert.deepEqual(run(r, `mlruns/0/${A}`).metrics['m'], { last: 3, lastStep: 2, min: 1, max: 3, count: 3 });
    assert.deepEqual(diagsFor(r, `mlruns/0/${A}/metrics/m`), [
      'mlflow: malformed metric line (1 field, expected 2, 3 or 5) at line 5',
    ]);
  });

  it('ignores an experiment whose meta.yaml records another id than its folder, with a diagnostic', async () => {
    writeMlflowStore(root, 'mlruns', [
      { id: '3', name: 'moved', recordedId: '8', runs: [{ id: A, experimentId: '3' }] },
      { id: '4', name: 'fine', runs: [{ id: B }] },
    ]);
    const r = await read();
    assert.deepEqual(
      r.runs.map((x) => x.path),
      [`mlruns/4/${B}`],
    );
    assert.deepEqual(diagsFor(r, 'mlruns/3/meta.yaml'), [
      "mlflow: experiment_id '8' does not match its folder '3'; MLflow ignores this experiment",
    ]);
  });

  it('reads a param file with invalid UTF-8 as text with replacement characters', async () => {
    const store = writeMlflowStore(root, 'mlruns', [
      { id: '0', name: 'Default', runs: [{ id: A, params: { ok: '1' } }] },
    ]);
    fs.writeFileSync(path.join(store, '0', A, 'params', 'bin'), Buffer.from([0x61, 0xff, 0xfe, 0x62]));
    const r = await read();
    assert.deepEqual(run(r, `mlruns/0/${A}`).params, { bin: 'a\ufffd\ufffdb', ok: '1' });
    assert.deepEqual(r.diagnostics, []);
  });

  it('reports an empty metric file', async () => {
    writeMlflowStore(root, 'mlruns', [{ id: '0', name: 'Default', runs: [{ id: A, metrics: { m: '' } }] }]);
    const r = await read();
    assert.deepEqual(run(r, `mlruns/0/${A}`).metrics, {});
    assert.deepEqual(diagsFor(r, `mlruns/0/${A}/metrics/m`), ["mlflow: metric file 'm' is empty"]);
  });

  it('ignores a run whose experiment_id does not match its folder, with a diagnostic', async () => {
    writeMlflowStore(root, 'mlruns', [{ id: '3', name: 'e', runs: [{ id: A, experimentId: '4' }, { id: B }] }]);
    const r = await read();
    assert.deepEqual(
      r.runs.map((x) => x.path),
      [`mlruns/3/${B}`],
    );
    assert.deepEqual(diagsFor(r, `mlruns/3/${A}/meta.yaml`), [
      "mlflow: run experiment_id '4' does not match its experiment folder '3'; MLflow ignores this run",
    ]);
  });

  it('keeps deleted runs and experiments in .trash, flagged deleted', async () => {
    writeMlflowStore(root, 'mlruns', [
      { id: '1', name: 'live', runs: [{ id: A, lifecycleStage: 'deleted' }, { id: B }] },
      { id: '2', name: 'gone', lifecycleStage: 'deleted', inTrash: true, runs: [{ id: C, lifecycleStage: 'deleted' }] },
      { id: '5', name: 'gone-too', inTrash: true, runs: [{ id: `5${C.slice(1)}` }] },
    ]);
    const r = await read();
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(
      r.runs.map((x) => [x.path, x.experiment, x.deleted]),
      [
        [`mlruns/.trash/2/${C}`, 'gone', true],
        [`mlruns/.trash/5/5${C.slice(1)}`, 'gone-too', true],
        [`mlruns/1/${A}`, 'live', true],
        [`mlruns/1/${B}`, 'live', false],
      ],
    );
  });

  it('links nested runs to their parent path, across experiments; a missing parent is diagnosed', async () => {
    const P = 'f'.repeat(32);
    writeMlflowStore(root, 'mlruns', [
      {
        id: '1',
        name: 'e1',
        runs: [{ id: A }, { id: B, tags: { 'mlflow.parentRunId': A } }, { id: C, tags: { 'mlflow.parentRunId': P } }],
      },
      { id: '2', name: 'e2', runs: [{ id: `2${A.slice(1)}`, tags: { 'mlflow.parentRunId': A } }] },
    ]);
    const r = await read();
    assert.equal(run(r, `mlruns/1/${B}`).parentPath, `mlruns/1/${A}`);
    assert.equal(run(r, `mlruns/2/2${A.slice(1)}`).parentPath, `mlruns/1/${A}`);
    assert.equal(run(r, `mlruns/1/${C}`).parentPath, null);
    assert.deepEqual(diagsFor(r, `mlruns/1/${C}/meta.yaml`), [
      `mlflow: parent run ${P} (tag mlflow.parentRunId) is not in this store; shown as a top-level run`,
    ]);
  });

  it('skips what is not a run: model registry, logged models, datasets, traces, tags, artifact folders', async () => {
    const store = writeMlflowStore(root, 'mlruns', [{ id: '7', name: 'e', runs: [{ id: A }] }]);
    const put = (rel: string, text: string): void => {
      fs.mkdirSync(path.dirname(path.join(store, rel)), { recursive: true });
      fs.writeFileSync(path.join(store, rel), text);
    };
    put('models/reg/meta.yaml', safeDump({ name: 'reg', creation_timestamp: T0, description: '' }));
    put('models/reg/version-1/meta.yaml', safeDump({ name: 'reg', run_id: A, version: 1, source: 'models:/m-1' }));
    put('7/models/m-1/meta.yaml', safeDump({ model_id: 'm-1', experiment_id: '7', name: 'model' }));
    put('7/models/m-1/metrics/acc', `${T0} 0.5 0 ${A}\n`);
    put('7/datasets/d1/meta.yaml', safeDump({ name: 'ds', digest: 'abc' }));
    put('7/traces/tr-1/trace_info.yaml', safeDump({ request_id: 'tr-1' }));
    put('7/tags/mlflow.note.content', 'notes');
    put(`7/${A}/artifacts/sub/meta.yaml`, safeDump({ x: 1 }));
    put(`7/${A}/outputs/m-1/meta.yaml`, safeDump({ source_type: 'RUN_OUTPUT' }));
    put('7/notes/readme.txt', 'not a run');
    const r = await read();
    assert.deepEqual(
      r.sources.map((s) => s.path),
      [`mlruns/7/${A}`],
    );
    assert.deepEqual(r.diagnostics, []);
  });

  it('indexes a run with an empty meta.yaml (being rewritten) and skips one with invalid YAML', async () => {
    writeMlflowStore(root, 'mlruns', [
      {
        id: '0',
        name: 'Default',
        runs: [
          { id: A, rawMeta: '', metrics: { m: [[T0, 1, 1]] } },
          { id: B, rawMeta: 'status: [1\nrun_id: x: y\n', metrics: { m: [[T0, 1, 1]] } },
        ],
      },
    ]);
    const r = await read();
    const x = run(r, `mlruns/0/${A}`);
    assert.equal(x.name, A);
    assert.equal(x.status, 'unknown');
    assert.equal(x.metrics['m']!.count, 1);
    assert.deepEqual(diagsFor(r, `mlruns/0/${A}/meta.yaml`), ['mlflow: meta.yaml is empty (being rewritten?)']);
    assert.equal(r.runs.length, 1);
    const bad = diagsFor(r, `mlruns/0/${B}/meta.yaml`);
    assert.equal(bad.length, 1);
    assert.match(bad[0]!, /^mlflow: meta\.yaml is not a valid YAML mapping: /);
  });

  it('reports an unknown status int as unknown', async () => {
    writeMlflowStore(root, 'mlruns', [{ id: '0', name: 'Default', runs: [{ id: A, status: 9 }] }]);
    const r = await read();
    assert.equal(run(r, `mlruns/0/${A}`).status, 'unknown');
    assert.deepEqual(diagsFor(r, `mlruns/0/${A}/meta.yaml`), ['mlflow: unknown run status "9"']);
  });

  it('keeps param and tag text exactly: newlines, unicode, no trimming', async () => {
    writeMlflowStore(root, 'mlruns', [
      {
        id: '0',
        name: 'Défaut',
        runs: [
          {
            id: A,
            params: { note: 'line1\nline2 ', name: 'λ=0.5 ✓' },
            tags: { 'mlflow.note.content': '# Title\n<b>x</b>' },
          },
        ],
      },
    ]);
    const x = run(await read(), `mlruns/0/${A}`);
    assert.equal(x.experiment, 'Défaut');
    assert.deepEqual(x.params, { name: 'λ=0.5 ✓', note: 'line1\nline2 ' });
    assert.equal(x.tags['mlflow.note.content'], '# Title\n<b>x</b>');
  });

  it('parses folded long values and run ids PyYAML leaves unquoted (1234e5…)', async () => {
    const longName = 'a run name with many words that PyYAML folds once the line passes the eighty column mark';
    const hexLikeFloat = '1234e567890123456789012345678901';
    writeMlflowStore(root, 'mlruns', [
      {
        id: '0',
        name: 'Default',
        runs: [
          { id: A, runName: longName },
          { id: hexLikeFloat, runName: 'x: y' },
        ],
      },
    ]);
    const metaText = fs.readFileSync(path.join(root, 'mlruns/0', A, 'meta.yaml'), 'utf8');
    assert.match(metaText, /\n {2}\S/); // folded onto a continuation line
    assert.match(
      fs.readFileSync(path.join(root, 'mlruns/0', hexLikeFloat, 'meta.yaml'), 'utf8'),
      /^run_id: 1234e567890123456789012345678901$/m,
    );
    const r = await read();
    assert.deepEqual(r.diagnostics, []);
    assert.equal(run(r, `mlruns/0/${A}`).name, longName);
    const h = run(r, `mlruns/0/${hexLikeFloat}`);
    assert.equal(h.name, 'x: y');
  });

  it('writes meta.yaml byte for byte as MLflow did (real fixture)', function () {
    const fixtures = process.env.RUNLENS_FIXTURES;
    if (!fixtures) this.skip();
    const file = path.join(
      fixtures!,
      'mlflow/2023ac05242__mlops-iris__9ea9dd6/mlruns/744527609198417912/12edd517e43d42baa990309123e9338d/meta.yaml',
    );
    const text = fs.readFileSync(file, 'utf8');
    const parsed = parseMeta(text);
    assert.equal(parsed.kind, 'ok');
    const meta = (parsed as { meta: Record<string, unknown> }).meta;
    assert.equal(meta['experiment_id'], '744527609198417912');
    assert.equal(meta['user_id'], '91948');
    assert.equal(meta['start_time'], 1754216715449n);
    assert.equal(safeDump(meta as Parameters<typeof safeDump>[0]), text);
  });

  it('formats metric values like Python repr(float)', () => {
    assert.deepEqual(
      [0.25, 1e-5, 1.5e20, 5, 0.10000000149011612, 1e16, 123.0, -0.0, 1e-4, NaN, -Infinity].map(pyFloatRepr),
      ['0.25', '1e-05', '1.5e+20', '5.0', '0.10000000149011612', '1e+16', '123.0', '-0.0', '0.0001', 'nan', '-inf'],
    );
    assert.equal(metricLine([T0, 0.5, 3]), `${T0} 0.5 3\n`);
    assert.equal(metricLine([T0, 0.5]), `${T0} 0.5\n`);
  });

  it('does not claim a run folder whose experiment folder has no meta.yaml', async () => {
    const dir = path.join(root, 'mlruns/0', A);
    writeKeyFile(dir, 'metrics', 'm', `${T0} 1 0\n`);
    fs.writeFileSync(path.join(dir, 'meta.yaml'), safeDump({ run_id: A, experiment_id: '0' }));
    const r = await read();
    assert.deepEqual(r.sources, []);
  });
});
