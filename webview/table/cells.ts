import { formatDelta, formatDuration, formatNumber } from '../../src/core/compare/format';
import type { TableCell, TableColumn, TableSource } from '../../src/protocol';
import { sourceLabel } from '../../src/core/sources/sourceUri';

/**
 * A cell as text: dates and durations for the run fields, numbers to 6 significant digits, text as it is; a source
 * as its badge (`sources`: the host's, with "as of" while it is unreachable).
 */
export function cellText(col: TableColumn, v: TableCell, sources?: ReadonlyMap<string, TableSource>): string {
  if (v === null) return '';
  if (col.id === 'started' && typeof v === 'number') return new Date(v).toISOString().slice(0, 16).replace('T', ' ');
  if (col.id === 'duration' && typeof v === 'number') return formatDuration(v * 1000);
  if (col.id === 'commit' && typeof v === 'string') return v.slice(0, 8);
  // the badge the Runs view shows (src/vscode/sourceBadge.ts); the full URI is the cell's title
  if (col.id === 'source' && typeof v === 'string') return sources?.get(v)?.text ?? `☁ ${sourceLabel(v)}`;
  if (typeof v === 'number') return formatNumber(v);
  return String(v);
}

/** The Δ of a metric cell against the baseline's, and whether it is better; undefined when either is not a number. */
export function delta(
  col: TableColumn,
  v: TableCell,
  base: TableCell | undefined,
): { text: string; cls: string } | undefined {
  if (
    col.kind !== 'metric' ||
    typeof v !== 'number' ||
    typeof base !== 'number' ||
    !Number.isFinite(v) ||
    !Number.isFinite(base)
  )
    return undefined;
  const d = v - base;
  const better = col.better === undefined || d === 0 ? '' : d < 0 === (col.better === 'lower') ? 'better' : 'worse';
  return { text: formatDelta(d), cls: better };
}

/** A cell's tooltip: a source's URI (and why its runs are "as of", from the host), else the cell's text. */
export function cellTitle(
  col: TableColumn,
  v: TableCell,
  text: string,
  sources?: ReadonlyMap<string, TableSource>,
): string {
  if (col.id === 'source' && typeof v === 'string') return sources?.get(v)?.title ?? v;
  return text;
}
