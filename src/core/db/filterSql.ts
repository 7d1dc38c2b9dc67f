import type { SqlValue } from 'sql.js';
import type { CompareOp, Expr, Field, Literal, RunFieldName } from '../filter/ast';

/** A WHERE condition over `runs r`, its values as bound parameters (never pasted into the SQL text). */
export interface FilterSql {
  where: string;
  args: SqlValue[];
}

const RUN_COLUMNS: Record<Exclude<RunFieldName, 'duration'>, string> = {
  id: 'r.id',
  name: 'r.name',
  experiment: 'r.experiment',
  format: 'r.format',
  status: 'r.status',
  path: 'r.path',
  commit: 'r.git_commit',
  branch: 'r.git_branch',
  // the source's URI (secrets removed); NULL for the workspace's own runs, so `not exists source` selects those
  source: 'r.source',
  started: 'r.start_time',
};
// Seconds, as the filter's duration values are; NULL unless both times are known.
const DURATION = '((r.end_time - r.start_time) / 1000.0)';
// A param's text as a filter sees it: booleans read true/false, numbers as SQLite renders them.
const PARAM_TEXT =
  "(CASE p.type WHEN 'boolean' THEN (CASE p.value WHEN 1 THEN 'true' ELSE 'false' END) ELSE CAST(p.value AS TEXT) END)";
// `last` keeps non-finite values as text (schema.ts): ±Infinity compare as such, NaN matches nothing.
const METRIC_VALUE = {
  last: "(CASE m.last WHEN 'Infinity' THEN 9e999 WHEN '-Infinity' THEN -9e999 WHEN 'NaN' THEN NULL ELSE m.last END)",
  min: 'm.min',
  max: 'm.max',
} as const;

/** Compiles a parsed filter (core/filter/parser.ts) to SQL; semantics in docs/filters.md. */
export function compileFilter(expr: Expr): FilterSql {
  const args: SqlValue[] = [];
  const where = emit(expr, args);
  return { where, args };
}

function emit(e: Expr, args: SqlValue[]): string {
  switch (e.kind) {
    case 'and':
    case 'or':
      return `(${emit(e.left, args)} ${e.kind.toUpperCase()} ${emit(e.right, args)})`;
    case 'not':
      // Every condition below is 0 or 1, never NULL (run columns are COALESCEd, the rest are EXISTS): a run
      // without the value fails the condition, so `not` selects it.
      return `(NOT ${emit(e.expr, args)})`;
    case 'exists':
      return exists(e.field, args);
    default:
      return onField(e.field, args, (v, kind) => condition(e, v, kind, args));
  }
}

/** A leaf of a filter: one condition on one field (what and / or / not combine). */
export type LeafExpr = Exclude<Expr, { kind: 'and' | 'or' | 'not' }>;

/**
 * The ids of the runs one leaf selects, as a SELECT of one column `id` (filterSets.ts combines them). Params and
 * metrics read their key's rows from the covering index by key (schema.ts): one sequential read of the key's
 * rows instead of one lookup per run. Run fields scan the runs; tags, which have no key index (a pass would pay
 * for one), look each run's tag up as the WHERE form does. The same conditions as compileFilter's, so the same
 * runs.
 */
export function leafIdsSql(e: LeafExpr, args: SqlValue[]): string {
  const f = e.field;
  if (f.kind === 'param' || f.kind === 'metric') {
    const [table, alias] = f.kind === 'param' ? ['params', 'p'] : ['metrics', 'm'];
    args.push(f.key);
    const head = `SELECT ${alias}.run_id AS id FROM ${table} ${alias} WHERE ${alias}.key = ?`;
    if (e.kind === 'exists') return head;
    if (f.kind === 'param' && isNumericCompare(e)) {
      // Seeks the key's numbers by range in params_key (key, num, …) instead of testing each of its rows: the
      // rows with a number compare as numbers, the rest (num NULL, first in the index) as text — the two branches
      // of compare()'s CASE, as two index ranges.
      const op = e.op === '!=' ? '<>' : e.op;
      args.push(e.value.num, f.key, e.value.text);
      return `${head} AND p.num ${op} ? UNION ALL ${head} AND p.num IS NULL AND ${PARAM_TEXT} ${op} ?`;
    }
    if (f.kind === 'param' && e.kind === 'compare' && e.op === '=' && e.value.num === null) {
      // Equal to text that is no number: only rows without a number can be (a number's text reads as one). Seeks
      // the key's text equal to it, and the few values that are not text (booleans 1 / 0, ±Infinity), in
      // params_key (key, num, value, …); the condition itself stays on both branches.
      args.push(e.value.text, e.value.text, f.key, e.value.text);
      const inText = `p.num IS NULL AND p.value = ? AND ${PARAM_TEXT} = ?`;
      return `${head} AND ${inText} UNION ALL ${head} AND p.num IS NULL AND p.value IN (0, 1, 9e999, -9e999) AND ${PARAM_TEXT} = ?`;
    }
    const value = f.kind === 'param' ? PARAM_TEXT : METRIC_VALUE[f.summary];
    return `${head} AND ${condition(e, value, f.kind === 'param' ? 'param' : 'number', args)}`;
  }
  return `SELECT r.id AS id FROM runs r WHERE ${emit(e, args)}`;
}

/** A comparison of a param with a number: leafIdsSql seeks it by range (exported for filterSets' plan). */
export function isNumericCompare(e: Expr): e is Extract<Expr, { kind: 'compare' }> {
  return e.kind === 'compare' && e.field.kind === 'param' && e.value.num !== null;
}

/** A comparison, `in` or glob on a field's value expression. */
function condition(e: Exclude<LeafExpr, { kind: 'exists' }>, v: string, kind: ValueKind, args: SqlValue[]): string {
  switch (e.kind) {
    case 'compare':
      return compare(v, kind, e.op, e.value, args);
    case 'in':
      return `(${e.values.map((lit) => compare(v, kind, '=', lit, args)).join(' OR ')})`;
    case 'glob':
      args.push(e.pattern);
      return `${v} GLOB ?`;
  }
}

type ValueKind = 'text' | 'number' | 'param';

/**
 * Wraps a condition on the field's value: run fields directly, params/metrics/tags through EXISTS over their
 * table, so a run without the key never matches (and `not` selects it).
 */
function onField(f: Field, args: SqlValue[], cond: (value: string, kind: ValueKind) => string): string {
  switch (f.kind) {
    case 'run':
      if (f.name === 'duration') return `COALESCE(${cond(DURATION, 'number')}, 0)`;
      return `COALESCE(${cond(RUN_COLUMNS[f.name], f.name === 'started' ? 'number' : 'text')}, 0)`;
    case 'param':
      args.push(f.key);
      return `EXISTS (SELECT 1 FROM params p WHERE p.run_id = r.id AND p.key = ? AND ${cond(PARAM_TEXT, 'param')})`;
    case 'metric':
      args.push(f.key);
      return `EXISTS (SELECT 1 FROM metrics m WHERE m.run_id = r.id AND m.key = ? AND ${cond(METRIC_VALUE[f.summary], 'number')})`;
    case 'tag':
      args.push(f.key);
      return `EXISTS (SELECT 1 FROM tags t WHERE t.run_id = r.id AND t.key = ? AND ${cond('t.value', 'text')})`;
  }
}

/** One comparison. Params compare as numbers when both sides are numbers (`p.num`), else as text. */
function compare(value: string, kind: ValueKind, op: CompareOp, lit: Literal, args: SqlValue[]): string {
  const sqlOp = op === '!=' ? '<>' : op;
  if (kind === 'number') {
    args.push(lit.num);
    return `${value} ${sqlOp} ?`;
  }
  if (kind === 'param' && lit.num !== null) {
    args.push(lit.num, lit.text);
    return `(CASE WHEN p.num IS NOT NULL THEN p.num ${sqlOp} ? ELSE ${value} ${sqlOp} ? END)`;
  }
  args.push(lit.text);
  return `${value} ${sqlOp} ?`;
}

function exists(f: Field, args: SqlValue[]): string {
  switch (f.kind) {
    case 'run':
      return f.name === 'duration' ? `${DURATION} IS NOT NULL` : `${RUN_COLUMNS[f.name]} IS NOT NULL`;
    case 'param':
    case 'metric':
    case 'tag':
      args.push(f.key);
      return `EXISTS (SELECT 1 FROM ${f.kind === 'param' ? 'params' : f.kind === 'metric' ? 'metrics' : 'tags'} WHERE run_id = r.id AND key = ?)`;
  }
}

/** A field's value for display (runs table): as stored; booleans read true/false; duration in seconds. */
export function fieldValueSql(f: Field, args: SqlValue[]): string {
  switch (f.kind) {
    case 'run':
      return f.name === 'duration' ? DURATION : RUN_COLUMNS[f.name];
    case 'param':
      args.push(f.key);
      return `(SELECT ${PARAM_TEXT.replace('CAST(p.value AS TEXT)', 'p.value')} FROM params p WHERE p.run_id = r.id AND p.key = ?)`;
    case 'metric':
      args.push(f.key);
      return `(SELECT m.${f.summary} FROM metrics m WHERE m.run_id = r.id AND m.key = ?)`;
    case 'tag':
      args.push(f.key);
      return `(SELECT t.value FROM tags t WHERE t.run_id = r.id AND t.key = ?)`;
  }
}

/** A field's sort key: params that read as numbers sort as numbers (before text); metrics by their numeric value. */
export function fieldSortSql(f: Field, args: SqlValue[]): string {
  switch (f.kind) {
    case 'param':
      args.push(f.key);
      return `(SELECT coalesce(p.num, ${PARAM_TEXT}) FROM params p WHERE p.run_id = r.id AND p.key = ?)`;
    case 'metric':
      args.push(f.key);
      return `(SELECT ${METRIC_VALUE[f.summary]} FROM metrics m WHERE m.run_id = r.id AND m.key = ?)`;
    default:
      return fieldValueSql(f, args);
  }
}
