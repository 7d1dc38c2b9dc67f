import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Run } from '../../../src/core/model';
import { hfTrainerReader, parsePyJson } from '../../../src/core/readers/hfTrainer';
import { scanFolder, type ScanResult } from '../../../src/core/index/scan';
import {
  lfsPointer,
  pyFloat,
  pyJsonDumps,
  trainerState,
  trainLogs,
  trainSummary,
  writeTrainerOutput,
  type LogEntry,
} from '../../helpers/writers/hf';

describe('hf-trainer reader', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-hf-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const scan = (): Promise<ScanResult> => scanFolder(root, { readers: [hfTrainerReader] });
  const only = (r: ScanResult): Run => {
    assert.equal(r.runs.length, 1, JSON.stringify(r.runs.map((x) => x.path)));
    return r.runs[0]!;
  };
  const loss = (s: number): number => 2 - s / 1000;
  const evalEntry = (step: number, acc: number): LogEntry => ({
    epoch: pyFloat(step / 100),
    eval_accuracy: pyFloat(acc),
    eval_loss: pyFloat(1 - acc),
    eval_runtime: pyFloat(3.6),
    step,
  });

  it('reads the newest checkpoint of an output folder as one run', async () => {
    const h500 = [...trainLogs([100, 200, 300, 400, 500], loss), evalEntry(500, 0.8)];
    const h1000 = [...h500, ...trainLogs([600, 700, 800, 900, 1000], loss), evalEntry(1000, 0.9)];
    const h1200 = [...h1000, ...trainLogs([1100, 1200], loss), evalEntry(1200, 0.85)];
    writeTrainerOutput(root, 'results', {
      companions: true,
      checkpoints: [
        { step: 500, state: trainerState({ globalStep: 500, logHistory: h500 }) },
        { step: 1000, state: trainerState({ globalStep: 1000, logHistory: h1000 }) },
        { step: 1200, state: trainerState({ globalStep: 1200, logHistory: h1200 }) },
      ],
    });
    const r = await scan();
    assert.deepEqual(r.diagnostics, []);
    const run = only(r);
    assert.equal(run.format, 'hf-trainer');
    assert.equal(run.path, 'results');
    assert.equal(run.name, 'results');
    assert.equal(run.status, 'unknown');
    assert.deepEqual(run.params, {});
    assert.deepEqual(Object.keys(run.metrics).sort(), [
      'eval_accuracy',
      'eval_loss',
      'eval_runtime',
      'grad_norm',
      'learning_rate',
      'loss',
    ]);
    assert.deepEqual(run.metrics.loss, {
      last: loss(1200),
      lastStep: 1200,
      min: loss(1200),
      max: loss(100),
      count: 12,
    });
    assert.deepEqual(run.metrics.eval_accuracy, { last: 0.85, lastStep: 1200, min: 0.8, max: 0.9, count: 3 });
  });

  it('prefers the output folder state when it is at least as new, and marks a finished run', async () => {
    const h = [...trainLogs([100, 200], loss), evalEntry(200, 0.7)];
    const final = [...h, trainSummary(200, 0.5)];
    writeTrainerOutput(root, 'out', {
      checkpoints: [{ step: 200, state: trainerState({ globalStep: 200, logHistory: h }) }],
      top: trainerState({
        globalStep: 200,
        logHistory: final,
        legacy: true,
        bestMetric: 0.7,
        bestModelCheckpoint: 'C:\\other\\out\\checkpoint-200',
      }),
      companions: true,
    });
    const run = only(await scan());
    assert.equal(run.status, 'finished');
    assert.deepEqual(run.metrics.train_loss, { last: 0.5, lastStep: 200, min: 0.5, max: 0.5, count: 1 });
    assert.deepEqual(run.metrics.total_flos, {
      last: 2.307297992638464e19,
      lastStep: 200,
      min: 2.307297992638464e19,
      max: 2.307297992638464e19,
      count: 1,
    });
    assert.equal(run.tags.best_model_checkpoint, 'C:\\other\\out\\checkpoint-200');
    assert.equal(run.tags.best_metric, '0.7');
  });

  it('prefers a checkpoint that is newer than the output folder state (resumed training)', async () => {
    const old = trainLogs([100], loss);
    const resumed = trainLogs([100, 200, 300], loss);
    writeTrainerOutput(root, 'out', {
      top: trainerState({ globalStep: 100, logHistory: [...old, trainSummary(100, 1.9)] }),
      checkpoints: [{ step: 300, state: trainerState({ globalStep: 300, logHistory: resumed }) }],
    });
    const run = only(await scan());
    assert.equal(run.status, 'unknown');
    assert.equal(run.metrics.loss?.count, 3);
    assert.equal(run.metrics.loss?.lastStep, 300);
    assert.equal(run.metrics.train_loss, undefined);
  });

  it('reads bare NaN and Infinity tokens; min/max skip them and count keeps them', async () => {
    const entries: LogEntry[] = [
      { epoch: pyFloat(0.1), grad_norm: pyFloat(NaN), loss: pyFloat(1.5), step: 10 },
      { epoch: pyFloat(0.2), grad_norm: pyFloat(Infinity), loss: pyFloat(1.25), step: 20 },
      { epoch: pyFloat(0.3), grad_norm: pyFloat(2.5), loss: pyFloat(-Infinity), step: 30 },
      { epoch: pyFloat(0.4), grad_norm: pyFloat(NaN), loss: pyFloat(1), step: 40 },
    ];
    writeTrainerOutput(root, 'o', {
      checkpoints: [{ step: 40, state: trainerState({ globalStep: 40, logHistory: entries }) }],
    });
    const text = fs.readFileSync(path.join(root, 'o/checkpoint-40/trainer_state.json'), 'utf8');
    assert.match(text, /"grad_norm": NaN,/);
    assert.match(text, /"loss": -Infinity,/);
    const run = only(await scan());
    const g = run.metrics.grad_norm!;
    assert.equal(g.count, 4);
    assert.ok(Number.isNaN(g.last));
    assert.equal(g.lastStep, 40);
    assert.equal(g.min, 2.5);
    assert.equal(g.max, 2.5);
    assert.deepEqual(run.metrics.loss, { last: 1, lastStep: 40, min: 1, max: 1.5, count: 4 });
  });

  it('skips string and nested log values and takes trial_params as params', async () => {
    const entries: LogEntry[] = [
      {
        epoch: pyFloat(1),
        step: 5,
        loss: pyFloat(0.3),
        note: 'warmup done',
        confusion: { tp: 3, fp: 1 },
        per_class: [0.1, 0.2],
        flag: true,
      },
    ];
    writeTrainerOutput(root, 'hp/run-3', {
      top: trainerState({
        globalStep: 5,
        logHistory: entries,
        trialName: 'run-3',
        trialParams: { learning_rate: 3e-5, layers: [2, 4], opt: { name: 'adamw' } },
      }),
    });
    const run = only(await scan());
    assert.deepEqual(Object.keys(run.metrics), ['loss']);
    assert.deepEqual(run.params, { learning_rate: 3e-5, layers: '[2,4]', 'opt.name': 'adamw' });
    assert.equal(run.tags.trial_name, 'run-3');
    assert.equal(run.name, 'run-3');
  });

  it('falls back to the previous checkpoint when the newest state is half-written', async () => {
    const h1 = trainLogs([10, 20], loss);
    const h2 = trainLogs([10, 20, 30, 40], loss);
    const full = pyJsonDumps(trainerState({ globalStep: 40, logHistory: h2 })) + '\n';
    writeTrainerOutput(root, 'o', {
      checkpoints: [
        { step: 20, state: trainerState({ globalStep: 20, logHistory: h1 }) },
        { step: 40, state: full.slice(0, Math.floor(full.length / 2)) },
      ],
    });
    const r = await scan();
    const run = only(r);
    assert.equal(run.metrics.loss?.lastStep, 20);
    assert.equal(run.metrics.loss?.count, 2);
    assert.equal(r.diagnostics.length, 1);
    assert.equal(r.diagnostics[0]!.path, 'o/checkpoint-40/trainer_state.json');
    assert.match(r.diagnostics[0]!.message, /^hf-trainer: not JSON/);
  });

  it('reports a Git LFS pointer and indexes no run from it', async () => {
    writeTrainerOutput(root, '', { checkpoints: [{ step: 500, state: lfsPointer(2351) }] });
    const r = await scan();
    assert.deepEqual(r.runs, []);
    assert.equal(r.diagnostics.length, 1);
    assert.equal(r.diagnostics[0]!.path, 'checkpoint-500/trainer_state.json');
    assert.equal(r.diagnostics[0]!.severity, 'error');
    assert.match(r.diagnostics[0]!.message, /Git LFS pointer/);
  });

  it('ignores checkpoint folders without a state and tmp-checkpoint folders', async () => {
    writeTrainerOutput(root, 'a', {
      checkpoints: [{ step: 10, state: trainerState({ globalStep: 10, logHistory: trainLogs([10], loss) }) }],
    });
    fs.mkdirSync(path.join(root, 'a/checkpoint-20'));
    fs.mkdirSync(path.join(root, 'a/tmp-checkpoint-30'));
    fs.writeFileSync(path.join(root, 'a/tmp-checkpoint-30/trainer_state.json'), '{"global_step": 30, "log_hist');
    fs.mkdirSync(path.join(root, 'b/checkpoint-5'), { recursive: true });
    fs.writeFileSync(path.join(root, 'b/checkpoint-5/config.json'), '{}');
    const r = await scan();
    assert.deepEqual(r.diagnostics, []);
    const run = only(r);
    assert.equal(run.path, 'a');
    assert.equal(run.metrics.loss?.lastStep, 10);
  });

  it('indexes a checkpoint folder opened on its own as a run at the root', async () => {
    const ck = writeTrainerOutput(root, 'o', {
      checkpoints: [{ step: 7, state: trainerState({ globalStep: 7, logHistory: trainLogs([7], loss) }) }],
    });
    const r = await scanFolder(path.join(ck, 'checkpoint-7'), { readers: [hfTrainerReader] });
    const run = only(r);
    assert.equal(run.path, '');
    assert.equal(run.metrics.loss?.count, 1);
  });

  it('keeps duplicate-step entries (train and eval at one step) as separate points', async () => {
    const entries: LogEntry[] = [
      { epoch: pyFloat(1), loss: pyFloat(0.5), step: 100 },
      { epoch: pyFloat(1), eval_loss: pyFloat(0.6), step: 100 },
      { epoch: pyFloat(1), loss: pyFloat(0.4), step: 100 },
    ];
    writeTrainerOutput(root, 'o', { top: trainerState({ globalStep: 100, logHistory: entries }) });
    const run = only(await scan());
    assert.deepEqual(run.metrics.loss, { last: 0.4, lastStep: 100, min: 0.4, max: 0.5, count: 2 });
    assert.deepEqual(run.metrics.eval_loss, { last: 0.6, lastStep: 100, min: 0.6, max: 0.6, count: 1 });
  });

  it('diagnoses a state that is JSON but not an object, and a non-list log_history', async () => {
    writeTrainerOutput(root, 'x', { top: '[1, 2]\n' });
    writeTrainerOutput(root, 'y', { top: '{"global_step": 3, "log_history": {"loss": 1}}\n' });
    const r = await scan();
    assert.deepEqual(
      r.runs.map((x) => x.path),
      ['y'],
    );
    assert.deepEqual(r.runs[0]!.metrics, {});
    assert.deepEqual(r.diagnostics.map((d) => [d.path, d.message]).sort(), [
      ['x/trainer_state.json', 'hf-trainer: not a trainer state (the JSON is not an object)'],
      ['y/trainer_state.json', 'hf-trainer: log_history is not a list'],
    ]);
  });
});

describe('parsePyJson', () => {
  it('passes plain JSON through and maps bare non-finite tokens outside strings only', () => {
    assert.deepEqual(parsePyJson('{"a": [1, 2.5]}'), { ok: true, value: { a: [1, 2.5] } });
    const r = parsePyJson('{"s": "NaN Infinity \\" -Infinity", "v": [NaN, Infinity, -Infinity, 1]}');
    assert.ok(r.ok);
    const v = r.value as { s: string; v: number[] };
    assert.equal(v.s, 'NaN Infinity " -Infinity');
    assert.ok(Number.isNaN(v.v[0]));
    assert.deepEqual(v.v.slice(1), [Infinity, -Infinity, 1]);
  });

  it('reports an error for text that is not JSON even with the tokens mapped', () => {
    const r = parsePyJson('{"a": NaN, ');
    assert.equal(r.ok, false);
    assert.equal(parsePyJson('').ok, false);
  });
});
