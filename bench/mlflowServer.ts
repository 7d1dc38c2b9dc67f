import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveMlflowTarget } from '../src/core/sources/mlflow/mlflowAuth';
import { MlflowServerSource } from '../src/core/sources/mlflow/mlflowServer';
import { withSeededServer } from './seededServer';

/**
 * The MLflow server source on a real `mlflow server` holding RUNS runs (seeded into its SQLite before it starts):
 * time to the first page of runs and to all of them, against the floor — the same REST calls (experiments/search,
 * then runs/search page by page) made by a bare script that only parses the JSON. Prints both and the ratio.
 *   node out/bench/mlflowServer.js [--runs N] [--page N] [--url http://host:port]
 * --url measures a server already running (seeded by hand: python bench/mlflow_server_seed.py <its db> <dir> N),
 * without the set-up (starting a server takes minutes on a loaded machine).
 */
const PAGE = 1000;

async function floor(base: string, page: number): Promise<{ firstMs: number; allMs: number; runs: number }> {
  const t0 = performance.now();
  const post = async (endpoint: string, body: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(`${base}/api/2.0/mlflow/${endpoint}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await res.json()) as Record<string, unknown>;
  };
  const exps = (await post('experiments/search', { max_results: 1000, view_type: 'ACTIVE_ONLY' }))
    .experiments as Array<{
    experiment_id: string;
  }>;
  let token: string | undefined;
  let runs = 0;
  let firstMs = 0;
  do {
    const r = await post('runs/search', {
      experiment_ids: exps.map((e) => e.experiment_id),
      filter: '',
      run_view_type: 'ACTIVE_ONLY',
      max_results: page,
      order_by: ['attributes.start_time ASC'],
      page_token: token,
    });
    runs += (r.runs as unknown[] | undefined)?.length ?? 0;
    if (!firstMs) firstMs = performance.now() - t0;
    token = (r.next_page_token as string | undefined) || undefined;
  } while (token);
  return { firstMs, allMs: performance.now() - t0, runs };
}

async function runlens(url: string, page: number): Promise<{ firstMs: number; allMs: number; runs: number }> {
  let firstMs = 0;
  const t0 = performance.now();
  const src = new MlflowServerSource(await resolveMlflowTarget(`mlflow+${url}`, { env: {} }), {
    runsPage: page,
    onPage: () => (firstMs ||= performance.now() - t0),
  });
  const snap = await src.refresh();
  const allMs = performance.now() - t0;
  src.dispose();
  return { firstMs, allMs, runs: snap.runs.length };
}

async function main(): Promise<void> {
  const arg = (name: string, d: number): number => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : d;
  };
  const n = arg('--runs', 10_000);
  const page = arg('--page', PAGE);
  const urlAt = process.argv.indexOf('--url');
  if (urlAt > 0) return measure(process.argv[urlAt + 1]!, page, undefined);
  await withSeededServer('mlflow server', 'mlflow_server_seed.py', [String(n)], (url) => measure(url, page, n));
}

/** Floor and Runlens, alternated, best of three each: the machine is shared and the server's timing varies. */
async function measure(url: string, page: number, n: number | undefined): Promise<void> {
  await floor(url, page); // warm the server's caches for both
  // Alternated, best of three each: the machine is shared and the server's timing varies.
  const rl: Array<Awaited<ReturnType<typeof runlens>>> = [];
  const fl: Array<Awaited<ReturnType<typeof floor>>> = [];
  for (let i = 0; i < 3; i++) {
    fl.push(await floor(url, page));
    rl.push(await runlens(url, page));
  }
  const best = (xs: Array<{ firstMs: number; allMs: number; runs: number }>, k: 'firstMs' | 'allMs'): number =>
    Math.min(...xs.map((x) => x[k]));
  if (rl[0]!.runs !== fl[0]!.runs || (n !== undefined && rl[0]!.runs !== n))
    throw new Error(`expected ${n ?? fl[0]!.runs} runs, read ${rl[0]!.runs} (floor ${fl[0]!.runs})`);
  const row = (label: string, k: 'firstMs' | 'allMs'): string =>
    `${label}: Runlens ${best(rl, k).toFixed(0)} ms, floor ${best(fl, k).toFixed(0)} ms (x${(best(rl, k) / best(fl, k)).toFixed(2)})`;
  console.log(`mlflow server, ${rl[0]!.runs} runs, pages of ${page}`);
  console.log(row('  first page of runs', 'firstMs'));
  console.log(row('  all runs          ', 'allMs'));
  const out = path.resolve(__dirname, '..', '..', 'bench', 'results.mlflowServer.json');
  fs.writeFileSync(
    out,
    JSON.stringify(
      {
        runs: rl[0]!.runs,
        page,
        runlens: { firstMs: best(rl, 'firstMs'), allMs: best(rl, 'allMs') },
        floor: { firstMs: best(fl, 'firstMs'), allMs: best(fl, 'allMs') },
        when: new Date().toISOString(),
      },
      null,
      2,
    ) + '\n',
  );
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
