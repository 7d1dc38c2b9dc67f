import { fork, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { RunStore } from '../src/core/db/runStore';
import { Indexer } from '../src/core/index/indexer';
import { READERS } from '../src/core/readers';
import { defaultWorkerCount } from '../src/core/index';

/**
 * `npm run bench -- --only peers`: Runlens next to the tools' own loaders, on the same workspaces written by the
 * real tools (tensorboardX; MLflow 3 through its client into a file store and an SQLite store), from the cached
 * environments of test/python/setup.mjs. Each figure is the time from nothing to every scalar of every run in
 * hand, printed with its ratio to Runlens doing the same (cold index, then every curve read).
 * RUNLENS_PEERS_RUNS (e.g. "200") measures other workspace sizes than 200 and 2,000 runs (--quick: 20).
 */

/** The argument that makes dist/bench.js a Runlens child of this bench (a fresh process per measurement). */
export const PEERS_CHILD = '--peers-child';

const ROOT = path.resolve(__dirname, '..');
const PEERS = path.join(ROOT, 'bench', 'peers');
/** Bump when the generators change: cached workspaces of another version are written again. */
const GENERATOR = 1;
const STEPS = 100;
const TAGS = 2;

type Kind = 'tensorboard' | 'mlflow-file' | 'mlflow-sqlite';

interface Figure {
  ms: number;
  /** CPU time of the process (user + system, every thread), when known: the machine is shared, wall time is not. */
  cpuMs?: number;
  runs: number;
  points: number;
}

interface RunlensFigures extends Figure {
  coldMs: number;
}

/** In the child: a cold index as the CLI makes it, then every curve of every run read as the compare view reads it. */
export async function runlensChild(root: string): Promise<RunlensFigures> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const indexer = new Indexer(root, { readers: READERS, workers: defaultWorkerCount() });
  const store = await RunStore.create();
  store.apply(await indexer.indexAll());
  const coldMs = performance.now() - t0;
  let points = 0;
  const runs = store.runs();
  for (const run of runs) for (const s of await indexer.readSeries(run)) points += s.values.length;
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  indexer.dispose();
  store.dispose();
  return { coldMs, ms, cpuMs: (cpu.user + cpu.system) / 1000, runs: runs.length, points };
}

function inChild(root: string): Promise<RunlensFigures> {
  return new Promise((resolve, reject) => {
    const child = fork(process.argv[1]!, [PEERS_CHILD, root], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: RunlensFigures | undefined;
    child.on('message', (m) => (result = m as RunlensFigures));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 && result ? resolve(result) : reject(new Error(`runlens child exited with ${code}`)),
    );
  });
}

function python(py: string, script: string, args: string[]): string {
  const r = spawnSync(py, [path.join(PEERS, script), ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0)
    throw new Error(
      `${script} failed: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-5).join('\n')}`,
    );
  return r.stdout;
}

/** A reader script's figure (timed inside Python, after its imports) and the whole process's wall time. */
function pythonFigure<F extends Figure>(py: string, script: string, args: string[]): F & { processMs: number } {
  const t0 = performance.now();
  const figure = JSON.parse(python(py, script, args)) as F;
  return { ...figure, processMs: performance.now() - t0 };
}

function envs(): Record<'tensorboard' | 'mlflow3', string> {
  const r = spawnSync(
    process.execPath,
    [path.join(ROOT, 'test', 'python', 'setup.mjs'), '--json', 'tensorboard', 'mlflow3'],
    { encoding: 'utf8' },
  );
  const out = JSON.parse(r.stdout || '{}') as Record<string, { python?: string; error?: string }>;
  const bad = Object.entries(out).filter(([, v]) => !v.python);
  if (r.status !== 0 || bad.length)
    throw new Error(
      `peers bench: no Python environment (${bad.map(([k, v]) => `${k}: ${v.error}`).join('; ') || r.stderr})`,
    );
  return { tensorboard: out.tensorboard!.python!, mlflow3: out.mlflow3!.python! };
}

/** The workspace of one kind and size, written once by the real tool and kept under bench/.work/. */
function ensure(
  work: string,
  kind: Kind,
  runs: number,
  py: Record<'tensorboard' | 'mlflow3', string>,
  log: (m: string) => void,
): { dir: string; uri?: string } {
  const dir = path.join(work, `peers-v${GENERATOR}`, `${kind}-${runs}`);
  const uri =
    kind === 'mlflow-file'
      ? `file:${path.join(dir, 'mlruns')}`
      : kind === 'mlflow-sqlite'
        ? `sqlite:///${path.join(dir, 'mlflow.db')}`
        : undefined;
  if (!fs.existsSync(path.join(dir, '.done'))) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    log(`writing ${kind} workspace, ${runs} runs × ${TAGS} metrics × ${STEPS} steps …`);
    const t0 = performance.now();
    if (kind === 'tensorboard')
      python(py.tensorboard, 'gen_tensorboard.py', [path.join(dir, 'logs'), String(runs), String(STEPS)]);
    else python(py.mlflow3, 'gen_mlflow.py', [uri!, String(runs), String(STEPS)]);
    fs.writeFileSync(path.join(dir, '.done'), '');
    log(`  written in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  return { dir, uri };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** CPU time (user + system) of a process and its descendants so far, from /proc (Linux; undefined elsewhere). */
function treeCpuMs(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15 of proc(5))
    const kids = fs
      .readdirSync(`/proc/${pid}/task`)
      .flatMap((t) => fs.readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ').filter(Boolean));
    const ms = (ticks * 1000) / 100; // USER_HZ is 100 on Linux
    return kids.reduce((a, k) => a + (treeCpuMs(Number(k)) ?? 0), ms);
  } catch {
    return undefined;
  }
}

/**
 * TensorBoard with its Rust data server (`--load_fast=true`): from the command to every scalar of every run
 * answered over its HTTP API (the tags, then one scalars_multirun request per tag, as its frontend asks).
 */
async function tensorboardServer(py: string, logdir: string, runs: number): Promise<Figure & { firstMs: number }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const tb = path.join(path.dirname(py), 'tensorboard');
  const child = spawn(
    tb,
    ['--logdir', logdir, '--load_fast=true', '--host', '127.0.0.1', '--port', String(port), '--reload_interval', '1'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  let firstMs = NaN;
  try {
    for (
      const deadline = t0 + 10 * 60_000;
      performance.now() < deadline;
      await new Promise((r) => setTimeout(r, 100))
    ) {
      if (child.exitCode !== null) throw new Error(`tensorboard exited with ${child.exitCode}: ${stderr}`);
      let tags: Record<string, Record<string, unknown>>;
      try {
        tags = (await (await fetch(`${base}/data/plugin/scalars/tags`)).json()) as typeof tags;
      } catch {
        continue; // not listening yet
      }
      if (Number.isNaN(firstMs)) firstMs = performance.now() - t0;
      const names = Object.keys(tags);
      if (names.length < runs || names.some((r) => Object.keys(tags[r]!).length < TAGS)) continue;
      let points = 0;
      for (const tag of Object.keys(tags[names[0]!]!)) {
        const body = new URLSearchParams([['tag', tag], ...names.map((r) => ['runs', r] as [string, string])]);
        const res = await fetch(`${base}/data/plugin/scalars/scalars_multirun`, {
          method: 'POST',
          body,
          headers: { 'X-XSRF-Protected': '1' },
        });
        const data = (await res.json()) as Record<string, unknown[]>;
        for (const r of names) points += data[r]?.length ?? 0;
      }
      if (points === runs * TAGS * STEPS)
        return { ms: performance.now() - t0, cpuMs: treeCpuMs(child.pid!), firstMs, runs: names.length, points };
    }
    throw new Error('tensorboard did not answer every scalar within 10 minutes');
  } finally {
    child.kill('SIGTERM');
  }
}

interface PeerRow {
  workspace: string;
  tool: string;
  figure: Figure;
  runlens: RunlensFigures;
  note?: string;
}

/** Measures and prints every peer next to Runlens; returns the rows (also written to bench/results.peers.json). */
export async function peersBench(work: string, quick: boolean, log: (m: string) => void): Promise<PeerRow[]> {
  const py = envs();
  const rows: PeerRow[] = [];
  const sizes = process.env.RUNLENS_PEERS_RUNS?.split(',').map(Number) ?? (quick ? [20] : [200, 2000]);
  for (const runs of sizes) {
    for (const kind of ['tensorboard', 'mlflow-file', 'mlflow-sqlite'] as const) {
      const { dir, uri } = ensure(work, kind, runs, py, log);
      const workspace = `${kind} ${runs} runs`;
      const runlens = await inChild(dir);
      log(`${workspace}: Runlens cold index ${Math.round(runlens.coldMs)} ms, all curves ${Math.round(runlens.ms)} ms`);
      if (kind === 'tensorboard') {
        const logdir = path.join(dir, 'logs');
        const figure = pythonFigure(py.tensorboard, 'read_tensorboard.py', [logdir]);
        rows.push({
          workspace,
          tool: 'TensorBoard EventAccumulator (Python)',
          figure,
          runlens,
          note: `the whole Python process, imports included: ${(figure.processMs / 1000).toFixed(2)} s`,
        });
        try {
          const server = await tensorboardServer(py.tensorboard, logdir, runs);
          rows.push({
            workspace,
            tool: 'TensorBoard --load_fast=true (Rust data server, HTTP)',
            figure: server,
            runlens,
            note: `first answer after ${(server.firstMs / 1000).toFixed(1)} s (Python start-up)`,
          });
        } catch (e) {
          log(
            `${workspace}: the Rust data server could not be measured: ${e instanceof Error ? e.message : String(e)}`,
          );
        }
      } else {
        const figure = pythonFigure<Figure & { searchMs: number }>(py.mlflow3, 'read_mlflow.py', [uri!]);
        rows.push({
          workspace,
          tool: `MLflow search_runs + get_metric_history (${kind === 'mlflow-file' ? 'file store' : 'SQLite'})`,
          figure,
          runlens,
          note: `search_runs alone ${Math.round(figure.searchMs)} ms (Runlens cold index ${Math.round(runlens.coldMs)} ms); the whole Python process, imports included: ${(figure.processMs / 1000).toFixed(2)} s`,
        });
      }
    }
    printPeers(rows); // after each size: the larger one takes long
  }
  fs.writeFileSync(
    path.join(ROOT, 'bench', quick ? 'results.peers.quick.json' : 'results.peers.json'),
    `${JSON.stringify({ date: new Date().toISOString(), rows }, null, 1)}\n`,
  );
  return rows;
}

function printPeers(rows: readonly PeerRow[]): void {
  const s = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
  const cells = rows.map((r) => {
    const ok = r.figure.points === r.runlens.points && r.figure.runs === r.runlens.runs;
    const cpu =
      r.figure.cpuMs !== undefined && r.runlens.cpuMs
        ? [s(r.figure.cpuMs), s(r.runlens.cpuMs), `${(r.figure.cpuMs / r.runlens.cpuMs).toFixed(1)}×`]
        : ['—', '—', '—'];
    return [
      r.workspace,
      r.tool,
      s(r.figure.ms),
      s(r.runlens.ms),
      `${(r.figure.ms / r.runlens.ms).toFixed(1)}×`,
      ...cpu,
      ok ? '' : `COUNTS DIFFER: ${r.figure.runs}/${r.figure.points} vs ${r.runlens.runs}/${r.runlens.points}`,
    ];
  });
  const head = [
    'workspace',
    'peer (every scalar of every run)',
    'peer',
    'Runlens',
    'peer/Runlens',
    'peer CPU',
    'Runlens CPU',
    'CPU ratio',
    '',
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  console.log(
    `\nPeers: time to every scalar of every run (Runlens: cold index + every curve read; ${TAGS} metrics × ${STEPS} steps per run)\n`,
  );
  console.log(
    head
      .map((h, i) => h.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
  for (const c of cells)
    console.log(
      c
        .map((x, i) => (i >= 2 && i <= 7 ? x.padStart(widths[i]!) : x.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    );
  for (const r of rows) if (r.note) console.log(`  ${r.workspace}, ${r.tool}: ${r.note}`);
}
