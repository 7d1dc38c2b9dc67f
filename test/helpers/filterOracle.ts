import type { CompareOp, Expr, Field, Literal } from '../../src/core/filter/ast';
import { readsAsNumber } from '../../src/core/filter/ast';
import type { Run } from '../../src/core/model';

/**
 * The filter language's meaning written out in plain TypeScript over Run objects, independently of the SQL
 * compiler: the oracle the compiled SQL is checked against. Rules (docs/filters.md): a missing value fails every
 * comparison; params compare as numbers when both sides are numbers, else as text; NaN matches nothing.
 */
export function oracleMatches(e: Expr, run: Run): boolean {
  switch (e.kind) {
    case 'and':
      return oracleMatches(e.left, run) && oracleMatches(e.right, run);
    case 'or':
      return oracleMatches(e.left, run) || oracleMatches(e.right, run);
    case 'not':
      return !oracleMatches(e.expr, run);
    case 'exists':
      return valueOf(e.field, run) !== undefined;
    case 'compare':
      return test(e.field, run, e.op, e.value);
    case 'in':
      return e.values.some((v) => test(e.field, run, '=', v));
    case 'glob': {
      const v = valueOf(e.field, run);
      return v !== undefined && v !== null && globRegExp(e.pattern).test(textOf(v));
    }
  }
}

type Value = string | number | boolean | null;

/** The field's value; undefined when the run lacks it. */
function valueOf(f: Field, run: Run): Value | undefined {
  switch (f.kind) {
    case 'run': {
      const v = {
        id: run.id,
        name: run.name,
        experiment: run.experiment,
        format: run.format,
        status: run.status,
        path: run.path,
        commit: run.git.commit,
        branch: run.git.branch,
        source: run.source ?? null,
        started: run.startTime,
        duration: run.startTime !== null && run.endTime !== null ? (run.endTime - run.startTime) / 1000 : null,
      }[f.name];
      return v ?? undefined;
    }
    case 'param':
      return f.key in run.params ? run.params[f.key] : undefined;
    case 'metric': {
      const m = run.metrics[f.key];
      return m ? m[f.summary] : undefined;
    }
    case 'tag':
      return run.tags[f.key];
  }
}

/** Text as the SQL sees it: booleans read true/false; the generated numbers render alike in JS and SQLite. */
function textOf(v: Value): string {
  return String(v);
}

function test(f: Field, run: Run, op: CompareOp, lit: Literal): boolean {
  const v = valueOf(f, run);
  if (v === undefined || v === null) return false;
  if (f.kind === 'metric' || (f.kind === 'run' && (f.name === 'started' || f.name === 'duration'))) {
    return typeof v === 'number' && !Number.isNaN(v) && cmp(v, lit.num!, op);
  }
  if (f.kind === 'param' && lit.num !== null) {
    const n = typeof v === 'number' ? (Number.isFinite(v) ? v : null) : typeof v === 'string' ? readsAsNumber(v) : null;
    if (n !== null) return cmp(n, lit.num, op);
  }
  return cmp(textOf(v), lit.text, op);
}

function cmp<T extends number | string>(a: T, b: T, op: CompareOp): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

/** SQLite GLOB: `*`, `?`, `[...]`, case-sensitive, the whole text. */
function globRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      const body = pattern.slice(i + 1, close);
      re += `[${body.startsWith('^') ? '^' + body.slice(1) : body}]`;
      i = close;
    } else re += c.replace(/[.+^$()|\\{}]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
