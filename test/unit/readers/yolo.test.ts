import assert from 'node:assert/strict';
import { READERS } from '../../../src/core/readers';
import type { Reader } from '../../../src/core/readers/types';
import { yoloReader } from '../../../src/core/readers/yolo';
import { scanRuns } from '../../helpers/scanRuns';
import { treesRemovedAfterEach, prng, pyG, yoloResultsCsv } from '../../helpers/writers/tabular';

const scan = (root: string, readers: readonly Reader[] = [yoloReader]): ReturnType<typeof scanRuns> =>
  scanRuns(root, readers);

const KEYS = ['time', 'train/box_loss', 'metrics/mAP50-95(B)', 'lr/pg0'];
const ROWS = [
  [38.7726, 1.92084, 0.09727, 0.000662037],
  [70.743, 1.94633, 0.0635, 0.00131555],
  [101.5, 1.5, 0.25, 3.98e-5],
];
const ARGS =
  'task: detect\nmode: train\nmodel: yolo12n.pt\nepochs: 3\nimgsz: 640\nsave_dir: runs\\detect\\train\nclasses: null\nlr0: 0.001\n';

describe('yolo reader', () => {
  const makeTree = treesRemovedAfterEach();

  it('indexes results.csv + args.yaml (Ultralytics 8.3): 1-based epoch as x, time is a metric', async () => {
    const root = makeTree({
      'runs/detect/train/results.csv': yoloResultsCsv(KEYS, ROWS),
      'runs/detect/train/args.yaml': ARGS,
    });
    const { runs, problems } = await scan(root);
    assert.deepEqual(problems, []);
    assert.equal(runs.length, 1);
    const run = runs[0]!;
    assert.equal(run.path, 'runs/detect/train');
    assert.equal(run.name, 'runs/detect/train');
    assert.deepEqual(run.params, {
      task: 'detect',
      mode: 'train',
      model: 'yolo12n.pt',
      epochs: 3,
      imgsz: 640,
      save_dir: 'runs\\detect\\train',
      classes: null,
      lr0: 0.001,
    });
    assert.deepEqual(Object.keys(run.metrics).sort(), ['lr/pg0', 'metrics/mAP50-95(B)', 'time', 'train/box_loss']);
    assert.deepEqual(run.metrics.time, { last: 101.5, lastStep: 3, min: 38.7726, max: 101.5, count: 3 });
    assert.deepEqual(run.metrics['lr/pg0'], { last: 3.98e-5, lastStep: 3, min: 3.98e-5, max: 0.00131555, count: 3 });
  });

  it('reads the padded 23-wide layout of Ultralytics 8.0 / YOLOv5 with opt.yaml + hyp.yaml', async () => {
    const keys = ['train/box_loss', 'metrics/mAP_0.5:0.95', 'x/lr0'];
    const rows = [
      [0.09854, 0.0009547, 0.0703],
      [0.09296, 0.001351, 0.0406],
    ];
    const csv = yoloResultsCsv(keys, rows, { padded: true });
    assert.ok(csv.startsWith('                  epoch,         train/box_loss,'));
    const root = makeTree({
      'runs/train/exp/results.csv': csv,
      'runs/train/exp/opt.yaml':
        'weights: yolov5s.pt\nhyp: data/hyp.scratch.yaml\nepochs: 2\nimg_size:\n- 416\n- 416\n',
      'runs/train/exp/hyp.yaml': 'lr0: 0.01\nmomentum: 0.937\n',
    });
    const { runs, problems } = await scan(root);
    assert.deepEqual(problems, []);
    const run = runs[0]!;
    assert.deepEqual(run.params, {
      weights: 'yolov5s.pt',
      hyp: 'data/hyp.scratch.yaml',
      epochs: 2,
      img_size: '[416,416]',
      'hyp.lr0': 0.01,
      'hyp.momentum': 0.937,
    });
    assert.deepEqual(run.metrics['metrics/mAP_0.5:0.95'], {
      last: Number(pyG(0.001351, 5)),
      lastStep: 1,
      min: 0.0009547,
      max: 0.001351,
      count: 2,
    });
    assert.deepEqual(run.metrics['x/lr0']!.lastStep, 1);
  });

  it('takes results.csv beside a trainer config, or alone when its header is plainly YOLO’s', async () => {
    const root = makeTree({
      'a/results.csv': yoloResultsCsv(KEYS, ROWS), // args.yaml not kept: still a YOLO run
      'b/results.csv': 'model,score\nx,1\n',
      'b/args.yaml': ARGS,
      'c/results.csv': 'epoch,loss,val_loss\n0,0.5,0.6\n', // a Keras log named results.csv
      'd/results.csv': 'epoch,loss\n0,0.5\n',
      'd/opt.yaml': 'epochs: 1\n', // config present: read, whatever the keys
    });
    const { runs, problems } = await scan(root);
    assert.deepEqual(
      runs.map((r) => r.path),
      ['a', 'd'],
    );
    assert.deepEqual(runs[0]!.params, {});
    assert.equal(runs[0]!.metrics['train/box_loss']!.count, 3);
    assert.deepEqual(problems, [
      'b/results.csv: yolo: results.csv does not start with an "epoch" column; not read as a YOLO log',
    ]);
    const all = await scan(root, READERS);
    assert.deepEqual(
      all.runs.map((r) => `${r.format}:${r.path}`),
      ['yolo:a', 'keras:c/results.csv', 'yolo:d'],
    );
  });

  it('indexes an interrupted run as far as it got (nan cells, half-written last line)', async () => {
    const csv = 'epoch,time,train/box_loss,metrics/mAP50(B)\n1,38.7,1.9,nan\n2,70.7,1.8,0.25\n3,101';
    const root = makeTree({ 'train/results.csv': csv, 'train/args.yaml': ARGS });
    const { runs, problems } = await scan(root);
    assert.deepEqual(problems, []);
    assert.deepEqual(runs[0]!.metrics['metrics/mAP50(B)'], { last: 0.25, lastStep: 2, min: 0.25, max: 0.25, count: 2 });
    assert.equal(runs[0]!.metrics.time!.count, 2);
  });

  it('survives truncated, damaged and spliced results.csv (fuzz, seeded)', async function () {
    this.timeout(30_000);
    const rand = prng(99);
    const rows = Array.from({ length: 50 }, () => KEYS.map(() => rand() * 3));
    const good = Buffer.from(yoloResultsCsv(KEYS, rows));
    const files: Record<string, Uint8Array | string> = {};
    for (let i = 0; i < 45; i++) {
      const b = Uint8Array.from(good);
      let data: Uint8Array;
      if (i % 3 === 0) data = b.subarray(0, 60 + Math.floor(rand() * (b.length - 60)));
      else if (i % 3 === 1) {
        for (let k = 0; k < 6; k++) b[70 + Math.floor(rand() * (b.length - 70))] = Math.floor(rand() * 256);
        data = b;
      } else
        data = Buffer.concat([
          b.subarray(0, 70 + Math.floor(rand() * (b.length - 70))),
          good.subarray(Math.floor(rand() * good.length)),
        ]);
      files[`runs/train${i}/results.csv`] = data;
      files[`runs/train${i}/args.yaml`] = ARGS;
    }
    const root = makeTree(files);
    const started = Date.now();
    const { runs, problems } = await scan(root);
    assert.ok(Date.now() - started < 20_000);
    assert.equal(runs.length, 45);
    assert.ok(problems.length > 10, `${problems.length} problems`);
  });

  it('reads YOLOv5 results.txt (headerless, space-aligned, epoch as i/last) beside opt.yaml', async () => {
    const row = (e: string, vals: string[]): string => [e, '1.86G', ...vals].map((v) => v.padStart(10)).join('') + '\n';
    const rest = [
      '0.0913',
      '0.1026',
      '0',
      '0.1939',
      '39',
      '416',
      '0.05829',
      '0.04946',
      '0.01947',
      '0.004119',
      '0.0968',
      '0.05152',
      '0',
    ];
    const txt =
      row('0/2', [
        '0.09854',
        '0.09318',
        '0',
        '0.1917',
        '24',
        '416',
        '0',
        '0',
        '0.004895',
        '0.0009547',
        '0.09176',
        '0.05526',
        '0',
      ]) +
      row('1/2', rest) +
      '         2/2';
    const root = makeTree({ 'runs/train/exp/results.txt': txt, 'runs/train/exp/opt.yaml': 'epochs: 3\n' });
    const { runs, problems } = await scan(root);
    assert.deepEqual(problems, []);
    const m = runs[0]!.metrics;
    assert.deepEqual(m['train/box_loss'], { last: 0.0913, lastStep: 1, min: 0.0913, max: 0.09854, count: 2 });
    assert.deepEqual(m['metrics/mAP_0.5:0.95'], {
      last: 0.004119,
      lastStep: 1,
      min: 0.0009547,
      max: 0.004119,
      count: 2,
    });
    assert.equal(Object.keys(m).length, 11);
    assert.deepEqual(runs[0]!.params, { epochs: 3 });
  });
});
