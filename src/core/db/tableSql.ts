import type { Database, SqlValue } from 'sql.js';
import type { Expr, Field } from '../filter/ast';
import { selectAll } from './selectAll';
import { compileFilter, fieldSortSql, fieldValueSql } from './filterSql';

/** One column of the runs table: its id is its filter field (`name`, `params.lr`, `metrics.val_loss.min`). */
export interface TableColumnSpec {
  id: string;
  field: Field;
}

/** How many of the selected runs have a value in a column, and whether two of those values differ. */
export interface ColumnStat {
  n: number;
  distinct: boolean;
}

/** The selection's columns (TableQueries.stats): params and metrics by key, run columns by column id. */
export interface SelectionStats {
  total: number;
  params: Map<string, ColumnStat>;
  /** min and max are there when asked for (TableQueries.stats' extremes), or when a filter applies. */
  metrics: Map<string, { last: ColumnStat; min?: ColumnStat; max?: ColumnStat }>;
  run: Map<string, ColumnStat>;
}

export interface TablePageQuery {
  filter: Expr | undefined;
  columns: readonly TableColumnSpec[];
  sort?: { column: TableColumnSpec; desc: boolean };
  offset: number;
  limit: number;
}

/** A row: the run id, then one value per column as stored (metric `last` may be 'NaN' / 'Infinity' text). */
export type TableRowValues = [string, ...SqlValue[]];

/**
 * The runs table's SQL (issue #19): sorting, filtering and paging are done by SQLite, never by looping over runs in
 * JavaScript. Every value and key is a bound parameter.
 */
export class TableQueries {
  constructor(private readonly db: Database) {}

  /** One window of rows, sorted (numbers as numbers, missing values last), then by format and path. */
  page(q: TablePageQuery): TableRowValues[] {
    // The window's ids first (sorting needs only the sort key), then the columns of those rows alone: computing every
    // column of every run for the sorter would cost columns × runs lookups for a page of 100.
    const f = q.filter ? compileFilter(q.filter) : { where: '1', args: [] };
    const args: SqlValue[] = [...f.args];
    let order = 'r.format, r.path';
    if (q.sort) {
      const key = fieldSortSql(q.sort.column.field, args);
      order = `${key} ${q.sort.desc ? 'DESC' : 'ASC'} NULLS LAST, ${order}`;
    }
    const ids = selectAll(this.db, `SELECT r.id FROM runs r WHERE ${f.where} ORDER BY ${order} LIMIT ? OFFSET ?`, [
      ...args,
      q.limit,
      q.offset,
    ]).map((r) => String(r[0]));
    return this.rowsOf(ids, q.columns);
  }

  /** The same row values for given runs (the baseline, the rows to copy), in the order given. */
  rowsOf(ids: readonly string[], columns: readonly TableColumnSpec[]): TableRowValues[] {
    if (ids.length === 0) return [];
    const args: SqlValue[] = [];
    const cols = columns.map((c) => fieldValueSql(c.field, args));
    const rows = selectAll(
      this.db,
      `SELECT r.id${cols.map((c) => `, ${c}`).join('')} FROM runs r WHERE r.id IN (${ids.map(() => '?').join(',')})`,
      [...args, ...ids],
    ) as TableRowValues[];
    const byId = new Map(rows.map((r) => [r[0], r]));
    return ids.map((id) => byId.get(id)).filter((r): r is TableRowValues => r !== undefined);
  }

  /**
   * What the selected runs hold per column: every param and metric key (with each summary), and the given run
   * columns, each with how many runs have a value and whether two of those values differ. One statement: the filter
   * is evaluated once, and params and metrics are each read once, in key order, from their covering indexes
   * (schema.ts) — not one lookup per row, which made this 50× the page query at 10,000 runs.
   */
  stats(
    filter: Expr | undefined,
    runColumns: readonly TableColumnSpec[],
    extremes: readonly string[] = [],
  ): SelectionStats {
    // Run fields are columns of `runs` (no bound values); tags have no column in the table.
    const runFields = runColumns.filter((c) => c.field.kind === 'run');
    // One row over the runs: the count, then per run column its count and whether two values differ (min IS NOT
    // max: cheaper than count(DISTINCT …), which builds a b-tree per column), as a JSON array: one scan, not one per
    // column.
    const runRow = (scope: string): string =>
      `SELECT 'n', json_array(${runFields
        .map((c) => {
          const v = fieldValueSql(c.field, []);
          return `count(${v}), min(${v}) IS NOT max(${v})`;
        })
        .join(', ')}), count(*), 0, 0, 0 FROM runs r WHERE ${scope}`;
    const rows = filter
      ? this.filteredStats(compileFilter(filter), runRow('r.id IN sel'))
      : selectAll(
          this.db,
          // Every run: the keys and their counts from key_counts (kept by each pass), and per key the first and
          // last value in its index's order, two seeks — never a read of every row. A param's numbers compare as
          // numbers (num), its other values as stored; the min/max summaries have no index of their own, so only
          // the keys whose min or max column is asked for (extremes) read theirs.
          `${runRow('1')}
           UNION ALL SELECT 'p', c.key, c.n,
             (SELECT num, iif(num IS NULL, value, NULL) FROM params
               WHERE key = c.key AND coalesce(num, value) IS NOT NULL ORDER BY num, value LIMIT 1)
             IS NOT (SELECT num, iif(num IS NULL, value, NULL) FROM params
               WHERE key = c.key AND coalesce(num, value) IS NOT NULL ORDER BY num DESC, value DESC LIMIT 1), 0, 0
             FROM key_counts c WHERE c.kind = 'p'
           UNION ALL SELECT 'm', c.key, c.n,
             (SELECT min(last) FROM metrics WHERE key = c.key) IS NOT (SELECT max(last) FROM metrics WHERE key = c.key),
             iif(x.value IS NULL, NULL,
               (SELECT min(min) IS NOT max(min) FROM metrics WHERE key = c.key)),
             iif(x.value IS NULL, NULL,
               (SELECT min(max) IS NOT max(max) FROM metrics WHERE key = c.key))
             FROM key_counts c LEFT JOIN json_each(?) x ON x.value = c.key WHERE c.kind = 'm'
`,
          [JSON.stringify(extremes)],
        );
    const out: SelectionStats = { total: 0, params: new Map(), metrics: new Map(), run: new Map() };
    for (const [kind, key, n, d0, d1, d2] of rows) {
      const k = String(key);
      const count = Number(n);
      if (kind === 'n') {
        out.total = count;
        const cols = JSON.parse(k) as number[];
        runFields.forEach((c, i) => out.run.set(c.id, { n: cols[2 * i]!, distinct: cols[2 * i + 1] === 1 }));
      } else if (kind === 'p') out.params.set(k, { n: count, distinct: d0 === 1 });
      else if (kind === 'm')
        out.metrics.set(k, {
          last: { n: count, distinct: d0 === 1 },
          // null: not asked for (extremes)
          min: d1 === null ? undefined : { n: count, distinct: d1 === 1 },
          max: d2 === null ? undefined : { n: count, distinct: d2 === 1 },
        });
    }
    return out;
  }

  /** The selected runs' columns: the filter evaluated once, params and metrics read in key order (covering indexes). */
  private filteredStats(f: { where: string; args: SqlValue[] }, runRow: string): SqlValue[][] {
    return selectAll(
      this.db,
      `WITH sel(id) AS MATERIALIZED (SELECT r.id FROM runs r WHERE ${f.where})
       ${runRow}
       UNION ALL SELECT 'p', key, count(*), min(coalesce(num, value)) IS NOT max(coalesce(num, value)), 0, 0
         FROM params WHERE run_id IN sel GROUP BY key
       UNION ALL SELECT 'm', key, count(*), min(last) IS NOT max(last), min(min) IS NOT max(min), min(max) IS NOT max(max)
         FROM metrics WHERE run_id IN sel GROUP BY key
`,
      f.args,
    );
  }
}
