import type { SqlValue } from 'sql.js';
import type { TableCell, TableColumn, TableQueryState, TableRow, TableState } from '../../protocol';
import { guessDirection } from '../compare/direction';
import { mdTable } from '../compare/format';
import type { SelectionStats, TableColumnSpec, TableQueries } from '../db/tableSql';
import type { Expr } from '../filter/ast';
import { FilterError } from '../filter/lexer';
import { parseField, parseFilter } from '../filter/parser';

/** The run fields the table starts with, in order. */
export const RUN_COLUMNS = [
  'name',
  'experiment',
  'format',
  'status',
  'commit',
  'source',
  'started',
  'duration',
] as const;
/** Default columns beyond the run fields: a workspace with thousands of keys still opens quickly. */
const MAX_DEFAULT_KEYS = 80;

/**
 * The runs table's model, shared by the VS Code panel, the benches and the tests: turns a query state into what
 * the page shows, through the store's table queries (all sorting, filtering and paging in SQL). No vscode here.
 */
/** What the table reads from the index (WorkspaceIndex satisfies it). */
export interface TableSource {
  table(): TableQueries;
  runCount(): number;
}

export class RunsTableModel {
  private filterExpr: Expr | undefined;
  private filterError: string | null = null;
  private shownSpecs: TableColumnSpec[] = [];
  private sortSpec: TableColumnSpec | undefined;
  /** Every run's columns (keys, counts, differing): read once per index change (and per min/max columns asked). */
  private everyRun: { extremes: string; stats: SelectionStats } | undefined;
  /** The current filter's, while the filter stays the same (a sort reuses it). */
  private filtered: { filter: string; stats: SelectionStats } | undefined;

  constructor(
    private readonly store: TableSource,
    private query: TableQueryState,
  ) {}

  get state(): TableQueryState {
    return this.query;
  }

  /** The index changed: its keys are read again on the next update. */
  indexChanged(): void {
    this.everyRun = undefined;
    this.filtered = undefined;
  }

  /** Applies a new query and computes the state to post (columns, counts, the baseline's cells). */
  update(query: TableQueryState, starred: readonly string[], version: number): TableState {
    this.query = query;
    try {
      this.filterExpr = parseFilter(query.filter);
      this.filterError = null;
    } catch (e) {
      if (!(e instanceof FilterError)) throw e;
      this.filterExpr = undefined;
      this.filterError = e.message;
    }
    const table = this.store.table();
    // Keys change only with the index (see indexChanged): reading them is a scan of every param and metric.
    const runSpecs = RUN_COLUMNS.map((id) => spec(id));
    // The metric keys whose min or max column is asked for: only those read their min/max over every run.
    const extremes = [...new Set(query.columns.flatMap(extremeKey))].sort();
    if (this.everyRun?.extremes !== JSON.stringify(extremes))
      this.everyRun = { extremes: JSON.stringify(extremes), stats: table.stats(undefined, runSpecs, extremes) };
    const every = this.everyRun.stats;
    const stats = this.statsOf(query.filter, runSpecs, every);
    // A key with a backquote cannot be written as a field; such keys stay out of the table (and the filter).
    const keys = {
      params: [...every.params.keys()].filter((k) => !k.includes('`')),
      metrics: [...every.metrics.keys()].filter((k) => !k.includes('`')),
    };
    const available = [
      ...RUN_COLUMNS.map((id) => column(id)),
      ...keys.params.map((k) => column(`params.${quoteKey(k)}`, k)),
      ...keys.metrics.flatMap((k) =>
        (['last', 'min', 'max'] as const).map((s) =>
          column(`metrics.${quoteKey(k)}.${s}`, s === 'last' ? k : `${k} (${s})`, k),
        ),
      ),
    ];
    const byId = new Map(available.map((c) => [c.id, c]));
    const wanted = query.columns.length
      ? query.columns.filter((id) => byId.has(id))
      : [
          // `source` only where some run came from a source: most workspaces have none
          ...RUN_COLUMNS.filter((id) => id !== 'source' || (every.run.get('source')?.n ?? 0) > 0),
          ...available
            .filter(
              (c) => c.kind === 'param' || (c.kind === 'metric' && !c.id.endsWith('.min') && !c.id.endsWith('.max')),
            )
            .slice(0, MAX_DEFAULT_KEYS)
            .map((c) => c.id),
        ];
    let specs = wanted.map(spec);
    if (query.onlyDiffs) specs = specs.filter((s) => s.id === 'name' || differs(s, stats));
    this.shownSpecs = specs;
    this.sortSpec = query.sort && byId.has(query.sort.column) ? spec(query.sort.column) : undefined;
    const baseline = query.baselineId ? table.rowsOf([query.baselineId], specs)[0] : undefined;
    return {
      ...query,
      available,
      shown: specs.map((s) => byId.get(s.id)!),
      total: stats.total,
      all: this.store.runCount(),
      filterError: this.filterError,
      baseline: baseline ? baseline.slice(1).map(toCell) : null,
      starred: [...starred],
      version,
    };
  }

  /** The selection's column stats: every run's when no filter applies, else the filter's (kept while it stays). */
  private statsOf(filter: string, runSpecs: readonly TableColumnSpec[], every: SelectionStats): SelectionStats {
    if (!this.filterExpr) return every;
    if (this.filtered?.filter !== filter)
      this.filtered = { filter, stats: this.store.table().stats(this.filterExpr, runSpecs) };
    return this.filtered.stats;
  }

  /** A window of rows in the current sort. */
  rows(offset: number, limit: number): TableRow[] {
    const sort = this.sortSpec && this.query.sort ? { column: this.sortSpec, desc: this.query.sort.desc } : undefined;
    return this.store
      .table()
      .page({ filter: this.filterExpr, columns: this.shownSpecs, sort, offset, limit })
      .map(([id, ...cells]) => ({ id, cells: cells.map(toCell) }));
  }

  /** The given runs (every run the filter selects when none), as Markdown or CSV of the shown columns. */
  copy(format: 'md' | 'csv', runIds: readonly string[], labels: readonly string[]): string {
    const rows = runIds.length
      ? this.store
          .table()
          .rowsOf(runIds, this.shownSpecs)
          .map(([id, ...c]) => ({ id, cells: c.map(toCell) }))
      : this.rows(0, Number.MAX_SAFE_INTEGER);
    const header = ['id', ...labels];
    const body = rows.map((r) => [r.id, ...r.cells.map((c) => (c === null ? '' : String(c)))]);
    if (format === 'md') return mdTable(header, body);
    return [header, ...body].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
  }
}

/** A column differs among the selected runs when two values differ, or some runs have a value and some do not. */
function differs(s: TableColumnSpec, stats: SelectionStats): boolean {
  const f = s.field;
  const stat =
    f.kind === 'param'
      ? stats.params.get(f.key)
      : f.kind === 'metric'
        ? stats.metrics.get(f.key)?.[f.summary]
        : f.kind === 'run'
          ? stats.run.get(s.id)
          : undefined;
  return stat !== undefined && stat.n > 0 && (stat.distinct || stat.n < stats.total);
}

/** The metric key of a min or max column id (`metrics.loss.min`), for TableQueries.stats' extremes. */
function extremeKey(id: string): string[] {
  if (!id.startsWith('metrics.')) return [];
  try {
    const f = parseField(id);
    return f.kind === 'metric' && f.summary !== 'last' ? [f.key] : [];
  } catch (e) {
    if (e instanceof FilterError) return [];
    throw e;
  }
}

function spec(id: string): TableColumnSpec {
  return { id, field: parseField(id) };
}

function column(id: string, label = id, metricKey?: string): TableColumn {
  const kind = id.startsWith('params.')
    ? 'param'
    : id.startsWith('metrics.')
      ? 'metric'
      : id.startsWith('tags.')
        ? 'tag'
        : 'run';
  const better = metricKey === undefined ? undefined : guessDirection(metricKey);
  return better ? { id, label, kind, better } : { id, label, kind };
}

/** A key as a field segment: backquoted unless it is plain (so `a.min` stays a key, not a summary). */
function quoteKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_\-/]*$/.test(key) && !['last', 'min', 'max', 'best'].includes(key) ? key : `\`${key}\``;
}

function toCell(v: SqlValue): TableCell {
  return v instanceof Uint8Array ? `<${v.length} bytes>` : v;
}

/** CSV per RFC 4180; a leading = + - @ is prefixed with ' so a spreadsheet never runs a cell as a formula. */
function csvCell(s: string): string {
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
