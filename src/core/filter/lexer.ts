/** A filter expression that cannot be read; `column` (1-based) points at the problem and ends the message. */
export class FilterError extends Error {
  override name = 'FilterError' as const;
  constructor(
    readonly detail: string,
    readonly column: number,
  ) {
    super(`${detail} at column ${column}`);
  }
}

export type TokenKind = 'word' | 'number' | 'string' | 'op' | 'lparen' | 'rparen' | 'comma' | 'end';

export interface Token {
  kind: TokenKind;
  /** word: the dotted path's segments; number/string: the value's text; op: the operator. */
  text: string;
  /** Segments of a word (`params.optimizer.lr` → params, optimizer, lr); backquoted segments keep dots. */
  segments: string[];
  /** Which segments were backquoted (a quoted `min` is a metric key, not a summary). */
  quoted: boolean[];
  /** number: its value (durations already in seconds); NaN otherwise. */
  value: number;
  /** number: the unit written after it (s, m, h, d), '' when none. */
  unit: string;
  /** 1-based column of the token's first character. */
  column: number;
}

const OPS = ['<=', '>=', '!=', '<>', '=', '<', '>', '~'] as const;
const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
// Word characters: keys like `train/loss`, `top-5`, `layers.0.size` are read as written.
const WORD_START = /[A-Za-z_]/;
const WORD_CHAR = /[A-Za-z0-9_\-/]/;

/** Splits a filter expression into tokens; throws FilterError at the first character that fits none. */
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const tok = (kind: TokenKind, text: string, column: number, extra: Partial<Token> = {}): Token => ({
    kind,
    text,
    segments: [],
    quoted: [],
    value: NaN,
    unit: '',
    column,
    ...extra,
  });
  while (i < src.length) {
    const c = src[i]!;
    const col = i + 1;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      out.push(tok(c === '(' ? 'lparen' : c === ')' ? 'rparen' : 'comma', c, col));
      i++;
    } else if (c === "'" || c === '"') {
      const [text, next] = readQuoted(src, i, c);
      out.push(tok('string', text, col));
      i = next;
    } else if (NUMBER.test(src.slice(i)) && (c !== '-' || /[\d.]/.test(src[i + 1] ?? ''))) {
      const m = NUMBER.exec(src.slice(i))![0];
      i += m.length;
      let unit = '';
      while (i < src.length && WORD_CHAR.test(src[i]!)) unit += src[i++];
      if (unit && !(unit in UNIT_SECONDS))
        throw new FilterError(`'${m}${unit}' is not a number (units: s, m, h, d)`, col);
      out.push(tok('number', m + unit, col, { value: Number(m) * (unit ? UNIT_SECONDS[unit]! : 1), unit }));
    } else if (WORD_START.test(c) || c === '`') {
      const { segments, quoted, next } = readWord(src, i);
      out.push(tok('word', src.slice(i, next), col, { segments, quoted }));
      i = next;
    } else {
      const op = OPS.find((o) => src.startsWith(o, i));
      if (!op) throw new FilterError(`unexpected character '${c}'`, col);
      out.push(tok('op', op === '<>' ? '!=' : op, col));
      i += op.length;
    }
  }
  out.push(tok('end', '', src.length + 1));
  return out;
}

/** A quoted string from `start` (the quote): a backslash escapes the next character. Returns [text, index after]. */
function readQuoted(src: string, start: number, quote: string): [string, number] {
  let text = '';
  for (let i = start + 1; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\' && i + 1 < src.length) text += src[++i];
    else if (c === quote) return [text, i + 1];
    else text += c;
  }
  throw new FilterError('unterminated string (no closing quote)', start + 1);
}

/** A dotted word: segments of word characters or `backquoted text`, joined by dots without spaces. */
function readWord(src: string, start: number): { segments: string[]; quoted: boolean[]; next: number } {
  const segments: string[] = [];
  const quoted: boolean[] = [];
  let i = start;
  for (;;) {
    if (src[i] === '`') {
      const close = src.indexOf('`', i + 1);
      if (close < 0) throw new FilterError('unterminated `quoted name`', i + 1);
      segments.push(src.slice(i + 1, close));
      quoted.push(true);
      i = close + 1;
    } else {
      let j = i;
      while (j < src.length && WORD_CHAR.test(src[j]!)) j++;
      if (j === i) throw new FilterError(`expected a name after '.'`, i + 1);
      segments.push(src.slice(i, j));
      quoted.push(false);
      i = j;
    }
    if (src[i] !== '.') return { segments, quoted, next: i };
    i++;
  }
}
