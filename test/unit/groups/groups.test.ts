import assert from 'node:assert/strict';
import * as path from 'node:path';
import { runId } from '../../../src/core/ids';
import { applyMetricAliases, DEFAULT_METRIC_ALIASES } from '../../../src/core/groups/aliases';
import { diffGroups } from '../../../src/core/groups/groupDiff';
import { findGroup, groupRuns, sweepOf } from '../../../src/core/groups/groups';
import type { Run } from '../../../src/core/model';
import { welchTTest } from '../../../src/core/stats/groups';
import { indexFolder } from '../../../src/cli/workspace';
import { makeTemp, rmTemp } from '../../helpers/tmp';
import { writeHydraSweep } from '../../helpers/writers/hydra';
import { writeMlflowStore, type RunSpec } from '../../helpers/writers/mlflowFiles';
import { prng } from '../../helpers/writers/tabular';
import { configYamlCore, rec, WandbLogWriter, writeWandbRun } from '../../helpers/writers/wandb';
import { cli } from '../../helpers/runCli';
import { modelRun } from '../../helpers/modelRun';

const T0 = 1_700_000_000_000;
const LRS = ['0.1', '0.01', '0.001'];
const SEEDS = [0, 1, 2, 3, 4];

/** Textbook two-pass mean and sample std, written apart from the stats module on purpose. */
function naive(xs: number[]): { mean: number; std: number | null } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const ss = xs.reduce((a, b) => a + (b - mean) ** 2, 0);
  return { mean, std: xs.length > 1 ? Math.sqrt(ss / (xs.length - 1)) : null };
}

const hex = (i: number): string => i.toString(16).padStart(32, '0');

describe('groups: runs grouped by configuration, seeds summarised', () => {
  let root: string;
  /** lr → seed → [final val_loss, min val_loss]; generated from a seeded PRNG, so the expected values are known. */
  const truth = new Map<string, Map<number, { last: number; min: number; acc?: number }>>();

  before(() => {
    root = makeTemp();
    const rand = prng(20);
    const runs: RunSpec[] = [];
    let i = 0;
    for (const lr of LRS) {
      const bySeed = new Map<number, { last: number; min: number; acc?: number }>();
      for (const seed of SEEDS) {
        const center = 0.3 + Number(lr) * 2;
        const pts = [0, 1, 2].map((s) =>
          Number((center + 1 / (s + 1) + rand() * 0.05 - (s === 1 ? 0.4 : 0)).toPrecision(8)),
        );
        // Ragged: seed 4 of lr 0.01 never logged accuracy; lr 0.001 names the metric as Hugging Face does.
        const acc = lr === '0.01' && seed === 4 ? undefined : Number((0.9 - Number(lr) + rand() * 0.01).toPrecision(8));
        const valKey = lr === '0.001' ? 'eval_loss' : 'val_loss';
        const metrics: RunSpec['metrics'] = { [valKey]: pts.map((v, s) => [T0 + s, v, s]) };
        if (acc !== undefined) metrics!['accuracy'] = [[T0, acc, 2]];
        runs.push({
          id: hex(++i),
          runName: `lr${lr}-s${seed}`,
          startTime: T0 + i,
          endTime: T0 + i + 10,
          params: { lr, seed: String(seed), epochs: '3' },
          metrics,
        });
        bySeed.set(seed, { last: pts[2]!, min: Math.min(...pts), acc });
      }
      truth.set(lr, bySeed);
    }
    writeMlflowStore(root, 'mlruns', [{ id: '1', name: 'sweep', runs }]);
  });
  after(() => rmTemp(root));

  async function runs(): Promise<Run[]> {
    const store = await indexFolder(root);
    return store.runs();
  }

  it('auto grouping leaves the seed out and matches an independent mean/std per group (last and best)', async () => {
    const { runs: aliased } = applyMetricAliases(await runs(), DEFAULT_METRIC_ALIASES);
    const groups = groupRuns(aliased);
    assert.equal(groups.length, 3);
    for (const lr of LRS) {
      const g = groups.find((x) => Number(x.key['lr']) === Number(lr))!;
      assert.deepEqual(Object.keys(g.key).sort(), ['epochs', 'lr']);
      assert.equal(g.runs.length, 5);
      const t = [...truth.get(lr)!.values()];
      const last = naive(t.map((v) => v.last));
      const best = naive(t.map((v) => v.min));
      const s = g.metrics['val_loss']!;
      assert.equal(s.last.n, 5);
      assert.ok(Math.abs(s.last.mean! - last.mean) < 1e-12, `${lr} mean ${s.last.mean} vs ${last.mean}`);
      assert.ok(Math.abs(s.last.std! - last.std!) < 1e-12, `${lr} std`);
      assert.ok(Math.abs(s.last.stderr! - last.std! / Math.sqrt(5)) < 1e-12, `${lr} stderr`);
      assert.equal(s.last.min, Math.min(...t.map((v) => v.last)));
      assert.equal(s.last.max, Math.max(...t.map((v) => v.last)));
      // val_loss is lower-is-better: best = each run's min.
      assert.ok(Math.abs(s.best.mean! - best.mean) < 1e-12, `${lr} best mean`);
      assert.ok(Math.abs(s.best.std! - best.std!) < 1e-12, `${lr} best std`);
    }
  });

  it('ragged groups: a metric missing in some runs drops n instead of counting as zero', async () => {
    const groups = groupRuns(await runs());
    const g = groups.find((x) => Number(x.key['lr']) === 0.01)!;
    const acc = g.metrics['accuracy']!.last;
    assert.equal(acc.n, 4);
    const expected = naive([...truth.get('0.01')!.values()].flatMap((v) => (v.acc === undefined ? [] : [v.acc])));
    assert.ok(Math.abs(acc.mean! - expected.mean) < 1e-12);
    // Without aliases the Hugging Face spelling is its own metric, only in the lr 0.001 group.
    assert.equal(g.metrics['eval_loss'], undefined);
    assert.equal(groups.find((x) => Number(x.key['lr']) === 0.001)!.metrics['eval_loss']!.last.n, 5);
  });

  it('groups by chosen params; a param a run lacks stays out of its key; ids and k=v find groups', async () => {
    const all = await runs();
    const byEpochs = groupRuns(all, { groupBy: ['epochs'] });
    assert.equal(byEpochs.length, 1);
    assert.equal(byEpochs[0]!.runs.length, 15);
    const bySeed = groupRuns(all, { groupBy: ['seed', 'nope'] });
    assert.equal(bySeed.length, 5);
    assert.deepEqual(Object.keys(bySeed[0]!.key), ['seed']);
    const groups = groupRuns(all);
    const g = findGroup(groups, 'lr=0.010');
    assert.ok(typeof g !== 'string' && Number(g.key['lr']) === 0.01, 'numeric values compare as numbers');
    assert.equal(findGroup(groups, (g as { id: string }).id.slice(0, 5)), g);
    assert.match(findGroup(groups, 'epochs=3') as string, /ambiguous: 3 groups/);
    assert.match(findGroup(groups, 'lr=7') as string, /no group/);
  });

  it('diff of two groups: Welch’s t-test on the runs’ values decides "beyond noise"; n < 2 gives no verdict', async () => {
    const { runs: aliased } = applyMetricAliases(await runs(), DEFAULT_METRIC_ALIASES);
    const groups = groupRuns(aliased);
    const a = findGroup(groups, 'lr=0.1') as (typeof groups)[0];
    const b = findGroup(groups, 'lr=0.001') as (typeof groups)[0];
    const d = diffGroups(a, b);
    const row = d.rows.find((r) => r.metric === 'val_loss')!;
    const va = [...truth.get('0.1')!.values()].map((v) => v.last);
    const vb = [...truth.get('0.001')!.values()].map((v) => v.last);
    const na = naive(va);
    const nb = naive(vb);
    const expected = welchTTest({ n: 5, mean: na.mean, std: na.std }, { n: 5, mean: nb.mean, std: nb.std })!;
    assert.ok(Math.abs(row.test!.p - expected.p) < 1e-9);
    assert.ok(Math.abs(row.delta! - (nb.mean - na.mean)) < 1e-12);
    // Centers differ by 0.198 with a seed spread of ~0.015: far beyond the noise.
    assert.equal(row.beyondNoise, true);
    const one = { ...b, runs: b.runs.slice(0, 1), metrics: groupRuns(b.runs.slice(0, 1))[0]!.metrics };
    const single = diffGroups(a, one).rows.find((r) => r.metric === 'val_loss')!;
    assert.equal(single.test, null);
    assert.equal(single.beyondNoise, null);
  });

  it('runlens groups --format json: the documented contract, aliased names recorded', async () => {
    const r = await cli(['groups', root, '--format', 'json']);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as {
      groupBy: string;
      metricAliases: Record<string, string[]>;
      groups: Array<{
        id: string;
        key: Record<string, unknown>;
        runs: string[];
        metrics: Record<string, Record<string, { mean: number; std: number; n: number; min: number; max: number }>>;
      }>;
    };
    assert.equal(j.groupBy, 'auto');
    assert.deepEqual(j.metricAliases, { val_loss: ['eval_loss'] });
    assert.equal(j.groups.length, 3);
    const g = j.groups.find((x) => x.key['lr'] === '0.001')!;
    assert.deepEqual(g.runs.sort(), [11, 12, 13, 14, 15].map((i) => runId('mlflow', `mlruns/1/${hex(i)}`)).sort());
    const expected = naive([...truth.get('0.001')!.values()].map((v) => v.last));
    assert.ok(Math.abs(g.metrics['val_loss']!['last']!.mean - expected.mean) < 1e-12);
    assert.equal(g.metrics['val_loss']!['last']!.n, 5);
    assert.deepEqual(Object.keys(g.metrics['val_loss']!), ['last', 'min', 'max', 'best']);
  });

  it('runlens groups text/md and runlens diff --group: one row per metric, original names visible, the test named', async () => {
    const t = await cli(['groups', root]);
    assert.equal(t.code, 0, t.err);
    assert.match(t.out, /lr=0\.001 .* 5 /);
    assert.match(t.out, /val_loss \(eval_loss\)/);
    const md = await cli(['groups', root, '--format', 'md', '--metric', 'val_loss']);
    assert.match(md.out, /\| group \| id \| runs \| val_loss \(eval_loss\) \|/);
    assert.match(md.out, /± .*\(n=5\)/);
    const d = await cli(['diff', root, '--group', 'lr=0.1', '--group', 'lr=0.001']);
    assert.equal(d.code, 0, d.err);
    assert.match(d.out, /Welch's t-test/);
    assert.match(d.out, /val_loss \(eval_loss\) .* beyond noise \(p=/);
    const dj = JSON.parse(
      (await cli(['diff', root, '--group', 'lr=0.1', '--group', 'lr=0.01', '--format', 'json'])).out,
    ) as { test: string; metrics: Array<{ name: string; b: { n: number } }> };
    assert.equal(dj.test, "Welch's t-test");
    assert.equal(dj.metrics.find((m) => m.name === 'accuracy')!.b.n, 4);
    const bad = await cli(['diff', root, '--group', 'lr=0.1']);
    assert.equal(bad.code, 2);
    const none = await cli(['diff', root, '--group', 'lr=0.1', '--group', 'lr=5']);
    assert.equal(none.code, 1);
    assert.match(none.err, /no group "lr=5"/);
  });

  it('runlens diff of runs from two tools: eval_loss and val_loss on one row, labelled; --no-aliases keeps them apart', async () => {
    const a = runId('mlflow', `mlruns/1/${hex(1)}`);
    const b = runId('mlflow', `mlruns/1/${hex(11)}`);
    const r = await cli(['diff', root, a, b]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out.split('\n').filter((l) => /^val_loss \(eval_loss\)/.test(l)).length, 1);
    assert.doesNotMatch(r.out, /^eval_loss/m);
    const off = await cli(['diff', root, a, b, '--no-aliases']);
    assert.match(off.out, /^eval_loss/m);
    assert.match(off.out, /^val_loss /m);
  });
});

describe('groups: the structure the tools record', () => {
  let root: string;
  before(() => {
    root = makeTemp();
    writeHydraSweep(root, 'multirun/2024-05-01/10-00-00', { lr: 0.1 }, [
      { overrides: ['lr=0.1'], config: { lr: 0.1, seed: 1 } },
      { overrides: ['lr=0.2'], config: { lr: 0.2, seed: 1 } },
    ]);
    for (const [id, group] of [
      ['w1', 'ablation'],
      ['w2', 'ablation'],
    ] as const) {
      const w = new WandbLogWriter();
      w.append(rec.run({ runId: id, project: 'p', group, startMs: T0, config: [{ key: 'lr', json: '0.1' }] }));
      writeWandbRun(root, {
        id,
        log: w.bytes(),
        files: { 'config.yaml': configYamlCore({ lr: 0.1, seed: id === 'w1' ? 1 : 2 }) },
      });
    }
    writeMlflowStore(root, 'mlruns', [
      {
        id: '1',
        name: 'hpo',
        runs: [
          { id: hex(1), runName: 'parent', params: {} },
          { id: hex(2), runName: 'child-a', params: { lr: '0.1' }, tags: { 'mlflow.parentRunId': hex(1) } },
          { id: hex(3), runName: 'child-b', params: { lr: '0.3' }, tags: { 'mlflow.parentRunId': hex(1) } },
        ],
      },
    ]);
  });
  after(() => rmTemp(root));

  it('@sweep groups a Hydra multirun, a W&B group and an MLflow parent’s children; runs without one stay alone', async () => {
    const all = (await indexFolder(root)).runs();
    const groups = groupRuns(all, { groupBy: ['@sweep'] });
    const byKey = new Map(groups.map((g) => [String(g.key['@sweep']), g.runs.map((r) => r.name).sort()]));
    assert.deepEqual(byKey.get('hydra sweep multirun/2024-05-01/10-00-00')?.length, 2);
    assert.deepEqual(byKey.get('wandb group ablation')?.length, 2);
    const mlflowKey = [...byKey.keys()].find((k) => k.startsWith('mlflow parent parent ('))!;
    assert.deepEqual(byKey.get(mlflowKey), ['child-a', 'child-b']);
    assert.deepEqual(byKey.get('null'), ['parent']);
    assert.equal(sweepOf(all.find((r) => r.name === 'parent')!), null);
    // auto: the W&B seeds fold into one group (lr 0.1), the Hydra jobs split by lr.
    const auto = groupRuns(all.filter((r) => r.format === 'wandb'));
    assert.equal(auto.length, 1);
    assert.equal(auto[0]!.runs.length, 2);
  });
});

describe('groups: hostile strings', () => {
  let root: string;
  before(() => {
    root = makeTemp();
    const hostile = '<img src=x onerror=alert(1)>|[click](https://evil.example)\u001b[31m';
    writeMlflowStore(root, 'mlruns', [
      {
        id: '1',
        name: 'e',
        runs: [1, 2].map((i) => ({
          id: hex(i),
          runName: `r${i}`,
          params: { opt: i === 1 ? hostile : 'sgd', seed: String(i) },
          metrics: { 'loss|<b>': [[T0, i, 0]] },
        })),
      },
    ]);
  });
  after(() => rmTemp(root));

  it('Markdown escapes run strings (no HTML, no live link); the terminal gets no control characters', async () => {
    const md = (await cli(['groups', root, '--format', 'md'])).out;
    assert.doesNotMatch(md, /<img|<b>/);
    assert.match(md, /&lt;img src=x onerror=alert\(1\)&gt;\\\|\\\[click\\\]\(https:\u200b\/\/evil\.example\)/);
    assert.match(md, /loss\\\|&lt;b&gt;/);
    const text = (await cli(['groups', root])).out;
    assert.doesNotMatch(text, /\u001b/);
    const d = (await cli(['diff', root, '--group', 'opt=sgd', '--group', 'opt=sgd', '--format', 'md'])).out;
    assert.doesNotMatch(d, /<b>/);
  });

  it('--alias adds a spelling; a usage mistake exits 2', async () => {
    const j = JSON.parse((await cli(['groups', root, '--format', 'json', '--alias', 'loss=loss|<b>'])).out) as {
      metricAliases: Record<string, string[]>;
      groups: Array<{ metrics: Record<string, unknown> }>;
    };
    assert.deepEqual(j.metricAliases, { loss: ['loss|<b>'] });
    assert.ok(j.groups.every((g) => Object.keys(g.metrics).join() === 'loss'));
    assert.equal((await cli(['groups', root, '--alias', 'nonsense'])).code, 2);
    assert.equal((await cli(['groups', root, '--summary', 'median'])).code, 2);
    assert.equal((await cli(['groups', path.join(root, 'nope')])).code, 1);
  });
});

describe('metric aliases', () => {
  const run = (metrics: string[]): Run =>
    modelRun(metrics.join('+'), {}, Object.fromEntries(metrics.map((m, i) => [m, i])), {
      lastStep: 0,
      count: 1,
      name: 'r',
    });

  it('renames known spellings (case-insensitively) and never merges two metrics of one run', () => {
    const { runs, originals } = applyMetricAliases(
      [run(['eval_loss']), run(['Val/Loss']), run(['val_loss', 'eval_loss']), run(['val/loss', 'eval_loss'])],
      DEFAULT_METRIC_ALIASES,
    );
    assert.deepEqual(Object.keys(runs[0]!.metrics), ['val_loss']);
    assert.deepEqual(Object.keys(runs[1]!.metrics), ['val_loss']);
    assert.deepEqual(Object.keys(runs[2]!.metrics).sort(), ['eval_loss', 'val_loss']);
    assert.equal(runs[2]!.metrics['val_loss']!.last, 0, 'the canonical name wins');
    // val/loss comes first in the list: it takes the name, eval_loss stays itself.
    assert.deepEqual(Object.keys(runs[3]!.metrics).sort(), ['eval_loss', 'val_loss']);
    assert.equal(runs[3]!.metrics['val_loss']!.last, 0);
    assert.deepEqual([...originals.get('val_loss')!].sort(), ['Val/Loss', 'eval_loss', 'val/loss']);
  });
});
