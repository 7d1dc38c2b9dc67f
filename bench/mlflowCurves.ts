import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Indexer } from '../src/core/index/indexer';
import { loadSqlJs } from '../src/core/db/sqljs';
import { READERS } from '../src/core/readers';
import { mlflowDbReader } from '../src/core/readers/mlflow/mlflowDb';
import type { Reader } from '../src/core/readers/types';
import { writeMlflowDb, type DbRun } from '../test/helpers/writers/mlflowDb';
import { opt } from './options';

/**
 * Every curve of every run of one `mlflow.db` (RUNS runs × 2 metrics × 100 steps, MLflow's schema, written by the
 * test writer), read run by run as the compare view asks (`Indexer.readSeries`, one run after another, after a cold
 * index). Printed next to its floor, measured in the same run: sql.js opening the same file once and one
 * `SELECT … FROM metrics` handing every point to per-run arrays. Also printed: the same reads without the database
 * kept open between them (each run's curves loading the whole file, as before), at the sizes where that ends.
 *
 *   npx tsc -p . && node out/bench/mlflowCurves.js [--runs 200] [--repeat 3]
 */
const RUNS = opt('--runs', 200);
const REPEAT = opt('--repeat', 3);
const STEPS = 100;
const T0 = 1717343700000;

async function workspace(): Promise<string> {
  const root = path.join(__dirname, '..', '..', 'bench', '.work', `mlflowdb-${RUNS}`);
  if (fs.existsSync(path.join(root, '.done'))) return root;
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  const runs: DbRun[] = Array.from({ length: RUNS }, (_, i) => ({
    id: i.toString(16).padStart(32, '0'),
    experimentId: 0,
    name: `run_${i}`,
    status: 'FINISHED',
    params: { lr: String(0.001 * (1 + (i % 10))), seed: String(i) },
    metrics: Array.from({ length: STEPS }, (_, s) => [
      { key: 'loss', value: 1 / (1 + s + (i % 7)), timestamp: T0 + s, step: s },
      { key: 'acc', value: s / STEPS, timestamp: T0 + s, step: s },
    ]).flat(),
  }));
  await writeMlflowDb(path.join(root, 'mlflow.db'), [{ id: 0, name: 'Default' }], runs);
  fs.writeFileSync(path.join(root, '.done'), '');
  return root;
}

/** Cold index, then every curve of every run read one run after another; returns the curves' time and points. */
async function curves(root: string, readers: readonly Reader[]): Promise<{ ms: number; points: number }> {
  const ix = new Indexer(root, { readers });
  try {
    await ix.indexAll();
    const t0 = performance.now();
    let points = 0;
    for (const run of ix.runs()) for (const s of await ix.readSeries(run)) points += s.values.length;
    return { ms: performance.now() - t0, points };
  } finally {
    ix.dispose();
  }
}

/** The simplest way to every point: open the file once, one SELECT over `metrics`, points into per-run arrays. */
async function floor(root: string): Promise<{ ms: number; points: number }> {
  const t0 = performance.now();
  const SQL = await loadSqlJs();
  const db = new SQL.Database(fs.readFileSync(path.join(root, 'mlflow.db')));
  const byRun = new Map<string, number[]>();
  let points = 0;
  const stmt = db.prepare('SELECT run_uuid, "key", value, timestamp, step, is_nan FROM metrics');
  while (stmt.step()) {
    const row = stmt.get();
    let values = byRun.get(String(row[0]));
    if (!values) byRun.set(String(row[0]), (values = []));
    values.push(row[5] === 1 ? NaN : Number(row[2]), Number(row[4]), Number(row[3]));
    points++;
  }
  stmt.free();
  db.close();
  return { ms: performance.now() - t0, points };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const fmt = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

async function main(): Promise<void> {
  const root = await workspace();
  await loadSqlJs(); // the engine's start-up is the index's, not the curves'
  const held: number[] = [];
  const floors: number[] = [];
  let points = 0;
  for (let k = 0; k < REPEAT; k++) {
    const f = await floor(root);
    const r = await curves(root, READERS);
    if (r.points !== f.points) throw new Error(`points differ: ${r.points} read, ${f.points} in the floor`);
    floors.push(f.ms);
    held.push(r.ms);
    points = r.points;
  }
  const figure = median(held);
  const base = median(floors);
  console.log(`\nmlflow.db: every curve of ${RUNS} runs (${points} points), read run by run after a cold index`);
  console.log(`  figure  ${fmt(figure)}  (median of ${REPEAT}: ${held.map(fmt).join(', ')})`);
  console.log(`  floor   ${fmt(base)}  one open + one SELECT over metrics (median of ${REPEAT})`);
  console.log(`  ratio   ${(figure / base).toFixed(2)}×`);
  if (RUNS <= 200) {
    // As before the database was kept: every run's curves load and scan the whole file (once: it is slow).
    const whole = READERS.map((r) => (r === mlflowDbReader ? { ...r, readRunSeries: undefined } : r));
    const old = await curves(root, whole);
    console.log(`  the database loaded again for each run's curves: ${fmt(old.ms)} (${(old.ms / figure).toFixed(1)}×)`);
  }
  console.log(`  load average ${os.loadavg()[0]!.toFixed(1)}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
