import type { Database, SqlValue } from 'sql.js';
import type { Expr, Field } from '../filter/ast';
import { compileFilter, fieldSortSql, fieldValueSql } from './filterSql';

/** One column of the runs table: its id is its filter field (`name`, `params.lr`, `metrics.val_loss.min`). */
export interface TableColumnSpec {
  id: string;
  field: Field;
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

  /** Keys of params and metrics, for the column picker. */
  keys(): { params: string[]; metrics: string[] } {
    const list = (t: string): string[] =>
      this.all(`SELECT DISTINCT key FROM ${t} ORDER BY key`).map((r) => String(r[0]));
    return { params: list('params'), metrics: list('metrics') };
  }

  count(filter: Expr | undefined): number {
    const f = filter ? compileFilter(filter) : { where: '1', args: [] };
    return Number(this.all(`SELECT count(*) FROM runs r WHERE ${f.where}`, f.args)[0]![0]);
  }

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
    const ids = this.all(`SELECT r.id FROM runs r WHERE ${f.where} ORDER BY ${order} LIMIT ? OFFSET ?`, [
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
    const rows = this.all(
      `SELECT r.id${cols.map((c) => `, ${c}`).join('')} FROM runs r WHERE r.id IN (${ids.map(() => '?').join(',')})`,
      [...args, ...ids],
    ) as TableRowValues[];
    const byId = new Map(rows.map((r) => [r[0], r]));
    return ids.map((id) => byId.get(id)).filter((r): r is TableRowValues => r !== undefined);
  }

  /**
   * Which of the columns differ among the runs the filter selects: two distinct values, or a value some runs lack.
   * One GROUP BY per table, not one query per column.
   */
  differing(filter: Expr | undefined, columns: readonly TableColumnSpec[]): Set<string> {
    const f = filter ? compileFilter(filter) : { where: '1', args: [] };
    const total = this.count(filter);
    const out = new Set<string>();
    const scope = filter ? `run_id IN (SELECT r.id FROM runs r WHERE ${f.where})` : '1';
    // Two values differ when min != max: cheaper than count(DISTINCT …), which builds a b-tree per key. [distinct?, n]
    const grouped = (sql: string): Map<string, [number, number]> =>
      new Map(this.all(sql, f.args).map((r) => [String(r[0]), [r[1] === r[2] ? 1 : 2, Number(r[3])]]));
    const params = grouped(
      `SELECT key, min(coalesce(num, value)), max(coalesce(num, value)), count(*) FROM params WHERE ${scope} GROUP BY key`,
    );
    const summaries = { last: 'last', min: 'min', max: 'max' } as const;
    const metricStats = new Map<string, Map<string, [number, number]>>();
    for (const c of columns) {
      const fd = c.field;
      if (fd.kind === 'param') {
        const s = params.get(fd.key);
        if (s && (s[0] > 1 || s[1] < total)) out.add(c.id);
      } else if (fd.kind === 'metric') {
        if (!metricStats.has(fd.summary))
          metricStats.set(
            fd.summary,
            grouped(
              `SELECT key, min(${summaries[fd.summary]}), max(${summaries[fd.summary]}), count(*) FROM metrics WHERE ${scope} GROUP BY key`,
            ),
          );
        const s = metricStats.get(fd.summary)!.get(fd.key);
        if (s && (s[0] > 1 || s[1] < total)) out.add(c.id);
      } else if (fd.kind === 'run' || fd.kind === 'tag') {
        const args: SqlValue[] = [];
        const v = fieldValueSql(fd, args);
        const [d, n] = this.all(`SELECT count(DISTINCT ${v}), count(${v}) FROM runs r WHERE ${f.where}`, [
          ...args,
          ...args,
          ...f.args,
        ])[0]!;
        if (Number(d) > 1 || (Number(n) < total && Number(n) > 0)) out.add(c.id);
      }
    }
    return out;
  }

  private all(sql: string, args: SqlValue[] = []): SqlValue[][] {
    const stmt = this.db.prepare(sql);
    try {
      stmt.bind(args);
      const out: SqlValue[][] = [];
      while (stmt.step()) out.push(stmt.get());
      return out;
    } finally {
      stmt.free();
    }
  }
}
