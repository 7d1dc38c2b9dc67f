import assert from 'node:assert/strict';
import { indexFolder } from '../../../src/cli/workspace';
import type { ParamValue, Run } from '../../../src/core/model';
import { modelRun } from '../../helpers/modelRun';
import { axisTicks, numericDomain, position, valueAt } from '../../../src/core/sweep/axes';
import { brushBetween, selectRuns } from '../../../src/core/sweep/brush';
import { fractionalRanks, spearman } from '../../../src/core/sweep/spearman';
import { buildSweep, defaultMetric, MAX_PARAM_AXES } from '../../../src/core/sweep/sweep';
import { cli } from '../../helpers/runCli';
import { makeTemp, rmTemp } from '../../helpers/tmp';
import { writeMlflowStore, type RunSpec } from '../../helpers/writers/mlflowFiles';
import { prng } from '../../helpers/writers/tabular';

function run(i: number, params: Record<string, ParamValue>, metrics: Record<string, number>): Run {
  return modelRun(`r${i}`, params, metrics, { lastStep: 1, count: 1, path: `mlruns/1/${i}`, name: `run ${i}` });
}

describe("sweep: Spearman's rank correlation", () => {
  it('fractional ranks share the mean rank among ties (1 1 2 3 3 4 5 5 5 → 1.5 1.5 3 4.5 4.5 6 8 8 8)', () => {
    // the worked example of "fractional ranking" (Wikipedia, Ranking: Fractional ranking ("1 2.5 2.5 4" ranking))
    assert.deepEqual([...fractionalRanks([1, 1, 2, 3, 3, 4, 5, 5, 5])], [1.5, 1.5, 3, 4.5, 4.5, 6, 8, 8, 8]);
    assert.deepEqual([...fractionalRanks([5, 1, 5, 3])], [3.5, 1, 3.5, 2]);
  });

  it('IQ against hours of TV per week: ρ = −29/165 (Wikipedia worked example, no ties)', () => {
    const iq = [106, 100, 86, 101, 99, 103, 97, 113, 112, 110];
    const tv = [7, 27, 2, 50, 28, 29, 20, 12, 6, 17];
    const { rho, n } = spearman(iq, tv);
    assert.equal(n, 10);
    assert.ok(Math.abs(rho - -29 / 165) < 1e-12, String(rho));
  });

  it('with ties: scipy.stats.spearmanr([1,2,3,4,5], [5,6,7,8,7]) = 0.8207826816681233 (its documented example)', () => {
    const { rho } = spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]);
    assert.ok(Math.abs(rho - 0.8207826816681233) < 1e-12, String(rho));
  });

  it('monotone is ±1 whatever the spacing; non-finite pairs left out; a constant side is undefined', () => {
    assert.equal(spearman([1e-5, 1e-4, 1e-3, 1e-1], [4, 3, 2, 1]).rho, -1);
    assert.deepEqual(spearman([1, 2, NaN, 3], [1, 4, 2, 9]), { rho: 1, n: 3 });
    assert.ok(Number.isNaN(spearman([1, 1, 1], [1, 2, 3]).rho));
    assert.ok(Number.isNaN(spearman([1], [2]).rho));
  });
});

describe('sweep: axes', () => {
  it('positive values spanning decades get a log axis, others a linear one', () => {
    const lr = numericDomain([1e-4, 3e-4, 1e-3, 1e-2]);
    assert.equal(lr.scale, 'log');
    assert.ok(Math.abs(position(lr, 1e-3) - 0.5) < 1e-12);
    assert.ok(Math.abs(valueAt(lr, 0.5) - 1e-3) < 1e-15);
    assert.deepEqual(
      axisTicks(lr).map((t) => t.label),
      ['0.0001', '0.001', '0.01'],
    );
    const drop = numericDomain([0, 0.1, 0.5]);
    assert.equal(drop.scale, 'linear');
    assert.equal(position(drop, 0.1), 0.2);
    assert.ok(Number.isNaN(position(drop, NaN)));
    assert.equal(numericDomain([-1, 100]).scale, 'linear');
  });
});

describe('sweep: brushing selects exactly the runs inside every range', () => {
  const rand = prng(7);
  const runs: Run[] = [];
  for (let i = 0; i < 400; i++) {
    const params: Record<string, ParamValue> = {
      lr: 10 ** -(1 + Math.floor(rand() * 4)) * (1 + Math.floor(rand() * 9)),
      optimizer: ['adam', 'sgd', 'adamw'][Math.floor(rand() * 3)]!,
      dropout: Math.round(rand() * 50) / 100,
    };
    if (i % 13 === 0) delete params['dropout']; // a run without the param is outside a brush on it
    runs.push(run(i, params, { val_loss: Number((0.5 + rand()).toFixed(4)) }));
  }
  const data = buildSweep(runs, 'val_loss');
  const axis = (k: string): number => data.axes.findIndex((a) => a.key === k);
  const positions = data.axes.map((a) => a.values.map((v) => (v === null ? NaN : position(a, v))));

  it('axes: the varying params by key (lr on a log scale, optimizer by category), the metric last', () => {
    assert.deepEqual(
      data.axes.map((a) => [a.key, a.scale]),
      [
        ['dropout', 'linear'],
        ['lr', 'log'],
        ['optimizer', 'category'],
        ['val_loss', 'linear'],
      ],
    );
    assert.deepEqual(data.axes[2]!.categories, ['adam', 'adamw', 'sgd']);
  });

  it('ranges on lr, optimizer and val_loss keep the runs an independent filter of the run values keeps', () => {
    const lrAxis = data.axes[axis('lr')]!;
    const cases: Array<{ brushes: ReturnType<typeof brushBetween>[]; keep: (r: Run) => boolean }> = [
      {
        brushes: [brushBetween(axis('lr'), position(lrAxis, 1e-4), position(lrAxis, 1e-2))],
        keep: (r) => (r.params['lr'] as number) >= 1e-4 && (r.params['lr'] as number) <= 1e-2,
      },
      {
        // a drag from top to bottom over adamw and sgd (positions 0.5 … 1), plus val_loss in its lower half
        brushes: [
          brushBetween(axis('optimizer'), 1, 0.4),
          brushBetween(axis('val_loss'), 0, position(data.axes[axis('val_loss')]!, 1)),
        ],
        keep: (r) => r.params['optimizer'] !== 'adam' && r.metrics['val_loss']!.last! <= 1,
      },
      {
        brushes: [brushBetween(axis('dropout'), 0, position(data.axes[axis('dropout')]!, 0.25))],
        keep: (r) => 'dropout' in r.params && (r.params['dropout'] as number) <= 0.25,
      },
    ];
    for (const c of cases) {
      const { mask, count } = selectRuns(positions, runs.length, c.brushes);
      const got = runs.filter((_, i) => mask[i]).map((r) => r.id);
      const want = runs.filter(c.keep).map((r) => r.id);
      assert.deepEqual(got, want);
      assert.equal(count, want.length);
      assert.ok(want.length > 0 && want.length < runs.length);
    }
  });

  it('no brush keeps every run', () => {
    assert.equal(selectRuns(positions, runs.length, []).count, runs.length);
  });
});

describe('sweep: the data of a sweep', () => {
  it('ranks params by |ρ| with the metric, text params unranked, constant params no axis', () => {
    const runs = [0, 1, 2, 3, 4, 5].map((i) =>
      run(
        i,
        { lr: [0.1, 0.01, 0.001][i % 3]!, wd: i, opt: i % 2 ? 'adam' : 'sgd', amp: i % 2 === 0, epochs: 3 },
        { val_loss: 10 - i, acc: i % 3 },
      ),
    );
    const d = buildSweep(runs, 'val_loss');
    assert.equal(d.metric, 'val_loss');
    assert.deepEqual(
      d.axes.map((a) => a.key),
      ['amp', 'lr', 'opt', 'wd', 'val_loss'],
    );
    assert.deepEqual(d.ranking[0], { key: 'wd', rho: -1, n: 6 });
    assert.deepEqual(d.ranking.map((r) => r.key).sort(), ['amp', 'lr', 'wd']);
    const strengths = d.ranking.map((r) => Math.abs(r.rho!));
    assert.deepEqual(
      strengths,
      [...strengths].sort((a, b) => b - a),
    );
    // amp: true at i = 0, 2, 4 → ρ(amp, 10 − i) against the ranks, computed independently here
    const amp = d.ranking.find((r) => r.key === 'amp')!;
    assert.ok(Math.abs(amp.rho! - spearman([1, 0, 1, 0, 1, 0], [10, 9, 8, 7, 6, 5]).rho) < 1e-12);
    assert.deepEqual(d.unranked, ['opt']);
    assert.deepEqual(
      d.otherMetrics.map((m) => m.key),
      ['acc'],
    );
  });

  it('the default metric is the preferred one when a run has it, else the most common', () => {
    const runs = [run(0, {}, { a: 1, b: 1 }), run(1, {}, { b: 2 })];
    assert.equal(defaultMetric(runs), 'b');
    assert.equal(defaultMetric(runs, 'a'), 'a');
    assert.equal(defaultMetric(runs, 'zzz'), 'b');
    assert.equal(defaultMetric([]), null);
  });

  it(`keeps at most ${MAX_PARAM_AXES} param axes, the most correlated first; drops text params with too many values`, () => {
    const runs = Array.from({ length: 50 }, (_, i) => {
      const params: Record<string, ParamValue> = { out_dir: `/tmp/run-${i}` };
      for (let p = 0; p < 20; p++) params[`p${String(p).padStart(2, '0')}`] = p < 5 ? i : (i * (p + 3)) % 7;
      return run(i, params, { loss: i });
    });
    const d = buildSweep(runs, 'loss');
    assert.equal(d.axes.length, MAX_PARAM_AXES + 1);
    for (const k of ['p00', 'p01', 'p02', 'p03', 'p04'])
      assert.ok(
        d.axes.some((a) => a.key === k),
        k,
      );
    assert.ok(!d.axes.some((a) => a.key === 'out_dir'));
    // p11 and p18 are constant ((i * 14) % 7, (i * 21) % 7): 18 varying numeric params and out_dir
    assert.equal(d.dropped.length, 18 + 1 - MAX_PARAM_AXES);
    assert.ok(d.dropped.includes('out_dir'));
  });

  describe('on an indexed MLflow sweep (params recorded as text)', () => {
    let root: string;
    before(() => {
      root = makeTemp();
      const specs: RunSpec[] = [];
      let i = 0;
      for (const lr of ['0.1', '0.01', '0.001', '0.0001'])
        for (const seed of ['0', '1'])
          specs.push({
            id: (++i).toString(16).padStart(32, '0'),
            runName: `lr${lr}-s${seed}`,
            params: { lr, seed, optimizer: 'adam' },
            metrics: { val_loss: [[1_700_000_000_000, Number(lr) * 10 + Number(seed) / 100, 0]] },
          });
      writeMlflowStore(root, 'mlruns', [{ id: '1', name: 'sweep', runs: specs }]);
    });
    after(() => rmTemp(root));

    it('lr is a numeric log axis; the seed groups the runs; lr ranks first (ρ < 1: the seeds tie)', async () => {
      const index = await indexFolder(root);
      const d = buildSweep(index.runs(), null);
      assert.equal(d.metric, 'val_loss');
      const lr = d.axes.find((a) => a.key === 'lr')!;
      assert.equal(lr.scale, 'log');
      assert.deepEqual([lr.min, lr.max], [0.0001, 0.1]);
      // the two seeds of each lr tie: ranks 1.5 1.5 3.5 3.5 … against the losses' 1 … 8
      const byLr = index.runs().sort((a, b) => Number(a.params['lr']) - Number(b.params['lr']));
      const want = spearman(
        byLr.map((r) => Number(r.params['lr'])),
        byLr.map((r) => r.metrics['val_loss']!.last!),
      ).rho;
      assert.equal(d.ranking[0]!.key, 'lr');
      assert.ok(Math.abs(d.ranking[0]!.rho! - want) < 1e-12 && want > 0.9 && want < 1);
      assert.equal(d.groups.length, 4);
      assert.ok(d.groups.includes('lr=0.01, optimizer=adam'), d.groups.join(' | '));
    });

    it('`runlens groups --correlate val_loss` prints the same ranking (text, JSON, Markdown)', async () => {
      const want = buildSweep((await indexFolder(root)).runs(), 'val_loss');
      const json = await cli(['groups', root, '--correlate', 'val_loss', '--json']);
      assert.equal(json.code, 0, json.err);
      assert.deepEqual(JSON.parse(json.out), {
        metric: 'val_loss',
        ranking: want.ranking.map((r) => ({ param: r.key, rho: r.rho, n: r.n })),
        unranked: [],
      });
      const text = await cli(['groups', root, '--correlate', 'val_loss']);
      assert.match(text.out, /^lr +0\.927 +8$/m);
      const md = await cli(['groups', root, '--correlate', 'val_loss', '--format', 'md']);
      assert.match(md.out, /^\| lr \| 0\.927 \| 8 \|$/m);
      const missing = await cli(['groups', root, '--correlate', 'nope']);
      assert.equal(missing.code, 1);
      assert.match(missing.err, /no run has the metric "nope"/);
    });
  });
});
