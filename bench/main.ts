import { fork, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { RunStore } from '../src/core/db/runStore';
import { loadSqlJs } from '../src/core/db/sqljs';
import { Indexer } from '../src/core/index/indexer';
import { READERS } from '../src/core/readers';
import { defaultWorkerCount } from '../src/core/index/readPool';
import { readSnapshot, writeSnapshot } from '../src/core/index/snapshot';
import { WorkspaceIndex } from '../src/core/index/workspaceIndex';
import { floorRead, floorReadFile, floorStatWalk } from './floor';
import {
  appendLine,
  ensureWorkspace,
  estimateBytes,
  pruneStale,
  repairAppendTarget,
  selfCheck,
  workspaceDir,
  type Manifest,
  type WorkspaceSpec,
} from './generate';
import { PEERS_CHILD, peersBench, runlensChild } from './peers';
import { printTable, writeResults, type Row } from './report';

/**
 * `npm run bench`: generates (or reuses) synthetic workspaces under bench/.work/, measures each performance
 * target of the core and sidebar issues and prints it next to its floor measured in the same run.
 * Indexing figures are measured in child processes so each has a fresh heap, a fresh sql.js and its own RSS peak.
 *
 *   --quick          small workspaces (a smoke run; the targets are the full-size ones)
 *   --only <groups>  comma-separated: small, large, live (stall, re-index, append), vscode (a real VS Code on the large workspace),
 *                    peers (TensorBoard's and MLflow's own loaders on workspaces the real tools wrote; only when asked: bench/peers.ts)
 *   --keep           keep scratch files (snapshot) and cached workspaces of older generator versions
 *   --prof           children run with --cpu-prof (profiles in bench/.work/prof/)
 */

const GROUPS = ['small', 'large', 'live', 'vscode', 'peers'] as const;
type Group = (typeof GROUPS)[number];

const ROOT = path.resolve(__dirname, '..');
const WORK = path.join(ROOT, 'bench', '.work');
/** Lines appended one by one for the append figure (its median). */
const APPENDS = 5;

interface Flags {
  quick: boolean;
  keep: boolean;
  prof: boolean;
  only: Set<Group>;
}

function parseFlags(argv: readonly string[]): Flags {
  const flags: Flags = { quick: false, keep: false, prof: false, only: new Set(GROUPS.filter((g) => g !== 'peers')) };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') flags.quick = true;
    else if (a === '--keep') flags.keep = true;
    else if (a === '--prof') flags.prof = true;
    else if (a === '--only') {
      const names = (argv[++i] ?? '').split(',').filter(Boolean);
      const bad = names.filter((n) => !(GROUPS as readonly string[]).includes(n));
      if (names.length === 0 || bad.length)
        throw new Error(`--only takes ${GROUPS.join(', ')} (comma-separated); got ${JSON.stringify(argv[i] ?? '')}`);
      flags.only = new Set(names as Group[]);
    } else throw new Error(`unknown flag ${a} (flags: --quick, --only <${GROUPS.join('|')}>, --keep, --prof)`);
  }
  return flags;
}

// ---- child tasks -----------------------------------------------------------------------------------------------

type Task =
  | { kind: 'cold'; root: string; snapshot?: string }
  | { kind: 'live'; root: string; append: Manifest['appendTarget'] }
  | { kind: 'warm'; root: string; snapshot: string; floor: boolean };

interface ColdResult {
  ms: number;
  indexMs: number;
  applyMs: number;
  maxRssMB: number;
  runs: number;
  points: number;
  problems: number;
}

interface LiveResult {
  coldMs: number;
  stallMs: number;
  /** When the longest stall began, ms after the pass started. */
  stallAtMs: number;
  histMaxMs: number;
  idleStallMs: number;
  reindexMs: number;
  reindexRead: number;
  appendMs: number;
  appendOk: string | true;
}

interface WarmResult {
  ms: number;
  runs: number;
}

function maxRssMB(): number {
  return process.resourceUsage().maxRSS / 1024; // kilobytes on every platform
}

async function coldTask(t: Extract<Task, { kind: 'cold' }>): Promise<ColdResult> {
  // What the CLI does (src/cli/main.ts openIndex): walk, detect, read, summaries, one RunStore.apply.
  const t0 = performance.now();
  const indexer = new Indexer(t.root, { readers: READERS, workers: defaultWorkerCount() });
  const store = await RunStore.create();
  const delta = await indexer.indexAll();
  const t1 = performance.now();
  store.apply(delta);
  const t2 = performance.now();
  const rss = maxRssMB();
  const runs = store.runs();
  let points = 0;
  for (const r of runs) for (const m of Object.values(r.metrics)) points += m.count;
  if (t.snapshot) fs.writeFileSync(t.snapshot, writeSnapshot(store.export(), indexer.sourceRecords(), runs));
  return {
    ms: t2 - t0,
    indexMs: t1 - t0,
    applyMs: t2 - t1,
    maxRssMB: rss,
    runs: runs.length,
    points,
    problems: store.diagnostics().length,
  };
}

/** Longest gap between ticks of a 1 ms interval (and perf_hooks' histogram max) while `work` runs. */
async function probeStalls<T>(
  work: () => Promise<T>,
): Promise<{ result: T; stallMs: number; histMaxMs: number; stallAtMs: number }> {
  const hist = monitorEventLoopDelay({ resolution: 1 });
  const start = performance.now();
  let last = start;
  let max = 0;
  let maxAt = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    if (now - last > max) {
      max = now - last;
      maxAt = last - start;
    }
    last = now;
  }, 1);
  hist.enable();
  try {
    const result = await work();
    max = Math.max(max, performance.now() - last);
    return { result, stallMs: max, histMaxMs: hist.max / 1e6, stallAtMs: maxAt };
  } finally {
    clearInterval(timer);
    hist.disable();
  }
}

async function liveTask(t: Extract<Task, { kind: 'live' }>): Promise<LiveResult> {
  // The extension's path (src/vscode/indexService.ts): WorkspaceIndex over one folder, progress reported. It is
  // opened before the probes (sql.js's wasm start-up belongs to activation, not to indexing), and the idle
  // floor is measured after it, in the same conditions as the pass.
  const ix = await WorkspaceIndex.open([{ path: t.root, name: path.basename(t.root) }], {
    readers: READERS,
    workers: defaultWorkerCount(),
  });
  const idle = await probeStalls(() => new Promise((r) => setTimeout(r, 1000)));
  let progress = 0;
  const t0 = performance.now();
  const cold = await probeStalls(() => ix.indexAll(() => progress++));
  const coldMs = performance.now() - t0;

  const t1 = performance.now();
  const again = await ix.indexAll();
  const reindexMs = performance.now() - t1;

  // One line appended, then the refresh timed, APPENDS times (median): one sample read 127 ms once in a full run
  // where it reads ~50 ms, a collection or the machine's load landing in it.
  const run = ix.runs().find((r) => r.path === t.append.runPath);
  const before = run?.metrics[t.append.key];
  const abs = path.join(t.root, t.append.file);
  const appendTimes: number[] = [];
  let appendOk: string | true = true;
  try {
    for (let k = 1; k <= APPENDS && appendOk === true; k++) {
      fs.appendFileSync(abs, appendLine(t.append.lastStep + k, 0.25));
      const t2 = performance.now();
      await ix.refresh([abs]);
      appendTimes.push(performance.now() - t2);
      const after = run && ix.runsByIds([run.id])[0]?.metrics[t.append.key];
      if (
        !before ||
        !after ||
        after.count !== before.count + k ||
        after.lastStep !== t.append.lastStep + k ||
        after.last !== 0.25
      ) {
        appendOk = `index not updated after ${k} appended lines: before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`;
      }
    }
  } finally {
    fs.truncateSync(abs, t.append.size);
  }
  const appendMs = appendTimes.length ? median(appendTimes) : NaN;
  ix.dispose();
  return {
    coldMs,
    stallMs: cold.stallMs,
    stallAtMs: cold.stallAtMs,
    histMaxMs: cold.histMaxMs,
    idleStallMs: idle.stallMs,
    reindexMs,
    reindexRead: again.changed.length + again.removed.length,
    appendMs,
    appendOk,
  };
}

async function warmTask(t: Extract<Task, { kind: 'warm' }>): Promise<WarmResult> {
  const bytes = fs.readFileSync(t.snapshot);
  if (t.floor) {
    // Floor: open the same bytes with sql.js and list the same rows with the simplest code.
    const t0 = performance.now();
    const SQL = await loadSqlJs();
    const db = new SQL.Database(readSnapshot(bytes).sqlite);
    const runs = db.exec('SELECT * FROM runs')[0]?.values.length ?? 0;
    for (const table of ['params', 'metrics', 'tags']) db.exec(`SELECT * FROM ${table}`);
    const ms = performance.now() - t0;
    db.close();
    return { ms, runs };
  }
  // The extension's warm start: RunStore.fromSnapshot + WorkspaceIndex.open with the snapshot + the first runs().
  const t0 = performance.now();
  const ix = await WorkspaceIndex.open(
    [{ path: t.root, name: path.basename(t.root) }],
    { readers: READERS, workers: defaultWorkerCount() },
    bytes,
    (err) => {
      throw err;
    },
  );
  const runs = ix.runs().length;
  const ms = performance.now() - t0;
  ix.dispose();
  return { ms, runs };
}

async function runTask(t: Task): Promise<unknown> {
  switch (t.kind) {
    case 'cold':
      return coldTask(t);
    case 'live':
      return liveTask(t);
    case 'warm':
      return warmTask(t);
  }
}

function inChild<R>(task: Task, prof: boolean): Promise<R> {
  return new Promise((resolve, reject) => {
    const execArgv = prof ? ['--cpu-prof', `--cpu-prof-dir=${path.join(WORK, 'prof')}`] : [];
    const child = fork(__filename, ['--child', JSON.stringify(task)], {
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: R | undefined;
    child.on('message', (m) => (result = m as R));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 && result !== undefined
        ? resolve(result)
        : reject(new Error(`bench child ${task.kind} exited with ${code}`)),
    );
  });
}

// ---- the run ---------------------------------------------------------------------------------------------------

function specs(quick: boolean): { small: WorkspaceSpec; large: WorkspaceSpec } {
  return quick
    ? {
        small: { name: 'quick-small', runs: 20, pointsPerRun: 1000, seed: 1 },
        large: { name: 'quick-large', runs: 200, pointsPerRun: 500, seed: 2 },
      }
    : {
        small: { name: 'small', runs: 200, pointsPerRun: 10_000, seed: 1 },
        large: { name: 'large', runs: 10_000, pointsPerRun: 5_000, seed: 2 },
      };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function log(m: string): void {
  process.stderr.write(m + '\n');
}

interface VscodeResult {
  runs: number;
  coldFirstRunsMs: number;
  coldIndexedMs: number;
  maxStallMs: number;
  /** When the longest stall ended, ms into the pass, and how long the pass took. */
  maxStallAtMs: number;
  passMs: number;
  /** How long the pass waited for the extension host to be calm (see untilCalm). */
  calmWaitMs: number;
  /** Within the pass: the most time the host's thread ran code inside one stall, and that time in the longest one. */
  maxBusyMs: number;
  busyInLongestMs: number;
  idleStallMs: number;
  idleBusyMs: number;
  idleMs: number;
  /** The longest garbage collection pause in the pass and in the idle floor, with its kind. */
  gc: string;
  warmFirstRunsMs: number;
  warm: boolean;
}

/**
 * The extension in a real VS Code (the integration launcher, code-server here) on the large workspace:
 * activation to a populated tree, the extension host's longest stall during that pass, and a warm start from
 * the snapshot it saved. Floors: the naive read+parse of the same bytes, and sql.js opening the snapshot.
 */
function vscodeRows(root: string, manifest: Manifest, label: string): Row[] {
  const out = path.join(WORK, 'vscode-bench.json');
  fs.rmSync(out, { force: true });
  const repo = path.resolve(__dirname, '..');
  const r = spawnSync(
    process.execPath,
    [
      'test/integration/launch.js',
      '--workspace',
      root,
      '--suites',
      'out/bench/vscode',
      '--grep',
      'activation benchmark',
      '--timeout',
      '900',
    ],
    {
      cwd: repo,
      env: { ...process.env, RUNLENS_BENCH_OUT: out },
      encoding: 'utf8',
    },
  );
  if (!fs.existsSync(out)) {
    log(r.stdout + r.stderr);
    throw new Error('the VS Code activation benchmark wrote no figures');
  }
  const v = JSON.parse(fs.readFileSync(out, 'utf8')) as VscodeResult;
  const floor = floorRead(root).ms;
  const invalid = v.runs !== manifest.runs ? `the tree showed ${v.runs} runs, expected ${manifest.runs}` : undefined;
  return [
    {
      id: 'vscode.activation',
      label: `VS Code: activation to a populated tree, ${label}`,
      value: v.coldFirstRunsMs,
      unit: 'ms',
      max: 30_000,
      maxRatio: 2,
      floor,
      floorLabel: 'naive read+parse',
      note: `whole first pass ${Math.round(v.coldIndexedMs)} ms; the issue sets no number: ours is ≤ 2× the naive floor, under 30 s`,
      invalid,
    },
    {
      id: 'vscode.stall',
      label: `VS Code: longest extension-host stall while indexing ${label}`,
      value: v.maxStallMs,
      unit: 'ms',
      max: 50,
      floor: v.idleStallMs,
      floorLabel: `same probe, idle host, ${Math.round(v.idleMs / 1000)} s`,
      note: `1 ms timer in the extension host over the pass and the snapshot written after it; the pass started when the host's timers had run on time for 250 ms (after ${v.calmWaitMs} ms); the longest ended ${v.maxStallAtMs} ms into the ${v.passMs} ms pass; the host's thread ran code for ${v.busyInLongestMs} ms of that stall (the rest: waiting for a CPU); longest GC pause ${v.gc}`,
    },
    {
      id: 'vscode.busy',
      label: `VS Code: longest run of code on the extension host's thread while indexing ${label}`,
      value: v.maxBusyMs,
      unit: 'ms',
      max: 50,
      floor: v.idleBusyMs,
      floorLabel: 'same probe, idle host',
      note: 'on-CPU time of the thread within one stall (/proc/thread-self/schedstat): the work that held the event loop, whatever the load of the machine',
    },
    {
      id: 'vscode.warm',
      label: `VS Code: warm start to a populated tree, ${manifest.runs} runs`,
      value: v.warmFirstRunsMs,
      unit: 'ms',
      max: 300,
      invalid: v.warm ? undefined : 'the restart did not use the snapshot',
    },
  ];
}

/**
 * Issue "runs next to the code": commit state of 1,000 runs resolved in the background (a real VS Code and its
 * git extension, on the sample workspace), against the raw git commands answering the same questions; the
 * extension host's longest stall meanwhile; a config hover against the same answer from SQL.
 */
function codeLinksRows(): Row[] {
  const out = path.join(WORK, 'codelinks-bench.json');
  fs.rmSync(out, { force: true });
  const r = spawnSync(
    process.execPath,
    [
      'test/integration/launch.js',
      '--suites',
      'out/bench/vscode',
      '--grep',
      'code links benchmark',
      '--timeout',
      '600',
    ],
    {
      cwd: path.resolve(__dirname, '..'),
      env: { ...process.env, RUNLENS_BENCH_OUT: out },
      encoding: 'utf8',
    },
  );
  if (!fs.existsSync(out)) {
    log(r.stdout + r.stderr);
    throw new Error('the code links benchmark wrote no figures');
  }
  const v = JSON.parse(fs.readFileSync(out, 'utf8')) as {
    resolveMs: number;
    maxStallMs: number;
    gitCalls: number;
    gitFloorMs: number;
    hoverMs: number;
    sqlMs: number;
  };
  return [
    {
      id: 'git.resolve',
      label: 'VS Code: commit state of 1,000 runs (200 commits), in the background',
      value: v.resolveMs,
      unit: 'ms',
      max: 10_000,
      floor: v.gitFloorMs,
      floorLabel: 'raw git log + cat-file',
      note: `${v.gitCalls} calls through the git extension; target: done in the background within seconds`,
    },
    {
      id: 'git.stall',
      label: 'VS Code: longest extension-host stall while resolving them',
      value: v.maxStallMs,
      unit: 'ms',
      max: 50,
    },
    {
      id: 'git.hover',
      label: 'VS Code: config hover answer from the index',
      value: v.hoverMs,
      unit: 'ms',
      max: 50,
      floor: v.sqlMs,
      floorLabel: 'same answer by SQL query',
    },
  ];
}

function checkDisk(needed: number): void {
  fs.mkdirSync(WORK, { recursive: true });
  const st = fs.statfsSync(WORK);
  const free = st.bavail * st.bsize;
  if (free < needed * 1.2)
    throw new Error(`bench needs ~${(needed / 1e9).toFixed(1)} GB in ${WORK}; ${(free / 1e9).toFixed(1)} GB free`);
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  if (flags.only.has('peers')) {
    await peersBench(WORK, flags.quick, log);
    if (flags.only.size === 1) return;
  }
  selfCheck();
  const { small, large } = specs(flags.quick);
  const wantLarge = flags.only.has('large') || flags.only.has('live') || flags.only.has('vscode');
  const wanted = [...(flags.only.has('small') ? [small] : []), ...(wantLarge ? [large] : [])];
  if (!flags.keep) for (const name of pruneStale(WORK)) log(`removed ${name} (older generator version)`);
  checkDisk(wanted.filter((s) => !fs.existsSync(workspaceDir(WORK, s))).reduce((a, s) => a + estimateBytes(s), 0));

  const rows: Row[] = [];
  const workspaces: Record<string, Manifest> = {};
  const pointsCheck = (m: Manifest, r: ColdResult): string | undefined =>
    r.points !== m.points || r.runs !== m.runs
      ? `index holds ${r.runs} runs / ${r.points} points; the generator wrote ${m.runs} / ${m.points}`
      : undefined;

  if (flags.only.has('small')) {
    const { root, manifest } = ensureWorkspace(WORK, small, log);
    workspaces.small = manifest;
    const floors = [floorRead(root), floorRead(root), floorRead(root)];
    const colds: ColdResult[] = [];
    for (let i = 0; i < 3; i++) colds.push(await inChild<ColdResult>({ kind: 'cold', root }, flags.prof));
    const cold = colds.find((c) => c.ms === median(colds.map((x) => x.ms)))!;
    rows.push({
      id: 'small.cold',
      label: `cold index, ${small.runs} runs × ${small.pointsPerRun} pts`,
      value: cold.ms,
      unit: 'ms',
      max: 1000,
      floor: Math.min(...floors.map((f) => f.ms)),
      floorLabel: 'naive read+parse',
      note: `median of 3 (${colds.map((c) => Math.round(c.ms)).join(', ')} ms); read ${Math.round(cold.indexMs)} ms + store ${Math.round(cold.applyMs)} ms; ${(floors[0]!.bytes / 1e6).toFixed(0)} MB in ${floors[0]!.files} files`,
      invalid: pointsCheck(manifest, cold),
    });
  }

  if (wantLarge) {
    const { root, manifest } = ensureWorkspace(WORK, large, log);
    workspaces.large = manifest;
    const label = `${large.runs} runs × ${large.pointsPerRun} pts`;
    const snapshot = path.join(WORK, `snapshot-${path.basename(root)}.sqlite`);
    if (flags.only.has('large')) {
      const floors = [floorRead(root), floorRead(root)]; // the first one also warms the page cache
      const floor = Math.min(...floors.map((f) => f.ms));
      const cold = await inChild<ColdResult>({ kind: 'cold', root, snapshot }, flags.prof);
      const invalid = pointsCheck(manifest, cold);
      rows.push({
        id: 'large.cold',
        label: `cold index, ${label}`,
        value: cold.ms,
        unit: 'ms',
        max: 10_000,
        floor,
        floorLabel: 'naive read+parse',
        maxRatio: 2,
        note: `read ${Math.round(cold.indexMs)} ms + store ${Math.round(cold.applyMs)} ms; ${(floors[1]!.bytes / 1e6).toFixed(0)} MB in ${floors[1]!.files} files; ${cold.problems} problems`,
        invalid,
      });
      rows.push({
        id: 'large.memory',
        label: `peak RSS, cold index ${label}`,
        value: cold.maxRssMB,
        unit: 'MB',
        max: 1024,
        invalid,
      });
      const warm = await inChild<WarmResult>({ kind: 'warm', root, snapshot, floor: false }, flags.prof);
      const warmFloor = await inChild<WarmResult>({ kind: 'warm', root, snapshot, floor: true }, flags.prof);
      rows.push({
        id: 'large.warm',
        label: `warm start from snapshot, ${large.runs} runs`,
        value: warm.ms,
        unit: 'ms',
        max: 300,
        floor: warmFloor.ms,
        floorLabel: 'sql.js open + SELECT *',
        note: `snapshot ${(fs.statSync(snapshot).size / 1e6).toFixed(1)} MB`,
        invalid:
          warm.runs !== manifest.runs ? `warm start listed ${warm.runs} runs, expected ${manifest.runs}` : undefined,
      });
      if (!flags.keep) fs.rmSync(snapshot, { force: true });
    }
    if (flags.only.has('live')) {
      repairAppendTarget(root, manifest);
      const walkFloors = [floorStatWalk(root), floorStatWalk(root)];
      const live = await inChild<LiveResult>({ kind: 'live', root, append: manifest.appendTarget }, flags.prof);
      const fileFloor = floorReadFile(path.join(root, manifest.appendTarget.file));
      rows.push({
        id: 'live.stall',
        label: `longest event-loop stall, cold index ${label}`,
        value: live.stallMs,
        unit: 'ms',
        max: 50,
        floor: live.idleStallMs,
        floorLabel: 'same probe, idle',
        note: `WorkspaceIndex.indexAll ${(live.coldMs / 1000).toFixed(2)} s under a 1 ms setInterval probe (longest stall began ${Math.round(live.stallAtMs)} ms in); monitorEventLoopDelay max ${live.histMaxMs.toFixed(1)} ms`,
      });
      rows.push({
        id: 'live.reindex',
        label: `re-index, nothing changed, ${large.runs} runs`,
        value: live.reindexMs,
        unit: 'ms',
        max: 500,
        floor: Math.min(...walkFloors.map((f) => f.ms)),
        floorLabel: 'readdir + stat all',
        invalid:
          live.reindexRead !== 0 ? `${live.reindexRead} runs reported changed although nothing changed` : undefined,
      });
      rows.push({
        id: 'live.append',
        label: 'one line appended to one metric file → index updated',
        value: live.appendMs,
        unit: 'ms',
        max: 100,
        floor: fileFloor.ms,
        floorLabel: 'naive re-read of that file',
        note: `WorkspaceIndex.refresh([file]) after each of ${APPENDS} lines appended one by one, median (the extension adds a 250 ms debounce before it)`,
        invalid: live.appendOk === true ? undefined : live.appendOk,
      });
    }
    if (flags.only.has('vscode')) rows.push(...vscodeRows(root, manifest, label), ...codeLinksRows());
  }

  console.log(`\nRunlens benchmarks${flags.quick ? ' (--quick: small workspaces, full-size targets)' : ''}\n`);
  const results = printTable(rows, flags.quick, workspaces);
  const file = path.join(ROOT, 'bench', flags.quick ? 'results.quick.json' : 'results.json');
  writeResults(file, results);
  log(`\nwrote ${path.relative(process.cwd(), file)}`);
  if (results.rows.some((r) => !r.pass)) process.exitCode = 1;
}

async function peersChild(root: string): Promise<void> {
  const result = await runlensChild(root);
  await new Promise<void>((resolve) => process.send!(result, () => resolve()));
  process.exit(0);
}

async function child(taskJson: string): Promise<void> {
  const result = await runTask(JSON.parse(taskJson) as Task);
  await new Promise<void>((resolve) => process.send!(result, () => resolve()));
  process.exit(0);
}

const childAt = process.argv.indexOf('--child');
const peersAt = process.argv.indexOf(PEERS_CHILD);
(childAt >= 0
  ? child(process.argv[childAt + 1]!)
  : peersAt >= 0
    ? peersChild(process.argv[peersAt + 1]!)
    : main()
).catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(2);
});
