/**
 * Params of a TensorBoard run: the HParams plugin's `session_start_info` (formats/tensorboard.md §5), or a
 * Lightning `hparams.yaml` beside the event files (fixtures README: preferred when it parses).
 */
import { parseDocument } from 'yaml';
import { flattenParams, isPlainObject, toParamValue } from '../../flatten';
import type { ParamValue, RunStatus } from '../../model';
import { resolvePythonTags } from '../pythonYaml';
import { asDouble, asString, fields, WireType, type Field } from '../protobuf';

export interface HparamsData {
  /** `session_start_info.hparams`, flattened; undefined when the data is not a session start. */
  params?: Record<string, ParamValue>;
  /** From a `session_end_info` that carries an end time (see `endStatus`). */
  status?: RunStatus;
}

/**
 * Decodes `HParamsPluginData` (plugin_data.proto). Malformed data yields nothing rather than a throw: the
 * metadata is optional to everything else in the record.
 */
export function decodeHparamsPluginData(bytes: Uint8Array): HparamsData {
  try {
    for (const f of fields(bytes)) {
      if (f.num === 3 && f.wire === WireType.LengthDelimited) return { params: sessionStartParams(f.bytes) };
      if (f.num === 4 && f.wire === WireType.LengthDelimited) {
        const status = endStatus(f.bytes);
        return status ? { status } : {};
      }
    }
  } catch {
    // Not HParams data after all; the scalars of the record are still good.
  }
  return {};
}

/** SessionStartInfo.hparams (field 1, map<string, google.protobuf.Value>) flattened like a config. */
function sessionStartParams(bytes: Uint8Array): Record<string, ParamValue> {
  const nested: Record<string, unknown> = {};
  for (const f of fields(bytes)) {
    if (f.num !== 1 || f.wire !== WireType.LengthDelimited) continue;
    let key = '';
    let value: unknown = null;
    for (const e of fields(f.bytes)) {
      if (e.num === 1 && e.wire === WireType.LengthDelimited) key = asString(e);
      else if (e.num === 2 && e.wire === WireType.LengthDelimited) value = protoValue(e.bytes, 0);
    }
    Object.defineProperty(nested, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return flattenParams(nested);
}

/** google.protobuf.Value → plain JS value (the last `kind` wins, as in a oneof). */
function protoValue(bytes: Uint8Array, depth: number): unknown {
  if (depth > 32) return null;
  let out: unknown = null;
  for (const f of fields(bytes)) {
    switch (f.num) {
      case 1:
        out = null;
        break;
      case 2:
        if (f.wire === WireType.Fixed64) out = asDouble(bytes, f);
        break;
      case 3:
        if (f.wire === WireType.LengthDelimited) out = asString(f);
        break;
      case 4:
        if (f.wire === WireType.Varint) out = f.varint !== 0;
        break;
      case 5:
        if (f.wire === WireType.LengthDelimited) out = protoStruct(f, depth + 1);
        break;
      case 6:
        if (f.wire === WireType.LengthDelimited) {
          const list: unknown[] = [];
          for (const v of fields(f.bytes))
            if (v.num === 1 && v.wire === WireType.LengthDelimited) list.push(protoValue(v.bytes, depth + 1));
          out = list;
        }
        break;
    }
  }
  return out;
}

function protoStruct(f: Field, depth: number): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  for (const entry of fields(f.bytes)) {
    if (entry.num !== 1 || entry.wire !== WireType.LengthDelimited) continue;
    let key = '';
    let value: unknown = null;
    for (const e of fields(entry.bytes)) {
      if (e.num === 1 && e.wire === WireType.LengthDelimited) key = asString(e);
      else if (e.num === 2 && e.wire === WireType.LengthDelimited) value = protoValue(e.bytes, depth);
    }
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return obj;
}

/**
 * SessionEndInfo status. PyTorch's `add_hparams` (and so Lightning) writes STATUS_SUCCESS the moment the
 * hparams are logged, without an end time, which says nothing about the run; TF's `hp.KerasCallback` writes it
 * at train end with `end_time_secs`. So only an end info with an end time counts.
 */
function endStatus(bytes: Uint8Array): RunStatus | undefined {
  let status = 0;
  let endTime = 0;
  for (const f of fields(bytes)) {
    if (f.num === 1 && f.wire === WireType.Varint) status = f.varint;
    else if (f.num === 2 && f.wire === WireType.Fixed64) endTime = asDouble(bytes, f);
  }
  if (!(endTime > 0)) return undefined;
  switch (status) {
    case 1:
      return 'finished';
    case 2:
      return 'failed';
    case 3:
      return 'running';
    default:
      return 'unknown';
  }
}

/** Result of reading a Lightning `hparams.yaml`. */
export type YamlParams =
  { ok: true; params: Record<string, ParamValue> } | { ok: false; why: string } | { ok: 'empty' };

/**
 * Lightning's `hparams.yaml` (written by PyYAML): nested keys joined with ".", lists as compact JSON text.
 * Lists are written the way Python's `json.dumps(v, separators=(",", ":"))` writes them, so `[1.0, 2]` stays
 * `[1.0,2]` (the expected files come from a Python reference reader; JS would print `[1,2]`).
 */
export function paramsFromHparamsYaml(text: string): YamlParams {
  let doc: unknown;
  try {
    // intAsBigInt tells YAML ints from floats (1 vs 1.0), which list text must keep apart. Warnings (PyYAML's
    // `!!python/...` tags) are not errors: the tagged value is read as plain YAML.
    const parsed = parseDocument(text, { intAsBigInt: true, logLevel: 'silent' });
    const err = parsed.errors[0];
    if (err) return { ok: false, why: err.message.split('\n')[0] ?? 'invalid YAML' };
    resolvePythonTags(parsed);
    doc = parsed.toJS();
  } catch (err) {
    return { ok: false, why: err instanceof Error ? (err.message.split('\n')[0] ?? 'invalid YAML') : String(err) };
  }
  if (doc === null || doc === undefined) return { ok: 'empty' };
  if (!isPlainObject(doc)) return { ok: false, why: 'the document is not a mapping' };
  const out: Record<string, ParamValue> = {};
  flattenYaml(doc, '', out);
  return { ok: true, params: out };
}

function flattenYaml(value: unknown, prefix: string, out: Record<string, ParamValue>): void {
  if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) flattenYaml(v, prefix ? `${prefix}.${k}` : k, out);
    return;
  }
  if (prefix === '') return;
  let param: ParamValue;
  if (Array.isArray(value)) param = pyJson(value);
  else if (typeof value === 'bigint') param = Number(value);
  else param = toParamValue(value);
  Object.defineProperty(out, prefix, { value: param, enumerable: true, writable: true, configurable: true });
}

/** Python `json.dumps(v, separators=(",", ":"))` of a parsed YAML value (ints are bigints, floats numbers). */
export function pyJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'bigint':
      return v.toString();
    case 'number':
      return pyFloat(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'string':
      return pyString(v);
    default:
      if (Array.isArray(v)) return `[${v.map(pyJson).join(',')}]`;
      if (v instanceof Date) return pyString(v.toISOString());
      if (isPlainObject(v))
        return `{${Object.entries(v)
          .map(([k, x]) => `${pyString(k)}:${pyJson(x)}`)
          .join(',')}}`;
      return pyString(String(v));
  }
}

/** Python's `repr(float)`: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const sign = neg ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** JSON string as Python writes it by default (`ensure_ascii`: non-ASCII as \uXXXX). */
function pyString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
