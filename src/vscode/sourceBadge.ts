import type { SourceStatus } from '../core/index';
import type { Run } from '../core/model';
import { sourceLabel } from '../core/sources/sourceUri';

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

/** HH:MM today, else the date and time (local time: it is read by the user in front of it). */
function clock(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return d.toDateString() === new Date().toDateString()
    ? hm
    : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}`;
}
