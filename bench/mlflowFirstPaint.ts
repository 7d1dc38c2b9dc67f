import * as fs from 'node:fs';
import * as path from 'node:path';
import { CurveSource } from '../src/core/compare/curveSource';
import { WorkspaceIndex } from '../src/core/index';
import { resolveMlflowTarget } from '../src/core/sources/mlflow/mlflowAuth';
import { MlflowServerSource } from '../src/core/sources/mlflow/mlflowServer';
import { makeTemp, rmTemp } from '../test/helpers/tmp';
import { opt } from './options';
import { withSeededServer } from './seededServer';

/**
 * The compare view's first paint of a tracking server's runs: RUNS runs × 1 metric of STEPS steps on a real
 * `mlflow server`, the curves asked for as the compare view asks (CurveSource.curves through the index), cold.
 * Two ways: a sample first (get-history-bulk-interval, one call) and the whole history (get-history per run, as
 * before). Each next to its floor, measured in the same run: the same REST calls made by a bare script that only
 * parses the JSON. Also: when the whole curves are there after the sample (the follow-up read).
 *   node out/bench/mlflowFirstPaint.js [--runs 20] [--steps 10000] [--url http://host:port]
 * --url measures a server already running and seeded (python bench/mlflow_curves_seed.py <db> <dir> runs steps).
 */
const RUNS = opt('--runs', 20);
const STEPS = opt('--steps', 10_000);
/** Points per run of the sample: what the source asks for by default. */
const SAMPLED = 1000;
const OPTIONS = { xAxis: 'step', maxPoints: 1000, smoothing: 0 } as const;

interface Figures {
  sampledMs: number;
  wholeMs: number;
  /** Runlens only: from the request until every sampled curve was read whole. */
  completedMs?: number;
}

async function getJson(url: URL): Promise<Record<string, unknown>> {
  return (await (await fetch(url)).json()) as Record<string, unknown>;
}

/** The floor: the same REST calls, bare. */
async function floor(base: string, runIds: string[]): Promise<Figures> {
  let t0 = performance.now();
  const bulk = new URL(`${base}/api/2.0/mlflow/metrics/get-history-bulk-interval`);
  for (const id of runIds) bulk.searchParams.append('run_ids', id);
  bulk.searchParams.set('metric_key', 'loss');
  bulk.searchParams.set('max_results', String(SAMPLED));
  const sampled = (await getJson(bulk)).metrics as unknown[];
  const sampledMs = performance.now() - t0;
  if (sampled.length !== runIds.length * Math.min(SAMPLED, STEPS)) throw new Error(`sampled ${sampled.length} points`);
  t0 = performance.now();
  let points = 0;
  for (const id of runIds) {
    const one = new URL(`${base}/api/2.0/mlflow/metrics/get-history`);
    one.searchParams.set('run_id', id);
    one.searchParams.set('metric_key', 'loss');
    one.searchParams.set('max_results', '25000');
    points += ((await getJson(one)).metrics as unknown[]).length;
  }
  if (points !== runIds.length * STEPS) throw new Error(`read ${points} points`);
  return { sampledMs, wholeMs: performance.now() - t0 };
}

/** Runlens: a fresh index and cache each time, so every curve is read from the server. */
async function runlens(url: string, ws: string, bulkInterval: boolean): Promise<{ ms: number; completedMs?: number }> {
  const index = await WorkspaceIndex.open([{ path: ws, name: 'ws' }], { workers: 0 });
  const curves = new CurveSource(index);
  try {
    const src = new MlflowServerSource(await resolveMlflowTarget(`mlflow+${url}`, { env: {} }), { bulkInterval });
    await index.setSources([src]);
    await index.refreshSources();
    const ids = index.runs().map((r) => r.id);
    let left = ids.length;
    const completed = new Promise<number>((resolve) =>
      curves.onCompleted(() => {
        if (--left === 0) resolve(performance.now());
      }),
    );
    const t0 = performance.now();
    const drawn = await curves.curves(ids, ['loss'], OPTIONS);
    const ms = performance.now() - t0;
    if (drawn.length !== RUNS) throw new Error(`${drawn.length} curves drawn`);
    if (drawn.some((c) => !!c.partial !== bulkInterval)) throw new Error('the curves are not what this way gives');
    return bulkInterval ? { ms, completedMs: (await completed) - t0 } : { ms };
  } finally {
    curves.dispose();
    index.dispose();
  }
}

async function measure(url: string): Promise<void> {
  const ws = makeTemp('runlens-bench-ws-');
  try {
    const probe = await WorkspaceIndex.open([{ path: ws, name: 'ws' }], { workers: 0 });
    const src = new MlflowServerSource(await resolveMlflowTarget(`mlflow+${url}`, { env: {} }));
    await probe.setSources([src]);
    await probe.refreshSources();
    const runIds = probe.runs().map((r) => r.path.slice(r.path.lastIndexOf('/') + 1));
    probe.dispose();
    if (runIds.length !== RUNS) throw new Error(`the server holds ${runIds.length} runs, not ${RUNS}`);
    await floor(url, runIds); // warm the server for both
    // Alternated, best of three each: the machine is shared and the server's timing varies.
    const rl: Figures[] = [];
    const fl: Figures[] = [];
    for (let i = 0; i < 3; i++) {
      fl.push(await floor(url, runIds));
      const s = await runlens(url, ws, true);
      const w = await runlens(url, ws, false);
      rl.push({ sampledMs: s.ms, wholeMs: w.ms, completedMs: s.completedMs });
    }
    const best = (xs: Figures[], k: keyof Figures): number => Math.min(...xs.map((x) => x[k] ?? Infinity));
    const row = (label: string, k: 'sampledMs' | 'wholeMs'): string =>
      `${label}: Runlens ${best(rl, k).toFixed(0)} ms, floor ${best(fl, k).toFixed(0)} ms (x${(best(rl, k) / best(fl, k)).toFixed(2)})`;
    console.log(`mlflow server first paint, ${RUNS} runs x 1 metric of ${STEPS} steps (compare view's curves, cold)`);
    console.log(row('  first curves, sampled (get-history-bulk-interval)', 'sampledMs'));
    console.log(row('  first curves, whole (get-history per run)        ', 'wholeMs'));
    console.log(
      `  sampled first paint / whole: x${(best(rl, 'sampledMs') / best(rl, 'wholeMs')).toFixed(2)}; ` +
        `whole curves in after the sample: ${best(rl, 'completedMs').toFixed(0)} ms`,
    );
    fs.writeFileSync(
      path.resolve(__dirname, '..', '..', 'bench', 'results.mlflowFirstPaint.json'),
      JSON.stringify(
        {
          runs: RUNS,
          steps: STEPS,
          sampledPoints: SAMPLED,
          runlens: {
            sampledMs: best(rl, 'sampledMs'),
            wholeMs: best(rl, 'wholeMs'),
            completedMs: best(rl, 'completedMs'),
          },
          floor: { sampledMs: best(fl, 'sampledMs'), wholeMs: best(fl, 'wholeMs') },
          when: new Date().toISOString(),
        },
        null,
        2,
      ) + '\n',
    );
  } finally {
    rmTemp(ws);
  }
}

async function main(): Promise<void> {
  const urlAt = process.argv.indexOf('--url');
  if (urlAt > 0) return measure(process.argv[urlAt + 1]!);
  await withSeededServer('mlflow first-paint', 'mlflow_curves_seed.py', [String(RUNS), String(STEPS)], measure);
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
