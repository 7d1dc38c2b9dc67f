import type { SourceStatus } from '../core/index';
import type { Run } from '../core/model';
import { sourceLabel } from '../core/sources/sourceUri';
import type { TableSource } from '../protocol';

/**
 * A remote run's badge in the tree and the table: its source's host (the URI's scheme and secrets left out), and
 * "as of <time>" while the source cannot be reached (the runs shown are the last ones read). Undefined for a
 * workspace run.
 */
export function sourceBadge(run: Pick<Run, 'source'>, statuses: readonly SourceStatus[]): string | undefined {
  if (!run.source) return undefined;
  const host = sourceLabel(run.source);
  const status = statuses.find((s) => s.id === run.source);
  if (status?.reachable === false)
    return status.asOf === null ? `☁ ${host} · unreachable` : `☁ ${host} · as of ${clock(status.asOf)}`;
  return `☁ ${host}`;
}

/**
 * The runs table's source cells, one per source: the badge (as the tree shows it, "as of" included) and its tooltip —
 * the URI and, while the source cannot be reached, why and since when the runs shown were read.
 */
export function sourceCells(statuses: readonly SourceStatus[]): TableSource[] {
  return statuses.map((s) => {
    const lines = [s.id];
    if (s.reachable === false) {
      lines.push(`unreachable: ${s.error ?? 'no answer'}`);
      lines.push(s.asOf === null ? 'no runs were read from it yet' : `runs as of ${new Date(s.asOf).toLocaleString()}`);
    }
    return { id: s.id, text: sourceBadge({ source: s.id }, statuses)!, title: lines.join('\n') };
  });
}

/** HH:MM today, else the date and time (local time: it is read by the user in front of it). */
function clock(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return d.toDateString() === new Date().toDateString()
    ? hm
    : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}`;
}
