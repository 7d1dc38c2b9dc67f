import type { Series } from '../../model';
import { mlflowCall, MlflowHttpError, type MlflowHttpOptions } from './mlflowHttp';

/**
 * A metric's points on an MLflow server: the whole history (`metrics/get-history`, page by page), or a sample of it
 * for many runs in one call (`metrics/get-history-bulk-interval`, which servers since MLflow 2.9 have: at most 100
 * run ids and one key per call, at most 2,500 points per run, evenly spaced over the logged points, the first and
 * last always among them) — what the compare view draws first while the whole history is read.
 */

/** Run ids per bulk-interval call (the server refuses more). */
export const BULK_RUNS = 100;
/** The server's most points per run of one bulk-interval call. */
export const BULK_MAX_POINTS = 2500;

export interface Point {
  step: number;
  value: number;
  time: number;
}

/** Every point of one run's metric, paging through get-history. */
export async function readHistory(
  http: MlflowHttpOptions,
  runId: string,
  key: string,
  pageSize: number,
  signal: AbortSignal,
): Promise<Point[]> {
  const points: Point[] = [];
  let token: string | undefined;
  do {
    const page = await mlflowCall(
      http,
      'metrics/get-history',
      { get: { run_id: runId, metric_key: key, max_results: pageSize, page_token: token } },
      signal,
    );
    for (const m of metricsOf(page)) points.push(toPoint(m));
    token = typeof page.next_page_token === 'string' && page.next_page_token ? page.next_page_token : undefined;
  } while (token);
  return points;
}

/**
 * A sample of one metric of many runs (at most `perRun` points each), by run id; undefined when the server does not
 * have the endpoint (404, 501, ENDPOINT_NOT_FOUND: older servers, and services that do not serve it).
 */
export async function readSampled(
  http: MlflowHttpOptions,
  runIds: readonly string[],
  key: string,
  perRun: number,
  signal: AbortSignal,
): Promise<Map<string, Point[]> | undefined> {
  const out = new Map<string, Point[]>();
  for (let i = 0; i < runIds.length; i += BULK_RUNS) {
    let page: Record<string, unknown>;
    try {
      page = await mlflowCall(
        http,
        'metrics/get-history-bulk-interval',
        { get: { run_ids: runIds.slice(i, i + BULK_RUNS), metric_key: key, max_results: perRun } },
        signal,
      );
    } catch (err) {
      if (notServed(err)) return undefined;
      throw err;
    }
    for (const m of metricsOf(page)) {
      // Each point names its run; one naming a run not asked for is not taken.
      if (typeof m.run_id !== 'string' || !runIds.includes(m.run_id)) continue;
      let list = out.get(m.run_id);
      if (!list) out.set(m.run_id, (list = []));
      list.push(toPoint(m));
    }
  }
  return out;
}

/** Whether an error says the endpoint is not there (rather than that this call failed). */
function notServed(err: unknown): boolean {
  return (
    err instanceof MlflowHttpError &&
    (err.status === 404 || err.status === 501 || err.errorCode === 'ENDPOINT_NOT_FOUND')
  );
}

/** Points as a series, in step order (the server promises none): by step, then time, as the file readers give them. */
export function toSeries(runId: string, key: string, points: Point[]): Series {
  points.sort((a, b) => a.step - b.step || a.time - b.time);
  return {
    runId,
    key,
    steps: Float64Array.from(points, (p) => p.step),
    values: Float64Array.from(points, (p) => p.value),
    times: Float64Array.from(points, (p) => p.time),
  };
}

interface ApiMetric {
  value?: unknown;
  step?: unknown;
  timestamp?: unknown;
  run_id?: unknown;
}

function metricsOf(page: Record<string, unknown>): ApiMetric[] {
  const list = page.metrics;
  return Array.isArray(list) ? (list as unknown[]).filter((m): m is ApiMetric => !!m && typeof m === 'object') : [];
}

function toPoint(m: ApiMetric): Point {
  return { step: num(m.step) ?? 0, value: metricValue(m.value), time: num(m.timestamp) ?? NaN };
}

/** int64 fields arrive as numbers or (proto3 JSON) strings. */
export function num(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
}

/** Metric values: numbers, or "NaN" / "Infinity" / "-Infinity" as proto3 JSON writes them. */
export function metricValue(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim()) return Number(v);
  return NaN;
}
