import { diffRuns, type RunDiff } from '../compare/diff';
import { formatParam, mdTable } from '../compare/format';
import { diffToJson, metricCell } from '../compare/report';
import { optBool, stringList, type Args } from './args';
import { capList, toolResult, type ToolResult } from './result';
import { resolveRun } from './runTools';
import type { ToolSource } from './source';
import { quotedCell } from './untrusted';

/** Most runs compared at once (columns of one table), and most param or metric rows. */
export const MAX_COMPARE_RUNS = 8;
const MAX_COMPARE_ROWS = 100;

/** compare_runs: params that differ and metric summaries with deltas against the first run. */
export function compareRuns(source: ToolSource, a: Args): ToolResult {
  const runs = stringList(a, 'runs', 2, MAX_COMPARE_RUNS).map((ref) => resolveRun(source, ref));
  const all = optBool(a, 'allParams', false);
  const d = diffRuns(runs, { all });
  const cuts: string[] = [];
  const params = capList(d.params, MAX_COMPARE_ROWS, 'params', 'compare fewer runs, or show_run one of them');
  const metrics = capList(d.metrics, MAX_COMPARE_ROWS, 'metrics', 'query_runs reaches the rest');
  if (params.cut) cuts.push(params.cut);
  if (metrics.cut) cuts.push(metrics.cut);
  const shown: RunDiff = { ...d, params: params.kept, metrics: metrics.kept };
  const titles = d.runs.map((r, i) => `${r.id} ${quotedCell(r.name)}${i === d.baseline ? ' (baseline)' : ''}`);
  const lines = [
    `Compared ${runs.length} runs against the baseline ${d.runs[d.baseline]!.id}. Metrics: last value, then its change from the baseline; ★ marks the best run where the metric's name says whether lower or higher is better.`,
    '',
  ];
  lines.push(all ? '### Params' : '### Params that differ', '');
  lines.push(
    params.kept.length
      ? mdTable(
          ['param', ...titles],
          params.kept.map((p) => [
            quotedCell(p.key),
            ...p.values.map((v) => (typeof v === 'string' ? quotedCell(v) : formatParam(v, '(missing)'))),
          ]),
        )
      : 'No param differs.',
    '',
  );
  lines.push('### Metrics', '');
  lines.push(
    metrics.kept.length
      ? mdTable(
          ['metric', 'better', ...titles],
          metrics.kept.map((m, ri) => [
            quotedCell(m.key),
            m.direction ?? '?',
            ...d.runs.map((_, i) => metricCell(shown, ri, i, true)),
          ]),
        )
      : 'No metrics.',
    '',
  );
  const json = diffToJson(shown) as Record<string, unknown>;
  return toolResult(lines, json, cuts);
}
