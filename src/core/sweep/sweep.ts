// What the Sweep view shows of a set of runs: one axis per param that varies plus the chosen metric, the runs'
// groups (configurations with the seeds left out, core/groups) for the scatter's colours, and the params ranked by
// Spearman's ρ with the metric. JSON-safe (it crosses postMessage and `runlens groups --json`): missing is null.
import { guessDirection } from '../compare/direction';
import { formatParam } from '../compare/format';
import { groupRuns } from '../groups/groups';
import { metricValue } from '../groups/values';
import type { ParamValue, Run } from '../model';
import { numericDomain } from './axes';
import { spearman } from './spearman';
import type { SweepAxis, SweepData, SweepRank } from './types';

export type { SweepAxis, SweepData, SweepRank } from './types';

/** More param axes than this and the lines are a blur: the params most correlated with the metric are kept. */
export const MAX_PARAM_AXES = 15;
/** A text param with more values than this (paths, timestamps) is no axis: nothing lines up on it. */
export const MAX_CATEGORIES = 40;
/** Other metrics offered as the scatter's x. */
export const MAX_OTHER_METRICS = 20;

/** The metric the view opens on: `preferred` when a run has it, else the one most runs have (ties by name). */
export function defaultMetric(runs: readonly Run[], preferred?: string): string | null {
  const counts = new Map<string, number>();
  for (const r of runs) for (const k of Object.keys(r.metrics)) counts.set(k, (counts.get(k) ?? 0) + 1);
  if (preferred && counts.has(preferred)) return preferred;
  let best: string | null = null;
  for (const [k, n] of counts)
    if (best === null || n > counts.get(best)! || (n === counts.get(best) && k < best)) best = k;
  return best;
}

/** The metric value a run contributes: its best (min or max by the name's direction), else its last. */
function metricColumn(runs: readonly Run[], metric: string): Array<number | null> {
  const dir = guessDirection(metric);
  return runs.map((r) => {
    const v = metricValue(r, metric, 'best', dir);
    return v === undefined || !Number.isFinite(v) ? null : v;
  });
}

function numericAxis(key: string, kind: SweepAxis['kind'], values: Array<number | null>): SweepAxis {
  return { key, kind, ...numericDomain(values.filter((v): v is number => v !== null)), values };
}

/** A param value as a number when it is one (MLflow records params as text: "0.001" counts). */
function asNumber(v: ParamValue): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && /^\s*[-+]?(\d|\.\d)/.test(v)) {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

interface ParamColumn {
  axis: SweepAxis;
  /** Numbers to rank by (true = 1, false = 0), or undefined for a text param. */
  rankable: Array<number | null> | undefined;
  distinct: number;
}

/** One param across the runs: a numeric axis when every value is a number, else a category axis. */
function paramColumn(runs: readonly Run[], key: string): ParamColumn {
  const raw = runs.map((r) => (Object.prototype.hasOwnProperty.call(r.params, key) ? r.params[key]! : null));
  const nums = raw.map((v) => (v === null ? null : (asNumber(v) ?? NaN)));
  if (nums.every((v) => v === null || !Number.isNaN(v))) {
    const axis = numericAxis(key, 'param', nums);
    return { axis, rankable: nums, distinct: new Set(nums.filter((v) => v !== null)).size };
  }
  const labels = raw.map((v) => (v === null ? null : formatParam(v)));
  const categories = [...new Set(labels.filter((l): l is string => l !== null))].sort((a, b) =>
    a.localeCompare(b, 'en', { numeric: true }),
  );
  const at = new Map(categories.map((c, i) => [c, i]));
  const values = labels.map((l) => (l === null ? null : at.get(l)!));
  const axis: SweepAxis = {
    key,
    kind: 'param',
    scale: 'category',
    min: 0,
    max: categories.length - 1,
    categories,
    values,
  };
  const bool = raw.every((v) => v === null || typeof v === 'boolean');
  return {
    axis,
    rankable: bool ? raw.map((v) => (v === null ? null : v ? 1 : 0)) : undefined,
    distinct: categories.length,
  };
}

function rank(key: string, xs: ReadonlyArray<number | null>, ys: ReadonlyArray<number | null>): SweepRank {
  const { rho, n } = spearman(
    xs.map((v) => v ?? NaN),
    ys.map((v) => v ?? NaN),
  );
  return { key, rho: Number.isFinite(rho) ? rho : null, n };
}

const byStrength = (a: SweepRank, b: SweepRank): number =>
  (a.rho === null ? 1 : 0) - (b.rho === null ? 1 : 0) ||
  Math.abs(b.rho ?? 0) - Math.abs(a.rho ?? 0) ||
  (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** The Sweep view's data for `runs` and `metric` (default: defaultMetric). */
export function buildSweep(runs: readonly Run[], metric?: string | null): SweepData {
  const chosen = metric && runs.some((r) => metric in r.metrics) ? metric : defaultMetric(runs);
  const metricValues = chosen ? metricColumn(runs, chosen) : [];
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  const columns = keys.map((k) => paramColumn(runs, k)).filter((c) => c.distinct >= 2);
  const ranking: SweepRank[] = [];
  const unranked: string[] = [];
  for (const c of columns) {
    if (c.axis.scale === 'category' && c.distinct > MAX_CATEGORIES) continue;
    if (c.rankable) ranking.push(rank(c.axis.key, c.rankable, metricValues));
    else unranked.push(c.axis.key);
  }
  ranking.sort(byStrength);
  const strength = new Map(ranking.map((r, i) => [r.key, i]));
  const usable = columns.filter((c) => !(c.axis.scale === 'category' && c.distinct > MAX_CATEGORIES));
  // Over the cap, ranked params by strength come first, then text params by name.
  const kept = new Set(
    [...usable]
      .sort((a, b) => (strength.get(a.axis.key) ?? Infinity) - (strength.get(b.axis.key) ?? Infinity))
      .slice(0, MAX_PARAM_AXES)
      .map((c) => c.axis.key),
  );
  const axes = usable.filter((c) => kept.has(c.axis.key)).map((c) => c.axis);
  if (chosen) axes.push(numericAxis(chosen, 'metric', metricValues));
  const others = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  const groups = groupRuns(runs, { groupBy: 'auto' });
  const groupOf = new Map<string, number>();
  groups.forEach((g, i) => g.runs.forEach((r) => groupOf.set(r.id, i)));
  return {
    metric: chosen,
    metrics: others,
    runs: runs.map((r) => ({ id: r.id, name: r.name, group: groupOf.get(r.id) ?? 0 })),
    groups: groups.map((g) =>
      Object.entries(g.key)
        .map(([k, v]) => `${k}=${formatParam(v)}`)
        .join(', '),
    ),
    axes,
    otherMetrics: others
      .filter((m) => m !== chosen)
      .slice(0, MAX_OTHER_METRICS)
      .map((m) => numericAxis(m, 'metric', metricColumn(runs, m))),
    ranking,
    unranked,
    dropped: columns.map((c) => c.axis.key).filter((k) => !kept.has(k)),
  };
}
