import { formatNumber, formatParam, plainText } from '../core/compare/format';
import { seedMatcher } from '../core/compare/seeds';
import { aliasLabel, applyMetricAliases, mergeAliases, type MetricAliases } from '../core/groups/aliases';
import { groupLabel, groupRuns, varyingKeys, type RunGroup } from '../core/groups/groups';
import type { Run } from '../core/model';

/** A group node of the Runs view in its "by configuration (seeds grouped)" mode. */
export interface ConfigGroupNode {
  kind: 'group';
  id: string;
  label: string;
  description: string;
  /** Plain text (not Markdown): the key, the number of runs, their seeds, a summary of the group's metrics. */
  tooltip: string;
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
  const aliases = mergeAliases(settings.metricAliases);
  const aliased = applyMetricAliases(runs, aliases);
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
        // the names this group's runs logged (the workspace's other spellings are not this group's)
        tooltip: groupTooltip(
          g,
          metric,
          applyMetricAliases(
            g.runs.map((r) => original.get(r.id)!),
            aliases,
          ).originals,
          seedMatcher(settings.seedParams),
        ),
        runs: g.runs.map((r) => original.get(r.id)!),
      };
    })
    .sort((a, b) => a.label.localeCompare(b.label, undefined, { numeric: true }));
}

/** Metrics a group node's tooltip summarises besides the key metric. */
const TOOLTIP_METRICS = 6;

/**
 * A group node's tooltip: its key (every param that defines it), how many runs and which seeds, and mean ± std (n),
 * min–max of each run's last value for the key metric first, then other metrics. Run strings are made plain text.
 */
export function groupTooltip(
  g: RunGroup,
  keyMetric: string | undefined,
  originals: ReadonlyMap<string, ReadonlySet<string>>,
  isSeed: (param: string) => boolean,
): string {
  const lines: string[] = [];
  const key = Object.entries(g.key);
  lines.push(key.length ? key.map(([k, v]) => `${plainText(k)}=${plainText(formatParam(v))}`).join(', ') : 'no params');
  lines.push(`${g.runs.length} run${g.runs.length === 1 ? '' : 's'}`);
  const seeds = new Map<string, string[]>();
  for (const r of g.runs)
    for (const [k, v] of Object.entries(r.params))
      if (isSeed(k)) seeds.set(k, [...(seeds.get(k) ?? []), plainText(formatParam(v))]);
  for (const [k, vs] of seeds) lines.push(`${plainText(k)}: ${vs.join(', ')}`);
  const names = Object.keys(g.metrics).sort();
  const shown = [...(keyMetric && g.metrics[keyMetric] ? [keyMetric] : []), ...names.filter((m) => m !== keyMetric)];
  if (shown.length) lines.push('', 'last value over the runs: mean ± std (n), min – max');
  for (const m of shown.slice(0, TOOLTIP_METRICS + 1)) {
    const s = g.metrics[m]!.last;
    if (s.mean === null) continue;
    const std = s.std !== null ? ` ± ${formatNumber(Number(s.std.toPrecision(2)))}` : '';
    const range = s.min !== null && s.max !== null ? `, ${formatNumber(s.min)} – ${formatNumber(s.max)}` : '';
    lines.push(`${plainText(aliasLabel(m, originals))}: ${formatNumber(s.mean)}${std} (n=${s.n})${range}`);
  }
  if (shown.length > TOOLTIP_METRICS + 1) lines.push(`… and ${shown.length - TOOLTIP_METRICS - 1} more metrics`);
  return lines.join('\n');
}
