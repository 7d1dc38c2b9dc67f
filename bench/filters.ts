import * as os from 'node:os';
import * as path from 'node:path';
import { RunStore } from '../src/core/db/runStore';
import { compileFilter } from '../src/core/db/filterSql';
import { parseFilter } from '../src/core/filter/parser';
import type { IndexDelta } from '../src/core/index/types';
import { syntheticDelta as deltaOf } from '../test/helpers/syntheticDelta';
import type { MetricSummary, Run } from '../src/core/model';
import { modelRun } from '../test/helpers/modelRun';
import { RunsTableModel } from '../src/core/table/runsTable';
import type { TableQueryState } from '../src/protocol';
import { printTable, writeResults, type Row } from './report';

/**
 * `node out/bench/filters.js [--runs N,N]`: issue #19's figures over an index of 10,000 (and 100,000) runs × 40
 * columns (20 params, 20 metrics), each next to its floor measured in the same run:
 * - a filter expression parsed, compiled and run (< 20 ms at 10k), as runIdsWhere does it (each condition's set of
 *   runs from its index, combined per run: filterSets.ts), both with the runs' order already read and as the first
 *   filter after an index pass (which reads it again); floor: the simplest SQL for the same selection and order, the
 *   WHERE form of compileFilter (one correlated EXISTS per run and condition) with its values written in, run by the
 *   console;
 * - the runs table's first paint, a sort by a metric column and a typed filter, host side: the state (columns,
 *   counts, only-differing columns) and the first 100 rows (< 300 / 100 / 100 ms at 10k, < 1 s at 100k); floor: the
 *   page's SQL query alone on the same store. The page's own rendering is 100 rows whatever the size.
 */

const EXPRESSIONS = [
  'params.lr < 1e-3',
  'metrics.val_loss.min <= 0.3 and params.optimizer = adam',
  "params.lr < 1e-3 and (metrics.m7.best < 0.3 or name ~ 'sweep-1*') and not exists params.p19",
];

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** n runs with 20 params (MLflow-like text and typed numbers) and 20 metric summaries, given to the store as one pass. */
function syntheticDelta(n: number): IndexDelta {
  const rand = prng(n);
  const runs: Run[] = [];
  for (let i = 0; i < n; i++) {
    const params: Run['params'] = {
      lr: String(10 ** -(1 + Math.floor(rand() * 4))),
      optimizer: rand() < 0.5 ? 'adam' : 'sgd',
    };
    for (let p = 2; p < 20; p++)
      if (rand() < 0.9) params[`p${p}`] = rand() < 0.5 ? Math.round(rand() * 1000) : `v${Math.floor(rand() * 50)}`;
    const metrics: Record<string, MetricSummary> = {};
    for (let m = 0; m < 20; m++) {
      const v = rand();
      metrics[m === 0 ? 'val_loss' : `m${m}`] = {
        last: v,
        lastStep: 100,
        min: v * rand(),
        max: v + rand(),
        count: 101,
      };
    }
    runs.push(
      modelRun(
        `r${i}`,
        params,
        {},
        {
          path: `mlruns/1/${i}`,
          name: `sweep-${i}`,
          experiment: 'bench',
          startTime: 1.7e12 + i,
          endTime: 1.7e12 + i + 60_000,
          metrics,
        },
      ),
    );
  }
  return deltaOf(runs, 'mlflow', 'bench');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The floor's SQL: the WHERE form's condition with its values written in (bench only; the product binds them). */
function inlined(filter: string): string {
  const { where, args } = compileFilter(parseFilter(filter)!);
  let i = 0;
  const sql = where.replace(/\?/g, () => {
    const v = args[i++];
    return typeof v === 'number' ? String(v) : v === null ? 'NULL' : `'${String(v).replace(/'/g, "''")}'`;
  });
  return `SELECT r.id FROM runs r WHERE ${sql} ORDER BY r.format, r.path`;
}

async function measure(n: number, rows: Row[]): Promise<void> {
  const store = await RunStore.create();
  const t0 = performance.now();
  store.apply(syntheticDelta(n));
  console.log(`${n} runs × 40 columns stored in ${Math.round(performance.now() - t0)} ms`);
  const label = n >= 1000 ? `${n / 1000}k` : String(n);
  // An empty pass: changes nothing but, like every pass, makes the store read the runs' order again.
  const emptyPass = (): void => store.apply({ ...deltaOf([]), updated: [] });
  for (const [k, expr] of EXPRESSIONS.entries()) {
    const ours: number[] = [];
    const cold: number[] = [];
    const floor: number[] = [];
    let selected = 0;
    for (let rep = 0; rep < 7; rep++) {
      let t = performance.now();
      selected = store.runIdsWhere(expr).length;
      ours.push(performance.now() - t);
      emptyPass();
      t = performance.now();
      const coldCount = store.runIdsWhere(expr).length;
      cold.push(performance.now() - t);
      const sql = inlined(expr);
      t = performance.now();
      const floorCount = store.query(sql, Number.MAX_SAFE_INTEGER).rows.length;
      floor.push(performance.now() - t);
      if (floorCount !== selected || coldCount !== selected)
        throw new Error(`floor selected ${floorCount}, the filter ${selected} (${coldCount} after a pass)`);
    }
    const short = expr.length > 40 ? expr.slice(0, 37) + '…' : expr;
    const note = `${selected} of ${n} runs selected; parse + compile + run, median of 7; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`;
    for (const [id, what, values] of [
      ['', '', ours],
      ['.afterPass', ' (first after a pass)', cold],
    ] as const)
      rows.push({
        id: `filter.${label}.${k}${id}`,
        label: `filter over ${label} runs${what}: ${short}`,
        value: median(values),
        unit: 'ms',
        max: n <= 10_000 ? 20 : 1000,
        floor: median(floor),
        floorLabel: 'the WHERE form (EXISTS per run and condition) via the console',
        maxRatio: 2,
        note,
      });
  }
  tableRows(store, n, label, rows);
  store.dispose();
}

/** Runs the operation 5 times (after one warm-up) and gives the median, with the floor's median. */
function timed(
  op: () => void,
  floorOp: () => void,
  setup: () => void = () => undefined,
): { ms: number; floor: number } {
  setup();
  op();
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < 5; i++) {
    setup();
    let t = performance.now();
    op();
    a.push(performance.now() - t);
    t = performance.now();
    floorOp();
    b.push(performance.now() - t);
  }
  return { ms: median(a), floor: median(b) };
}

function tableRows(store: RunStore, n: number, label: string, rows: Row[]): void {
  const base: TableQueryState = { filter: '', columns: [], sort: null, onlyDiffs: true, baselineId: null };
  const cases: Array<[string, string, TableQueryState, number]> = [
    ['paint', 'first paint (state + 100 rows)', base, 300],
    ['sort', 'sort by a metric column', { ...base, sort: { column: 'metrics.m7.last', desc: true } }, 100],
    ['filter', 'a typed filter', { ...base, filter: 'params.lr < 1e-2 and metrics.val_loss.min <= 0.3' }, 100],
  ];
  for (const [id, what, query, max] of cases) {
    let shown = 0;
    // A fresh model each time for the first paint (nothing cached); the sort and the filter follow the first
    // paint in an open table, whose keys and (for the sort) differing columns are known.
    const open = new RunsTableModel(store, base);
    open.update(base, [], 0);
    // Each measured filter is typed into a table showing every run (its differing columns are worked out anew).
    const reset = (): void => void open.update(base, [], 0);
    const r = timed(
      () => {
        const model = id === 'paint' ? new RunsTableModel(store, query) : open;
        const state = model.update(query, [], 1);
        shown = state.total;
        model.rows(0, 100);
      },
      () => open.rows(0, 100),
      id === 'filter' ? reset : () => undefined,
    );
    rows.push({
      id: `table.${label}.${id}`,
      label: `table over ${label} runs: ${what}`,
      value: r.ms,
      unit: 'ms',
      max: n <= 10_000 ? max : 1000,
      floor: r.floor,
      floorLabel: 'the page query alone',
      note: `${shown} runs selected; median of 5; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`,
    });
  }
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--runs');
  const sizes = i > 0 ? process.argv[i + 1]!.split(',').map(Number) : [10_000, 100_000];
  const rows: Row[] = [];
  for (const n of sizes) await measure(n, rows);
  const results = printTable(rows, false, { sizes });
  writeResults(path.join(__dirname, '..', '..', 'bench', 'filters.results.json'), results);
  process.exitCode = results.rows.every((r) => r.pass) ? 0 : 1;
}

void main();
