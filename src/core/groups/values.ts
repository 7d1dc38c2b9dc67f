import type { Direction } from '../compare/direction';
import type { Run } from '../model';
import type { SummaryName } from '../review/gates';
import { summarize, type GroupSummary } from '../stats/groups';

/**
 * The value of one summary of one run's metric: `best` is the min or max in the metric's direction, else the last.
 * Undefined when the run lacks the metric; NaN when it has it but no such value (every point non-finite).
 */
export function metricValue(
  run: Run,
  metric: string,
  summary: SummaryName,
  direction: Direction | undefined,
): number | undefined {
  const m = run.metrics[metric];
  if (!m) return undefined;
  const v =
    summary === 'last'
      ? m.last
      : summary === 'min'
        ? m.min
        : summary === 'max'
          ? m.max
          : direction === 'higher'
            ? m.max
            : direction === 'lower'
              ? m.min
              : m.last;
  return v ?? NaN;
}

/** One summary of a metric over runs: runs without the metric are left out (n drops), non-finite values counted apart. */
export function metricSummary(
  runs: readonly Run[],
  metric: string,
  summary: SummaryName,
  direction: Direction | undefined,
): GroupSummary {
  const values: number[] = [];
  for (const r of runs) {
    const v = metricValue(r, metric, summary, direction);
    if (v !== undefined) values.push(v);
  }
  return summarize(values);
}
