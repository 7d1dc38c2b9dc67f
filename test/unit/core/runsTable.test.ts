import assert from 'node:assert/strict';
import { RunStore } from '../../../src/core/db/runStore';
import { syntheticDelta } from '../../helpers/syntheticDelta';
import { NO_GIT, type Run } from '../../../src/core/model';
import { RunsTableModel } from '../../../src/core/table/runsTable';
import type { TableQueryState } from '../../../src/protocol';

function run(i: number, params: Run['params'], loss: number | null): Run {
  return {
    id: `r${i}`,
    format: 'mlflow',
    path: `mlruns/1/${i}`,
    name: `sweep-${i}`,
    experiment: 'e',
    status: 'finished',
    startTime: 1000 * i,
    endTime: 1000 * i + 5000,
    git: NO_GIT,
    params,
    metrics: loss === null ? {} : { val_loss: { last: loss, lastStep: 3, min: loss / 2, max: 1, count: 4 } },
    tags: {},
    parentId: null,
    deleted: false,
  };
}

const RUNS = [
  run(0, { lr: '0.1', opt: 'adam', seed: 1 }, 0.5),
  run(1, { lr: '1e-3', opt: 'adam', seed: 1 }, 0.2),
  run(2, { lr: '0.01', opt: 'sgd', seed: 1 }, NaN),
  run(3, { lr: '2', opt: 'sgd', seed: 1 }, null),
  run(4, { lr: '0.0005', opt: 'adam', seed: 1 }, 0.9),
];

const Q: TableQueryState = { filter: '', columns: [], sort: null, onlyDiffs: false, baselineId: null };

describe('runs table model', () => {
  let store: RunStore;
  before(async () => {
    store = await RunStore.create();
    store.apply(syntheticDelta(RUNS, 'mlflow', 'k'));
  });
  after(() => store.dispose());

  it('sorts params as numbers (MLflow text), missing values last, in SQL', () => {
    const m = new RunsTableModel(store, Q);
    m.update({ ...Q, sort: { column: 'params.lr', desc: false } }, [], 1);
    assert.deepEqual(
      m.rows(0, 10).map((r) => r.id),
      ['r4', 'r1', 'r2', 'r0', 'r3'],
    );
    m.update({ ...Q, sort: { column: 'metrics.val_loss.last', desc: true } }, [], 2);
    // NaN has no numeric value: it sorts with the missing ones, after the numbers
    assert.deepEqual(
      m
        .rows(0, 10)
        .map((r) => r.id)
        .slice(0, 3),
      ['r4', 'r0', 'r1'],
    );
  });

  it('filters with the filter language and pages', () => {
    const m = new RunsTableModel(store, Q);
    const s = m.update({ ...Q, filter: 'params.opt = adam', sort: { column: 'name', desc: true } }, [], 1);
    assert.equal(s.total, 3);
    assert.equal(s.all, 5);
    assert.deepEqual(
      m.rows(1, 2).map((r) => r.id),
      ['r1', 'r0'],
    );
    assert.deepEqual(store.runIdsWhere('params.opt = adam').sort(), ['r0', 'r1', 'r4']);
  });

  it('reports a filter that does not parse, and then shows every run', () => {
    const s = new RunsTableModel(store, Q).update({ ...Q, filter: 'params.lr <' }, [], 1);
    assert.equal(s.filterError, "expected a value after '<' at column 12");
    assert.equal(s.total, 5);
  });

  it("shows only the columns that differ (seed is the same everywhere) and the baseline's cells", () => {
    const s = new RunsTableModel(store, Q).update({ ...Q, onlyDiffs: true, baselineId: 'r1' }, [], 1);
    const ids = s.shown.map((c) => c.id);
    assert.ok(ids.includes('params.lr') && ids.includes('params.opt') && ids.includes('metrics.val_loss.last'));
    assert.ok(!ids.includes('params.seed') && !ids.includes('experiment') && !ids.includes('format'), ids.join(', '));
    assert.equal(s.baseline![ids.indexOf('metrics.val_loss.last')], 0.2);
    assert.equal(s.shown.find((c) => c.id === 'metrics.val_loss.last')!.better, 'lower');
  });

  it('works out the differing columns among the runs the filter selects, not among all runs', () => {
    const m = new RunsTableModel(store, Q);
    const columns = [
      'name',
      'started',
      'duration',
      'params.lr',
      'params.opt',
      'metrics.val_loss.last',
      'metrics.val_loss.max',
    ];
    const all = m.update({ ...Q, columns, onlyDiffs: true }, [], 1);
    // r3 has no val_loss: its max (1 wherever present) differs by being absent; opt differs (adam, sgd)
    assert.deepEqual(
      all.shown.map((c) => c.id),
      ['name', 'started', 'params.lr', 'params.opt', 'metrics.val_loss.last', 'metrics.val_loss.max'],
    );
    const adam = m.update({ ...Q, columns, onlyDiffs: true, filter: 'params.opt = adam' }, [], 2);
    assert.equal(adam.total, 3);
    assert.deepEqual(
      adam.shown.map((c) => c.id),
      ['name', 'started', 'params.lr', 'metrics.val_loss.last'],
    );
    // The same filter with a sort reuses the filter's columns; clearing it goes back to every run's.
    const sorted = m.update(
      { ...Q, columns, onlyDiffs: true, filter: 'params.opt = adam', sort: { column: 'params.lr', desc: true } },
      [],
      3,
    );
    assert.deepEqual(sorted.shown, adam.shown);
    assert.deepEqual(
      m.rows(0, 10).map((r) => r.id),
      ['r0', 'r1', 'r4'],
    );
    assert.deepEqual(m.update({ ...Q, columns, onlyDiffs: true }, [], 4).shown, all.shown);
  });

  it('copies the selected runs as Markdown and CSV (formula-like cells defused)', () => {
    const m = new RunsTableModel(store, Q);
    const s = m.update({ ...Q, columns: ['name', 'params.lr'] }, [], 1);
    const labels = s.shown.map((c) => c.label);
    assert.equal(m.copy('csv', ['r2', 'r0'], labels), 'id,name,lr\nr2,sweep-2,0.01\nr0,sweep-0,0.1\n');
    assert.equal(m.copy('md', ['r1'], labels), '| id | name | lr |\n| --- | --- | --- |\n| r1 | sweep-1 | 1e-3 |');
  });

  it("has no source column by default while every run is the workspace's own", () => {
    const s = new RunsTableModel(store, Q).update(Q, [], 1);
    assert.ok(!s.shown.some((c) => c.id === 'source'));
    assert.ok(
      s.available.some((c) => c.id === 'source'),
      'it can still be picked',
    );
  });
});

describe('runs table: runs from sources', () => {
  let store: RunStore;
  const TEAM = 'mlflow+http://mlflow.example.com:5000';
  before(async () => {
    store = await RunStore.create();
    store.apply(syntheticDelta(RUNS.slice(0, 3), 'mlflow', 'k'));
    // a remote source's refresh: its runs carry the source's URI (src/core/sources/mlflow/mlflowServer.ts)
    store.apply(syntheticDelta([{ ...run(7, { lr: '0.1' }, 0.4), source: TEAM }], 'mlflow', 'src:team'));
  });
  after(() => store.dispose());

  it("shows a source column, filled for remote runs and empty for the workspace's, and filters and sorts on it", () => {
    const m = new RunsTableModel(store, Q);
    const s = m.update({ ...Q, sort: { column: 'source', desc: false } }, [], 1);
    const col = s.shown.findIndex((c) => c.id === 'source');
    assert.ok(col > 0, s.shown.map((c) => c.id).join(', '));
    const rows = m.rows(0, 10);
    assert.deepEqual(
      rows.map((r) => [r.id, r.cells[col]]),
      [
        ['r7', TEAM],
        ['r0', null],
        ['r1', null],
        ['r2', null],
      ],
    );
    assert.equal(m.update({ ...Q, filter: `source = '${TEAM}'` }, [], 2).total, 1);
    assert.equal(m.update({ ...Q, filter: 'not exists source' }, [], 3).total, 3);
    assert.equal(m.update({ ...Q, filter: "source ~ 'mlflow+*' and params.lr = 0.1" }, [], 4).total, 1);
    // onlyDiffs keeps it: some runs have a source and some do not
    assert.ok(m.update({ ...Q, onlyDiffs: true }, [], 5).shown.some((c) => c.id === 'source'));
  });
});
