import type { Database, SqlValue } from 'sql.js';
import type { Expr } from '../filter/ast';
import { leafIdsSql, type LeafExpr } from './filterSql';

/** Every run's id in the order of RunStore.runs() (format, path). */
export type RunOrder = readonly string[];

/**
 * Reads the runs' order: the ids as one JSON array (one value across the wasm boundary, not one row per run), in
 * the order of the runs_order index. json_group_array(id ORDER BY format, path) would sort the runs again (2.6×);
 * the LIMIT keeps SQLite from dropping the subquery's ORDER BY as meaningless to the aggregate (the oracle tests
 * check the order against runs()).
 */
export function readRunOrder(db: Database): RunOrder {
  const json = db.exec('SELECT json_group_array(id) FROM (SELECT id FROM runs ORDER BY format, path LIMIT -1)')[0]
    ?.values[0]?.[0];
  return JSON.parse(typeof json === 'string' ? json : '[]') as string[];
}

/**
 * The ids of the runs a parsed filter selects, in the runs' order. Each leaf condition is one query reading its
 * key's rows from a covering index (filterSql.leafIdsSql), all leaves in one statement, each leaf's runs as a set;
 * and / or / not are then tested per run on those sets. In sql.js, SQLite's own ways of combining the leaves cost
 * about a microsecond per run and condition (a lookup per run for the correlated EXISTS of compileFilter, a b-tree
 * insert per id for IN / INTERSECT); a set lookup costs nanoseconds. Every leaf is true or false for every run (a
 * run without the value fails it), so and / or / not here are exactly the WHERE form's AND / OR / NOT
 * (docs/filters.md).
 */
export function selectRunIds(db: Database, expr: Expr, order: RunOrder): string[] {
  const leaves: LeafExpr[] = [];
  collectLeaves(expr, leaves);
  const args: SqlValue[] = [];
  const columns = leaves.map((leaf) => `(SELECT json_group_array(id) FROM (${leafIdsSql(leaf, args)}))`);
  const stmt = db.prepare(`SELECT ${columns.join(', ')}`);
  let row: SqlValue[];
  try {
    stmt.bind(args);
    stmt.step();
    row = stmt.get();
  } finally {
    stmt.free();
  }
  const sets = row.map((json) => new Set(JSON.parse(String(json)) as string[]));
  let next = 0;
  // The tree as a test on one run's id; the leaves in the order collectLeaves met them.
  const test = (e: Expr): ((id: string) => boolean) => {
    switch (e.kind) {
      case 'and': {
        const [a, b] = [test(e.left), test(e.right)];
        return (id) => a(id) && b(id);
      }
      case 'or': {
        const [a, b] = [test(e.left), test(e.right)];
        return (id) => a(id) || b(id);
      }
      case 'not': {
        const a = test(e.expr);
        return (id) => !a(id);
      }
      default: {
        const set = sets[next++]!;
        return (id) => set.has(id);
      }
    }
  };
  return order.filter(test(expr));
}

function collectLeaves(e: Expr, out: LeafExpr[]): void {
  switch (e.kind) {
    case 'and':
    case 'or':
      collectLeaves(e.left, out);
      collectLeaves(e.right, out);
      return;
    case 'not':
      collectLeaves(e.expr, out);
      return;
    default:
      out.push(e);
  }
}
