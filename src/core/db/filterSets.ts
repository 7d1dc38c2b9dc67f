import type { Database, SqlValue } from 'sql.js';
import type { Expr } from '../filter/ast';
import { compileFilter, isNumericCompare, leafIdsSql, type LeafExpr } from './filterSql';

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
 * (docs/filters.md). An `and` whose comparison of a param to a number selects few runs goes another way
 * (selectBySeek), which needs no runs' order: `order` reads it only when the sets are used.
 */
export function selectRunIds(db: Database, expr: Expr, order: () => RunOrder, setsMaxRuns = SETS_MAX_RUNS): string[] {
  const runs = runCount(db);
  const seek = selectBySeek(db, expr, runs);
  if (seek) return seek;
  if (runs > setsMaxRuns) {
    // The WHERE form, its runs in order from the runs_order index.
    const { where, args } = compileFilter(expr);
    const sql = `SELECT json_group_array(id) FROM (SELECT r.id FROM runs r WHERE ${where} ORDER BY r.format, r.path)`;
    return JSON.parse(String(one(db, sql, args)[0])) as string[];
  }
  return selectBySets(db, expr, order());
}

/**
 * Above this many runs, an expression the seek does not take runs as one WHERE condition: at 100,000 runs the sets
 * (ids parsed from JSON into sets of up to 100,000 strings, and the runs' order read after each pass) took 0.64–
 * 1.10× the WHERE form's time (0.86–1.40× first after a pass) in two runs, against 0.39–0.44× at 10,000.
 */
export const SETS_MAX_RUNS = 50_000;

/**
 * Below this share of the runs, the rest of an `and` is tested on the survivors of its seekable condition, one
 * lookup per survivor and condition, rather than by reading each other condition's key in full (one row per run
 * and condition): a lookup costs about three times a row read (measured at 10,000 and 100,000 runs).
 */
export const SURVIVOR_SHARE = 1 / 3;

/**
 * An `and` with a comparison of a param to a number (`params.lr < 1e-3`): that condition's runs are sought by
 * range in the index (cost in proportion to the runs it selects), and when they are few (SURVIVOR_SHARE) the other
 * conditions are tested on those runs alone, with compileFilter's WHERE form driven by the list of survivors —
 * the most selective condition first, the others only where it holds. Undefined when the expression has no such
 * condition or it selects too many runs; the sets then decide.
 */
function selectBySeek(db: Database, expr: Expr, runs: number): string[] | undefined {
  const conjuncts: Expr[] = [];
  collectConjuncts(expr, conjuncts);
  let best: { at: number; json: string; count: number } | undefined;
  for (const [at, c] of conjuncts.entries()) {
    if (!isNumericCompare(c) || c.op === '!=') continue;
    const args: SqlValue[] = [];
    const json = one(db, `SELECT json_group_array(id), count(*) FROM (${leafIdsSql(c, args)})`, args);
    const count = Number(json[1]);
    if (!best || count < best.count) best = { at, json: String(json[0]), count };
  }
  if (!best || best.count > runs * SURVIVOR_SHARE) return undefined;
  const rest = conjuncts.filter((_, at) => at !== best.at);
  const { where, args } =
    rest.length > 0 ? compileFilter(rest.reduce((left, right) => ({ kind: 'and', left, right }))) : NO_WHERE;
  // CROSS JOIN keeps the survivors as the outer loop: one primary-key lookup of each in runs. Sorting the few
  // survivors here costs about what testing the runs' order against them does, and spares reading that order
  // (the first filter after a pass).
  const sql = `SELECT json_group_array(id) FROM (SELECT r.id FROM json_each(?) j CROSS JOIN runs r ON r.id = j.value
    WHERE ${where} ORDER BY r.format, r.path)`;
  return JSON.parse(String(one(db, sql, [best.json, ...args])[0])) as string[];
}

const NO_WHERE = { where: '1', args: [] };

/** The number of runs: SQLite counts them from the smallest index without reading the rows. */
function runCount(db: Database): number {
  return Number(one(db, 'SELECT count(*) FROM runs', [])[0]);
}

function collectConjuncts(e: Expr, out: Expr[]): void {
  if (e.kind !== 'and') {
    out.push(e);
    return;
  }
  collectConjuncts(e.left, out);
  collectConjuncts(e.right, out);
}

/** One statement's first row. */
function one(db: Database, sql: string, args: SqlValue[]): SqlValue[] {
  const stmt = db.prepare(sql);
  try {
    stmt.bind(args);
    stmt.step();
    return stmt.get();
  } finally {
    stmt.free();
  }
}

function selectBySets(db: Database, expr: Expr, order: RunOrder): string[] {
  const leaves: LeafExpr[] = [];
  collectLeaves(expr, leaves);
  const args: SqlValue[] = [];
  const columns = leaves.map((leaf) => `(SELECT json_group_array(id) FROM (${leafIdsSql(leaf, args)}))`);
  const row = one(db, `SELECT ${columns.join(', ')}`, args);
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
