import type { TableQueryState } from '../../protocol';
import { FilterError } from '../filter/lexer';
import { parseField, parseFilter } from '../filter/parser';

/** Where saved views live, relative to a workspace folder; one JSON file per view, named after it. */
export const VIEWS_DIR = '.vscode/runlens/views';
export const VIEW_VERSION = 1;

/** A saved view as it is on disk (schema in docs/filters.md). */
export interface SavedView {
  version: 1;
  /** What the view opens: the runs table (the only kind so far). */
  kind: 'table';
  filter: string;
  columns: string[];
  sort: { column: string; desc: boolean } | null;
  onlyDiffs: boolean;
  /** Run id of the baseline, or null. */
  baseline: string | null;
}

/** A view name that is also a safe file name: letters, digits, spaces, dots, dashes, underscores; 1-64 characters. */
export function isViewName(name: string): boolean {
  return /^[\w][\w .-]{0,63}$/.test(name) && !name.endsWith('.') && !name.endsWith(' ');
}

export function viewToJson(state: TableQueryState): string {
  const view: SavedView = {
    version: VIEW_VERSION,
    kind: 'table',
    filter: state.filter,
    columns: state.columns,
    sort: state.sort,
    onlyDiffs: state.onlyDiffs,
    baseline: state.baselineId,
  };
  return JSON.stringify(view, null, 2) + '\n';
}

export function viewToQuery(v: SavedView): TableQueryState {
  return { filter: v.filter, columns: v.columns, sort: v.sort, onlyDiffs: v.onlyDiffs, baselineId: v.baseline };
}

/**
 * Reads a view file's text. A file that is not a valid view gives a message saying what is wrong (never a throw): a
 * team edits these by hand and reviews them like code.
 */
export function parseSavedView(text: string): { view: SavedView } | { problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { problem: `not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { problem: 'a view is a JSON object' };
  const o = raw as Record<string, unknown>;
  if (o['version'] !== VIEW_VERSION)
    return { problem: `"version" must be ${VIEW_VERSION} (got ${JSON.stringify(o['version'])})` };
  if ((o['kind'] ?? 'table') !== 'table')
    return { problem: `"kind" must be "table" (got ${JSON.stringify(o['kind'])})` };
  const filter = o['filter'] ?? '';
  if (typeof filter !== 'string') return { problem: '"filter" must be a string' };
  try {
    parseFilter(filter);
  } catch (e) {
    if (e instanceof FilterError) return { problem: `"filter": ${e.message}` };
    throw e;
  }
  const columns = o['columns'] ?? [];
  if (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string'))
    return { problem: '"columns" must be a list of column ids such as "params.lr"' };
  for (const c of columns as string[]) {
    try {
      parseField(c);
    } catch (e) {
      if (e instanceof FilterError) return { problem: `"columns": "${c}": ${e.message}` };
      throw e;
    }
  }
  const sort = o['sort'] ?? null;
  if (
    sort !== null &&
    (typeof sort !== 'object' ||
      typeof (sort as { column?: unknown }).column !== 'string' ||
      typeof ((sort as { desc?: unknown }).desc ?? false) !== 'boolean')
  ) {
    return { problem: '"sort" must be null or {"column": "<column id>", "desc": true|false}' };
  }
  const onlyDiffs = o['onlyDiffs'] ?? true;
  if (typeof onlyDiffs !== 'boolean') return { problem: '"onlyDiffs" must be true or false' };
  const baseline = o['baseline'] ?? null;
  if (baseline !== null && typeof baseline !== 'string') return { problem: '"baseline" must be a run id or null' };
  const s = sort as { column: string; desc?: boolean } | null;
  return {
    view: {
      version: VIEW_VERSION,
      kind: 'table',
      filter,
      columns: columns as string[],
      sort: s ? { column: s.column, desc: s.desc ?? false } : null,
      onlyDiffs,
      baseline,
    },
  };
}
