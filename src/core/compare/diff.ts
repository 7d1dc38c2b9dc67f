import type { MetricSummary, ParamValue, Run } from '../model';
import { guessDirection, type Direction } from './direction';

/** One param across the compared runs. `undefined` = the run has no such param (distinct from ""/null). */
export interface ParamRow {
  key: string;
  values: Array<ParamValue | undefined>;
  /** Some run's value differs from the baseline's (missing counts as different). */
  differs: boolean;
}

export interface MetricCell {
  summary: MetricSummary | undefined;
  /** last − baseline last; undefined without both finite. */
  delta: number | undefined;
  /** delta / |baseline last| × 100; undefined when the baseline is 0 or missing. */
  pct: number | undefined;
  /** The value this run is judged by (best over its points in the metric's direction, else last). */
  best: number | undefined;
}

export interface MetricRow {
  key: string;
  direction: Direction | undefined;
  cells: MetricCell[];
  /** Index of the run with the best value, when the direction is known and someone has a value. */
  bestRun: number | undefined;
}

export interface RunDiff {
  runs: Run[];
  baseline: number;
  params: ParamRow[];
  metrics: MetricRow[];
}

export interface DiffOptions {
  /** Index of the baseline run (default 0). */
  baseline?: number;
  /** Keep params that are equal everywhere. */
  all?: boolean;
  /** Direction overrides per metric key. */
  directions?: Readonly<Record<string, Direction>>;
}

/** Diffs params and metric summaries of runs against a baseline. */
export function diffRuns(runs: readonly Run[], opts: DiffOptions = {}): RunDiff {
  const baseline = Math.min(Math.max(opts.baseline ?? 0, 0), Math.max(runs.length - 1, 0));
  return {
    runs: [...runs],
    baseline,
    params: diffParams(runs, baseline, opts.all ?? false),
    metrics: diffMetrics(runs, baseline, opts.directions ?? {}),
  };
}

export function diffParams(runs: readonly Run[], baseline: number, all: boolean): ParamRow[] {
  const keys = sortedUnion(runs.map((r) => Object.keys(r.params)));
  const rows: ParamRow[] = [];
  for (const key of keys) {
    const values = runs.map((r) => (Object.prototype.hasOwnProperty.call(r.params, key) ? r.params[key] : undefined));
    const base = values[baseline];
    const differs = values.some((v) => !sameParam(v, base));
    if (differs || all) rows.push({ key, values, differs });
  }
  return rows;
}

export function diffMetrics(
  runs: readonly Run[],
  baseline: number,
  directions: Readonly<Record<string, Direction>>,
): MetricRow[] {
  const keys = sortedUnion(runs.map((r) => Object.keys(r.metrics)));
  return keys.map((key) => {
    const direction = directions[key] ?? guessDirection(key);
    const base = runs[baseline]?.metrics[key]?.last;
    const cells = runs.map((r): MetricCell => {
      const summary = r.metrics[key];
      const last = summary?.last;
      const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);
      const delta = finite(last) && finite(base) ? last - base : undefined;
      const pct = delta !== undefined && finite(base) && base !== 0 ? (delta / Math.abs(base)) * 100 : undefined;
      const best = summary
        ? ((direction === 'lower' ? summary.min : direction === 'higher' ? summary.max : summary.last) ?? undefined)
        : undefined;
      return { summary, delta, pct, best: finite(best) ? best : undefined };
    });
    return { key, direction, cells, bestRun: bestIndex(cells, direction) };
  });
}

function bestIndex(cells: readonly MetricCell[], direction: Direction | undefined): number | undefined {
  // "Best" needs a direction and at least two runs to be best among.
  if (!direction || cells.filter((c) => c.best !== undefined).length < 2) return undefined;
  let best: number | undefined;
  cells.forEach((c, i) => {
    if (c.best === undefined) return;
    if (best === undefined || (direction === 'lower' ? c.best < cells[best]!.best! : c.best > cells[best]!.best!))
      best = i;
  });
  return best;
}

/** Params compare by value; numbers and numeric strings of the same number are equal ("0.1" and 0.1). */
export function sameParam(a: ParamValue | undefined, b: ParamValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (typeof a === 'boolean' || typeof b === 'boolean') return String(a).toLowerCase() === String(b).toLowerCase();
  const na = Number(a);
  const nb = Number(b);
  if (a !== '' && b !== '' && !Number.isNaN(na) && !Number.isNaN(nb)) return na === nb;
  return String(a) === String(b);
}

function sortedUnion(lists: readonly string[][]): string[] {
  const set = new Set<string>();
  for (const l of lists) for (const k of l) set.add(k);
  return [...set].sort();
}
