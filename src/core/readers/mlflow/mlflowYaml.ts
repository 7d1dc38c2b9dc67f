import { parseDocument } from 'yaml';

/** A parsed MLflow `meta.yaml`: ints come back as bigint (experiment ids have 18–19 digits). */
export type MetaMap = Record<string, unknown>;

export type MetaResult =
  | { kind: 'ok'; meta: MetaMap }
  /** Empty or whitespace only: MLflow rewrites meta.yaml in place, so this is usually a write in progress. */
  | { kind: 'empty' }
  | { kind: 'invalid'; message: string };

/**
 * Parses a `meta.yaml` as PyYAML `safe_dump` writes it (YAML 1.1, flat, sorted keys). A fast line parser handles
 * the usual flat `key: scalar` shape; anything else goes to the full YAML 1.1 parser.
 */
export function parseMeta(text: string): MetaResult {
  if (text.trim() === '') return { kind: 'empty' };
  const fast = parseFlat(text);
  if (fast) return { kind: 'ok', meta: fast };
  let doc;
  try {
    doc = parseDocument(text, { version: '1.1', intAsBigInt: true, uniqueKeys: false, prettyErrors: false });
  } catch (err) {
    return { kind: 'invalid', message: err instanceof Error ? err.message : String(err) };
  }
  const issue = doc.errors[0] ?? doc.warnings[0];
  if (issue) return { kind: 'invalid', message: oneLine(issue.message) };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { kind: 'invalid', message: err instanceof Error ? oneLine(err.message) : String(err) };
  }
  if (value === null || value === undefined) return { kind: 'empty' };
  if (typeof value !== 'object' || Array.isArray(value) || value instanceof Date) {
    return { kind: 'invalid', message: 'not a mapping' };
  }
  return { kind: 'ok', meta: value as MetaMap };
}

/** A string field: strings as they are, ints in decimal (legacy files store experiment ids as ints). */
export function metaString(m: MetaMap, key: string): string | undefined {
  const v = m[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || (typeof v === 'number' && Number.isFinite(v))) return String(v);
  return undefined;
}

/** An int field (times in ms, status); null when absent, null or not an integer. */
export function metaInt(m: MetaMap, key: string): number | null {
  const v = m[key];
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v)) return Number(v);
  return null;
}

const BOOL_11: Record<string, boolean> = {
  true: true,
  True: true,
  TRUE: true,
  yes: true,
  Yes: true,
  YES: true,
  on: true,
  On: true,
  ON: true,
  false: false,
  False: false,
  FALSE: false,
  no: false,
  No: false,
  NO: false,
  off: false,
  Off: false,
  OFF: false,
};

/**
 * The flat subset: one `key: value` per line, value plain, single-quoted on one line, `[]` or `{}`. Returns
 * undefined for anything else (continuation lines, double quotes, anchors, numbers other than plain ints…).
 */
function parseFlat(text: string): MetaMap | undefined {
  const out: MetaMap = {};
  let pos = 0;
  const n = text.length;
  while (pos < n) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = n;
    let line = text.slice(pos, end);
    pos = end + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '') continue;
    const c0 = line.charCodeAt(0);
    // Indentation, comments, sequences, documents, directives, quoted or complex keys: not the flat shape.
    if (
      c0 === 32 ||
      c0 === 9 ||
      c0 === 35 ||
      c0 === 45 ||
      c0 === 37 ||
      c0 === 39 ||
      c0 === 34 ||
      c0 === 63 ||
      c0 === 46
    )
      return undefined;
    const colon = line.indexOf(': ');
    let key: string;
    let raw: string;
    if (colon < 0) {
      if (!line.endsWith(':')) return undefined;
      key = line.slice(0, -1);
      raw = '';
    } else {
      key = line.slice(0, colon);
      raw = line.slice(colon + 2);
    }
    if (key === '' || key.includes(':') || key.includes('#') || key.endsWith(' ')) return undefined;
    // `key:` followed by an indented block: not flat.
    if (raw === '' && pos < n && (text.charCodeAt(pos) === 32 || text.charCodeAt(pos) === 45)) return undefined;
    const v = flatScalar(raw);
    if (v === FAIL) return undefined;
    out[key] = v;
  }
  return out;
}

const FAIL = Symbol('fail');

// PyYAML's implicit resolvers (yaml/resolver.py), YAML 1.1.
const YAML11_INT =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const YAML11_FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const YAML11_TIMESTAMP =
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;

function flatScalar(raw: string): unknown {
  if (raw === '' || raw === '~' || raw === 'null' || raw === 'Null' || raw === 'NULL') return null;
  const c0 = raw.charCodeAt(0);
  if (c0 === 39 /* ' */) {
    if (raw.length < 2 || !raw.endsWith("'")) return FAIL;
    const inner = raw.slice(1, -1);
    // A lone quote inside means the scalar continues elsewhere or is malformed.
    if (inner.replace(/''/g, '').includes("'")) return FAIL;
    return inner.replace(/''/g, "'");
  }
  if (raw === '[]') return [];
  if (raw === '{}') return {};
  if (raw.endsWith(' ') || raw.includes(' #')) return FAIL;
  // Indicators that start something other than a plain scalar.
  if ('"[]{}|>&*!%@`,#'.includes(raw[0]!)) return FAIL;
  if (/^[-+]?(0|[1-9][0-9]*)$/.test(raw)) return BigInt(raw);
  const b = BOOL_11[raw];
  if (b !== undefined) return b;
  // Other YAML 1.1 ints (octal, hex, sexagesimal, underscores), floats, timestamps, `=`, `<<`: the full parser.
  // Anything else is a string, as PyYAML's resolver would have quoted it otherwise (a 32-hex run id like
  // `1234e567…` stays a string here, where a generic YAML 1.1 parser would read a float).
  if (raw === '=' || raw === '<<' || YAML11_INT.test(raw) || YAML11_FLOAT.test(raw) || YAML11_TIMESTAMP.test(raw))
    return FAIL;
  if (raw.includes(': ')) return FAIL;
  return raw;
}

function oneLine(s: string): string {
  const first = s.split('\n')[0] ?? s;
  return first.trim();
}
