// The JSON the Runlens CLI on a host prints for an SSH source (`index --json --since`, `series --json`), and its
// reading back into Runs and Series. The reading side trusts nothing: the output crossed a network and came from
// whatever `runlens` the host's PATH found.
import type { Diagnostic, MetricSummary, ParamValue, Run, Series } from '../../model';
import { RUN_STATUSES, SOURCE_FORMATS } from '../../model';
import { runToJson, type RunJson } from '../../index';
import { jsonNumber } from '../../summary';
import { oneLine, setOwnKey } from '../untrusted';

/** The `format` field of `index --json --since`'s output; a new incompatible shape gets a new number. */
export const DELTA_FORMAT = 'runlens-index-delta/1';
/** The `format` field of `series --json`'s output. */
export const SERIES_FORMAT = 'runlens-series/1';

/** A run as `index --json --since` prints it: the `index --json` run plus what a remote copy needs to be whole. */
export interface WireRun extends RunJson {
  tags: Record<string, string>;
  parentId: string | null;
  deleted: boolean;
  /** startTime and endTime in ms since the epoch, exact (the ISO strings stop at whole milliseconds). */
  startMs: number | null;
  endMs: number | null;
}

/** `runlens index <dir> --json --since <token>`: the runs changed since the token, and the ids of every run. */
export interface DeltaJson {
  format: typeof DELTA_FORMAT;
  /** Give it back as `--since` next time to get only what changed after this read. */
  token: string;
  /** Runs new or changed since the token (every run when the token is empty or unknown). */
  runs: WireRun[];
  /** The id of every run the folder holds now, changed or not: a run missing here is gone. */
  ids: string[];
  diagnostics: Diagnostic[];
}

/** One curve as `series --json` prints it: non-finite values as strings, missing steps and times as null. */
export interface WireSeries {
  key: string;
  /** Index of the first point printed (the `--from` asked for); 0 for the whole curve. */
  from: number;
  /** Points in the whole curve (so a reader holding `from` points knows whether the rest fits on them). */
  total: number;
  steps: (number | null)[];
  values: (number | string)[];
  times: (number | null)[];
}

export interface SeriesJson {
  format: typeof SERIES_FORMAT;
  runId: string;
  series: WireSeries[];
}

export function wireRun(r: Run): WireRun {
  return {
    ...runToJson(r),
    tags: { ...r.tags },
    parentId: r.parentId,
    deleted: r.deleted,
    startMs: finiteOrNull(r.startTime),
    endMs: finiteOrNull(r.endTime),
  };
}

export function wireSeries(s: Series, from: number): WireSeries {
  const start = Math.min(Math.max(0, from), s.values.length);
  const steps: (number | null)[] = [];
  const values: (number | string)[] = [];
  const times: (number | null)[] = [];
  for (let i = start; i < s.values.length; i++) {
    steps.push(finiteOrNull(s.steps[i]!));
    values.push(jsonNumber(s.values[i]!) ?? 'NaN');
    times.push(finiteOrNull(s.times[i]!));
  }
  return { key: s.key, from: start, total: s.values.length, steps, values, times };
}

function finiteOrNull(v: number | null): number | null {
  return v !== null && Number.isFinite(v) ? v : null;
}

/** Output that is not what the remote CLI should print: the whole reply is refused (the caller keeps its runs). */
export class WireError extends Error {
  override name = 'WireError' as const;
}

/** Parses `index --json --since` output. A malformed run is a diagnostic and is left out; a malformed whole throws. */
export function parseDelta(text: string): { delta: Omit<DeltaJson, 'runs'>; runs: Run[]; problems: Diagnostic[] } {
  const doc = parseJson(text);
  if (!isObject(doc) || doc.format !== DELTA_FORMAT)
    throw new WireError(`not ${DELTA_FORMAT} output (format: ${isObject(doc) ? String(doc.format) : typeof doc})`);
  if (typeof doc.token !== 'string' || !Array.isArray(doc.runs) || !isStringArray(doc.ids))
    throw new WireError('token, runs or ids missing or of the wrong type');
  const problems: Diagnostic[] = [];
  const runs: Run[] = [];
  for (const [i, r] of doc.runs.entries()) {
    const run = decodeRun(r);
    if (typeof run === 'string')
      problems.push({ path: '', severity: 'error', message: `run ${i} of the host's reply left out: ${run}` });
    else runs.push(run);
  }
  const diagnostics = Array.isArray(doc.diagnostics) ? doc.diagnostics.filter(isDiagnostic) : [];
  return { delta: { format: DELTA_FORMAT, token: doc.token, ids: doc.ids, diagnostics }, runs, problems };
}

/** Parses `series --json` output into columns (non-finite values restored), each with its `from` and `total`. */
export function parseSeries(text: string): { runId: string; series: Array<Series & { from: number; total: number }> } {
  const doc = parseJson(text);
  if (!isObject(doc) || doc.format !== SERIES_FORMAT || typeof doc.runId !== 'string' || !Array.isArray(doc.series))
    throw new WireError(`not ${SERIES_FORMAT} output`);
  const runId = doc.runId;
  const series = doc.series.map((s, i) => {
    if (!isObject(s) || typeof s.key !== 'string' || !Array.isArray(s.steps) || !Array.isArray(s.values))
      throw new WireError(`series ${i}: key, steps or values missing`);
    if (!Array.isArray(s.times) || s.steps.length !== s.values.length || s.times.length !== s.values.length)
      throw new WireError(`series ${i} (${s.key}): columns of different lengths`);
    const n = s.values.length;
    const out = {
      runId,
      key: s.key,
      steps: new Float64Array(n),
      values: new Float64Array(n),
      times: new Float64Array(n),
      from: typeof s.from === 'number' ? s.from : 0,
      total: typeof s.total === 'number' ? s.total : n,
    };
    for (let j = 0; j < n; j++) {
      out.steps[j] = s.steps[j] === null ? NaN : num(s.steps[j]);
      out.values[j] = num(s.values[j]);
      out.times[j] = s.times[j] === null ? NaN : num(s.times[j]);
    }
    return out;
  });
  return { runId, series };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const head = oneLine(text.trim().slice(0, 80));
    throw new WireError(`the reply is not JSON${head ? ` (it starts "${head}")` : ' (it is empty)'}`);
  }
}

/** A run of the reply, or why it cannot be one. */
function decodeRun(r: unknown): Run | string {
  if (!isObject(r)) return 'not an object';
  if (typeof r.id !== 'string' || !r.id) return 'no id';
  if (!SOURCE_FORMATS.includes(r.format as never)) return `unknown format ${String(r.format)}`;
  if (typeof r.path !== 'string' || typeof r.name !== 'string') return 'no path or name';
  if (!isObject(r.metrics) || !isObject(r.params)) return 'no params or metrics';
  const metrics: Record<string, MetricSummary> = {};
  for (const [k, m] of Object.entries(r.metrics)) {
    if (!isObject(m) || typeof m.count !== 'number') return `metric ${k} malformed`;
    setOwnKey(metrics, k, {
      last: m.last === null ? null : num(m.last),
      lastStep: typeof m.lastStep === 'number' ? m.lastStep : null,
      min: typeof m.min === 'number' ? m.min : null,
      max: typeof m.max === 'number' ? m.max : null,
      count: m.count,
    });
  }
  const params: Record<string, ParamValue> = {};
  for (const [k, v] of Object.entries(r.params))
    setOwnKey(
      params,
      k,
      v === null || ['string', 'number', 'boolean'].includes(typeof v) ? (v as ParamValue) : String(v),
    );
  const git = isObject(r.git) ? r.git : {};
  return {
    id: r.id,
    format: r.format as Run['format'],
    path: r.path,
    name: r.name,
    experiment: typeof r.experiment === 'string' ? r.experiment : null,
    status: RUN_STATUSES.includes(r.status as never) ? (r.status as Run['status']) : 'unknown',
    startTime: typeof r.startMs === 'number' ? r.startMs : time(r.startTime),
    endTime: typeof r.endMs === 'number' ? r.endMs : time(r.endTime),
    git: {
      commit: typeof git.commit === 'string' ? git.commit : null,
      branch: typeof git.branch === 'string' ? git.branch : null,
      dirty: typeof git.dirty === 'boolean' ? git.dirty : null,
      remote: typeof git.remote === 'string' ? git.remote : null,
    },
    params,
    metrics,
    tags: isObject(r.tags) ? stringRecord(r.tags) : {},
    parentId: typeof r.parentId === 'string' ? r.parentId : null,
    deleted: r.deleted === true,
  };
}

/** A number of the contract: a number, or "NaN" / "Infinity" / "-Infinity"; anything else is NaN. */
function num(v: unknown): number {
  if (typeof v === 'number') return v;
  return v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : NaN;
}

function time(v: unknown): number | null {
  if (typeof v !== 'string') return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

function stringRecord(o: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) if (typeof v === 'string') setOwnKey(out, k, v);
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

function isDiagnostic(v: unknown): v is Diagnostic {
  return (
    isObject(v) &&
    typeof v.path === 'string' &&
    typeof v.message === 'string' &&
    (v.severity === 'error' || v.severity === 'warning')
  );
}
