import { seedMatcher } from '../../core/compare/seeds';
import type { Direction } from '../../core/compare/direction';
import { formatParam } from '../../core/compare/format';
import { applyMetricAliases, mergeAliases, type MetricAliases } from '../../core/groups/aliases';
import { NOISE_TEST, diffGroups } from '../../core/groups/groupDiff';
import { groupLabel, groupRuns, varyingKeys } from '../../core/groups/groups';
import type { Run } from '../../core/model';
import type { CompareGroups, GroupMetricRow } from '../../protocol';

/** The threshold of "beyond noise" in the compare view (as `runlens diff --group`'s default). */
const ALPHA = 0.05;

/** Runs with their metrics under canonical names, and per run the name each canonical key was logged under. */
export interface AliasedCompare {
  runs: Run[];
  originals: Map<string, Set<string>>;
  /** run id → canonical key → original key, for the keys an alias renamed. */
  renamed: Map<string, Map<string, string>>;
}

/** Applies the metric alias map (defaults plus the setting) to the compared runs. */
export function aliasRuns(runs: readonly Run[], userAliases: MetricAliases): AliasedCompare {
  const { runs: out, originals } = applyMetricAliases(runs, mergeAliases(userAliases));
  const renamed = new Map<string, Map<string, string>>();
  out.forEach((r, i) => {
    const before = runs[i]!;
    if (r === before) return;
    // applyMetricAliases rebuilds a run's metrics in their order, renaming in place: the keys pair up by position.
    const from = Object.keys(before.metrics);
    const to = Object.keys(r.metrics);
    const m = new Map<string, string>();
    to.forEach((k, j) => from[j] !== k && m.set(k, from[j]!));
    renamed.set(r.id, m);
  });
  return { runs: out, originals, renamed };
}

/**
 * The compared runs' groups by configuration (seed-like params left out), when some configuration has more than
 * one run; with each metric's group means and the delta of every group to the baseline's with Welch's t-test.
 */
export function buildGroups(i: {
  runs: readonly Run[];
  baselineId: string | undefined;
  seedParams: readonly string[];
  directions: Readonly<Record<string, Direction>>;
  color(runId: string): string;
}): CompareGroups | undefined {
  if (i.runs.length < 2) return undefined;
  const groups = groupRuns(i.runs, { seedParams: i.seedParams, directions: i.directions });
  if (!groups.some((g) => g.runs.length > 1)) return undefined;
  const keys = varyingKeys(groups);
  const isSeed = seedMatcher(i.seedParams);
  const baseline = Math.max(
    0,
    groups.findIndex((g) => g.runs.some((r) => r.id === i.baselineId)),
  );
  const base = groups[baseline]!;
  const diffs = groups.map((g) => (g === base ? undefined : diffGroups(base, g, { alpha: ALPHA })));
  const names = [...new Set(groups.flatMap((g) => Object.keys(g.metrics)))].sort();
  const metrics: GroupMetricRow[] = names.map((key) => ({
    key,
    direction: i.directions[key] ?? diffs.find((d) => d)?.rows.find((r) => r.metric === key)?.direction ?? null,
    cells: groups.map((g) => {
      const s = g.metrics[key]?.last;
      return { mean: s?.mean ?? null, std: s?.std ?? null, stderr: s?.stderr ?? null, n: s?.n ?? 0 };
    }),
    deltas: diffs.map((d) => {
      const row = d?.rows.find((r) => r.metric === key);
      if (!row || row.delta === null) return null;
      return { delta: row.delta, pct: row.pct, p: row.test?.p ?? null, beyondNoise: row.beyondNoise };
    }),
  }));
  return {
    list: groups.map((g) => ({
      id: g.id,
      label: groupLabel(g, keys),
      key: Object.fromEntries(Object.entries(g.key).map(([k, v]) => [k, formatParam(v)])),
      runIds: g.runs.map((r) => r.id),
      seeds: g.runs.map((r) =>
        Object.entries(r.params)
          .filter(([k]) => isSeed(k))
          .map(([k, v]) => `${k}=${formatParam(v)}`)
          .join(', '),
      ),
      color: i.color(g.runs[0]!.id),
    })),
    baseline,
    metrics,
    test: NOISE_TEST,
    alpha: ALPHA,
  };
}
