import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Indexer } from '../../../src/core/index/indexer';
import { lightningReader } from '../../../src/core/readers/lightning';
import { scanRuns } from '../../helpers/scanRuns';
import { f32, lightningMetricsCsv, treesRemovedAfterEach, prng, type PyValue } from '../../helpers/writers/tabular';

const HPARAMS = 'batch_size: 32\nlr: 0.001\nmodel:\n  layers: [64, 32]\n  name: mlp\nuse_bn: true\n';

function metricsRows(): Record<string, PyValue>[] {
  // A training row every 50 steps, a validation row and an epoch row at each epoch end (same step).
  const rows: Record<string, PyValue>[] = [];
  let step = 0n;
  for (let epoch = 0n; epoch < 3n; epoch++) {
    for (let i = 0; i < 2; i++) {
      step += 50n;
      rows.push({ epoch, step: step - 1n, train_loss_step: f32(2 - Number(step) / 1000) });
    }
    rows.push({
      epoch,
      step: step - 1n,
      val_loss: f32(1.5 - Number(epoch) / 10),
      'val/acc': f32(0.5 + Number(epoch) / 10),
    });
    rows.push({ epoch, step: step - 1n, train_loss_epoch: f32(1.9 - Number(epoch) / 10) });
  }
  return rows;
}

const scan = (root: string): ReturnType<typeof scanRuns> => scanRuns(root, [lightningReader]);

describe('lightning reader', () => {
  const makeTree = treesRemovedAfterEach();

  it('indexes a version folder: params from hparams.yaml, sparse metrics, x = step, epoch not a metric', async () => {
    const root = makeTree({
      'lightning_logs/version_0/metrics.csv': lightningMetricsCsv(metricsRows()),
      'lightning_logs/version_0/hparams.yaml': HPARAMS,
    });
    const { runs, problems } = await scan(root);
    assert.deepEqual(problems, []);
    assert.equal(runs.length, 1);
    const run = runs[0]!;
    assert.equal(run.format, 'lightning');
    assert.equal(run.path, 'lightning_logs/version_0');
    assert.equal(run.name, 'lightning_logs/version_0');
    assert.equal(run.status, 'unknown');
    assert.deepEqual(run.params, {
      batch_size: 32,
      lr: 0.001,
      'model.layers': '[64,32]',
      'model.name': 'mlp',
      use_bn: true,
    });
    assert.deepEqual(Object.keys(run.metrics).sort(), ['train_loss_epoch', 'train_loss_step', 'val/acc', 'val_loss']);
    assert.deepEqual(run.metrics.train_loss_step, {
      last: f32(2 - 300 / 1000),
      lastStep: 299,
      min: f32(2 - 300 / 1000),
      max: f32(2 - 50 / 1000),
      count: 6,
    });
    assert.deepEqual(run.metrics.val_loss, { last: f32(1.3), lastStep: 299, min: f32(1.3), max: f32(1.5), count: 3 });
    assert.deepEqual(run.metrics['val/acc'], { last: f32(0.7), lastStep: 299, min: f32(0.5), max: f32(0.7), count: 3 });
  });

  it('claims metrics.csv in version_* or beside hparams.yaml only; a folder with only hparams.yaml is no run', async () => {
    const csv = lightningMetricsCsv([{ epoch: 0n, step: 9n, loss: 0.5 }]);
    const root = makeTree({
      'logs/version_1/hparams.yaml': HPARAMS, // killed trial
      'logs/version_2/metrics.csv': csv, // no hparams logged
      'logs_custom/site_1_fall/metrics.csv': csv,
      'logs_custom/site_1_fall/hparams.yaml': 'x: 1\n',
      'other/metrics.csv': csv, // not Lightning's layout
      'logs/version_2/.ipynb_checkpoints/metrics-checkpoint.csv': csv,
      'logs/version_3/.ipynb_checkpoints/metrics.csv': csv,
      'logs/version_3/.ipynb_checkpoints/hparams.yaml': HPARAMS,
    });
    const { runs, problems } = await scan(root);
    assert.deepEqual(problems, []);
    assert.deepEqual(
      runs.map((r) => r.path),
      ['logs/version_2', 'logs_custom/site_1_fall'],
    );
    assert.deepEqual(runs[0]!.params, {});
    assert.deepEqual(runs[1]!.params, { x: 1 });
    assert.deepEqual(runs[1]!.metrics.loss, { last: 0.5, lastStep: 9, min: 0.5, max: 0.5, count: 1 });
  });

  it('reads the 1.x/2.1 layout (keys in first-seen order) and NaN/inf values', async () => {
    const rows: Record<string, PyValue>[] = [
      { loss: 1.0, epoch: 0n, step: 0n },
      { loss: NaN, epoch: 0n, step: 1n },
      { acc: Infinity, epoch: 0n, step: 1n },
      { loss: 0.5, epoch: 1n, step: 2n },
    ];
    const csv = lightningMetricsCsv(rows, { sorted: false });
    assert.ok(csv.startsWith('loss,epoch,step,acc\r\n'));
    const root = makeTree({ 'lightning_logs/version_0/metrics.csv': csv });
    const { runs, problems } = await scan(root);
    assert.deepEqual(problems, []);
    assert.deepEqual(runs[0]!.metrics.loss, { last: 0.5, lastStep: 2, min: 0.5, max: 1, count: 3 });
    assert.deepEqual(runs[0]!.metrics.acc, { last: Infinity, lastStep: 1, min: null, max: null, count: 1 });
  });

  it('takes the value at the highest step after a resume that went back in steps', async () => {
    const csv = lightningMetricsCsv([
      { epoch: 0n, step: 100n, loss: 0.75 },
      { epoch: 0n, step: 200n, loss: 0.5 },
      { epoch: 0n, step: 150n, loss: 0.625 },
      { epoch: 0n, step: 200n, loss: 0.25 },
    ]);
    const root = makeTree({ 'lightning_logs/version_0/metrics.csv': csv });
    const { runs } = await scan(root);
    assert.deepEqual(runs[0]!.metrics.loss, { last: 0.25, lastStep: 200, min: 0.25, max: 0.75, count: 4 });
  });

  it('reads hparams.yaml with PyYAML python tags (no warning) and indexes metrics when hparams.yaml is broken', async () => {
    const csv = lightningMetricsCsv([{ epoch: 0n, step: 1n, loss: 0.5 }]);
    const root = makeTree({
      'a/version_0/metrics.csv': csv,
      'a/version_0/hparams.yaml':
        'betas: !!python/tuple\n- 0.9\n- 0.999\nargs: !!python/object:argparse.Namespace\n  seed: 42\n',
      'b/version_0/metrics.csv': csv,
      'b/version_0/hparams.yaml': 'lr: [0.1\nx: {\n',
      'c/version_0/metrics.csv': csv,
      'c/version_0/hparams.yaml': '{}\n',
    });
    const { runs, problems } = await scan(root);
    assert.deepEqual(
      runs.map((r) => r.path),
      ['a/version_0', 'b/version_0', 'c/version_0'],
    );
    assert.deepEqual(runs[0]!.params, { betas: '[0.9,0.999]', 'args.seed': 42 });
    assert.deepEqual(runs[1]!.params, {});
    assert.deepEqual(runs[2]!.params, {});
    for (const r of runs) assert.equal(r.metrics.loss?.count, 1);
    // PyYAML's python tags are what Lightning writes (read as their node or the name they point to): no warning.
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^b\/version_0\/hparams\.yaml: lightning: invalid YAML in hparams\.yaml/);
  });

  it('reads PyYAML `!!python/name` and `!!python/module` values as the name they point to, never ""', async () => {
    // What Lightning's save_hparams_to_yaml (PyYAML yaml.dump) writes when a class or function is a hyperparameter.
    const csv = lightningMetricsCsv([{ epoch: 0n, step: 1n, loss: 0.5 }]);
    const root = makeTree({
      'logs/version_0/metrics.csv': csv,
      'logs/version_0/hparams.yaml':
        "optim: !!python/name:torch.optim.adamw.AdamW ''\nact: !!python/name:torch.nn.modules.activation.ReLU\nmod: !!python/module:math ''\nlr: 0.001\n",
    });
    const { runs, problems } = await scan(root);
    assert.deepEqual(problems, []);
    assert.deepEqual(runs[0]!.params, {
      optim: 'torch.optim.adamw.AdamW',
      act: 'torch.nn.modules.activation.ReLU',
      mod: 'math',
      lr: 0.001,
    });
  });

  it('does not read another tool’s metrics.csv (no step column) and says why', async () => {
    const root = makeTree({
      'lightning_logs/version_0/metrics.csv': 'name,score\r\nfoo,1\r\n',
      'lightning_logs/version_0/hparams.yaml': 'a: 1\n',
    });
    const { runs, problems } = await scan(root);
    assert.deepEqual(runs, []);
    assert.deepEqual(problems, [
      'lightning_logs/version_0/metrics.csv: lightning: metrics.csv has no "step" column; not read as a Lightning log',
    ]);
  });

  it('survives truncated, damaged and spliced metrics.csv files (fuzz, seeded)', async function () {
    this.timeout(30_000);
    const rand = prng(42);
    const good = Buffer.from(lightningMetricsCsv(metricsRows()));
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 60; i++) {
      const b = Uint8Array.from(good);
      let data: Uint8Array;
      if (i % 3 === 0) data = b.subarray(0, Math.floor(rand() * b.length));
      else if (i % 3 === 1) {
        for (let k = 0; k < 8; k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
        data = b;
      } else
        data = Buffer.concat([
          b.subarray(0, Math.floor(rand() * b.length)),
          good.subarray(Math.floor(rand() * good.length)),
        ]);
      files[`runs/version_${i}/metrics.csv`] = data;
    }
    const root = makeTree(files);
    const started = Date.now();
    const { runs, problems } = await scan(root);
    assert.ok(Date.now() - started < 20_000);
    assert.ok(runs.length > 30, `${runs.length} runs`);
    assert.ok(problems.length > 10, `${problems.length} problems`);
    for (const r of runs) for (const m of Object.values(r.metrics)) assert.ok(m.count > 0);
  });

  it('leaves a half-written last row out until the writer completes it', async () => {
    const root = makeTree({ 'lightning_logs/version_0/metrics.csv': 'epoch,loss,step\r\n0,0.5,1\r\n0,0.4' });
    let { runs } = await scan(root);
    assert.deepEqual(runs[0]!.metrics.loss, { last: 0.5, lastStep: 1, min: 0.5, max: 0.5, count: 1 });
    fs.appendFileSync(path.join(root, 'lightning_logs/version_0/metrics.csv'), '5,2\r\n');
    ({ runs } = await scan(root));
    assert.deepEqual(runs[0]!.metrics.loss, { last: 0.45, lastStep: 2, min: 0.45, max: 0.5, count: 2 });
  });

  it('resumes an appended metrics.csv where the last read stopped, and re-reads a rewritten one', async () => {
    const root = makeTree({ 'lightning_logs/version_0/metrics.csv': 'epoch,loss,step\r\n0,0.5,1\r\n0,0.4' });
    const file = path.join(root, 'lightning_logs/version_0/metrics.csv');
    const indexer = new Indexer(root, { readers: [lightningReader] });
    await indexer.indexAll();
    assert.equal(indexer.runs()[0]!.metrics.loss!.count, 1);
    fs.appendFileSync(file, '5,2\r\n0,0.25,3\r\n');
    await indexer.refresh([file]);
    assert.deepEqual(indexer.runs()[0]!.metrics.loss, { last: 0.25, lastStep: 3, min: 0.25, max: 0.5, count: 3 });
    // Lightning >= 2.1 rewrites the whole file when a new key appears.
    fs.writeFileSync(file, 'epoch,loss,step,val_loss\r\n0,0.5,1,\r\n0,0.45,2,\r\n0,0.25,3,\r\n0,,3,0.75\r\n');
    await indexer.refresh([file]);
    const run = indexer.runs()[0]!;
    assert.deepEqual(run.metrics.loss, { last: 0.25, lastStep: 3, min: 0.25, max: 0.5, count: 3 });
    assert.deepEqual(run.metrics.val_loss, { last: 0.75, lastStep: 3, min: 0.75, max: 0.75, count: 1 });
  });
});
