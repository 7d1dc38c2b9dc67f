import { parseDocument } from 'yaml';
import { flattenParams, isPlainObject } from '../flatten';
import type { ParamValue } from '../model';
import { baseName } from './paths';
import { foreignTagWarnings, resolvePythonTags } from './pythonYaml';
import type { ReadContext, TailParser, TreeView } from './types';

/**
 * CSV/TSV logs written row by row (Lightning and Keras `CSVLogger`, Ultralytics `results.csv`, DVCLive
 * `plots/metrics/*.tsv`), parsed straight from bytes: a header row, then one point per non-empty numeric cell.
 * See shared/formats/tabular.md §0 (Python `csv` dialect `excel`, `\r\n`/`\r\r\n`/`\n` line ends, `nan`/`inf`).
 */
export interface DelimitedOptions {
  /** Prefix of diagnostics, e.g. "lightning". */
  label: string;
  /** Field separator as a byte; omitted: sniffed from the header (`,`, tab or `;`). */
  delimiter?: number;
  /** Column whose value is the step of every point of its row (x axis); absent cells give NaN. */
  stepColumn?: string;
  /** Column holding wall time, multiplied by `timeScale` to get ms since the epoch (DVCLive `timestamp`). */
  timeColumn?: string;
  timeScale?: number;
  /** Columns that are not metrics (the x axes). `stepColumn` and `timeColumn` are never metrics. */
  exclude?: readonly string[];
  /** Metric key per header column (null: not a metric); overrides the default "column name unless excluded". */
  keys?: (header: readonly string[]) => (string | null)[];
  /** Report non-empty cells that are not numbers (off where writers legitimately store text, e.g. Keras `NA`). */
  reportText?: boolean;
}

/** Parser state, JSON-serialisable: the header and where we are in the file. */
export interface DelimitedState {
  header: string[] | null;
  keys: (string | null)[];
  delimiter: number;
  stepIdx: number;
  timeIdx: number;
  /** 1-based line number of the next record, for diagnostics. */
  line: number;
  /** Bytes consumed so far (diagnostics only). */
  offset: number;
  /** Problems reported so far; past a few, the rest are counted only. */
  reported: number;
}

const LF = 10;
const CR = 13;
const TAB = 9;
const SPACE = 32;
const QUOTE = 34;
const COMMA = 44;
const SEMICOLON = 59;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const MAX_REPORTS = 5;
/** A record longer than this without a line end is corrupt, not half-written. */
const MAX_RECORD = 4 * 1024 * 1024;

/** Exact powers of ten for the fast path (Clinger): 10^0..10^22 are exact doubles. */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

const NO_VALUE = 0;
const HAS_VALUE = 1;

/** Result slot of the number scanner (one module-level object: no allocation per cell). */
const scan = { value: 0, end: 0, kind: NO_VALUE };

/** Builds a TailParser for one delimited file layout. */
// The per-byte CSV scan is the indexer's measured hot loop (bench: cold index): its state stays in locals of one
// function, as V8 keeps it in registers that way.
// eslint-disable-next-line max-lines-per-function
export function delimitedParser(opts: DelimitedOptions): TailParser<DelimitedState> {
  let vals = new Float64Array(64);
  let has = new Uint8Array(64);
  return {
    init: (): DelimitedState => ({
      header: null,
      keys: [],
      delimiter: 0,
      stepIdx: -1,
      timeIdx: -1,
      line: 1,
      offset: 0,
      reported: 0,
    }),
    // eslint-disable-next-line max-lines-per-function -- the hot loop itself (see above)
    parse(chunk, st, emit, atEof, problem) {
      const report = (message: string): void => {
        if (st.reported++ < MAX_REPORTS) problem(`${opts.label}: ${message}`);
        else if (st.reported === MAX_REPORTS + 1) problem(`${opts.label}: more problems in this file are not reported`);
      };
      let pos = 0;
      if (st.header === null) {
        pos = readHeader(chunk, st, opts, report, atEof);
        if (st.header === null) return pos;
      }
      if (st.header.length === 0) return chunk.length; // no usable header: nothing to read
      const ncol = st.keys.length;
      if (vals.length < ncol) {
        vals = new Float64Array(ncol * 2);
        has = new Uint8Array(ncol * 2);
      }
      const n = chunk.length;
      const delim = st.delimiter;
      const keys = st.keys;
      const stepIdx = st.stepIdx;
      const timeIdx = st.timeIdx;
      const timeScale = opts.timeScale ?? 1;
      const reportText = opts.reportText === true;
      let text: string | undefined; // the chunk as latin1, made on the first number that needs Number()
      const slowNumber = (s: number, e: number): number => {
        text ??= latin1(chunk);
        return Number(text.slice(s, e));
      };
      let recStart = pos;
      let line = st.line;

      for (;;) {
        records: while (pos < n) {
          let c = chunk[pos]!;
          // Blank lines (also "\r\n" alone) carry nothing.
          if (c === LF || c === CR) {
            let p = pos;
            while (p < n && chunk[p] === CR) p++;
            if (p >= n) break;
            if (chunk[p] === LF) {
              p++;
              line++;
            }
            pos = recStart = p;
            continue;
          }
          has.fill(0, 0, ncol);
          let col = 0;
          let lines = 1;
          let textCell = -1;
          for (;;) {
            if (pos >= n) break records;
            c = chunk[pos]!;
            if (c === QUOTE) {
              // Quoted field: "" is a quote; may hold delimiters and line breaks.
              let p = pos + 1;
              for (;;) {
                if (p >= n) break records;
                const b = chunk[p]!;
                if (b === QUOTE) {
                  if (p + 1 >= n) break records;
                  if (chunk[p + 1] === QUOTE) {
                    p += 2;
                    continue;
                  }
                  break;
                }
                if (b === LF) lines++;
                p++;
              }
              if (col < ncol && p > pos + 1) {
                // Writers quote text (Keras lists "[1, 2]"), rarely a number; try it as one.
                scanNumber(chunk, pos + 1, p, delim, slowNumber);
                if (scan.kind === HAS_VALUE && scan.end === p) {
                  vals[col] = scan.value;
                  has[col] = 1;
                } else if (textCell < 0) textCell = col;
              }
              pos = p + 1;
              while (pos < n && (c = chunk[pos]!) !== delim && c !== LF && c !== CR) pos++;
            } else {
              const cellStart = pos;
              scanNumber(chunk, pos, n, delim, slowNumber);
              pos = scan.end;
              if (pos < n && (c = chunk[pos]!) !== delim && c !== LF && c !== CR) {
                // Not a plain number: read the whole cell as a word (nan, inf, NA, True, text).
                while (pos < n && (c = chunk[pos]!) !== delim && c !== LF && c !== CR) pos++;
                if (pos >= n) break records;
                const v = specialNumber(chunk, skipBlanks(chunk, cellStart, delim), pos);
                if (col < ncol) {
                  if (v !== undefined) {
                    vals[col] = v;
                    has[col] = 1;
                  } else if (textCell < 0) textCell = col;
                }
              } else if (col < ncol && scan.kind === HAS_VALUE) {
                vals[col] = scan.value;
                has[col] = 1;
              }
            }
            col++;
            if (pos >= n) break records;
            c = chunk[pos]!;
            if (c === delim) {
              pos++;
              continue;
            }
            // End of record: \n, \r\n or \r\r\n (Windows text mode on top of the csv module's \r\n).
            if (c === CR) {
              let p = pos;
              while (p < n && chunk[p] === CR) p++;
              if (p >= n) break records;
              pos = chunk[p] === LF ? p + 1 : p;
            } else pos++;
            break;
          }
          if (col !== ncol) {
            report(`line ${line} has ${col} fields where the header has ${ncol}; row skipped`);
          } else {
            if (textCell >= 0 && reportText && keys[textCell] !== null) {
              report(`line ${line}: value of ${JSON.stringify(st.header[textCell])} is not a number`);
            }
            const step = stepIdx >= 0 && has[stepIdx] === 1 ? vals[stepIdx]! : NaN;
            const time = timeIdx >= 0 && has[timeIdx] === 1 ? vals[timeIdx]! * timeScale : NaN;
            for (let i = 0; i < ncol; i++) {
              if (has[i] === 1) {
                const key = keys[i];
                if (key !== null && key !== undefined) emit(key, step, vals[i]!, time);
              }
            }
          }
          line += lines;
          recStart = pos;
        }
        // A half-written last line is normal. A line break inside an incomplete record at the end of the file
        // means an unclosed quote, and a huge one is not a line being written: skip to the next line, go on.
        const rest = n - recStart;
        if (rest === 0 || !(rest > MAX_RECORD || (atEof && hasLineBreak(chunk, recStart)))) break;
        report(`line ${line}: unterminated quoted field or overlong record; skipped to the next line`);
        const next = chunk.indexOf(LF, recStart);
        if (next < 0) {
          recStart = n;
          break;
        }
        line++;
        pos = recStart = next + 1;
      }
      st.line = line;
      st.offset += recStart;
      return recStart;
    },
  };
}

/** Parses the header record; returns bytes consumed (0 while the header line is incomplete). */
function readHeader(
  chunk: Uint8Array,
  st: DelimitedState,
  opts: DelimitedOptions,
  report: (m: string) => void,
  atEof: boolean,
): number {
  let start = 0;
  if (st.offset === 0 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) start = 3;
  // Leading blank lines are skipped.
  while (start < chunk.length && (chunk[start] === LF || chunk[start] === CR)) {
    if (chunk[start] === LF) st.line++;
    start++;
  }
  let p = start;
  let quoted = false;
  for (; p < chunk.length; p++) {
    const b = chunk[p];
    if (b === QUOTE) quoted = !quoted;
    else if (!quoted && (b === LF || b === CR)) break;
  }
  if (p >= chunk.length) {
    if (chunk.length - start > MAX_RECORD || (atEof && quoted && hasLineBreak(chunk, start))) {
      report('no header line found');
      st.header = [];
      st.keys = [];
      return chunk.length;
    }
    return start === chunk.length ? start : 0;
  }
  const text = Buffer.from(chunk.buffer, chunk.byteOffset + start, p - start).toString('utf8');
  let end = p;
  while (end < chunk.length && chunk[end] === CR) end++;
  if (end >= chunk.length) return 0; // "\r" at the chunk end: the "\n" may follow
  if (chunk[end] === LF) end++;
  const delimiter = opts.delimiter ?? sniffDelimiter(text);
  const header = splitRecord(text, String.fromCharCode(delimiter));
  st.header = header;
  st.delimiter = delimiter;
  st.stepIdx = opts.stepColumn === undefined ? -1 : header.indexOf(opts.stepColumn);
  st.timeIdx = opts.timeColumn === undefined ? -1 : header.indexOf(opts.timeColumn);
  st.keys = opts.keys ? opts.keys(header) : defaultKeys(header, opts);
  const seen = new Set<string>();
  for (let i = 0; i < st.keys.length; i++) {
    const k = st.keys[i];
    if (k === null || k === undefined) continue;
    if (seen.has(k)) {
      // Two columns with one name: keep both curves apart.
      let j = 1;
      while (seen.has(`${k}.${j}`)) j++;
      st.keys[i] = `${k}.${j}`;
      report(`duplicate column ${JSON.stringify(k)} read as ${JSON.stringify(st.keys[i])}`);
    }
    seen.add(st.keys[i]!);
  }
  st.line++;
  return end;
}

function defaultKeys(header: readonly string[], opts: DelimitedOptions): (string | null)[] {
  const skip = new Set(opts.exclude ?? []);
  if (opts.stepColumn !== undefined) skip.add(opts.stepColumn);
  if (opts.timeColumn !== undefined) skip.add(opts.timeColumn);
  return header.map((h) => (h === '' || skip.has(h) ? null : h));
}

/**
 * Scans a plain decimal number at `pos` (blanks around it allowed) into `scan`. `scan.end` is where the scan
 * stopped: the cell is a number only if that is a delimiter or line end. Up to 15 significant digits are exact
 * by one correctly rounded multiply/divide; longer numbers (Python's 17-digit reprs) go through Number().
 */
function scanNumber(
  b: Uint8Array,
  pos: number,
  n: number,
  delim: number,
  slow: (s: number, e: number) => number,
): void {
  let p = pos;
  while (p < n && (b[p] === SPACE || (b[p] === TAB && delim !== TAB))) p++;
  const start = p;
  let neg = false;
  if (p < n && (b[p] === MINUS || b[p] === PLUS)) {
    neg = b[p] === MINUS;
    p++;
  }
  let mant = 0;
  let sig = 0;
  let exp10 = 0;
  let digits = 0;
  let exact = true;
  let d = 0;
  while (p < n && (d = b[p]! - 48) >= 0 && d <= 9) {
    if (sig < 15) {
      if (mant !== 0 || d !== 0) {
        mant = mant * 10 + d;
        sig++;
      }
    } else {
      exp10++;
      if (d !== 0) exact = false;
    }
    digits++;
    p++;
  }
  if (p < n && b[p] === DOT) {
    p++;
    while (p < n && (d = b[p]! - 48) >= 0 && d <= 9) {
      if (sig < 15) {
        if (mant !== 0 || d !== 0) {
          mant = mant * 10 + d;
          sig++;
        }
        exp10--;
      } else if (d !== 0) exact = false;
      digits++;
      p++;
    }
  }
  if (digits === 0) {
    scan.kind = NO_VALUE;
    // An empty cell (only blanks) is "not logged"; anything else is a word for the caller.
    scan.end = p === start ? p : start;
    return;
  }
  if (p < n && (b[p] === 101 || b[p] === 69)) {
    // Exponent: e, e+, e- followed by digits.
    let q = p + 1;
    let eneg = false;
    if (q < n && (b[q] === MINUS || b[q] === PLUS)) {
      eneg = b[q] === MINUS;
      q++;
    }
    let e = 0;
    let ed = 0;
    while (q < n && (d = b[q]! - 48) >= 0 && d <= 9) {
      if (e < 100000) e = e * 10 + d;
      ed++;
      q++;
    }
    if (ed === 0) {
      scan.kind = NO_VALUE;
      scan.end = start;
      return;
    }
    exp10 += eneg ? -e : e;
    p = q;
  }
  const numEnd = p;
  while (p < n && (b[p] === SPACE || (b[p] === TAB && delim !== TAB))) p++;
  scan.end = p;
  scan.kind = HAS_VALUE;
  if (!exact || exp10 > 22 || exp10 < -22) {
    scan.value = slow(start, numEnd);
  } else {
    const v = exp10 < 0 ? mant / POW10[-exp10]! : mant * POW10[exp10]!;
    scan.value = neg ? -v : v;
  }
}

function skipBlanks(b: Uint8Array, pos: number, delim: number): number {
  let p = pos;
  while (b[p] === SPACE || (b[p] === TAB && delim !== TAB)) p++;
  return p;
}

/** `nan`, `inf`, `-inf`, `infinity` (any case, blanks around) as numbers; anything else undefined. */
function specialNumber(b: Uint8Array, start: number, end: number): number | undefined {
  let e = end;
  while (e > start && (b[e - 1] === SPACE || b[e - 1] === TAB)) e--;
  let s = start;
  let sign = 1;
  if (b[s] === MINUS || b[s] === PLUS) {
    sign = b[s] === MINUS ? -1 : 1;
    s++;
  }
  const len = e - s;
  if (len === 3) {
    const w = lower3(b, s);
    if (w === 'nan') return NaN;
    if (w === 'inf') return sign * Infinity;
    return undefined;
  }
  if (len === 8 && lower3(b, s) === 'inf' && lower3(b, s + 3) === 'ini' && lower3(b, s + 5) === 'ity')
    return sign * Infinity;
  return undefined;
}

function lower3(b: Uint8Array, s: number): string {
  return String.fromCharCode(b[s]! | 0x20, b[s + 1]! | 0x20, b[s + 2]! | 0x20);
}

function hasLineBreak(b: Uint8Array, from: number): boolean {
  return b.indexOf(LF, from) >= 0;
}

function latin1(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}

function sniffDelimiter(header: string): number {
  let best = COMMA;
  let bestCount = 0;
  for (const d of [COMMA, TAB, SEMICOLON]) {
    const ch = String.fromCharCode(d);
    let count = 0;
    let quoted = false;
    for (const c of header) {
      if (c === '"') quoted = !quoted;
      else if (!quoted && c === ch) count++;
    }
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

/** Splits one record of text into trimmed fields (RFC 4180 quoting). */
export function splitRecord(text: string, delimiter: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field.trim() === '') {
      quoted = true;
      wasQuoted = true;
      field = '';
    } else if (c === delimiter) {
      out.push(wasQuoted ? field : field.trim());
      field = '';
      wasQuoted = false;
    } else if (!(wasQuoted && !quoted)) field += c;
  }
  out.push(wasQuoted ? field : field.trim());
  return out;
}

/** The header line of a file's first bytes (BOM and leading blank lines skipped), or undefined if incomplete. */
export function headerLine(head: string, complete: boolean): string | undefined {
  let text = head.charCodeAt(0) === 0xfeff ? head.slice(1) : head;
  text = text.replace(/^[\r\n]+/, '');
  const m = /[\r\n]/.exec(text);
  if (m) return text.slice(0, m.index);
  return complete && text !== '' ? text : undefined;
}

// ---- shared by the tabular readers ------------------------------------------------------------------------

/** Bytes of a file's beginning read to check its header. */
export const HEAD_BYTES = 64 * 1024;

/**
 * The columns of a comma-separated log's header: `undefined` when the file cannot be read (the context reported
 * why), `columns: undefined` while its first line is still being written.
 */
export async function readHeaderColumns(
  ctx: ReadContext,
  csv: string,
): Promise<{ columns: string[] | undefined } | undefined> {
  const head = await ctx.readHead(csv, HEAD_BYTES);
  if (head === undefined) return undefined;
  const header = headerLine(head, head.length < HEAD_BYTES);
  return { columns: header === undefined ? undefined : splitRecord(header, ',') };
}

/**
 * Params from a YAML config (`hparams.yaml`, `args.yaml`, `params.yaml`), flattened with ".". PyYAML's
 * `!!python/...` tags (Lightning without OmegaConf) are read as their plain node or the name they point to (see
 * resolvePythonTags); other unknown tags as their plain node, with a warning.
 * Undefined when the file is missing or not YAML (with a diagnostic for the latter).
 */
export async function readYamlParams(
  ctx: ReadContext,
  rel: string,
  label: string,
): Promise<Record<string, ParamValue> | undefined> {
  const text = await ctx.readText(rel, { optional: true });
  if (text === undefined) return undefined;
  const value = parseYaml(ctx, rel, label, text);
  if (value === undefined) return undefined;
  if (value === null) return {};
  if (!isPlainObject(value)) {
    ctx.problem(rel, `${label}: ${baseName(rel)} is not a mapping; no params read`, 'warning');
    return {};
  }
  return flattenParams(value);
}

/** Parses YAML text, tolerating unknown tags; undefined (with a diagnostic) when it is not valid YAML. */
export function parseYaml(ctx: ReadContext, rel: string, label: string, text: string): unknown {
  try {
    const doc = parseDocument(text, { logLevel: 'silent', uniqueKeys: false, prettyErrors: false });
    if (doc.errors.length > 0) {
      ctx.problem(rel, `${label}: invalid YAML in ${baseName(rel)}: ${firstLine(doc.errors[0]!.message)}`);
      return undefined;
    }
    resolvePythonTags(doc);
    const tags = foreignTagWarnings(doc);
    if (tags.length > 0) {
      ctx.problem(
        rel,
        `${label}: ${tags.length} unknown YAML tag(s) in ${baseName(rel)} (e.g. ${firstLine(tags[0]!.message)}) read as plain values`,
        'warning',
      );
    }
    return doc.toJS({ maxAliasCount: 10_000 });
  } catch (err) {
    ctx.problem(
      rel,
      `${label}: invalid YAML in ${baseName(rel)}: ${firstLine(err instanceof Error ? err.message : String(err))}`,
    );
    return undefined;
  }
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return (i < 0 ? s : s.slice(0, i)).trim();
}

/** Folders no tabular reader searches (also excluded by the walk; checked again for targeted refreshes). */
export function isIgnoredDir(dir: string): boolean {
  return dir.split('/').some((s) => s === '.dvc' || s === '.ipynb_checkpoints');
}

/** Whether directory `dir` has a file named `name`. */
export function hasFile(tree: TreeView, dir: string, name: string): boolean {
  return tree.list(dir)?.some((e) => e.isFile && e.name === name) ?? false;
}

/** Whether directory `dir` has a sub-directory named `name`. */
export function hasDir(tree: TreeView, dir: string, name: string): boolean {
  return tree.list(dir)?.some((e) => e.isDir && e.name === name) ?? false;
}
