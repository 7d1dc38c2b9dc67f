import type { PointSink, TailParser } from '../types';

/** Tail state of one `metrics/<key>` file: lines seen and malformed lines reported. */
export interface MetricFileState {
  line: number;
  bad: number;
}

/** Malformed lines reported one by one per file; after that a single notice. */
const MAX_REPORTED = 5;

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
  1e21, 1e22,
];

/**
 * Parser of one FileStore metric file (`metrics/<key>`, mlflow/store/tracking/file_store.py): one line per point,
 * `"<timestamp_ms> <value> <step>"`, legacy `"<timestamp> <value>"` (step 0), or 3.x
 * `"<timestamp> <value> <step> <dataset_name> <dataset_digest>"`. Lines end in "\n" ("\r\n" from Windows
 * writers); a last line without "\n" is still being written and is left for the next read.
 */
export function metricFileParser(key: string): TailParser<MetricFileState> {
  return {
    init: () => ({ line: 0, bad: 0 }),
    parse: (chunk, state, emit, _atEof, problem) => parseMetricLines(chunk, key, state, emit, problem),
  };
}

/** Parses whole lines of `chunk`; returns the bytes consumed (up to and including the last "\n"). */
export function parseMetricLines(
  chunk: Uint8Array,
  key: string,
  state: MetricFileState,
  emit: PointSink,
  problem: (message: string) => void,
): number {
  const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  chunkText = undefined;
  try {
    return parseLines(buf, key, state, emit, problem);
  } finally {
    chunkText = undefined;
  }
}

/**
 * The chunk as latin1 text, decoded once per chunk on the first value that needs the general number parser
 * (17-digit float32 reprs are common): a substring of it parses faster than decoding each value on its own.
 */
let chunkText: string | undefined;

function slowNumber(buf: Buffer, start: number, end: number): number {
  chunkText ??= buf.toString('latin1');
  return Number(chunkText.substring(start, end));
}

function parseLines(
  buf: Buffer,
  key: string,
  state: MetricFileState,
  emit: PointSink,
  problem: (message: string) => void,
): number {
  const n = buf.length;
  let lineStart = 0;
  // One pass per line: find the "\n" and the first three spaces together (no per-line allocation).
  for (;;) {
    let i = lineStart;
    let sp1 = -1;
    let sp2 = -1;
    let sp3 = -1;
    let spaces = 0;
    for (; i < n; i++) {
      const c = buf[i]!;
      if (c === 10) break;
      if (c === 32) {
        if (spaces === 0) sp1 = i;
        else if (spaces === 1) sp2 = i;
        else if (spaces === 2) sp3 = i;
        spaces++;
      }
    }
    if (i >= n) return lineStart;
    state.line++;
    let start = lineStart;
    let end = i;
    if (end > start && buf[end - 1] === 13) end--;
    lineStart = i + 1;
    if (start === end) continue; // blank line: not written by MLflow; skipped quietly
    if (buf[start]! <= 32 || buf[end - 1]! <= 32) {
      // Python's str.strip() before split(" "): recount the spaces inside the stripped line.
      while (start < end && isSpace(buf[start]!)) start++;
      while (end > start && isSpace(buf[end - 1]!)) end--;
      if (start === end) continue;
      sp1 = sp2 = sp3 = -1;
      spaces = 0;
      for (let j = start; j < end; j++) {
        if (buf[j] === 32) {
          if (spaces === 0) sp1 = j;
          else if (spaces === 1) sp2 = j;
          else if (spaces === 2) sp3 = j;
          spaces++;
        }
      }
    }
    const err = parseFields(buf, start, end, spaces + 1, sp1, sp2, sp3, key, emit);
    if (err !== undefined) report(state, err, problem);
  }
}

function report(state: MetricFileState, err: string, problem: (message: string) => void): void {
  state.bad++;
  if (state.bad <= MAX_REPORTED) problem(`mlflow: ${err} at line ${state.line}`);
  else if (state.bad === MAX_REPORTED + 1)
    problem(`mlflow: more malformed metric lines from line ${state.line} on (not reported one by one)`);
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** Parses one stripped line [start, end) split at the given spaces and emits it; returns an error text if malformed. */
function parseFields(
  buf: Buffer,
  start: number,
  end: number,
  fields: number,
  sp1: number,
  sp2: number,
  sp3: number,
  key: string,
  emit: PointSink,
): string | undefined {
  if (fields !== 2 && fields !== 3 && fields !== 5)
    return `malformed metric line (${fields} field${fields === 1 ? '' : 's'}, expected 2, 3 or 5)`;
  const ts = parseInt(buf, start, sp1);
  if (Number.isNaN(ts)) return 'metric timestamp is not an integer';
  const vEnd = fields === 2 ? end : sp2;
  let value = parseDecimal(buf, sp1 + 1, vEnd);
  let warning: string | undefined;
  if (Number.isNaN(value)) {
    if (slowSyntax) {
      value = slowNumber(buf, sp1 + 1, vEnd);
    } else {
      const text = buf.toString('latin1', sp1 + 1, vEnd);
      value = parseSpecial(text);
      if (Number.isNaN(value) && !isNanText(text)) {
        if (text !== 'True' && text !== 'False')
          return `metric value ${JSON.stringify(text.slice(0, 40))} is not a number`;
        // bool is a Python number; MLflow itself would refuse the line.
        value = text === 'True' ? 1 : 0;
        warning = `metric value ${text} read as ${value}`;
      }
    }
  }
  let step = 0;
  if (fields > 2) {
    step = parseInt(buf, sp2 + 1, fields === 3 ? end : sp3);
    if (Number.isNaN(step)) return 'metric step is not an integer';
  }
  emit(key, step, value, ts);
  return warning;
}

/** Decimal integer with optional sign, as Python's int() reads it (underscores aside); NaN otherwise. */
function parseInt(buf: Buffer, start: number, end: number): number {
  let i = start;
  let neg = false;
  const c = buf[i];
  if (c === 45 || c === 43) {
    neg = c === 45;
    i++;
  }
  if (i >= end) return NaN;
  let v = 0;
  for (; i < end; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return neg ? -v : v;
}

/** Set by parseDecimal: the text is a valid decimal that needs the general (correctly rounding) parser. */
let slowSyntax = false;

/**
 * Fast exact decimal parse: at most 15 significant digits and a power of ten within 1e±22 (both operands exact,
 * so the one division/multiplication rounds correctly). NaN when the text needs the general parser.
 */
function parseDecimal(buf: Buffer, start: number, end: number): number {
  slowSyntax = false;
  let i = start;
  let neg = false;
  let c = buf[i];
  if (c === 45 || c === 43) {
    neg = c === 45;
    i++;
  }
  let mant = 0;
  let sig = 0;
  let frac = 0;
  let digits = 0;
  let dot = false;
  let long = false;
  for (; i < end; i++) {
    c = buf[i]!;
    if (c >= 48 && c <= 57) {
      digits++;
      if (dot) frac++;
      if (mant !== 0 || c !== 48) {
        if (++sig > 15) long = true;
      }
      if (!long) mant = mant * 10 + (c - 48);
    } else if (c === 46 && !dot) {
      dot = true;
    } else break;
  }
  if (digits === 0) return NaN;
  let exp = 0;
  if (i < end) {
    if (c !== 101 && c !== 69) return NaN;
    i++;
    let eneg = false;
    if (buf[i] === 45 || buf[i] === 43) {
      eneg = buf[i] === 45;
      i++;
    }
    if (i >= end) return NaN;
    for (; i < end; i++) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) return NaN;
      if (exp < 100000) exp = exp * 10 + d;
    }
    if (eneg) exp = -exp;
  }
  if (long) {
    slowSyntax = true;
    return NaN;
  }
  const e = exp - frac;
  let v: number;
  if (mant === 0) v = 0;
  else if (e >= 0 && e <= 22) v = mant * POW10[e]!;
  else if (e < 0 && e >= -22) v = mant / POW10[-e]!;
  else {
    slowSyntax = true;
    return NaN;
  }
  return neg ? -v : v;
}

/** What Python's float() accepts beyond the fast path: long mantissas, big exponents, nan/inf spellings. */
function parseSpecial(text: string): number {
  const lower = text.toLowerCase();
  let body = lower;
  let sign = 1;
  if (body[0] === '-' || body[0] === '+') {
    sign = body[0] === '-' ? -1 : 1;
    body = body.slice(1);
  }
  if (body === 'inf' || body === 'infinity') return sign * Infinity;
  if (body === 'nan') return NaN;
  if (!/^(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(body)) return NaN;
  return sign * Number(body);
}

function isNanText(text: string): boolean {
  const t = text.toLowerCase();
  return t === 'nan' || t === '-nan' || t === '+nan';
}
