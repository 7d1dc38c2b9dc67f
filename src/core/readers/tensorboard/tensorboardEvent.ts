/**
 * Decodes `tensorboard.Event` records into metric points (formats/tensorboard.md §3–§5).
 *
 * This is the hot path of TensorBoard indexing (one record per point for PyTorch writers), so it walks the wire
 * format by hand with a module-level cursor instead of the generator in protobuf.ts, which allocates a Field
 * object and a tuple per field. Only the rare parts (HParams plugin data) go through protobuf.ts.
 */
import type { ParamValue, RunStatus } from '../../model';
import { ProtobufError } from '../protobuf';
import { decodeHparamsPluginData } from './tensorboardHparams';
import type { PointSink } from '../types';

/** Per-file parser state, snapshotted by the read context between reads (JSON-safe: no Map, no Infinity). */
export interface TbFileState {
  /** Bytes of the file consumed so far (whole records): turns chunk offsets into file offsets. */
  pos: number;
  /** Framing gave up (no record found after a damaged length, or a giant one): the rest of the file is ignored. */
  stopped: boolean;
  /** A length checksum failed at file byte `at`: the next `scanned` bytes were searched for a record that frames. */
  lost: { at: number; scanned: number; told: boolean } | null;
  /** Plugin name per tag, from the first value of the tag that carried metadata (in this run, so far). */
  plugins: Record<string, string>;
  /** `session_start_info.hparams` seen in this file, flattened. */
  hparams: Record<string, ParamValue> | null;
  /** Status of a meaningful `session_end_info` (one that carries an end time). */
  status: RunStatus | null;
  /** Min and max valid `wall_time` in ms. */
  firstTime: number | null;
  lastTime: number | null;
  /** Tags already reported as "scalars" tags with a non-scalar value (one diagnostic per tag and file). */
  badTags: string[];
  /** Diagnostics given for this file, and damaged records past the cap not yet mentioned. */
  reported: number;
  unreported: number;
}

export function initFileState(): TbFileState {
  return {
    pos: 0,
    stopped: false,
    lost: null,
    plugins: {},
    hparams: null,
    status: null,
    firstTime: null,
    lastTime: null,
    badTags: [],
    reported: 0,
    unreported: 0,
  };
}

/** Plugin name given to `data_class: DATA_CLASS_SCALAR` series that name no plugin. */
export const SCALARS_PLUGIN = 'scalars';
const HPARAMS_PLUGIN = 'hparams';

// --- wire helpers: `cursor` is where the last read ended ---------------------------------------------------------

let cursor = 0;

/** Reads a varint at `p` (bounded by `end`) as a signed int64 (two's complement), exact up to 2^53. */
function varint(buf: Uint8Array, p: number, end: number): number {
  if (p >= end) throw new ProtobufError(`truncated varint at byte ${p}`);
  let b = buf[p]!;
  if (b < 0x80) {
    cursor = p + 1;
    return b;
  }
  let lo = b & 0x7f;
  let shift = 7;
  let i = p + 1;
  // Low 28 bits from the first four bytes.
  for (; shift < 28; shift += 7) {
    if (i >= end) throw new ProtobufError(`truncated varint at byte ${i}`);
    b = buf[i++]!;
    lo |= (b & 0x7f) << shift;
    if (b < 0x80) {
      cursor = i;
      return lo;
    }
  }
  if (i >= end) throw new ProtobufError(`truncated varint at byte ${i}`);
  b = buf[i++]!;
  lo = (lo | ((b & 0x0f) << 28)) >>> 0;
  let hi = (b & 0x7f) >> 4;
  if (b >= 0x80) {
    for (shift = 3; ; shift += 7) {
      if (shift > 31) throw new ProtobufError(`varint longer than 10 bytes at byte ${p}`);
      if (i >= end) throw new ProtobufError(`truncated varint at byte ${i}`);
      b = buf[i++]!;
      hi |= (b & 0x7f) << shift;
      if (b < 0x80) break;
    }
  }
  cursor = i;
  return (hi | 0) * 4294967296 + lo;
}

/** Skips the payload of a field with wire type `wire` starting at `p`; returns the offset after it. */
function skip(buf: Uint8Array, p: number, end: number, wire: number): number {
  switch (wire) {
    case 0:
      varint(buf, p, end);
      return cursor;
    case 1:
      if (p + 8 > end) throw new ProtobufError(`truncated fixed64 at byte ${p}`);
      return p + 8;
    case 2: {
      const len = varint(buf, p, end);
      if (len < 0 || cursor + len > end) throw new ProtobufError(`length ${len} at byte ${p} runs past the end`);
      return cursor + len;
    }
    case 5:
      if (p + 4 > end) throw new ProtobufError(`truncated fixed32 at byte ${p}`);
      return p + 4;
    default:
      throw new ProtobufError(`unsupported wire type ${wire} at byte ${p}`);
  }
}

/** Reads a length prefix at `p`; `cursor` becomes the payload start. Returns the payload end. */
function lenEnd(buf: Uint8Array, p: number, end: number): number {
  const len = varint(buf, p, end);
  if (len < 0 || cursor + len > end) throw new ProtobufError(`length ${len} at byte ${p} runs past the end`);
  return cursor + len;
}

// --- tag strings: decoded once, then found again by their bytes --------------------------------------------------

const textDecoder = new TextDecoder('utf-8', { fatal: false });

interface CachedTag {
  bytes: Uint8Array;
  text: string;
}

/** Tags repeat on every point: hashing the bytes and comparing beats decoding UTF-8 each time. */
class TagCache {
  private readonly map = new Map<number, CachedTag>();

  get(buf: Uint8Array, start: number, end: number): string {
    const len = end - start;
    if (len === 0) return '';
    let h = 0x811c9dc5 ^ len;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    const hit = this.map.get(h);
    if (hit !== undefined && hit.bytes.length === len) {
      const b = hit.bytes;
      let i = 0;
      while (i < len && b[i] === buf[start + i]) i++;
      if (i === len) return hit.text;
    }
    const text = textDecoder.decode(buf.subarray(start, end));
    if (hit === undefined && this.map.size < 65536) this.map.set(h, { bytes: buf.slice(start, end), text });
    return text;
  }
}

// --- numbers ------------------------------------------------------------------------------------------------------

const scratch = new DataView(new ArrayBuffer(8));

/** IEEE-754 binary16 → number. */
export function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** bfloat16 (the top half of a float32) → number. */
export function bfloat16ToNumber(h: number): number {
  scratch.setUint32(0, (h & 0xffff) << 16, false);
  return scratch.getFloat32(0, false);
}

// TensorFlow DataType values (types.proto).
const DT_FLOAT = 1;
const DT_DOUBLE = 2;
const DT_INT32 = 3;
const DT_UINT8 = 4;
const DT_INT16 = 5;
const DT_INT8 = 6;
const DT_INT64 = 9;
const DT_BOOL = 10;
const DT_BFLOAT16 = 14;
const DT_UINT16 = 17;
const DT_HALF = 19;
const DT_UINT32 = 22;
const DT_UINT64 = 23;

/** Set by `tensorScalar`: whether the tensor was a scalar it could read. */
let scalarOk = false;
/** Why the last `tensorScalar` call refused, for the diagnostic. */
let scalarWhy = '';

// Typed-array fields of TensorProto gathered by `tensorScalar`: element count and first element. Plain module
// variables and one switch case per field, not a table of records: this runs for every scalar event (millions per
// workspace) and allocates nothing (docs/performance.md).
let fCount = 0;
let fFirst = 0;
let dCount = 0;
let dFirst = 0;
let iCount = 0;
let iFirst = 0;
let i64Count = 0;
let i64First = 0;
let bCount = 0;
let bFirst = 0;
let hCount = 0;
let hFirst = 0;
let u32Count = 0;
let u32First = 0;
let u64Count = 0;
let u64First = 0;

/** Counts the varints of a packed field and returns the first (sets `cursor` to `end`). */
function packedVarints(buf: Uint8Array, p: number, end: number): number {
  let n = 0;
  for (let i = p; i < end; i++) if (buf[i]! < 0x80) n++;
  if (end > p && buf[end - 1]! >= 0x80) throw new ProtobufError(`truncated packed varint at byte ${end}`);
  packedCount = n;
  const first = n > 0 ? varint(buf, p, end) : 0;
  cursor = end;
  return first;
}
let packedCount = 0;

/**
 * Reads a rank-0 tensor as one number (TensorBoard accepts DT_FLOAT via `float_val[0]` or 4-byte
 * `tensor_content`; the other dtypes are the spec's recommended extension). Sets `scalarOk`.
 */
// Runs once per TF2 scalar event (millions in a large log): one pass over the proto's fields in one switch, with no
// allocation; splitting it per field kind would pass the cursor and counters back and forth on every event.
// eslint-disable-next-line max-lines-per-function
function tensorScalar(buf: Uint8Array, dv: DataView, start: number, end: number): number {
  let dtype = 0;
  let rank0 = true;
  let cS = -1;
  let cE = -1;
  fCount = dCount = iCount = i64Count = bCount = hCount = u32Count = u64Count = 0;
  let p = start;
  while (p < end) {
    const key = varint(buf, p, end);
    p = cursor;
    switch (key) {
      case 0x08: // dtype
        dtype = varint(buf, p, end);
        p = cursor;
        break;
      case 0x12: {
        // tensor_shape: any `dim` (2) or `unknown_rank` (3) = true means not rank 0.
        const e = lenEnd(buf, p, end);
        let q = cursor;
        while (q < e) {
          const k = varint(buf, q, e);
          q = cursor;
          if (k === 0x12) rank0 = false;
          if (k === 0x18) {
            if (varint(buf, q, e) !== 0) rank0 = false;
            q = cursor;
          } else q = skip(buf, q, e, k & 7);
        }
        p = e;
        break;
      }
      case 0x22: // tensor_content
        cE = lenEnd(buf, p, end);
        cS = cursor;
        p = cE;
        break;
      case 0x2a: {
        // float_val, packed
        const e = lenEnd(buf, p, end);
        if ((e - cursor) % 4 !== 0) throw new ProtobufError(`packed float_val of ${e - cursor} bytes at byte ${p}`);
        if (fCount === 0 && e > cursor) fFirst = dv.getFloat32(cursor, true);
        fCount += (e - cursor) / 4;
        p = e;
        break;
      }
      case 0x2d: // float_val, one element
        if (p + 4 > end) throw new ProtobufError(`truncated fixed32 at byte ${p}`);
        if (fCount === 0) fFirst = dv.getFloat32(p, true);
        fCount++;
        p += 4;
        break;
      case 0x32: {
        const e = lenEnd(buf, p, end);
        if ((e - cursor) % 8 !== 0) throw new ProtobufError(`packed double_val of ${e - cursor} bytes at byte ${p}`);
        if (dCount === 0 && e > cursor) dFirst = dv.getFloat64(cursor, true);
        dCount += (e - cursor) / 8;
        p = e;
        break;
      }
      case 0x31:
        if (p + 8 > end) throw new ProtobufError(`truncated fixed64 at byte ${p}`);
        if (dCount === 0) dFirst = dv.getFloat64(p, true);
        dCount++;
        p += 8;
        break;
      case 0x3a: // int_val packed
      case 0x52: // int64_val packed
      case 0x5a: // bool_val packed
      case 0x6a: // half_val packed
      case 0x82: // uint32_val packed (field 16: the key is a 2-byte varint)
      case 0x8a: {
        // uint64_val packed
        const e = lenEnd(buf, p, end);
        const first = packedVarints(buf, cursor, e);
        addTyped(key >> 3, first, packedCount);
        p = e;
        break;
      }
      case 0x38:
      case 0x50:
      case 0x58:
      case 0x68:
      case 0x80:
      case 0x88: {
        const v = varint(buf, p, end);
        addTyped(key >> 3, v, 1);
        p = cursor;
        break;
      }
      default:
        p = skip(buf, p, end, key & 7);
    }
  }
  scalarOk = false;
  if (!rank0) {
    scalarWhy = 'is not rank 0';
    return NaN;
  }
  const cLen = cE - cS;
  switch (dtype) {
    case DT_FLOAT:
      if (fCount === 1) return ok(fFirst);
      if (cLen === 4) return ok(dv.getFloat32(cS, true));
      break;
    case DT_DOUBLE:
      if (dCount === 1) return ok(dFirst);
      if (cLen === 8) return ok(dv.getFloat64(cS, true));
      break;
    case DT_HALF:
      if (hCount === 1) return ok(halfToNumber(hFirst & 0xffff));
      if (cLen === 2) return ok(halfToNumber(dv.getUint16(cS, true)));
      break;
    case DT_BFLOAT16:
      if (hCount === 1) return ok(bfloat16ToNumber(hFirst));
      if (cLen === 2) return ok(bfloat16ToNumber(dv.getUint16(cS, true)));
      break;
    case DT_INT32:
      if (iCount === 1) return ok(iFirst | 0);
      if (cLen === 4) return ok(dv.getInt32(cS, true));
      break;
    case DT_UINT8:
      if (iCount === 1) return ok(iFirst & 0xff);
      if (cLen === 1) return ok(dv.getUint8(cS));
      break;
    case DT_INT8:
      if (iCount === 1) return ok((iFirst << 24) >> 24);
      if (cLen === 1) return ok(dv.getInt8(cS));
      break;
    case DT_INT16:
      if (iCount === 1) return ok((iFirst << 16) >> 16);
      if (cLen === 2) return ok(dv.getInt16(cS, true));
      break;
    case DT_UINT16:
      if (iCount === 1) return ok(iFirst & 0xffff);
      if (cLen === 2) return ok(dv.getUint16(cS, true));
      break;
    case DT_INT64:
      if (i64Count === 1) return ok(i64First);
      if (cLen === 8) return ok(Number(dv.getBigInt64(cS, true)));
      break;
    case DT_UINT32:
      if (u32Count === 1) return ok(u32First >>> 0);
      if (cLen === 4) return ok(dv.getUint32(cS, true));
      break;
    case DT_UINT64:
      if (u64Count === 1) return ok(u64First < 0 ? u64First + 2 ** 64 : u64First);
      if (cLen === 8) return ok(Number(dv.getBigUint64(cS, true)));
      break;
    case DT_BOOL:
      if (bCount === 1) return ok(bFirst !== 0 ? 1 : 0);
      if (cLen === 1) return ok(buf[cS] !== 0 ? 1 : 0);
      break;
    default:
      scalarWhy = `has dtype ${dtype}, not a number`;
      return NaN;
  }
  scalarWhy = 'does not hold exactly one element';
  return NaN;
}

function ok(v: number): number {
  scalarOk = true;
  return v;
}

function addTyped(field: number, first: number, count: number): void {
  switch (field) {
    case 7:
      if (iCount === 0) iFirst = first;
      iCount += count;
      break;
    case 10:
      if (i64Count === 0) i64First = first;
      i64Count += count;
      break;
    case 11:
      if (bCount === 0) bFirst = first;
      bCount += count;
      break;
    case 13:
      if (hCount === 0) hFirst = first;
      hCount += count;
      break;
    case 16:
      if (u32Count === 0) u32First = first;
      u32Count += count;
      break;
    case 17:
      if (u64Count === 0) u64First = first;
      u64Count += count;
      break;
  }
}

// --- events -------------------------------------------------------------------------------------------------------

/** Run-wide state shared by the parsers of one run's event files (metadata may come from an earlier file). */
export class TbRunState {
  /** Plugin name per tag across all files of the run read so far. */
  readonly plugins = new Map<string, string>();
  readonly tags = new TagCache();
  firstTime: number | null = null;
  lastTime: number | null = null;
  hparams: Record<string, ParamValue> | null = null;
  status: RunStatus | null = null;

  /**
   * Folds a file's state into the run, then the run into the file's state. A read context resumes an unchanged
   * file without calling its parser, so the state of each file parsed carries what the run knew so far: the
   * last (growing) file's state then holds the whole run's times and params.
   */
  sync(st: TbFileState): void {
    this.absorb(st);
    for (const [tag, plugin] of Object.entries(st.plugins)) if (!this.plugins.has(tag)) this.plugins.set(tag, plugin);
    for (const [tag, plugin] of this.plugins)
      if (!Object.prototype.hasOwnProperty.call(st.plugins, tag)) setOwn(st.plugins, tag, plugin);
    st.firstTime = this.firstTime;
    st.lastTime = this.lastTime;
    st.hparams = this.hparams;
    st.status = this.status;
  }

  /** Folds a file's times, params and status into the run. */
  absorb(st: TbFileState): void {
    if (st.firstTime !== null && (this.firstTime === null || st.firstTime < this.firstTime))
      this.firstTime = st.firstTime;
    if (st.lastTime !== null && (this.lastTime === null || st.lastTime > this.lastTime)) this.lastTime = st.lastTime;
    if (st.hparams) this.hparams = { ...(this.hparams ?? {}), ...st.hparams };
    if (st.status) this.status = st.status;
  }
}

/**
 * Decodes the events of one event file: each parse call binds its buffer with `begin`, then calls `event` per
 * record.
 */
export class EventDecoder {
  private buf: Uint8Array = new Uint8Array(0);
  private dv: DataView = new DataView(new ArrayBuffer(0));
  private st: TbFileState = initFileState();
  private emit: PointSink = () => undefined;
  private problem: (message: string) => void = () => undefined;
  private file = '';
  /** Offset of `buf[0]` in the file. */
  private base = 0;

  constructor(private readonly run: TbRunState) {}

  begin(buf: Uint8Array, st: TbFileState, emit: PointSink, problem: (message: string) => void, file: string): void {
    this.buf = buf;
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.st = st;
    this.emit = emit;
    this.problem = problem;
    this.file = file;
    this.base = st.pos;
  }

  /** Decodes the Event in `[start, end)` of the bound buffer; throws ProtobufError when it is malformed. */
  event(start: number, end: number): void {
    const buf = this.buf;
    let wall = 0;
    let step = 0;
    let sumS = -1;
    let sumE = -1;
    let p = start;
    while (p < end) {
      let key = buf[p]!;
      if (key < 0x80) p++;
      else {
        key = varint(buf, p, end);
        p = cursor;
      }
      switch (key) {
        case 0x09: // wall_time
          if (p + 8 > end) throw new ProtobufError(`truncated wall_time at byte ${p - start}`);
          wall = this.dv.getFloat64(p, true);
          p += 8;
          break;
        case 0x10: // step
          step = varint(buf, p, end);
          p = cursor;
          break;
        case 0x2a: // summary
          sumE = lenEnd(buf, p, end);
          sumS = cursor;
          p = sumE;
          break;
        default:
          if (key >>> 3 === 0) throw new ProtobufError(`field number 0 at byte ${p - start}`);
          p = skip(buf, p, end, key & 7);
      }
    }
    // TensorBoard drops events whose wall time is not a valid time; keep their points, but not for start/end.
    let time = NaN;
    if (wall > 0 && wall < 1e11) {
      time = Math.round(wall * 1000);
      const st = this.st;
      if (st.firstTime === null || time < st.firstTime) st.firstTime = time;
      if (st.lastTime === null || time > st.lastTime) st.lastTime = time;
    }
    if (sumS >= 0) this.summary(sumS, sumE, step, time);
  }

  private summary(start: number, end: number, step: number, time: number): void {
    const buf = this.buf;
    let p = start;
    while (p < end) {
      const key = varint(buf, p, end);
      p = cursor;
      if (key === 0x0a) {
        const e = lenEnd(buf, p, end);
        this.value(cursor, e, step, time);
        p = e;
      } else p = skip(buf, p, end, key & 7);
    }
  }

  private value(start: number, end: number, step: number, time: number): void {
    const buf = this.buf;
    let tagS = start;
    let tagE = start;
    // 0 none, 1 simple_value, 2 tensor, 3 another payload (image, histogram, audio): the last one wins (oneof).
    let kind = 0;
    let simple = 0;
    let tS = -1;
    let tE = -1;
    let mS = -1;
    let mE = -1;
    let p = start;
    while (p < end) {
      let key = buf[p]!;
      if (key < 0x80) p++;
      else {
        key = varint(buf, p, end);
        p = cursor;
      }
      switch (key) {
        case 0x0a:
          tagE = lenEnd(buf, p, end);
          tagS = cursor;
          p = tagE;
          break;
        case 0x15:
          if (p + 4 > end) throw new ProtobufError(`truncated simple_value at byte ${p}`);
          simple = this.dv.getFloat32(p, true);
          kind = 1;
          p += 4;
          break;
        case 0x42:
          tE = lenEnd(buf, p, end);
          tS = cursor;
          kind = 2;
          p = tE;
          break;
        case 0x4a:
          mE = lenEnd(buf, p, end);
          mS = cursor;
          p = mE;
          break;
        case 0x1a:
        case 0x22:
        case 0x2a:
        case 0x32:
          kind = 3;
          p = skip(buf, p, end, 2);
          break;
        default:
          if (key >>> 3 === 0) throw new ProtobufError(`field number 0 at byte ${p}`);
          p = skip(buf, p, end, key & 7);
      }
    }
    const tag = this.run.tags.get(buf, tagS, tagE);
    if (mS >= 0) this.metadata(tag, mS, mE);
    if (kind === 1) {
      // TF1 / PyTorch scalars: TensorBoard treats every simple_value series as scalars, whatever its metadata.
      this.emit(tag, step, simple, time);
    } else if (kind === 2) {
      // TF2 logs scalars as 0-d tensor summaries (plugin "scalars"), not simple_value; read both.
      if (this.run.plugins.get(tag) !== SCALARS_PLUGIN) return;
      const v = tensorScalar(buf, this.dv, tS, tE);
      if (scalarOk) this.emit(tag, step, v, time);
      else if (!this.st.badTags.includes(tag) && this.st.badTags.length < 100) {
        this.st.badTags.push(tag);
        this.problem(
          `tensorboard: scalar tag "${clip(tag)}" has a tensor that ${scalarWhy} (first at byte ${this.base + start} in ${this.file}); such values are skipped`,
        );
      }
    }
  }

  /** SummaryMetadata: remember the tag's plugin (first sighting wins), and read HParams plugin data. */
  private metadata(tag: string, start: number, end: number): void {
    const buf = this.buf;
    let plugin = '';
    let cS = -1;
    let cE = -1;
    let dataClass = 0;
    let p = start;
    while (p < end) {
      const key = varint(buf, p, end);
      p = cursor;
      if (key === 0x0a) {
        // plugin_data { plugin_name = 1; content = 2 }
        const e = lenEnd(buf, p, end);
        let q = cursor;
        while (q < e) {
          const k = varint(buf, q, e);
          q = cursor;
          if (k === 0x0a) {
            const ne = lenEnd(buf, q, e);
            plugin = textDecoder.decode(buf.subarray(cursor, ne));
            q = ne;
          } else if (k === 0x12) {
            cE = lenEnd(buf, q, e);
            cS = cursor;
            q = cE;
          } else q = skip(buf, q, e, k & 7);
        }
        p = e;
      } else if (key === 0x20) {
        dataClass = varint(buf, p, end);
        p = cursor;
      } else p = skip(buf, p, end, key & 7);
    }
    if (plugin === '' && dataClass === 1) plugin = SCALARS_PLUGIN;
    const plugins = this.run.plugins;
    if (!plugins.has(tag)) {
      plugins.set(tag, plugin);
      setOwn(this.st.plugins, tag, plugin);
    }
    if (plugin === HPARAMS_PLUGIN && cS >= 0) {
      const hp = decodeHparamsPluginData(buf.subarray(cS, cE));
      if (hp.params) this.st.hparams = { ...(this.st.hparams ?? {}), ...hp.params };
      if (hp.status) this.st.status = hp.status;
    }
  }
}

/** Sets an own property even for names like `__proto__`. */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
