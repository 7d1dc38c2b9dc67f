/**
 * Writes TensorBoard event files byte for byte as TensorBoard's own writer does (formats/tensorboard.md §2–§5):
 * TFRecord framing with masked CRC-32C, `tensorboard.Event` protos, TF1/PyTorch `simple_value` scalars, TF2 0-d
 * tensor scalars, and the HParams plugin summaries PyTorch's `add_hparams` / Lightning write.
 *
 * Self-contained on purpose (its own protobuf encoder and a bit-by-bit CRC), so a bug in the reader's CRC or
 * decoder is not mirrored here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { f32, f64, Proto } from '../protobuf';

// --- CRC-32C, bitwise (independent of src/core/readers/tensorboard/crc32c.ts) -------------------------------------

export function crc32cBitwise(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

export function maskedCrc(data: Uint8Array): number {
  const crc = crc32cBitwise(data);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** One TFRecord: u64 length, masked CRC of the length bytes, data, masked CRC of the data. */
export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + 16);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(data.length), true);
  dv.setUint32(8, maskedCrc(out.subarray(0, 8)), true);
  out.set(data, 12);
  dv.setUint32(12 + data.length, maskedCrc(data), true);
  return out;
}

/** Packed varints (e.g. `half_val`, `int_val`). */
export function packedVarints(values: readonly (number | bigint)[]): Uint8Array {
  const out: number[] = [];
  for (const v of values) {
    let x = BigInt.asUintN(64, BigInt(v));
    while (x >= 0x80n) {
      out.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    out.push(Number(x));
  }
  return Uint8Array.from(out);
}

// --- Events -------------------------------------------------------------------------------------------------------

/** TensorFlow DataType numbers used here. */
export const DT = {
  FLOAT: 1,
  DOUBLE: 2,
  INT32: 3,
  UINT8: 4,
  INT16: 5,
  INT8: 6,
  STRING: 7,
  INT64: 9,
  BOOL: 10,
  BFLOAT16: 14,
  UINT16: 17,
  HALF: 19,
  UINT32: 22,
  UINT64: 23,
} as const;

/** A TensorProto, each field optional so odd encodings can be written. */
export interface TensorSpec {
  dtype: number;
  /** Dimension sizes; [] or undefined = rank 0. */
  shape?: number[];
  unknownRank?: boolean;
  /** Written as the first field when given, so `tensor_shape {}` appears like TF2 writes it. */
  emptyShape?: boolean;
  content?: Uint8Array;
  floatVal?: number[];
  /** Write `float_val` one field per element (unpacked) instead of packed. */
  unpacked?: boolean;
  doubleVal?: number[];
  intVal?: number[];
  int64Val?: (number | bigint)[];
  boolVal?: boolean[];
  /** Raw 16-bit patterns (DT_HALF / DT_BFLOAT16). */
  halfVal?: number[];
  stringVal?: string[];
}

export function encodeTensor(t: TensorSpec): Proto {
  const p = new Proto().varint(1, t.dtype);
  if (t.shape?.length || t.unknownRank || t.emptyShape) {
    const shape = new Proto();
    for (const d of t.shape ?? []) shape.message(2, new Proto().varint(1, d));
    if (t.unknownRank) shape.varint(3, true);
    p.message(2, shape);
  }
  if (t.content) p.bytes(4, t.content);
  if (t.floatVal) {
    if (t.unpacked) for (const v of t.floatVal) p.float(5, v);
    else p.bytes(5, concat(t.floatVal.map(f32)));
  }
  if (t.doubleVal) {
    if (t.unpacked) for (const v of t.doubleVal) p.double(6, v);
    else p.bytes(6, concat(t.doubleVal.map(f64)));
  }
  if (t.intVal) {
    if (t.unpacked) for (const v of t.intVal) p.varint(7, v);
    else p.bytes(7, packedVarints(t.intVal));
  }
  for (const s of t.stringVal ?? []) p.string(8, s);
  if (t.int64Val) p.bytes(10, packedVarints(t.int64Val));
  if (t.boolVal) p.bytes(11, packedVarints(t.boolVal.map((b) => (b ? 1 : 0))));
  if (t.halfVal) {
    if (t.unpacked) for (const v of t.halfVal) p.varint(13, v);
    else p.bytes(13, packedVarints(t.halfVal));
  }
  return p;
}

export interface MetadataSpec {
  plugin?: string;
  content?: Uint8Array;
  dataClass?: number;
}

export type ValueSpec = {
  tag: string;
  metadata?: MetadataSpec;
} & (
  | { simpleValue: number }
  | { tensor: TensorSpec }
  | { histo: { min: number; max: number; num: number } }
  | { image: { height: number; width: number; encoded: Uint8Array } }
  | { none: true }
);

export interface EventSpec {
  /** Seconds since the epoch; omitted = not written (proto3 default 0). */
  wallTime?: number;
  step?: number | bigint;
  fileVersion?: string;
  graphDef?: Uint8Array;
  /** SessionLog status: 1 START, 2 STOP, 3 CHECKPOINT. */
  sessionLog?: number;
  values?: ValueSpec[];
  /** Extra raw bytes appended to the Event (unknown or malformed fields). */
  trailing?: number[];
}

export function encodeValue(v: ValueSpec): Proto {
  const p = new Proto().string(1, v.tag);
  if ('simpleValue' in v) p.float(2, v.simpleValue);
  if ('image' in v) {
    p.message(4, new Proto().varint(1, v.image.height).varint(2, v.image.width).bytes(4, v.image.encoded));
  }
  if ('histo' in v) p.message(5, new Proto().double(1, v.histo.min).double(2, v.histo.max).double(3, v.histo.num));
  if ('tensor' in v) p.message(8, encodeTensor(v.tensor));
  if (v.metadata) {
    const m = new Proto();
    if (v.metadata.plugin !== undefined || v.metadata.content) {
      const pd = new Proto();
      if (v.metadata.plugin !== undefined) pd.string(1, v.metadata.plugin);
      // proto3 writes no empty bytes field (TF2's scalar content is an empty ScalarPluginData).
      if (v.metadata.content?.length) pd.bytes(2, v.metadata.content);
      m.message(1, pd);
    }
    if (v.metadata.dataClass) m.varint(4, v.metadata.dataClass);
    p.message(9, m);
  }
  return p;
}

export function encodeEvent(e: EventSpec): Uint8Array {
  const p = new Proto();
  if (e.wallTime !== undefined) p.double(1, e.wallTime);
  if (e.step !== undefined && e.step !== 0) p.varint(2, e.step);
  if (e.fileVersion !== undefined) p.string(3, e.fileVersion);
  if (e.graphDef) p.bytes(4, e.graphDef);
  if (e.values) {
    const s = new Proto();
    for (const v of e.values) s.message(1, encodeValue(v));
    p.message(5, s);
  }
  if (e.sessionLog !== undefined) p.message(7, new Proto().varint(1, e.sessionLog));
  if (e.trailing) p.raw(e.trailing);
  return p.finish();
}

/** The bytes of an event file holding `events` (each framed as one record). */
export function eventFileBytes(events: readonly EventSpec[]): Uint8Array {
  return concat(events.map((e) => frameRecord(encodeEvent(e))));
}

/** `events.out.tfevents.<secs %010d>.<host>.<pid>.<n>` as TensorBoard's Python writer names files. */
export function eventFileName(secs: number, host = 'host', pid = 4242, n = 0): string {
  return `events.out.tfevents.${String(Math.floor(secs)).padStart(10, '0')}.${host}.${pid}.${n}`;
}

/** Writes an event file (creating folders); returns its path. */
export function writeEventFile(dir: string, name: string, events: readonly EventSpec[] | Uint8Array): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, events instanceof Uint8Array ? events : eventFileBytes(events));
  return file;
}

// --- scalars as each writer encodes them ---------------------------------------------------------------------------

/** The first record of every file: `file_version: "brain.Event:2"`. */
export function fileVersionEvent(wallTime: number): EventSpec {
  return { wallTime, fileVersion: 'brain.Event:2' };
}

/** PyTorch `add_scalar` / TF1: `simple_value`, no metadata. */
export function scalarEvent(tag: string, value: number, step: number, wallTime: number): EventSpec {
  return { wallTime, step, values: [{ tag, simpleValue: value }] };
}

export type Tf2Encoding = 'float_val' | 'content' | 'unpacked';

/**
 * TF2 `tf.summary.scalar`: a rank-0 DT_FLOAT tensor; metadata (plugin "scalars", empty content) only when
 * `first` (TF writes it on the first value of each tag).
 */
export function tf2ScalarEvent(
  tag: string,
  value: number,
  step: number,
  wallTime: number,
  first: boolean,
  enc: Tf2Encoding = 'content',
): EventSpec {
  const tensor: TensorSpec =
    enc === 'content'
      ? { dtype: DT.FLOAT, emptyShape: true, content: f32(value) }
      : { dtype: DT.FLOAT, emptyShape: true, floatVal: [value], unpacked: enc === 'unpacked' };
  return {
    wallTime,
    step,
    values: [{ tag, tensor, ...(first ? { metadata: { plugin: 'scalars', content: new Uint8Array(0) } } : {}) }],
  };
}

// --- HParams plugin (PyTorch torch.utils.tensorboard.summary.hparams, as Lightning calls it) ------------------------

export type HparamValue = string | number | boolean | null | HparamValue[] | { [k: string]: HparamValue };

/** google.protobuf.Value. */
export function encodeProtoValue(v: HparamValue): Proto {
  const p = new Proto();
  if (v === null) p.varint(1, 0);
  else if (typeof v === 'number') p.double(2, v);
  else if (typeof v === 'string') p.string(3, v);
  else if (typeof v === 'boolean') p.varint(4, v);
  else if (Array.isArray(v)) {
    const list = new Proto();
    for (const x of v) list.message(1, encodeProtoValue(x));
    p.message(6, list);
  } else {
    const struct = new Proto();
    for (const [k, x] of Object.entries(v)) struct.message(1, new Proto().string(1, k).message(2, encodeProtoValue(x)));
    p.message(5, struct);
  }
  return p;
}

/** HParamsPluginData{session_start_info{hparams}}. */
export function sessionStartContent(hparams: Record<string, HparamValue>, startTimeSecs?: number): Uint8Array {
  const ssi = new Proto();
  for (const [k, v] of Object.entries(hparams))
    ssi.message(1, new Proto().string(1, k).message(2, encodeProtoValue(v)));
  if (startTimeSecs !== undefined) ssi.double(5, startTimeSecs);
  return new Proto().message(3, ssi).finish();
}

/** HParamsPluginData{session_end_info{status, end_time_secs?}}; status 1 SUCCESS, 2 FAILURE, 3 RUNNING. */
export function sessionEndContent(status: number, endTimeSecs?: number): Uint8Array {
  const sei = new Proto().varint(1, status);
  if (endTimeSecs !== undefined) sei.double(2, endTimeSecs);
  return new Proto().message(4, sei).finish();
}

/** HParamsPluginData{experiment{hparam_infos, metric_infos}}. */
export function experimentContent(hparamNames: string[], metricTags: string[]): Uint8Array {
  const exp = new Proto();
  for (const n of hparamNames) exp.message(4, new Proto().string(1, n));
  for (const t of metricTags) exp.message(5, new Proto().message(1, new Proto().string(2, t)));
  return new Proto().message(2, exp).finish();
}

/**
 * The three events PyTorch's `add_hparams` / Lightning's `log_hyperparams` write: experiment,
 * session_start_info, session_end_info (STATUS_SUCCESS, no end time). Values carry no payload.
 */
export function hparamsEvents(
  hparams: Record<string, HparamValue>,
  wallTime: number,
  metricTags: string[] = ['hp_metric'],
): EventSpec[] {
  const v = (tag: string, content: Uint8Array): EventSpec => ({
    wallTime,
    values: [{ tag, none: true, metadata: { plugin: 'hparams', content } }],
  });
  return [
    v('_hparams_/experiment', experimentContent(Object.keys(hparams), metricTags)),
    v('_hparams_/session_start_info', sessionStartContent(hparams)),
    v('_hparams_/session_end_info', sessionEndContent(1)),
  ];
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}
