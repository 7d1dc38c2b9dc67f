import type { Database, SqlValue } from 'sql.js';
import type { Expr } from '../filter/ast';
import { leafIdsSql, type LeafExpr } from './filterSql';

/** Every run's id in the order of RunStore.runs() (format, path), and each id's position in it. */
export interface RunOrder {
  ids: string[];
  position: Map<string, number>;
}

/** Reads the runs' order: one statement, the ids as one JSON array (one value across the wasm boundary, not 10,000). */
export function readRunOrder(db: Database): RunOrder {
  const json = db.exec('SELECT json_group_array(id ORDER BY format, path) FROM runs')[0]?.values[0]?.[0];
  const ids = JSON.parse(typeof json === 'string' ? json : '[]') as string[];
  // A loop, not new Map(ids.map(…)): no array per run (half the time at 10,000 runs).
  const position = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) position.set(ids[i]!, i);
  return { ids, position };
}

/**
 * The ids of the runs a parsed filter selects, in the runs' order. Each leaf condition is one query reading its
 * key's rows from a covering index (filterSql.leafIdsSql), all leaves in one statement; and / or / not are done
 * on one byte per run. In sql.js, SQLite's own ways of combining the leaves cost about a microsecond per run and
 * condition (a lookup per run for the correlated EXISTS of compileFilter, a b-tree insert per id for IN /
 * INTERSECT); a byte per run costs nanoseconds. Every leaf is 0 or 1 for every run (a run without the value fails
 * it), so and / or / not on the sets are exactly the WHERE form's AND / OR / NOT (docs/filters.md).
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
  const n = order.ids.length;
  const sets = row.map((json) => {
    const set = new Uint8Array(n);
    for (const id of JSON.parse(String(json)) as string[]) {
      const i = order.position.get(id);
      if (i !== undefined) set[i] = 1;
    }
    return set;
  });
  let next = 0;
  const combine = (e: Expr): Uint8Array => {
    switch (e.kind) {
      case 'and':
      case 'or': {
        const a = combine(e.left);
        const b = combine(e.right);
        if (e.kind === 'and') for (let i = 0; i < n; i++) a[i] = a[i]! & b[i]!;
        else for (let i = 0; i < n; i++) a[i] = a[i]! | b[i]!;
        return a;
      }
      case 'not': {
        const a = combine(e.expr);
        for (let i = 0; i < n; i++) a[i] = a[i]! ^ 1;
        return a;
      }
      default:
        // the leaves in the order collectLeaves met them
        return sets[next++]!;
    }
  };
  const selected = combine(expr);
  const out: string[] = [];
  for (let i = 0; i < n; i++) if (selected[i]) out.push(order.ids[i]!);
  return out;
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
