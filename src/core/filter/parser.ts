import { guessDirection } from '../compare/direction';
import {
  RUN_FIELDS,
  SUMMARIES,
  readsAsNumber,
  type CompareOp,
  type Expr,
  type Field,
  type Literal,
  type RunFieldName,
} from './ast';
import { FilterError, tokenize, type Token } from './lexer';

/** Fields whose values are text (all but the two numbers): compared as text, globbed with `~`. */
const TEXT_FIELDS = new Set<RunFieldName>(RUN_FIELDS.filter((f) => f !== 'started' && f !== 'duration'));
const FIELD_HELP = `fields: ${RUN_FIELDS.join(', ')}, params.<key>, metrics.<key>[.last|.min|.max|.best], tags.<key>`;

/**
 * Parses a filter expression (grammar in docs/filters.md) into a checked tree. Throws FilterError, whose message
 * ends "at column N", on the first problem. An empty or blank expression gives undefined: no filter.
 */
export function parseFilter(src: string): Expr | undefined {
  const p = new Parser(tokenize(src));
  if (p.peek().kind === 'end') return undefined;
  const expr = p.parseOr();
  const rest = p.peek();
  if (rest.kind !== 'end') {
    throw new FilterError(
      rest.kind === 'rparen' ? `unbalanced ')'` : `expected 'and', 'or' or the end, found '${rest.text}'`,
      rest.column,
    );
  }
  return expr;
}

/** A field written alone (a runs-table column id such as `params.lr` or `metrics.val_loss.min`). */
export function parseField(src: string): Field {
  const [t, end] = tokenize(src);
  if (t?.kind !== 'word' || end?.kind !== 'end')
    throw new FilterError(`expected one field such as params.lr`, t?.column ?? 1);
  return toField(t);
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token {
    return this.tokens[this.i]!;
  }

  private next(): Token {
    return this.tokens[this.i++]!;
  }

  private isKeyword(t: Token, word: string): boolean {
    return t.kind === 'word' && t.segments.length === 1 && !t.quoted[0] && t.segments[0]!.toLowerCase() === word;
  }

  parseOr(): Expr {
    let left = this.parseAnd();
    while (this.isKeyword(this.peek(), 'or')) {
      this.next();
      left = { kind: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.isKeyword(this.peek(), 'and')) {
      this.next();
      left = { kind: 'and', left, right: this.parseNot() };
    }
    return left;
  }

  private parseNot(): Expr {
    if (this.isKeyword(this.peek(), 'not')) {
      this.next();
      return { kind: 'not', expr: this.parseNot() };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Expr {
    const t = this.peek();
    if (t.kind === 'lparen') {
      this.next();
      if (this.peek().kind === 'rparen')
        throw new FilterError(`expected an expression inside '( )'`, this.peek().column);
      const inner = this.parseOr();
      const close = this.peek();
      if (close.kind !== 'rparen')
        throw new FilterError(`expected ')' for the '(' of column ${t.column}`, close.column);
      this.next();
      return inner;
    }
    if (this.isKeyword(t, 'exists')) {
      this.next();
      const f = this.peek();
      if (f.kind !== 'word') throw new FilterError(`expected a field after 'exists'`, f.column);
      this.next();
      return { kind: 'exists', field: toField(f) };
    }
    if (t.kind === 'end') throw new FilterError('expected a condition, found the end', t.column);
    if (t.kind !== 'word' || ['and', 'or', 'in'].some((k) => this.isKeyword(t, k))) {
      throw new FilterError(`expected a field such as params.lr or name, found '${t.text}'`, t.column);
    }
    this.next();
    return this.parseCondition(t);
  }

  /** What follows a field: an operator and a value, `in (…)`, `not in (…)` or `~ 'glob'`. */
  private parseCondition(fieldTok: Token): Expr {
    const field = toField(fieldTok);
    const opTok = this.peek();
    const negated = this.isKeyword(opTok, 'not');
    if (negated) this.next();
    const inTok = this.peek();
    if (this.isKeyword(inTok, 'in')) {
      this.next();
      return negate(negated, { kind: 'in', field, values: this.parseList(field) });
    }
    if (negated) throw new FilterError(`expected 'in' after 'not'`, inTok.column);
    if (opTok.kind !== 'op') {
      throw new FilterError(
        `expected a comparison (=, !=, <, <=, >, >=, in, ~) after '${fieldTok.text}'`,
        opTok.column,
      );
    }
    this.next();
    if (opTok.text === '~') {
      const pat = this.peek();
      if (pat.kind !== 'string')
        throw new FilterError(`expected a quoted pattern after '~', e.g. 'sweep-*'`, pat.column);
      this.next();
      if (!isTextual(field)) throw new FilterError(`'~' matches text; ${describe(field)} is a number`, opTok.column);
      return { kind: 'glob', field, pattern: pat.text };
    }
    return { kind: 'compare', field, op: opTok.text as CompareOp, value: this.parseValue(field, opTok) };
  }

  private parseList(field: Field): Literal[] {
    const open = this.peek();
    if (open.kind !== 'lparen') throw new FilterError(`expected '(' after 'in'`, open.column);
    this.next();
    const values: Literal[] = [this.parseValue(field, open)];
    for (;;) {
      const t = this.next();
      if (t.kind === 'rparen') return values;
      if (t.kind !== 'comma') throw new FilterError(`expected ',' or ')' in the list after 'in'`, t.column);
      values.push(this.parseValue(field, t));
    }
  }

  /** One value after `after` (an operator, '(' or ','), checked against what the field holds. */
  private parseValue(field: Field, after: Token): Literal {
    const t = this.peek();
    const single = t.kind === 'word' && t.segments.length === 1 && !t.quoted[0];
    if (
      t.kind !== 'number' &&
      t.kind !== 'string' &&
      !(single && !['and', 'or', 'not', 'in'].some((k) => this.isKeyword(t, k)))
    ) {
      throw new FilterError(`expected a value after '${after.text}'`, t.column);
    }
    this.next();
    if (t.kind === 'number' && t.unit && !(field.kind === 'run' && field.name === 'duration')) {
      throw new FilterError(`units (${t.text}) only go with duration`, t.column);
    }
    return checkLiteral(field, t);
  }
}

function negate(yes: boolean, e: Expr): Expr {
  return yes ? { kind: 'not', expr: e } : e;
}

/** Resolves a dotted word to a field; unknown names are errors that list the fields there are. */
function toField(t: Token): Field {
  const [head, ...rest] = t.segments;
  const root = t.quoted[0] ? '' : head!.toLowerCase();
  if (rest.length === 0 && (RUN_FIELDS as readonly string[]).includes(root))
    return { kind: 'run', name: root as RunFieldName };
  if ((root === 'params' || root === 'tags') && rest.length)
    return { kind: root === 'params' ? 'param' : 'tag', key: rest.join('.') };
  if (root === 'metrics' && rest.length) {
    const lastSeg = rest[rest.length - 1]!;
    const hasSummary =
      rest.length > 1 && !t.quoted[t.quoted.length - 1] && (SUMMARIES as readonly string[]).includes(lastSeg);
    const key = (hasSummary ? rest.slice(0, -1) : rest).join('.');
    const summary = hasSummary ? lastSeg : 'last';
    if (summary !== 'best') return { kind: 'metric', key, summary: summary as 'last' | 'min' | 'max' };
    const dir = guessDirection(key);
    return { kind: 'metric', key, summary: dir === 'lower' ? 'min' : dir === 'higher' ? 'max' : 'last' };
  }
  if (['params', 'metrics', 'tags'].includes(root))
    throw new FilterError(`expected a key after '${root}.', e.g. ${root}.lr`, t.column);
  throw new FilterError(`unknown field '${t.text}' (${FIELD_HELP})`, t.column);
}

function isTextual(f: Field): boolean {
  return f.kind === 'param' || f.kind === 'tag' || (f.kind === 'run' && TEXT_FIELDS.has(f.name));
}

function describe(f: Field): string {
  return f.kind === 'run'
    ? f.name
    : f.kind === 'metric'
      ? `metrics.${f.key}`
      : f.kind === 'param'
        ? `params.${f.key}`
        : `tags.${f.key}`;
}

/** Checks a value against the field: metrics and duration take numbers, started a date; text fields take anything. */
function checkLiteral(field: Field, t: Token): Literal {
  if (t.kind === 'number') {
    if (field.kind === 'run' && field.name === 'started')
      throw new FilterError(`started compares with a date in quotes, e.g. '2024-05-06'`, t.column);
    return { text: t.text, num: t.value };
  }
  const text = t.text;
  if (field.kind === 'run' && field.name === 'started') {
    // Dates and times without a zone are UTC, so a filter selects the same runs on every machine.
    const iso = /^\d{4}-\d{2}-\d{2}$/.test(text)
      ? `${text}T00:00:00Z`
      : /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)
        ? `${text.replace(' ', 'T')}Z`
        : text;
    const ms = Date.parse(iso);
    if (Number.isNaN(ms))
      throw new FilterError(`'${text}' is not a date (try '2024-05-06' or '2024-05-06T12:00Z')`, t.column);
    return { text, num: ms };
  }
  const num = readsAsNumber(text);
  if (num === null && (field.kind === 'metric' || (field.kind === 'run' && field.name === 'duration'))) {
    throw new FilterError(`${describe(field)} compares with a number, not '${text}'`, t.column);
  }
  return { text, num };
}
