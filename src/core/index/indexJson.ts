import type { Diagnostic, Run } from '../model';
import { jsonNumber } from '../summary';

/** The `index --json` contract: other tools read it, so its shape is stable. */
export interface IndexJson {
  runs: RunJson[];
  diagnostics: Diagnostic[];
}

export interface RunJson {
  id: string;
  format: Run['format'];
  path: string;
  name: string;
  experiment: string | null;
  status: Run['status'];
  startTime: string | null;
  endTime: string | null;
  git: Run['git'];
  /** The remote source the run came from (absent for the workspace's own runs). */
  source?: string;
  params: Run['params'];
  metrics: Record<
    string,
    { last: number | string | null; lastStep: number | null; min: number | null; max: number | null; count: number }
  >;
}

export function toIndexJson(runs: readonly Run[], diagnostics: readonly Diagnostic[]): IndexJson {
  return {
    runs: [...runs].sort(byFormatAndPath).map(runToJson),
    diagnostics: [...diagnostics].sort((a, b) => cmp(a.path, b.path) || cmp(a.message, b.message)),
  };
}

export function runToJson(r: Run): RunJson {
  const metrics: RunJson['metrics'] = {};
  for (const [k, m] of Object.entries(r.metrics)) {
    metrics[k] = { last: jsonNumber(m.last), lastStep: m.lastStep, min: m.min, max: m.max, count: m.count };
  }
  return {
    id: r.id,
    format: r.format,
    path: r.path,
    name: r.name,
    experiment: r.experiment,
    status: r.status,
    startTime: isoTime(r.startTime),
    endTime: isoTime(r.endTime),
    git: { ...r.git },
    ...(r.source ? { source: r.source } : {}),
    params: { ...r.params },
    metrics,
  };
}

/** ISO-8601 UTC with milliseconds, or null for a missing or impossible time. */
export function isoTime(ms: number | null): string | null {
  if (ms === null || !Number.isFinite(ms)) return null;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

function byFormatAndPath(a: Run, b: Run): number {
  return cmp(a.format, b.format) || cmp(a.path, b.path);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
