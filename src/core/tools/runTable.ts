import { guessDirection } from '../compare/direction';
import { formatNumber, mdTable } from '../compare/format';
import { isoTime } from '../index';
import type { Run } from '../model';
import { jsonNumber } from '../summary';
import { capList } from './result';
import { quotedCell } from './untrusted';

/** Most runs one list holds. */
export const MAX_LIST_RUNS = 200;

export interface RunTableOptions {
  /** A metric to show (last and best) and sort by. */
  metric?: string;
  /** Sort order for `metric`: by default its guessed direction, best first. */
  order?: 'asc' | 'desc';
  limit: number;
}

/**
 * Runs as one Markdown table and a JSON list, for list_runs and runs_for_commit. Newest first, or best first by
 * `metric` (runs without it last). Names, experiments and paths are quoted: they are run data.
 */
export function runTable(
  runs: readonly Run[],
  opts: RunTableOptions,
): { lines: string[]; data: Record<string, unknown>; cuts: string[] } {
  const { metric } = opts;
  const direction = metric ? guessDirection(metric) : undefined;
  const order = opts.order ?? (direction === 'higher' ? 'desc' : 'asc');
  const best = (r: Run): number | undefined => {
    const m = metric ? r.metrics[metric] : undefined;
    const v = m ? ((order === 'desc' ? m.max : m.min) ?? m.last) : undefined;
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  };
  const sorted = [...runs].sort((a, b) => {
    if (metric) {
      const va = best(a);
      const vb = best(b);
      if (va !== undefined || vb !== undefined) {
        if (va === undefined) return 1;
        if (vb === undefined) return -1;
        if (va !== vb) return order === 'asc' ? va - vb : vb - va;
      }
    }
    return (b.startTime ?? 0) - (a.startTime ?? 0) || a.id.localeCompare(b.id);
  });
  const { kept, cut } = capList(sorted, opts.limit, 'runs', 'narrow with "filter" or raise "limit"');
  const header = ['id', 'name', 'format', 'experiment', 'status', 'started (UTC)', 'commit'];
  if (metric) header.push(`${metric} (last)`, `${metric} (${order === 'asc' ? 'min' : 'max'})`);
  const rows = kept.map((r) => {
    const row = [
      r.id,
      quotedCell(r.name),
      r.format,
      quotedCell(r.experiment),
      r.deleted ? `${r.status} (deleted)` : r.status,
      isoTime(r.startTime)?.slice(0, 16).replace('T', ' ') ?? '',
      r.git.commit ? quotedCell(r.git.commit.slice(0, 12)) : '',
    ];
    if (metric) {
      const m = r.metrics[metric];
      row.push(m ? formatNumber(m.last) : '—', formatNumber(best(r)));
    }
    return row;
  });
  const lines = [
    `${runs.length} run${runs.length === 1 ? '' : 's'}${metric ? `, sorted by ${metric} (${order === 'asc' ? 'lowest' : 'highest'} first)` : ', newest first'}.`,
    '',
  ];
  if (rows.length) lines.push(mdTable(header, rows));
  const data = {
    total: runs.length,
    runs: kept.map((r) => ({
      id: r.id,
      name: r.name,
      format: r.format,
      experiment: r.experiment,
      status: r.status,
      deleted: r.deleted,
      startTime: isoTime(r.startTime),
      commit: r.git.commit,
      path: r.path,
      ...(metric
        ? {
            metric: r.metrics[metric]
              ? {
                  key: metric,
                  last: jsonNumber(r.metrics[metric]!.last),
                  min: r.metrics[metric]!.min,
                  max: r.metrics[metric]!.max,
                }
              : null,
          }
        : {}),
    })),
  };
  return { lines, data, cuts: cut ? [cut] : [] };
}
