import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Run } from '../../../src/core/model';
import { parseIsoUtc, sacredReader } from '../../../src/core/readers/sacred';
import { scanFolder, type ScanResult } from '../../../src/core/index/scan';
import { pyFloat } from '../../helpers/writers/hf';
import {
  metricsJson,
  runJson,
  sacredJson,
  sacredTime,
  writeSacredRun,
  writeSacredSources,
} from '../../helpers/writers/sacred';

describe('sacred reader', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-sacred-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const scan = (): Promise<ScanResult> => scanFolder(root, { readers: [sacredReader] });
  const byPath = (r: ScanResult): Map<string, Run> => new Map(r.runs.map((x) => [x.path, x]));
  const T0 = Date.UTC(2024, 4, 1, 12, 34, 56, 789);

  it('reads a completed run: identity, times, git, params with seed, metrics', async () => {
    writeSacredSources(root, 'my_runs');
    writeSacredRun(root, 'my_runs', '1', {
      run: runJson({
        experiment: 'iris',
        status: 'COMPLETED',
        start: T0,
        stop: T0 + 60_000,
        repositories: [{ url: 'https://github.com/o/r.git', commit: 'a'.repeat(40), dirty: true }],
      }),
      config: {
        C: pyFloat(0.5),
        kernel: 'rbf',
        model: { layers: [64, 32], dropout: pyFloat(0.1) },
        shape: { 'py/tuple': [3, 4] },
        seed: 638422956,
      },
      metrics: metricsJson({
        'train.loss': { steps: [0, 1, 2], times: [T0 + 1000, T0 + 2000, T0 + 3000], values: [0.9, 0.5, 0.7] },
        'val.acc': { steps: [0], times: [T0 + 4000], values: [0.71] },
      }),
      info: { best: 0.9 },
      cout: 'hello\n',
    });
    const r = await scan();
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.runs.length, 1);
    const run = r.runs[0]!;
    assert.equal(run.format, 'sacred');
    assert.equal(run.path, 'my_runs/1');
    assert.equal(run.name, 'iris 1');
    assert.equal(run.experiment, 'iris');
    assert.equal(run.status, 'finished');
    assert.equal(run.startTime, T0);
    assert.equal(run.endTime, T0 + 60_000);
    assert.deepEqual(run.git, {
      commit: 'a'.repeat(40),
      branch: null,
      dirty: true,
      remote: 'https://github.com/o/r.git',
    });
    assert.deepEqual(run.params, {
      C: 0.5,
      kernel: 'rbf',
      'model.layers': '[64,32]',
      'model.dropout': 0.1,
      shape: '[3,4]',
      seed: 638422956,
    });
    assert.deepEqual(run.metrics['train.loss'], { last: 0.7, lastStep: 2, min: 0.5, max: 0.9, count: 3 });
    assert.deepEqual(run.metrics['val.acc'], { last: 0.71, lastStep: 0, min: 0.71, max: 0.71, count: 1 });
  });

  it('maps every status', async () => {
    const cases: Array<[string, string, Partial<Parameters<typeof runJson>[0]>]> = [
      ['1', 'FAILED', { failTrace: ['Traceback (most recent call last):\n', 'ValueError\n'] }],
      ['2', 'INTERRUPTED', {}],
      ['3', 'TIMEOUT', {}],
      ['4', 'QUEUED', { start: undefined, stop: undefined }],
      ['5', 'RUNNING', { stop: undefined, heartbeat: Date.now() - 5_000 }],
      ['6', 'SOMETHING_CUSTOM', {}],
    ];
    for (const [id, status, extra] of cases) {
      writeSacredRun(root, 'runs', id, {
        run: runJson({ experiment: 'e', status, start: T0, stop: T0 + 1000, ...extra }),
        config: { seed: 1 },
      });
    }
    const runs = byPath(await scan());
    assert.deepEqual([...runs.values()].map((x) => [x.path, x.status]).sort(), [
      ['runs/1', 'failed'],
      ['runs/2', 'killed'],
      ['runs/3', 'killed'],
      ['runs/4', 'unknown'],
      ['runs/5', 'running'],
      ['runs/6', 'unknown'],
    ]);
    assert.equal(runs.get('runs/4')!.startTime, null);
    assert.equal(runs.get('runs/4')!.endTime, null);
    assert.equal(runs.get('runs/5')!.endTime, null);
  });

  it('reports a RUNNING run with a stale heartbeat as unknown, with a warning', async () => {
    writeSacredRun(root, 'runs', '9', {
      run: runJson({ experiment: 'e', status: 'RUNNING', start: T0, heartbeat: T0 + 10_000 }),
      config: {},
    });
    const r = await scan();
    assert.equal(r.runs[0]!.status, 'unknown');
    assert.equal(r.diagnostics.length, 1);
    assert.equal(r.diagnostics[0]!.severity, 'warning');
    assert.equal(r.diagnostics[0]!.path, 'runs/9/run.json');
    assert.match(r.diagnostics[0]!.message, /heartbeat is from 2024-05-01T12:35:06/);
  });

  it('reads NaN tokens, skips non-numeric values and reads the shortest of unequal arrays', async () => {
    writeSacredRun(root, 'runs', '1', {
      run: runJson({ experiment: 'e', status: 'COMPLETED', start: T0, stop: T0 }),
      config: {},
      metrics: metricsJson({
        loss: { steps: [0, 1, 2, 3], times: [T0, T0, T0, T0], values: [1.5, NaN, Infinity, 0.5] },
        pair: { steps: [0, 1], times: [T0, T0], values: [[1.7, 0.41], 'n/a'] },
        short: { steps: [0, 1, 2], times: [T0, T0], values: [3, 2, 1, 0] },
        back: { steps: [5, 3, 5], times: [T0, T0, T0], values: [1, 2, 3] },
      }),
    });
    const r = await scan();
    const run = r.runs[0]!;
    assert.deepEqual(run.metrics.loss, { last: 0.5, lastStep: 3, min: 0.5, max: 1.5, count: 4 });
    assert.equal(run.metrics.pair, undefined);
    assert.deepEqual(run.metrics.short, { last: 1, lastStep: 2, min: 1, max: 3, count: 3 });
    // Steps may repeat or go back: the last logged at the highest step wins.
    assert.deepEqual(run.metrics.back, { last: 3, lastStep: 5, min: 1, max: 3, count: 3 });
    assert.deepEqual(
      r.diagnostics.map((d) => [d.path, d.severity, d.message]),
      [['runs/1/metrics.json', 'warning', 'sacred: metric "short" has 4 values, 3 steps and 2 timestamps; read 3']],
    );
  });

  it('indexes a run whose run.json is truncated mid-rewrite as far as its other files go', async () => {
    const full = sacredJson(runJson({ experiment: 'e', status: 'RUNNING', start: T0 }));
    writeSacredRun(root, 'runs', '3', {
      run: full.slice(0, 200),
      config: { lr: pyFloat(0.01), seed: 5 },
      metrics: metricsJson({ acc: { steps: [0], times: [T0], values: [0.5] } }),
    });
    const r = await scan();
    assert.equal(r.runs.length, 1);
    const run = r.runs[0]!;
    assert.equal(run.status, 'unknown');
    assert.equal(run.name, '3');
    assert.equal(run.experiment, null);
    assert.deepEqual(run.params, { lr: 0.01, seed: 5 });
    assert.equal(run.metrics.acc?.count, 1);
    assert.equal(r.diagnostics.length, 1);
    assert.equal(r.diagnostics[0]!.path, 'runs/3/run.json');
    assert.match(r.diagnostics[0]!.message, /^sacred: not JSON/);
  });

  it('indexes a run that crashed before config.json was written', async () => {
    writeSacredRun(root, 'runs', '2', { run: runJson({ experiment: 'e', status: 'FAILED', start: T0, stop: T0 + 5 }) });
    const r = await scan();
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.runs.length, 1);
    assert.deepEqual(r.runs[0]!.params, {});
    assert.equal(r.runs[0]!.status, 'failed');
  });

  it('claims neither _sources, a lone run.json, nor a run.json that is not Sacred', async () => {
    writeSacredSources(root, 'my_runs');
    fs.mkdirSync(path.join(root, 'lone'));
    fs.writeFileSync(path.join(root, 'lone/run.json'), sacredJson(runJson({ experiment: 'e', status: 'COMPLETED' })));
    fs.mkdirSync(path.join(root, 'other'));
    fs.writeFileSync(path.join(root, 'other/run.json'), '{"id": 3, "epochs": 10}');
    fs.writeFileSync(path.join(root, 'other/config.json'), '{"lr": 0.1}');
    const r = await scan();
    assert.deepEqual(r.runs, []);
    assert.deepEqual(r.diagnostics, []);
  });

  it('takes git from the repository holding the main file; a git:/ url is no remote', async () => {
    writeSacredRun(root, 'runs', 'custom_id-α', {
      run: runJson({
        experiment: 'multi',
        status: 'COMPLETED',
        start: T0,
        stop: T0,
        baseDir: '/home/me/proj/src',
        mainfile: 'train.py',
        repositories: [
          // "git:/" + repo.working_dir (sacred dependencies.py), so two slashes before an absolute path.
          { url: 'git://home/me/lib', commit: 'b'.repeat(40), dirty: false },
          { url: 'git://home/me/pro', commit: 'd'.repeat(40), dirty: false },
          { url: 'git://home/me/proj', commit: 'c'.repeat(40), dirty: true },
          { url: 'https://example.com/me/proj.git', commit: 'e'.repeat(40), dirty: false },
        ],
      }),
      config: {},
    });
    const run = (await scan()).runs[0]!;
    assert.equal(run.path, 'runs/custom_id-α');
    assert.equal(run.name, 'multi custom_id-α');
    assert.deepEqual(run.git, { commit: 'c'.repeat(40), branch: null, dirty: true, remote: null });
  });

  it('keeps jsonpickle objects opaque in params', async () => {
    writeSacredRun(root, 'runs', '1', {
      run: runJson({ experiment: 'e', status: 'COMPLETED', start: T0, stop: T0 }),
      config: {
        weights: { 'py/object': 'numpy.ndarray', dtype: 'float64', values: [1, 2] },
        nested: { pair: { 'py/tuple': [{ 'py/tuple': [1, 2] }, 'x'] } },
      },
    });
    const run = (await scan()).runs[0]!;
    // The file is written with sort_keys, so the opaque object reads back with sorted keys.
    assert.deepEqual(run.params, {
      weights: '{"dtype":"float64","py/object":"numpy.ndarray","values":[1,2]}',
      'nested.pair': '[[1,2],"x"]',
    });
  });
});

describe('parseIsoUtc', () => {
  it('parses naive UTC with and without microseconds, and aware offsets', () => {
    assert.equal(parseIsoUtc('2019-05-10T10:31:33.412145'), Date.UTC(2019, 4, 10, 10, 31, 33) + 412.145);
    assert.equal(parseIsoUtc('2019-05-10T10:31:33'), Date.UTC(2019, 4, 10, 10, 31, 33));
    assert.equal(parseIsoUtc('2019-05-10T10:31:33Z'), Date.UTC(2019, 4, 10, 10, 31, 33));
    assert.equal(parseIsoUtc('2019-05-10T12:31:33.5+02:00'), Date.UTC(2019, 4, 10, 10, 31, 33) + 500);
    assert.equal(parseIsoUtc(sacredTime(Date.UTC(2024, 0, 2, 3, 4, 5))), Date.UTC(2024, 0, 2, 3, 4, 5));
  });

  it('rejects what is not an ISO time', () => {
    for (const s of [
      '',
      '2019-05-10',
      '2019-13-10T10:31:33',
      '2019-05-10T10:31:33junk',
      'x019-05-10T10:31:33',
      '2019-05-10T10:31:33+0200',
    ]) {
      assert.equal(parseIsoUtc(s), null, s);
    }
  });
});
