import assert from 'node:assert/strict';
import { READERS } from '../../../src/core/readers';
import { dvcReader, parsePythonJson } from '../../../src/core/readers/dvc';
import type { Reader } from '../../../src/core/readers/types';
import { scanRuns } from '../../helpers/scanRuns';
import { dvcliveDvcYaml, dvcliveMetricsJson, dvcliveTsv, yamlFile, type TsvPoint } from '../../helpers/writers/dvc';
import { treesRemovedAfterEach, prng } from '../../helpers/writers/tabular';

async function scan(root: string, readers: readonly Reader[] = [dvcReader]): ReturnType<typeof scanRuns> {
  const r = await scanRuns(root, readers);
  return { runs: r.runs, problems: r.problems.sort() };
}

const pts = (values: number[], from = 0): TsvPoint[] => values.map((value, i) => ({ step: BigInt(from + i), value }));

describe('dvc reader', () => {
  const makeTree = treesRemovedAfterEach();

  it('indexes a DVCLive folder: curves from plots/metrics TSVs, summary-only keys from metrics.json, its params', async () => {
    const root = makeTree({
      '.dvc/config': '',
      'dvc.yaml': dvcliveDvcYaml('dvclive'),
      'dvclive/params.yaml': yamlFile({ n_estimators: 100, max_features: 'sqrt', bootstrap: true, layers: [8, 4] }),
      'dvclive/metrics.json': dvcliveMetricsJson({ 'train/loss': 0.25, acc: 0.75, 'F1 score': 0.5, best: 0.875 }, 2),
      'dvclive/plots/metrics/train/loss.tsv': dvcliveTsv('train/loss', pts([1, 0.5, 0.25])),
      'dvclive/plots/metrics/acc.tsv': dvcliveTsv('acc', pts([0.5, 0.625, 0.75]), '\r\n'),
      'dvclive/plots/metrics/F1 score.tsv': dvcliveTsv('F1 score', pts([0.5], 2)),
      'dvclive/plots/metrics/system/cpu/usage (%).tsv': dvcliveTsv('system/cpu/usage (%)', [
        { timestamp: 1700000000000n, step: 0n, value: 12.5 },
        { timestamp: 1700000005000n, step: 1n, value: 50 },
      ]),
    });
    const { runs, problems } = await scan(root);
    assert.deepEqual(problems, []);
    assert.deepEqual(
      runs.map((r) => r.path),
      ['dvclive'],
    ); // no second run for the project itself
    const run = runs[0]!;
    assert.equal(run.format, 'dvc');
    assert.equal(run.name, 'dvclive');
    assert.deepEqual(run.params, { n_estimators: 100, max_features: 'sqrt', bootstrap: true, layers: '[8,4]' });
    assert.deepEqual(Object.keys(run.metrics).sort(), [
      'F1 score',
      'acc',
      'best',
      'system/cpu/usage (%)',
      'train/loss',
    ]);
    assert.deepEqual(run.metrics['train/loss'], { last: 0.25, lastStep: 2, min: 0.25, max: 1, count: 3 });
    assert.deepEqual(run.metrics.acc, { last: 0.75, lastStep: 2, min: 0.5, max: 0.75, count: 3 });
    assert.deepEqual(run.metrics['F1 score'], { last: 0.5, lastStep: 2, min: 0.5, max: 0.5, count: 1 });
    assert.deepEqual(run.metrics['system/cpu/usage (%)'], { last: 50, lastStep: 1, min: 12.5, max: 50, count: 2 });
    assert.deepEqual(run.metrics.best, { last: 0.875, lastStep: 2, min: 0.875, max: 0.875, count: 1 });
  });

  it('gives a DVCLive folder of any name the enclosing project’s params.yaml; nested dvc.yaml is not a project', async () => {
    const root = makeTree({
      '.dvc/config': '',
      'dvc.yaml': yamlFile({ stages: { train: { cmd: 'python src/train.py ${train}', outs: ['results'] } } }),
      'params.yaml': yamlFile({ train: { epochs: 30, model: 'yolov8n-seg.pt' }, regions: ['REGION_1'] }),
      'results/train/dvc.yaml': yamlFile({ metrics: ['metrics.json'], plots: [{ 'plots/metrics': { x: 'step' } }] }),
      'results/train/metrics.json': dvcliveMetricsJson({ 'train/box_loss': 0.88, 'metrics/mAP50(B)': 0.84 }, 1),
      'results/train/plots/metrics/train/box_loss.tsv': dvcliveTsv('train/box_loss', pts([2.3, 0.88])),
      'results/train/plots/metrics/metrics/mAP50(B).tsv': dvcliveTsv('metrics/mAP50(B)', pts([0.003, 0.84])),
    });
    const { runs, problems } = await scan(root);
    assert.deepEqual(problems, []);
    assert.deepEqual(
      runs.map((r) => r.path),
      ['results/train'],
    );
    assert.deepEqual(runs[0]!.params, { 'train.epochs': 30, 'train.model': 'yolov8n-seg.pt', regions: '["REGION_1"]' });
    assert.deepEqual(runs[0]!.metrics['metrics/mAP50(B)'], {
      last: 0.84,
      lastStep: 1,
      min: 0.003,
      max: 0.84,
      count: 2,
    });
    assert.equal(Object.keys(runs[0]!.metrics).length, 2);
  });

  it('indexes a project without DVCLive as one run: params.yaml and every numeric leaf of its declared metrics files', async () => {
    const root = makeTree({
      '.dvc/config': '',
      'params.yaml': 'prepare:\n  split: 0.20\n  seed: 20170428\ntrain:\n  n_est: 50\n',
      'dvc.yaml': yamlFile({
        metrics: ['summary.yaml'],
        stages: {
          train: { cmd: 'python train.py', metrics: [{ 'training/metrics.json': { cache: false, persist: true } }] },
          evaluate: { cmd: 'python eval.py', metrics: ['scores.json', 'missing.json', 'eval/${item}.json'] },
        },
      }),
      'training/metrics.json': JSON.stringify(
        { train: { loss: 0.97, acc: 0.77 }, test: { loss: NaN }, step: 14 },
        null,
        4,
      ).replace('null', 'NaN'),
      'scores.json': '{"auc": 0.5417487597055675, "ok": true, "curve": [1, 2], "note": "text", "bad": "inf"}',
      'summary.yaml': 'best:\n  epoch: 3\n  score: 0.9\n',
    });
    const { runs, problems } = await scan(root);
    assert.deepEqual(problems, []);
    assert.deepEqual(
      runs.map((r) => r.path),
      [''],
    );
    const run = runs[0]!;
    assert.equal(run.name, '');
    assert.deepEqual(run.params, { 'prepare.split': 0.2, 'prepare.seed': 20170428, 'train.n_est': 50 });
    const one = (v: number): object => ({
      last: v,
      lastStep: null,
      min: Number.isFinite(v) ? v : null,
      max: Number.isFinite(v) ? v : null,
      count: 1,
    });
    assert.deepEqual(run.metrics, {
      'best.epoch': one(3),
      'best.score': one(0.9),
      'train.loss': one(0.97),
      'train.acc': one(0.77),
      'test.loss': one(NaN),
      step: one(14),
      auc: one(0.5417487597055675),
      bad: one(Infinity),
    });
  });

  it('never searches .dvc/ (temporary repository copies of queued experiments)', async () => {
    const root = makeTree({
      '.dvc/tmp/exps/tmp1234/dvclive/metrics.json': '{"loss": 1}',
      '.dvc/tmp/exps/tmp1234/dvclive/plots/metrics/loss.tsv': 'step\tloss\n0\t1\n',
      '.dvc/tmp/exps/tmp1234/dvc.yaml': 'stages: {}\n',
      'dvclive/metrics.json': '{"loss": 0.5}',
    });
    const { runs } = await scan(root, READERS);
    assert.deepEqual(
      runs.map((r) => `${r.format}:${r.path}`),
      ['dvc:dvclive'],
    );
    assert.deepEqual(runs[0]!.metrics.loss, { last: 0.5, lastStep: null, min: 0.5, max: 0.5, count: 1 });
  });

  it('reads TSV edge cases: nan, string values, empty rows, a half-written last line, a hand-renamed column', async () => {
    const root = makeTree({
      'dvclive/plots/metrics/loss.tsv': 'step\tloss\n0\tnan\n1\t0.5\n\n2\tdiverged\n3\t0.25\n4\t0.1',
      'dvclive/plots/metrics/eval/acc.tsv': 'step\taccuracy\n0\t0.5\n',
      'dvclive/plots/metrics/two.tsv': 'step\ttwo\textra\n0\t1\t2\n',
      'dvclive/metrics.json': '{}\n',
    });
    const { runs, problems } = await scan(root);
    assert.deepEqual(problems, []);
    const m = runs[0]!.metrics;
    assert.deepEqual(Object.keys(m).sort(), ['eval/acc', 'extra', 'loss', 'two']);
    assert.deepEqual(m.loss, { last: 0.25, lastStep: 3, min: 0.25, max: 0.5, count: 3 });
    assert.deepEqual(m['eval/acc'], { last: 0.5, lastStep: 0, min: 0.5, max: 0.5, count: 1 });
  });

  it('reads the DVCLive 0.x layout: scalars/ TSVs with timestamp and a sibling <dir>.json summary', async () => {
    const root = makeTree({
      'logs.json': JSON.stringify({ step: 1, loss: 0.5, 'test/acc': 0.75 }),
      'logs/scalars/loss.tsv': 'timestamp\tstep\tloss\n1650000000000\t0\t1.0\n1650000001000\t1\t0.5\n',
      'logs/params.yaml': 'lr: 0.1\n',
    });
    const { runs, problems } = await scan(root);
    assert.deepEqual(problems, []);
    assert.deepEqual(
      runs.map((r) => r.path),
      ['logs'],
    );
    assert.deepEqual(runs[0]!.params, { lr: 0.1 });
    assert.deepEqual(runs[0]!.metrics.loss, { last: 0.5, lastStep: 1, min: 0.5, max: 1, count: 2 });
    assert.deepEqual(runs[0]!.metrics['test/acc'], { last: 0.75, lastStep: 1, min: 0.75, max: 0.75, count: 1 });
  });

  it('diagnoses broken metrics.json and dvc.yaml and still indexes the rest', async () => {
    const root = makeTree({
      'a/.dvc/config': '',
      'a/dvclive/metrics.json': '{"loss": 0.5,',
      'a/dvclive/plots/metrics/loss.tsv': 'step\tloss\n0\t0.5\n',
      'b/.dvc/config': '',
      'b/dvc.yaml': 'stages:\n  train: [\n',
      'b/params.yaml': 'lr: 0.1\n',
    });
    const { runs, problems } = await scan(root);
    assert.deepEqual(
      runs.map((r) => r.path),
      ['a/dvclive', 'b'],
    );
    assert.equal(runs[0]!.metrics.loss!.count, 1);
    assert.deepEqual(runs[1]!.params, { lr: 0.1 });
    assert.equal(problems.length, 2);
    assert.match(problems[0]!, /^a\/dvclive\/metrics\.json: dvc: invalid JSON in metrics\.json/);
    assert.match(problems[1]!, /^b\/dvc\.yaml: dvc: invalid YAML in dvc\.yaml/);
  });

  it('parses Python JSON with bare NaN/Infinity outside strings only', () => {
    assert.deepEqual(parsePythonJson('{"a": NaN, "b": -Infinity, "c": "NaN and Infinity"}'), {
      a: '\u0000nonfinite:NaN',
      b: '\u0000nonfinite:-Infinity',
      c: 'NaN and Infinity',
    });
  });

  it('survives truncated, damaged and spliced TSV and metrics.json files (fuzz, seeded)', async function () {
    this.timeout(30_000);
    const rand = prng(7777);
    const tsv = Buffer.from(dvcliveTsv('loss', pts(Array.from({ length: 200 }, () => rand()))));
    const json = Buffer.from(dvcliveMetricsJson({ 'train/loss': 0.5, acc: 0.25, 'deep/er/key': 1 }, 199));
    const damage = (good: Buffer, i: number): Uint8Array => {
      const b = Uint8Array.from(good);
      if (i % 3 === 0) return b.subarray(0, Math.floor(rand() * b.length));
      if (i % 3 === 1) {
        for (let k = 0; k < 6; k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
        return b;
      }
      return Buffer.concat([
        b.subarray(0, Math.floor(rand() * b.length)),
        good.subarray(Math.floor(rand() * good.length)),
      ]);
    };
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 45; i++) {
      files[`runs/r${i}/dvclive/plots/metrics/loss.tsv`] = damage(tsv, i);
      files[`runs/r${i}/dvclive/metrics.json`] = damage(json, i + 1);
    }
    const root = makeTree(files);
    const started = Date.now();
    const { runs, problems } = await scan(root);
    assert.ok(Date.now() - started < 20_000);
    assert.equal(runs.length, 45);
    assert.ok(problems.length > 10, `${problems.length} problems`);
  });
});
