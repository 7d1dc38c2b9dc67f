/**
 * W&B value helpers: the "extended JSON" W&B writes (bare NaN/Infinity tokens), number fast paths for
 * `value_json` bytes, and the walk that turns a logged value into metric leaves (skipping media objects).
 */

const NAN_SENTINEL = '\u0000runlens:NaN';
const INF_SENTINEL = '\u0000runlens:Infinity';
const NEG_INF_SENTINEL = '\u0000runlens:-Infinity';
const EXT_TOKENS = /"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g;

/**
 * Parses W&B extended JSON: standard JSON plus bare `NaN`, `Infinity`, `-Infinity` (Go simplejsonext and
 * Python json.dumps both write them). Throws SyntaxError on anything else that is not JSON.
 */
export function parseExtJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    if (!/NaN|Infinity/.test(text)) throw err;
  }
  let replaced = false;
  const fixed = text.replace(EXT_TOKENS, (m) => {
    if (m.charCodeAt(0) === 0x22) return m;
    replaced = true;
    return JSON.stringify(m === 'NaN' ? NAN_SENTINEL : m === 'Infinity' ? INF_SENTINEL : NEG_INF_SENTINEL);
  });
  if (!replaced) return JSON.parse(text);
  return JSON.parse(fixed, (_k, v: unknown) => {
    if (typeof v !== 'string' || v.charCodeAt(0) !== 0) return v;
    if (v === NAN_SENTINEL) return NaN;
    if (v === INF_SENTINEL) return Infinity;
    if (v === NEG_INF_SENTINEL) return -Infinity;
    return v;
  });
}

/**
 * A `value_json` that is a bare JSON number (or NaN/±Infinity) read straight from its bytes; undefined when the
 * value is anything else (string, object, boolean, null, malformed). Avoids JSON.parse in the history hot path.
 */
export function jsonNumberFromBytes(b: Uint8Array, start = 0, end = b.length): number | undefined {
  const n = end - start;
  if (n <= 0 || n > 40) return undefined;
  const c0 = b[start]!;
  if (c0 === 0x4e) return n === 3 && b[start + 1] === 0x61 && b[start + 2] === 0x4e ? NaN : undefined; // NaN
  if (c0 === 0x49) return isInfinity(b, start, end) ? Infinity : undefined;
  if (c0 === 0x2d && n > 1 && b[start + 1] === 0x49) return isInfinity(b, start + 1, end) ? -Infinity : undefined;
  if (!((c0 >= 0x30 && c0 <= 0x39) || c0 === 0x2d)) return undefined;
  let s = '';
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    // Digits, '.', 'e', 'E', '+', '-' only: Number() would otherwise accept hex, blanks and "".
    if ((c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d) {
      s += String.fromCharCode(c);
    } else {
      return undefined;
    }
  }
  const v = Number(s);
  return Number.isNaN(v) ? undefined : v;
}

const INFINITY_BYTES = [0x49, 0x6e, 0x66, 0x69, 0x6e, 0x69, 0x74, 0x79];

function isInfinity(b: Uint8Array, start: number, end: number): boolean {
  if (end - start !== 8) return false;
  for (let i = 0; i < 8; i++) if (b[start + i] !== INFINITY_BYTES[i]) return false;
  return true;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Nesting deeper than this is not walked (hostile or broken data). */
export const MAX_DEPTH = 32;

/**
 * Calls `leaf` for every number inside `value` logged under `key` (nested keys joined with "."). Sub-trees that
 * carry a `_type` key are W&B media/structured objects (images, histograms, tables…), not metrics, and are skipped;
 * so are booleans, strings, lists and nulls.
 */
export function numericLeaves(
  key: string,
  value: unknown,
  leaf: (key: string, value: number) => void,
  depth = 0,
): void {
  if (typeof value === 'number') {
    leaf(key, value);
    return;
  }
  if (!isObject(value) || depth >= MAX_DEPTH || '_type' in value) return;
  for (const [k, v] of Object.entries(value)) {
    if (k === '') continue;
    numericLeaves(key === '' ? k : `${key}.${k}`, v, leaf, depth + 1);
  }
}
