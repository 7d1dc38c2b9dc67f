import { formatNumber } from '../core/compare/format';
import { applyMetricAliases, mergeAliases, type MetricAliases } from '../core/groups/aliases';
import { groupLabel, groupRuns, varyingKeys } from '../core/groups/groups';
import type { Run } from '../core/model';

/** A group node of the Runs view in its "by configuration (seeds grouped)" mode. */
export interface ConfigGroupNode {
  kind: 'group';
  id: string;
  label: string;
  description: string;
  runs: Run[];
}

/**
 * The Runs view's groups by configuration: runs that differ only in seed-like params fall together; each group
 * says how many runs it holds and the key metric's mean ± std over them (the runs inside keep their own names).
 * `keyMetric` picks the metric from a group's runs (the tree's rule for a single run).
 */
export function configurationGroups(
  runs: readonly Run[],
  settings: { seedParams: readonly string[]; metricAliases: MetricAliases; keyMetric: string },
  keyMetric: (run: Run, configured: string) => string | undefined,
): ConfigGroupNode[] {
  const aliased = applyMetricAliases(runs, mergeAliases(settings.metricAliases));
  // Grouping runs on the aliased copies; the nodes hold the runs as indexed (commands look them up by id).
  const original = new Map(runs.map((r) => [r.id, r]));
  const groups = groupRuns(aliased.runs, { seedParams: settings.seedParams });
  const keys = varyingKeys(groups);
  return groups
    .map((g) => {
      const n = g.runs.length;
      const metric = keyMetric(g.runs[0]!, settings.keyMetric);
      const s = metric ? g.metrics[metric]?.last : undefined;
      const stat =
        s && s.mean !== null
          ? ` · ${metric} ${formatNumber(s.mean)}${s.std !== null ? ` ± ${formatNumber(Number(s.std.toPrecision(2)))}` : ''}${s.n < n ? ` (n=${s.n})` : ''}`
          : '';
      return {
        kind: 'group' as const,
        id: `config:${g.id}`,
        label: groupLabel(g, keys),
        description: `${n} run${n === 1 ? '' : 's'}${stat}`,
        runs: g.runs.map((r) => original.get(r.id)!),
      };
    })
    .sort((a, b) => a.label.localeCompare(b.label, undefined, { numeric: true }));
}
