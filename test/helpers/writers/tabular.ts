import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { seededRandom } from '../fuzz';

/**
 * Writers of the tabular run logs byte for byte as the real tools write them (shared/formats/tabular.md):
 * Python `str()` of values, the csv module's quoting and `\r\n` terminator, Ultralytics' `%.6g` / padded `%23.5g`.
 */

/** A Python value as the writer holds it: a float (`number`), an int (`bigint`), a str, a bool, or None. */
export type PyValue = number | bigint | string | boolean | null;

/** Python `repr(float)`: shortest round-trip digits, `1e-05`, `3.0`, `1e+16`, `nan`, `inf`. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let out: string;
  if (exp >= -5 + 1 && exp < 16) {
    // Fixed notation with at least one digit after the point.
    if (exp >= 0) {
      const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
      const frac = digits.slice(exp + 1) || '0';
      out = `${int}.${frac}`;
    } else {
      out = `0.${'0'.repeat(-exp - 1)}${digits}`;
    }
  } else {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    out = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return neg ? `-${out}` : out;
}

/** Python `str()` of a value. */
export function pyStr(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return pyFloat(v);
  return v;
}

/** Python `'%.<p>g' % x`. */
export function pyG(x: number, precision: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return '0';
  const [mant, expText] = x.toExponential(precision - 1).split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= precision) {
    const m = mant.includes('.') ? mant.replace(/0+$/, '').replace(/\.$/, '') : mant;
    return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const fixed = x.toFixed(Math.max(0, precision - 1 - exp));
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

/** The csv module's minimal quoting (dialect excel): quote when the field holds the separator, a quote or a line break. */
export function csvField(s: string, separator = ','): string {
  return s.includes(separator) || s.includes('"') || s.includes('\n') || s.includes('\r')
    ? `"${s.replace(/"/g, '""')}"`
    : s;
}

export interface LightningCsvOptions {
  /** ≥2.2 sorts keys; older versions keep first-seen order. */
  sorted?: boolean;
  lineEnd?: string;
}

/**
 * Lightning `CSVLogger` `metrics.csv`: one row per `log_metrics` call (sparse: keys not logged are empty cells),
 * header = every key ever logged (`step` and `epoch` included), rows end with `\r\n`.
 */
export function lightningMetricsCsv(
  rows: ReadonlyArray<Record<string, PyValue>>,
  opts: LightningCsvOptions = {},
): string {
  const keys: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!keys.includes(k)) keys.push(k);
  if (opts.sorted !== false) keys.sort();
  const end = opts.lineEnd ?? '\r\n';
  const lines = [keys.map((k) => csvField(k)).join(',')];
  for (const r of rows) lines.push(keys.map((k) => (k in r ? csvField(pyStr(r[k]!)) : '')).join(','));
  return lines.map((l) => l + end).join('');
}

export interface KerasCsvOptions {
  separator?: string;
  /** `\r\n` (csv module); `\r\r\n` when the file was opened in text mode on Windows. */
  lineEnd?: string;
}

/**
 * Keras `CSVLogger`: header `epoch` + sorted keys of the first epoch's logs; one row per epoch; missing values
 * `NA`; iterables as the quoted string `"[a, b]"`.
 */
export function kerasCsv(
  rows: ReadonlyArray<Record<string, number | number[] | undefined>>,
  opts: KerasCsvOptions = {},
): string {
  const sep = opts.separator ?? ',';
  const end = opts.lineEnd ?? '\r\n';
  const keys = Object.keys(rows[0] ?? {}).sort();
  const cell = (v: number | number[] | undefined): string => {
    if (v === undefined) return 'NA';
    if (Array.isArray(v)) return csvField(`[${v.map(pyFloat).join(', ')}]`, sep);
    return csvField(pyFloat(v), sep);
  };
  const lines = [['epoch', ...keys].map((k) => csvField(k, sep)).join(sep)];
  rows.forEach((r, epoch) => lines.push([String(epoch), ...keys.map((k) => cell(r[k]))].join(sep)));
  return lines.map((l) => l + end).join('');
}

export interface YoloCsvOptions {
  /** Ultralytics 8.0 / YOLOv5: names and values padded to 23 characters (`'%23s,'`, `'%23.5g,'`). */
  padded?: boolean;
}

/**
 * Ultralytics `results.csv`: `epoch` (1-based here, as 8.3 writes it) then the keys; `%.6g` values (current) or
 * 23-wide `%23.5g` (old); lines end with `\n`.
 */
export function yoloResultsCsv(
  keys: readonly string[],
  rows: ReadonlyArray<readonly number[]>,
  opts: YoloCsvOptions = {},
): string {
  const cols = ['epoch', ...keys];
  if (opts.padded) {
    const head = cols.map((k) => k.padStart(23)).join(',');
    const body = rows.map((r, i) => [String(i).padStart(23), ...r.map((v) => pyG(v, 5).padStart(23))].join(','));
    return [head, ...body].map((l) => l + '\n').join('');
  }
  const body = rows.map((r, i) => [String(i + 1), ...r.map((v) => pyG(v, 6))].join(','));
  return [cols.join(','), ...body].map((l) => l + '\n').join('');
}

/** A fresh folder under the OS temp dir; `files` maps relative paths to contents. */
export function makeTree(files: Record<string, string | Uint8Array>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-tabular-'));
  writeFiles(root, files);
  return root;
}

export function writeFiles(root: string, files: Record<string, string | Uint8Array>): void {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, ...rel.split('/'));
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
}

export function removeTree(root: string): void {
  fs.rmSync(root, { recursive: true, force: true });
}

/** For a mocha `describe`: a makeTree whose folders are removed after each test. */
export function treesRemovedAfterEach(): (files: Record<string, string | Uint8Array>) => string {
  const made: string[] = [];
  afterEach(() => {
    for (const root of made.splice(0)) removeTree(root);
  });
  return (files) => {
    const root = makeTree(files);
    made.push(root);
    return root;
  };
}

/** The fuzz harness's seeded PRNG, for repeatable data. */
export const prng = seededRandom;

/** The nearest float32 of x, as Python prints a `tensor.item()` of a float32 tensor. */
export function f32(x: number): number {
  return Math.fround(x);
}
