import assert from 'node:assert/strict';
import { READERS } from '../../../src/core/readers';
import { kerasReader, kerasSeparator } from '../../../src/core/readers/keras';
import type { Reader } from '../../../src/core/readers/types';
import { scanRuns } from '../../helpers/scanRuns';
import {
  f32,
  kerasCsv,
  lightningMetricsCsv,
  treesRemovedAfterEach,
  prng,
  yoloResultsCsv,
} from '../../helpers/writers/tabular';

const scan = (root: string, readers: readonly Reader[] = [kerasReader]): ReturnType<typeof scanRuns> =>
  scanRuns(root, readers);

const epochs = (n: number): Record<string, number>[] =>
  Array.from({ length: n }, (_, i) => ({
    loss: f32(1 / (i + 1)),
    accuracy: f32(0.5 + i / 20),
    val_loss: f32(1.2 / (i + 1)),
    val_accuracy: f32(0.45 + i / 25),
  }));

describe('keras reader', () => {
  const makeTree = treesRemovedAfterEach();

  it('indexes a CSVLogger file as a run at its own path; x = epoch (0-based)', async () => {
    const root = makeTree({ 'logs/training.log': kerasCsv(epochs(5)) });
    const { runs, problems } = await scan(root);
    assert.deepEqual(problems, []);
    assert.equal(runs.length, 1);
    const run = runs[0]!;
    assert.equal(run.format, 'keras');
    assert.equal(run.path, 'logs/training.log');
    assert.equal(run.name, 'logs/training.log');
    assert.deepEqual(run.params, {});
    assert.deepEqual(Object.keys(run.metrics).sort(), ['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    assert.deepEqual(run.metrics.loss, { last: f32(1 / 5), lastStep: 4, min: f32(1 / 5), max: 1, count: 5 });
    assert.deepEqual(run.metrics.val_accuracy, {
      last: f32(0.45 + 4 / 25),
      lastStep: 4,
      min: f32(0.45),
      max: f32(0.45 + 4 / 25),
      count: 5,
    });
  });

  it('reads other separators, \\r\\r\\n line ends, NA cells and quoted list values', async () => {
    const rows: Record<string, number | number[] | undefined>[] = [
      { loss: 0.5, lr: 0.001, probs: [0.25, 0.75] },
      { loss: 0.25, lr: undefined, probs: [0.5, 0.5] },
    ];
    const root = makeTree({
      'semicolon.csv': kerasCsv(rows, { separator: ';' }),
      'tab.csv': kerasCsv(rows, { separator: '\t', lineEnd: '\r\r\n' }),
      'comma.csv': kerasCsv(rows),
    });
    const { runs, problems } = await scan(root);
    assert.deepEqual(problems, []);
    assert.deepEqual(
      runs.map((r) => r.path),
      ['comma.csv', 'semicolon.csv', 'tab.csv'],
    );
    for (const run of runs) {
      assert.deepEqual(Object.keys(run.metrics).sort(), ['loss', 'lr'], run.path);
      assert.deepEqual(run.metrics.loss, { last: 0.25, lastStep: 1, min: 0.25, max: 0.5, count: 2 });
      assert.deepEqual(run.metrics.lr, { last: 0.001, lastStep: 0, min: 0.001, max: 0.001, count: 1 });
    }
  });

  it('leaves other CSV and log files alone, silently', async () => {
    const root = makeTree({
      'data/train.csv': 'id,label\n1,cat\n',
      'notes.log': 'INFO starting\n',
      'hf.csv': 'step,epoch,loss\n1,0,0.5\n', // has a step column
      'epoch_only.csv': 'epoch\n0\n',
      'empty.csv': '',
      'results.csv': 'epochs,x\n1,2\n',
    });
    const { runs, problems } = await scan(root);
    assert.deepEqual(runs, []);
    assert.deepEqual(problems, []);
  });

  it('does not claim Lightning metrics.csv, YOLO results.csv or DVCLive TSVs', async () => {
    const root = makeTree({
      'lightning_logs/version_0/metrics.csv': lightningMetricsCsv([{ epoch: 0n, step: 1n, loss: 0.5 }]),
      'runs/detect/train/results.csv': yoloResultsCsv(['train/box_loss'], [[1.5], [1.25]]),
      'runs/detect/train/args.yaml': 'epochs: 2\n',
      'dvclive/plots/metrics/loss.tsv': 'step\tloss\n0\t0.5\n',
      'dvclive/metrics.json': '{"loss": 0.5}\n',
      'history.csv': kerasCsv(epochs(2)),
    });
    const { runs } = await scan(root, READERS);
    assert.deepEqual(
      runs.map((r) => `${r.format}:${r.path}`),
      ['dvc:dvclive', 'keras:history.csv', 'lightning:lightning_logs/version_0', 'yolo:runs/detect/train'],
    );
  });

  it('reports rows of a later fit() appended with another key set', async () => {
    const first = kerasCsv(epochs(2));
    const appended = '0,0.5,0.25\r\n';
    const root = makeTree({ 'log.csv': first + appended });
    const { runs, problems } = await scan(root);
    assert.equal(runs[0]!.metrics.loss!.count, 2);
    assert.deepEqual(problems, ['log.csv: keras: line 4 has 3 fields where the header has 5; row skipped']);
  });

  it('recognises the header only when it starts with epoch and has no step column', () => {
    assert.equal(kerasSeparator('epoch,loss,val_loss'), ',');
    assert.equal(kerasSeparator('epoch\tloss'), '\t');
    assert.equal(kerasSeparator('"epoch";loss'), ';');
    assert.equal(kerasSeparator('epoch,step,loss'), undefined);
    assert.equal(kerasSeparator('epochs,loss'), undefined);
    assert.equal(kerasSeparator('loss,epoch'), undefined);
    assert.equal(kerasSeparator('epoch'), undefined);
  });

  it('survives truncated, damaged and spliced logs (fuzz, seeded)', async function () {
    this.timeout(30_000);
    const rand = prng(1234);
    const good = Buffer.from(kerasCsv(epochs(40)));
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 60; i++) {
      const b = Uint8Array.from(good);
      let data: Uint8Array;
      if (i % 3 === 0) data = b.subarray(0, 10 + Math.floor(rand() * (b.length - 10)));
      else if (i % 3 === 1) {
        for (let k = 0; k < 6; k++) b[60 + Math.floor(rand() * (b.length - 60))] = Math.floor(rand() * 256);
        data = b;
      } else
        data = Buffer.concat([
          b.subarray(0, 100 + Math.floor(rand() * (b.length - 100))),
          good.subarray(Math.floor(rand() * good.length)),
        ]);
      files[`log_${i}.csv`] = data;
    }
    const root = makeTree(files);
    const started = Date.now();
    const { runs, problems } = await scan(root);
    assert.ok(Date.now() - started < 20_000);
    assert.ok(runs.length >= 55, `${runs.length} runs`);
    assert.ok(problems.length > 10, `${problems.length} problems`);
  });
});
