/**
 * Weights & Biases local run folders: `wandb/run-*`, `wandb/offline-run-*` (and SDK ≤ 0.9 `dryrun-*`).
 * The binary transaction log `run-<id>.wandb` is the source of truth (history, config, summary, run, exit);
 * `files/config.yaml`, `files/wandb-summary.json` and `files/wandb-metadata.json` (online runs only in
 * wandb-core) fill in what the log lacks. Spec: ../shared/formats/wandb.md, ../shared/formats/git-linkage.md.
 */
import { parse as parseYaml } from 'yaml';
import { flattenParams } from '../../flatten';
import type { GitInfo, RunStatus } from '../../model';
import type { DirEntry, ReadContext, Reader, RunDraft, Source, TailParser, TreeView } from '../types';
import { WandbJsonlParser, type WandbJsonlState } from './wandbHistoryJsonl';
import { isObject, numericLeaves, parseExtJson } from './wandbJson';
import { isLogState, materialize, WandbLogParser, type WandbLogState } from './wandbLog';
import { baseName, joinRel } from '../paths';

const RUN_DIR = /^(?:run|offline-run|dryrun)-/;
/** `<mode>-YYYYMMDD_HHMMSS-` prefix of a run folder; the rest is the run id (which may contain `-`). */
const RUN_DIR_PREFIX = /^(?:run|offline-run|dryrun)-\d{8}_\d{6}-/;
/** Files that make a `wandb/run-*` folder without a `.wandb` log a run (SDK ≤ 0.9, or the log disabled). */
const RUN_FILES = ['wandb-history.jsonl', 'wandb-metadata.json', 'config.yaml', 'wandb-summary.json'];
/** Without an exit record, a log touched this recently belongs to a run still going. */
export const RUNNING_WINDOW_MS = 30 * 60 * 1000;

function parentName(rel: string): string {
  const slash = rel.lastIndexOf('/');
  return slash < 0 ? '' : baseName(rel.slice(0, slash));
}

function isLog(e: DirEntry): boolean {
  return e.isFile && e.name.endsWith('.wandb') && e.name.length > 6;
}

function has(entries: readonly DirEntry[] | undefined, name: string): boolean {
  return !!entries?.some((e) => e.isFile && e.name === name);
}

/** Where the text files live: `files/` (≥ 0.10) or the run folder itself (≤ 0.9). */
function textDir(dir: string, tree: TreeView): { rel: string; entries: readonly DirEntry[] } {
  const entries = tree.list(dir) ?? [];
  const files = joinRel(dir, 'files');
  const sub = entries.some((e) => e.isDir && e.name === 'files') ? tree.list(files) : undefined;
  return sub ? { rel: files, entries: sub } : { rel: dir, entries };
}

export const wandbReader: Reader = {
  format: 'wandb',

  detect(dir: string, tree: TreeView): Source[] {
    if (!RUN_DIR.test(baseName(dir))) return [];
    const entries = tree.list(dir);
    if (!entries) return [];
    const logs = entries.filter(isLog).map((e) => joinRel(dir, e.name));
    const text = textDir(dir, tree);
    const texts = RUN_FILES.filter((n) => has(text.entries, n)).map((n) => joinRel(text.rel, n));
    if (has(text.entries, 'diff.patch')) texts.push(joinRel(text.rel, 'diff.patch'));
    if (logs.length === 0) {
      // Without a log, only trust the generic file names inside a `wandb/` (or `.wandb/`) folder.
      const parent = parentName(dir);
      if ((parent !== 'wandb' && parent !== '.wandb') || !RUN_FILES.some((n) => has(text.entries, n))) return [];
    }
    return [{ format: 'wandb', dir, path: dir, files: [...logs, ...texts] }];
  },

  async read(source: Source, ctx: ReadContext): Promise<RunDraft[]> {
    return [await readRun(source, ctx)];
  },
};

/** Reads an append-only file through `parser`; resolves with the parser's state (carried over when unchanged). */
async function tailState<S>(
  ctx: ReadContext,
  rel: string,
  runPath: string,
  parser: TailParser<S>,
  isState: (v: unknown) => v is S,
): Promise<S | undefined> {
  const state = await ctx.tail(rel, parser, runPath);
  return isState(state) ? state : undefined;
}

/** The run's W&B tags (as keys with empty values) and the W&B fields worth a tag: ids, group, host, program… */
function runTags(
  info: WandbLogState['info'] | undefined,
  meta: Record<string, unknown> | undefined,
  runId: string,
): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const t of info?.tags ?? []) if (t) tags[t] = '';
  const extra: Array<[string, unknown]> = [
    ['wandb.runId', runId],
    ['wandb.entity', info?.entity],
    ['wandb.group', info?.group],
    ['wandb.jobType', info?.jobType],
    ['wandb.notes', info?.notes ?? meta?.['notes']],
    ['wandb.sweepId', info?.sweepId],
    ['wandb.host', info?.host ?? meta?.['host']],
    ['wandb.program', meta?.['program']],
    ['wandb.codePath', meta?.['codePath']],
  ];
  for (const [k, v] of extra) if (typeof v === 'string' && v !== '') tags[k] = v;
  return tags;
}

function isJsonlState(v: unknown): v is WandbJsonlState {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'wandb-jsonl';
}

/**
 * Keys known only from the summary get one point at the summary's `_step`; returns the summary's time (ms, NaN when
 * it has none).
 */
function summaryPoints(
  summary: Record<string, unknown>,
  logs: readonly WandbLogState[],
  jsonl: WandbJsonlState | undefined,
  sink: ReturnType<ReadContext['sink']>,
): number {
  const historyKeys: Record<string, 1> = {};
  for (const l of logs) Object.assign(historyKeys, l.keys);
  if (jsonl) Object.assign(historyKeys, jsonl.keys);
  const sStep = summary['_step'];
  const sTime = summary['_timestamp'];
  const step = typeof sStep === 'number' && Number.isInteger(sStep) ? sStep : NaN;
  const time = typeof sTime === 'number' && Number.isFinite(sTime) ? sTime * 1000 : NaN;
  for (const [k, v] of Object.entries(summary)) {
    if (k === '' || k.charCodeAt(0) === 0x5f) continue;
    numericLeaves(k, v, (key, value) => {
      if (!knownFrom(historyKeys, key)) sink(key, step, value, time);
    });
  }
  return time;
}

async function readRun(source: Source, ctx: ReadContext): Promise<RunDraft> {
  const dir = source.dir;
  const entries = ctx.tree.list(dir) ?? [];
  const logEntries = entries.filter(isLog);
  const logs: WandbLogState[] = [];
  let newestMtime = 0;
  for (const e of logEntries) {
    const rel = joinRel(dir, e.name);
    newestMtime = Math.max(newestMtime, e.mtimeMs);
    const st = await tailState(ctx, rel, source.path, new WandbLogParser(), isLogState);
    if (st) logs.push(st);
    if (st?.header === 0 && e.size > 0) {
      ctx.problem(rel, 'wandb: transaction log shorter than its 7-byte header (not written yet)', 'warning');
    }
  }
  // With several logs (unusual), the last one with a run record describes the run.
  const log = [...logs].reverse().find((l) => l.info.hasRun) ?? logs[logs.length - 1];

  let jsonl: WandbJsonlState | undefined;
  const jsonlEntry = entries.find((e) => e.isFile && e.name === 'wandb-history.jsonl');
  if (jsonlEntry && logEntries.length === 0) {
    newestMtime = Math.max(newestMtime, jsonlEntry.mtimeMs);
    jsonl = await tailState(ctx, joinRel(dir, jsonlEntry.name), source.path, new WandbJsonlParser(), isJsonlState);
  }

  const text = textDir(dir, ctx.tree);
  const configYaml = has(text.entries, 'config.yaml')
    ? await readConfigYaml(ctx, joinRel(text.rel, 'config.yaml'))
    : undefined;
  const summaryFile = has(text.entries, 'wandb-summary.json')
    ? await readJsonObject(ctx, joinRel(text.rel, 'wandb-summary.json'))
    : undefined;
  const meta = has(text.entries, 'wandb-metadata.json')
    ? await readJsonObject(ctx, joinRel(text.rel, 'wandb-metadata.json'))
    : undefined;
  const dirty = has(text.entries, 'diff.patch') ? true : null;
  if (!log && !jsonl) {
    for (const n of RUN_FILES) {
      const e = text.entries.find((x) => x.isFile && x.name === n);
      if (e) newestMtime = Math.max(newestMtime, e.mtimeMs);
    }
  }

  // Params: config.yaml, then the log's config (fresher for a run being written). `_wandb` is W&B's own.
  const config: Record<string, unknown> = { ...(configYaml?.values ?? {}) };
  if (log) {
    const fromLog = materialize(log.config, (p) =>
      ctx.problem(logPath(dir, logEntries), `wandb: config value of "${p}" is not JSON; skipped`),
    );
    Object.assign(config, fromLog);
  }
  const wandbInternal = config['_wandb'];
  delete config['_wandb'];
  const params = flattenParams(config);

  // Summary: wandb-summary.json, overlaid by the log's summary.
  const summary: Record<string, unknown> = { ...(summaryFile ?? {}) };
  if (log) Object.assign(summary, materialize(log.summary));

  const time = summaryPoints(summary, logs, jsonl, ctx.sink(source.path));

  const info = log?.info;
  const fileId = logEntries.map((e) => /^run-(.+)\.wandb$/.exec(e.name)?.[1]).find((x) => x);
  const dirId = baseName(dir).replace(RUN_DIR_PREFIX, '');
  const runId = info?.runId ?? fileId ?? dirId;
  if (info?.runId && fileId && info.runId !== fileId) {
    ctx.problem(
      logPath(dir, logEntries),
      `wandb: run id "${info.runId}" in the log differs from the file name's "${fileId}"`,
      'warning',
    );
  }

  const metaGit = isObject(meta?.['git']) ? meta['git'] : undefined;
  const envGit = configEnvGit(wandbInternal);
  const git: GitInfo = {
    commit: info?.gitCommit ?? str(metaGit?.['commit']) ?? envGit.commit,
    branch: null,
    // W&B records no dirty flag: `diff.patch` is written only for a non-empty `git diff HEAD`.
    dirty,
    remote: info?.gitRemote ?? str(metaGit?.['remote']) ?? envGit.remote,
  };

  const startTime = info?.startTime ?? info?.envStartTime ?? isoTime(meta?.['startedAt']) ?? null;
  let endTime: number | null = null;
  for (const l of logs) if (l.lastTime !== null && (endTime === null || l.lastTime > endTime)) endTime = l.lastTime;
  if (jsonl?.lastTime != null && (endTime === null || jsonl.lastTime > endTime)) endTime = jsonl.lastTime;
  if (endTime === null && startTime !== null && info?.exitRuntime) endTime = startTime + info.exitRuntime * 1000;
  if (endTime === null && !Number.isNaN(time)) endTime = time;

  const tags = runTags(info, meta, runId);

  return {
    path: source.path,
    format: 'wandb',
    name: info?.name ?? str(meta?.['name']) ?? runId,
    experiment: info?.project ?? str(meta?.['project']) ?? null,
    status: status(info, meta, newestMtime),
    startTime,
    endTime,
    git,
    params,
    tags,
    parentPath: null,
    deleted: false,
  };
}

function logPath(dir: string, logs: readonly DirEntry[]): string {
  return logs.length > 0 ? joinRel(dir, logs[0]!.name) : dir;
}

/** A summary key is a history metric when it, or one of its parents, got history points (`loss` → `loss.min`). */
function knownFrom(keys: Record<string, 1>, key: string): boolean {
  if (keys[key]) return true;
  for (let dot = key.indexOf('.'); dot > 0; dot = key.indexOf('.', dot + 1)) {
    if (keys[key.slice(0, dot)]) return true;
  }
  return false;
}

function status(
  info: WandbLogState['info'] | undefined,
  meta: Record<string, unknown> | undefined,
  mtimeMs: number,
): RunStatus {
  if (info?.hasExit) return info.exitCode === 0 ? 'finished' : 'failed';
  if (info?.preempting) return 'killed';
  if (!info && meta) {
    // SDK ≤ 0.9 wrote the final state and exit code into the metadata (0.10+ always says "running").
    const state = meta['state'];
    if (state === 'finished' || state === 'failed' || state === 'killed') return state;
    const code = meta['exitcode'];
    if (typeof code === 'number') return code === 0 ? 'finished' : code === 255 ? 'killed' : 'failed';
  }
  if (mtimeMs > 0 && Date.now() - mtimeMs < RUNNING_WINDOW_MS) return 'running';
  return 'unknown';
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** Metadata `startedAt`: RFC 3339 with `Z` (core) or naive ISO in UTC (Python client). */
function isoTime(v: unknown): number | null {
  if (typeof v !== 'string' || v === '') return null;
  const naive = !/(?:Z|[+-]\d\d:?\d\d)$/i.test(v);
  const ms = Date.parse(naive ? `${v}Z` : v);
  return Number.isNaN(ms) ? null : ms;
}

/** core ≥ 0.21 online: `_wandb.e.<writer>.git` in config.yaml. */
function configEnvGit(wandbInternal: unknown): { commit: string | null; remote: string | null } {
  const out = { commit: null as string | null, remote: null as string | null };
  const e = isObject(wandbInternal) ? wandbInternal['e'] : undefined;
  if (!isObject(e)) return out;
  for (const writer of Object.values(e)) {
    const g = isObject(writer) ? writer['git'] : undefined;
    if (!isObject(g)) continue;
    out.commit ??= str(g['commit']);
    out.remote ??= str(g['remote']);
  }
  return out;
}

/**
 * `config.yaml` in either dialect (`key: {value: …}` from wandb-core; `wandb_version: 1` + `key: {desc, value}`
 * from the Python client), unwrapped as the SDK's `dict_from_config_file` does.
 */
async function readConfigYaml(ctx: ReadContext, rel: string): Promise<{ values: Record<string, unknown> } | undefined> {
  const text = await ctx.readText(rel, { optional: true });
  if (text === undefined) return undefined;
  let doc: unknown;
  try {
    doc = parseYaml(text, { logLevel: 'error', uniqueKeys: false, maxAliasCount: 1000 });
  } catch (err) {
    ctx.problem(rel, `wandb: config is not valid YAML: ${firstLine(err)}`);
    return undefined;
  }
  if (doc === null || doc === undefined) return { values: {} };
  if (!isObject(doc)) {
    ctx.problem(rel, 'wandb: config is not a YAML mapping');
    return undefined;
  }
  const version = doc['wandb_version'];
  if (version !== undefined && version !== 1)
    ctx.problem(rel, `wandb: unsupported config wandb_version ${String(version)}`, 'warning');
  const values: Record<string, unknown> = {};
  let unwrapped = 0;
  for (const [k, v] of Object.entries(doc)) {
    if (k === 'wandb_version') continue;
    if (isObject(v) && 'value' in v) values[k] = v['value'];
    else {
      // Hand-edited: a bare value. Keep it.
      values[k] = v;
      unwrapped++;
    }
  }
  if (unwrapped > 0)
    ctx.problem(rel, `wandb: ${unwrapped} config key(s) not wrapped in {value: …}; read as-is`, 'warning');
  return { values };
}

/** A JSON object file written with W&B's extended JSON (bare NaN/Infinity); undefined + diagnostic otherwise. */
async function readJsonObject(ctx: ReadContext, rel: string): Promise<Record<string, unknown> | undefined> {
  const text = await ctx.readText(rel, { optional: true });
  if (text === undefined) return undefined;
  if (text.trim() === '') return undefined;
  let v: unknown;
  try {
    v = parseExtJson(text);
  } catch (err) {
    // Written whole on change: a reader can catch it mid-rewrite.
    ctx.problem(rel, `wandb: not valid JSON (being rewritten?): ${firstLine(err)}`);
    return undefined;
  }
  if (!isObject(v)) {
    ctx.problem(rel, 'wandb: expected a JSON object');
    return undefined;
  }
  return v;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}
