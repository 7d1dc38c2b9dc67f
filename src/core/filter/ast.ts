/** The checked syntax tree of a filter expression: what the SQL compiler (core/db/filterSql.ts) turns into SQL. */

/** The run's own fields, by the name a filter uses. */
export const RUN_FIELDS = [
  'id',
  'name',
  'experiment',
  'format',
  'status',
  'path',
  'commit',
  'branch',
  'source',
  'started',
  'duration',
] as const;
export type RunFieldName = (typeof RUN_FIELDS)[number];

export const SUMMARIES = ['last', 'min', 'max', 'best'] as const;
export type Summary = (typeof SUMMARIES)[number];

export type Field =
  | { kind: 'run'; name: RunFieldName }
  | { kind: 'param'; key: string }
  /** `best` is already resolved to min, max or last from the metric's direction. */
  | { kind: 'metric'; key: string; summary: Exclude<Summary, 'best'> }
  | { kind: 'tag'; key: string };

/**
 * A literal. `num` is set when it reads as a number (numbers, and quoted text that reads as one, e.g. '1e-3');
 * `text` is how it was written (a number's own text, a string's content).
 */
export interface Literal {
  text: string;
  num: number | null;
}

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Expr =
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'not'; expr: Expr }
  | { kind: 'exists'; field: Field }
  | { kind: 'compare'; field: Field; op: CompareOp; value: Literal }
  | { kind: 'in'; field: Field; values: Literal[] }
  | { kind: 'glob'; field: Field; pattern: string };

/** Whether text reads as a decimal number (the rule both sides of a comparison are judged by). */
export function readsAsNumber(text: string): number | null {
  const t = text.trim();
  return /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(t) && Number.isFinite(Number(t)) ? Number(t) : null;
}
