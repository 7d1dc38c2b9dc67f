import { flattenParams, isPlainObject } from '../flatten';
import { NO_GIT, type GitInfo, type ParamValue, type RunStatus } from '../model';
import { parsePyJson } from './hfTrainer';
import type { ReadContext, Reader, RunDraft, Source, TreeView } from './types';
import { baseName, joinRel as join } from './paths';

/**
 * Sacred `FileStorageObserver` run folders (`<basedir>/<run id>/run.json` + `config.json`, `metrics.json`,
 * `cout.txt`). Every JSON file is `json.dump(flatten(obj), sort_keys=True, indent=2)` after a jsonpickle round
 * trip (IDSIA/sacred `observers/file_storage.py`, `serializer.py`): bare NaN tokens and `py/…` objects occur.
 */
export const sacredReader: Reader = {
  format: 'sacred',
  detect,
  read,
};

/** A RUNNING run whose heartbeat is older than this died without an event (Sacred beats every 10 s). */
export const STALE_HEARTBEAT_MS = 5 * 60 * 1000;

function detect(dir: string, tree: TreeView): Source[] {
  const entries = tree.list(dir);
  if (!entries) return [];
  let hasRun = false;
  let hasConfig = false;
  let hasMetrics = false;
  let hasCout = false;
  for (const e of entries) {
    if (!e.isFile) continue;
    if (e.name === 'run.json') hasRun = true;
    else if (e.name === 'config.json') hasConfig = true;
    else if (e.name === 'metrics.json') hasMetrics = true;
    else if (e.name === 'cout.txt') hasCout = true;
  }
  // A run that crashed before config.json was written still has its cout.txt; a lone run.json is too common a
  // name to claim.
  if (!hasRun || !(hasConfig || hasMetrics || hasCout)) return [];
  const files = [join(dir, 'run.json')];
  if (hasConfig) files.push(join(dir, 'config.json'));
  if (hasMetrics) files.push(join(dir, 'metrics.json'));
  return [{ format: 'sacred', dir, path: dir, files }];
}

async function read(source: Source, ctx: ReadContext): Promise<RunDraft[]> {
  const runFile = join(source.dir, 'run.json');
  const run = await readJson(ctx, runFile, true);
  // Not Sacred after all: some other tool's run.json.
  if (
    run.ok &&
    !(isPlainObject(run.value) && (isPlainObject(run.value.experiment) || typeof run.value.status === 'string'))
  ) {
    return [];
  }
  const meta: Record<string, unknown> = run.ok && isPlainObject(run.value) ? run.value : {};

  const id = baseName(source.dir);
  const experimentInfo = isPlainObject(meta.experiment) ? meta.experiment : {};
  const experiment = typeof experimentInfo.name === 'string' ? experimentInfo.name : null;
  const startTime = typeof meta.start_time === 'string' ? parseIsoUtc(meta.start_time) : null;
  const stopTime = typeof meta.stop_time === 'string' ? parseIsoUtc(meta.stop_time) : null;
  const heartbeat = typeof meta.heartbeat === 'string' ? parseIsoUtc(meta.heartbeat) : null;

  let status: RunStatus = 'unknown';
  if (typeof meta.status === 'string') {
    status = mapStatus(meta.status);
    if (status === 'running') {
      const last = heartbeat ?? startTime;
      if (last !== null && Date.now() - last > STALE_HEARTBEAT_MS) {
        status = 'unknown';
        ctx.problem(
          runFile,
          `sacred: status RUNNING but the last heartbeat is from ${new Date(last).toISOString()}; the process probably died`,
          'warning',
        );
      }
    }
  }

  let params: Record<string, ParamValue> = {};
  if (source.files.includes(join(source.dir, 'config.json'))) {
    const cfgFile = join(source.dir, 'config.json');
    const cfg = await readJson(ctx, cfgFile, false);
    if (cfg.ok) {
      if (isPlainObject(cfg.value)) params = flattenParams(unpickle(cfg.value));
      else ctx.problem(cfgFile, 'sacred: config.json is not an object');
    }
  }

  const metricsFile = join(source.dir, 'metrics.json');
  if (source.files.includes(metricsFile)) {
    const metrics = await readJson(ctx, metricsFile, true);
    if (metrics.ok) emitMetrics(metrics.value, metricsFile, ctx);
  }

  return [
    {
      path: source.path,
      format: 'sacred',
      name: experiment !== null ? `${experiment} ${id}` : id,
      experiment,
      status,
      startTime,
      endTime: stopTime,
      git: gitOf(experimentInfo),
      params,
      tags: {},
      parentPath: null,
      deleted: false,
    },
  ];
}

function mapStatus(s: string): RunStatus {
  switch (s) {
    case 'COMPLETED':
      return 'finished';
    case 'FAILED':
      return 'failed';
    case 'INTERRUPTED':
    case 'TIMEOUT':
      return 'killed';
    case 'RUNNING':
      return 'running';
    default:
      // QUEUED, and custom interrupt STATUS strings whose meaning is unknown.
      return 'unknown';
  }
}

type JsonRead = { ok: true; value: unknown } | { ok: false };

/**
 * Reads one JSON file. Sacred rewrites run.json and metrics.json in place (not atomically), so a parse failure
 * may be a rewrite caught half-way: read once more before diagnosing.
 */
async function readJson(ctx: ReadContext, file: string, retry: boolean): Promise<JsonRead> {
  let text = await ctx.readText(file);
  if (text === undefined) return { ok: false };
  let parsed = parsePyJson(text);
  if (!parsed.ok && retry) {
    const again = await ctx.readText(file);
    if (again !== undefined && again !== text) {
      text = again;
      parsed = parsePyJson(text);
    }
  }
  if (!parsed.ok) {
    ctx.problem(file, `sacred: not JSON: ${parsed.error}`);
    return { ok: false };
  }
  return { ok: true, value: parsed.value };
}

/** metrics.json: `{name: {steps: [...], timestamps: [...], values: [...]}}` (sacred `metrics_logger.py`). */
function emitMetrics(doc: unknown, file: string, ctx: ReadContext): void {
  if (!isPlainObject(doc)) {
    ctx.problem(file, 'sacred: metrics.json is not an object');
    return;
  }
  const sink = ctx.sink();
  for (const key of Object.keys(doc)) {
    const m = doc[key];
    if (!isPlainObject(m) || !Array.isArray(m.values)) {
      ctx.problem(file, `sacred: metric "${key}" has no values list`);
      continue;
    }
    const values = m.values as unknown[];
    const steps = Array.isArray(m.steps) ? (m.steps as unknown[]) : undefined;
    const times = Array.isArray(m.timestamps) ? (m.timestamps as unknown[]) : undefined;
    let n = values.length;
    if (steps && steps.length !== n) n = Math.min(n, steps.length);
    if (n !== values.length || (times && times.length !== values.length)) {
      ctx.problem(
        file,
        `sacred: metric "${key}" has ${values.length} values, ${steps?.length ?? 0} steps and ${times?.length ?? 0} timestamps; read ${n}`,
        'warning',
      );
    }
    for (let i = 0; i < n; i++) {
      const v = values[i];
      // Anything JSON-able can be logged (lists, strings): only numbers make a curve.
      if (typeof v !== 'number') continue;
      const s = steps ? steps[i] : i;
      const t = times && typeof times[i] === 'string' ? parseIsoUtc(times[i] as string) : null;
      sink(key, typeof s === 'number' ? s : NaN, v, t ?? NaN);
    }
  }
}

/** Git from `experiment.repositories` (`{url, commit, dirty}` each): the repo holding the main file, or the first. */
function gitOf(experiment: Record<string, unknown>): GitInfo {
  const repos = Array.isArray(experiment.repositories) ? experiment.repositories.filter(isPlainObject) : [];
  if (repos.length === 0) return { ...NO_GIT };
  let repo = repos[0]!;
  if (repos.length > 1 && typeof experiment.base_dir === 'string') {
    // Only `"git:/" + repo.working_dir` urls (no remote) say where a repo lies; the innermost one holding the
    // main file wins (submodules, nested repos).
    const main = slashes(
      typeof experiment.mainfile === 'string' ? `${experiment.base_dir}/${experiment.mainfile}` : experiment.base_dir,
    );
    let best = -1;
    for (const r of repos) {
      if (typeof r.url !== 'string' || !r.url.startsWith('git:/')) continue;
      const wd = slashes(r.url.slice(5)).replace(/\/+$/, '');
      if ((main === wd || main.startsWith(wd + '/')) && wd.length > best) {
        best = wd.length;
        repo = r;
      }
    }
  }
  const url = typeof repo.url === 'string' ? repo.url : null;
  return {
    commit: typeof repo.commit === 'string' ? repo.commit : null,
    branch: null,
    dirty: typeof repo.dirty === 'boolean' ? repo.dirty : null,
    remote: url !== null && !url.startsWith('git:/') ? url : null,
  };
}

/**
 * Undoes what jsonpickle does to config values: `{"py/tuple": [...]}` becomes the list; other `py/…` objects
 * (numpy arrays, custom classes) stay opaque and become JSON text in the params.
 */
function unpickle(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unpickle);
  if (!isPlainObject(v)) return v;
  if ('py/tuple' in v && Array.isArray(v['py/tuple'])) return (v['py/tuple'] as unknown[]).map(unpickle);
  const keys = Object.keys(v);
  if (keys.some((k) => k.startsWith('py/'))) return JSON.stringify(v);
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = unpickle(v[k]);
  return out;
}

/**
 * Sacred times are `datetime.utcnow().isoformat()`: naive UTC, microseconds optional. A `Z` or `±hh:mm` suffix
 * (aware datetimes) is honoured. Parsed by position: metric timestamps come by the thousand.
 */
export function parseIsoUtc(s: string): number | null {
  if (
    s.length < 19 ||
    s.charCodeAt(4) !== 0x2d ||
    s.charCodeAt(7) !== 0x2d ||
    s.charCodeAt(13) !== 0x3a ||
    s.charCodeAt(16) !== 0x3a
  )
    return null;
  const sep = s.charCodeAt(10);
  if (sep !== 0x54 && sep !== 0x20) return null;
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const sec = digits(s, 17, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60)
    return null;
  let i = 19;
  let ms = 0;
  if (i < s.length && s.charCodeAt(i) === 0x2e) {
    i++;
    let scale = 100;
    while (i < s.length) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      ms += c * scale;
      scale /= 10;
      i++;
    }
  }
  let offsetMin = 0;
  if (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 0x5a && i === s.length - 1) offsetMin = 0;
    else if ((c === 0x2b || c === 0x2d) && s.length === i + 6 && s.charCodeAt(i + 3) === 0x3a) {
      const oh = digits(s, i + 1, 2);
      const om = digits(s, i + 4, 2);
      if (oh < 0 || om < 0) return null;
      offsetMin = (c === 0x2d ? -1 : 1) * (oh * 60 + om);
    } else return null;
  }
  return Date.UTC(y, mo - 1, d, h, mi, sec) + Math.round(ms * 1000) / 1000 - offsetMin * 60_000;
}

function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

function slashes(p: string): string {
  return p.replace(/\\/g, '/');
}
