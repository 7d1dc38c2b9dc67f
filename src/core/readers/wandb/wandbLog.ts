/**
 * The W&B transaction log `run-<id>.wandb`: a 7-byte W&B header, then LevelDB-log framing (32 KiB blocks of
 * checksummed chunks) around protobuf `wandb_internal.Record`s. See ../shared/formats/wandb.md §3–4.
 * Written by `core/pkg/leveldb/record.go` (wandb-core) and `wandb/sdk/internal/datastore.py` (Python client).
 */
import * as zlib from 'node:zlib';
import type { PointSink, TailParser } from '../types';
import { asInt64, fields, ProtobufError, WireType, type Field } from '../protobuf';
import { jsonNumberFromBytes, numericLeaves, parseExtJson } from './wandbJson';

export const BLOCK_SIZE = 32768;
export const CHUNK_HEADER = 7;
/** `:W&B`, magic 0xBEE1 little-endian, version 0. */
export const LOG_HEADER = Uint8Array.of(0x3a, 0x57, 0x26, 0x42, 0xe1, 0xbe, 0x00);

export const enum ChunkType {
  Full = 1,
  First = 2,
  Middle = 3,
  Last = 4,
}

/** More problems than this in one file are summarised in one last diagnostic. */
const MAX_PROBLEMS = 20;

/**
 * A config or summary being assembled from `update`/`remove` items. JSON-serialisable: values stay raw
 * `value_json` text (NaN survives); `materialize` turns it into a tree.
 */
export interface ItemOps {
  /** Path key (each segment preceded by \u0001) → raw `value_json`, or null: a removal below a still-set ancestor. */
  set: Record<string, string | null>;
  /** Path key → how many keys in `set` lie below it (finds subtrees to replace without scanning). */
  kids: Record<string, number>;
}

/** What the log says about the run besides its history. JSON-serialisable. */
export interface WandbRunInfo {
  runId: string | null;
  entity: string | null;
  project: string | null;
  name: string | null;
  notes: string | null;
  group: string | null;
  jobType: string | null;
  sweepId: string | null;
  host: string | null;
  tags: string[] | null;
  /** ms since epoch (first RunRecord.start_time). */
  startTime: number | null;
  /** EnvironmentRecord.started_at (≥0.21), a fallback for startTime. */
  envStartTime: number | null;
  resumed: boolean;
  startingStep: number | null;
  gitCommit: string | null;
  gitRemote: string | null;
  exitCode: number | null;
  /** Seconds, from the exit record. */
  exitRuntime: number | null;
  hasExit: boolean;
  preempting: boolean;
  /** A RunRecord was seen (its config/summary seed the ops once). */
  hasRun: boolean;
}

/** The tail parser's state: framing bookkeeping plus everything assembled so far. JSON-serialisable. */
export interface WandbLogState {
  kind: 'wandb-log';
  /** Absolute file offset of the first byte of the next chunk the parser is offered. */
  pos: number;
  /** 0: header not checked yet; 1: valid; 2: not a W&B log (rest of the file ignored). */
  header: 0 | 1 | 2;
  /** Bytes before this absolute offset are skipped (resync to a block boundary). */
  skipTo: number;
  /** An open resync: where it began, why, and how many bytes it has dropped so far. */
  resync: { at: number; reason: string; lost: number } | null;
  problems: number;
  records: number;
  /** Step of the last history row (-1 before the first). */
  lastStep: number;
  /** Highest history `_timestamp`, ms. */
  lastTime: number | null;
  /** Every metric key that got a history point. */
  keys: Record<string, 1>;
  info: WandbRunInfo;
  config: ItemOps;
  summary: ItemOps;
}

export function newLogState(): WandbLogState {
  return {
    kind: 'wandb-log',
    pos: 0,
    header: 0,
    skipTo: 0,
    resync: null,
    problems: 0,
    records: 0,
    lastStep: -1,
    lastTime: null,
    keys: {},
    info: {
      runId: null,
      entity: null,
      project: null,
      name: null,
      notes: null,
      group: null,
      jobType: null,
      sweepId: null,
      host: null,
      tags: null,
      startTime: null,
      envStartTime: null,
      resumed: false,
      startingStep: null,
      gitCommit: null,
      gitRemote: null,
      exitCode: null,
      exitRuntime: null,
      hasExit: false,
      preempting: false,
      hasRun: false,
    },
    config: { set: {}, kids: {} },
    summary: { set: {}, kids: {} },
  };
}

export function isLogState(v: unknown): v is WandbLogState {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'wandb-log';
}

// ------------------------------------------------------------------------------------------------------------
// CRC-32 (IEEE, zlib): W&B uses it unmasked over the type byte + payload, unlike LevelDB's masked CRC-32C.

const nativeCrc = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

function crcUpdate(crc: number, buf: Uint8Array, start: number, end: number): number {
  let c = ~crc;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

const TYPE_BYTES = [0, 1, 2, 3, 4].map((t) => Uint8Array.of(t));

/** CRC-32 of `[type] ++ buf[start, end)`. */
export function chunkCrc(type: number, buf: Uint8Array, start: number, end: number): number {
  if (nativeCrc) return nativeCrc(buf.subarray(start, end), nativeCrc(TYPE_BYTES[type]!, 0));
  return crcUpdate(crcUpdate(0, TYPE_BYTES[type]!, 0, 1), buf, start, end);
}

// ------------------------------------------------------------------------------------------------------------
// Framing

/** Called with each whole logical record (a view, valid only during the call) and its absolute offset. */
export type RecordHandler = (record: Uint8Array, at: number) => void;

function report(state: WandbLogState, problem: (m: string) => void, message: string): void {
  state.problems++;
  if (state.problems < MAX_PROBLEMS) problem(message);
  else if (state.problems === MAX_PROBLEMS)
    problem(`wandb: ${message.replace(/^wandb: /, '')} (further problems in this file not reported)`);
}

function closeResync(state: WandbLogState, problem: (m: string) => void): void {
  const r = state.resync;
  if (!r) return;
  state.resync = null;
  report(state, problem, `wandb: ${r.reason} at byte ${r.at}; skipped ${r.lost} bytes to the next good record`);
}

/**
 * Scans whole chunks of `chunk` (which starts at absolute offset `state.pos`), hands every complete logical
 * record to `onRecord`, and returns how many bytes were consumed. A trailing partial chunk, or a FIRST/MIDDLE
 * sequence whose LAST has not been written yet, is left unconsumed (offered again with more bytes): that is a
 * run being written, not an error. Corrupt chunks resync at the next block boundary with a diagnostic.
 */
// The log's hot loop (every byte of a .wandb file passes here): kept in one function so its cursors stay locals.
// eslint-disable-next-line max-lines-per-function
export function scanLog(
  chunk: Uint8Array,
  state: WandbLogState,
  atEof: boolean,
  onRecord: RecordHandler,
  problem: (message: string) => void,
): number {
  const len = chunk.length;
  const base = state.pos;
  let i = 0;
  if (state.header === 2) {
    state.pos += len;
    return len;
  }
  if (state.header === 0) {
    // Fewer than 7 bytes: the file is not written yet.
    if (len < LOG_HEADER.length) return 0;
    for (let k = 0; k < LOG_HEADER.length; k++) {
      if (chunk[k] !== LOG_HEADER[k]) {
        state.header = 2;
        report(
          state,
          problem,
          `wandb: not a W&B transaction log (bad header ${hex(chunk.subarray(0, 7))}, want ${hex(LOG_HEADER)}; unsupported version?)`,
        );
        state.pos += len;
        return len;
      }
    }
    state.header = 1;
    i = LOG_HEADER.length;
    if (state.skipTo < base + i) state.skipTo = base + i;
  }
  const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  // Start of an unfinished FIRST..LAST sequence (relative), and its pieces.
  let pendingStart = -1;
  let parts: Uint8Array[] = [];
  let partsLen = 0;

  const resync = (at: number, reason: string, blockEndRel: number): void => {
    if (pendingStart >= 0) {
      reason += ' (a record spanning blocks was dropped)';
      pendingStart = -1;
      parts = [];
      partsLen = 0;
    }
    if (state.resync) state.resync.lost += blockEndRel - i;
    else state.resync = { at, reason, lost: blockEndRel - i };
    state.skipTo = base + blockEndRel;
  };

  for (;;) {
    const abs = base + i;
    if (abs < state.skipTo) {
      const target = state.skipTo - base;
      if (target > len) {
        i = len;
        break;
      }
      i = target;
      continue;
    }
    const blockEnd = abs - (abs % BLOCK_SIZE) + BLOCK_SIZE;
    const left = blockEnd - abs;
    if (left < CHUNK_HEADER) {
      // Trailer too small for a chunk header: zero padding up to the block boundary.
      if (i + left > len) break;
      i += left;
      continue;
    }
    if (i + CHUNK_HEADER > len) break;
    const crc = view.getUint32(i, true);
    const n = view.getUint16(i + 4, true);
    const type = chunk[i + 6]!;
    if (crc === 0 && n === 0 && type === 0) {
      // A zero-filled (preallocated) block: skip it once all of it is there.
      if (i + left > len) break;
      i += left;
      continue;
    }
    if (type < ChunkType.Full || type > ChunkType.Last) {
      resync(abs, `unknown chunk type ${type}`, i + left);
      continue;
    }
    if (CHUNK_HEADER + n > left) {
      resync(abs, `chunk length ${n} runs past its block end`, i + left);
      continue;
    }
    const start = i + CHUNK_HEADER;
    const end = start + n;
    if (end > len) break;
    if (chunkCrc(type, chunk, start, end) !== crc) {
      resync(abs, 'chunk checksum mismatch', i + left);
      continue;
    }
    switch (type) {
      case ChunkType.Full:
        if (pendingStart >= 0) {
          report(state, problem, `wandb: record starting at byte ${base + pendingStart} has no last part; dropped`);
          pendingStart = -1;
          parts = [];
          partsLen = 0;
        }
        closeResync(state, problem);
        i = end;
        emitRecord(chunk.subarray(start, end), abs, state, onRecord, problem);
        continue;
      case ChunkType.First:
        if (pendingStart >= 0) {
          report(state, problem, `wandb: record starting at byte ${base + pendingStart} has no last part; dropped`);
        }
        closeResync(state, problem);
        pendingStart = i;
        parts = [chunk.subarray(start, end)];
        partsLen = n;
        i = end;
        continue;
      default:
        if (pendingStart < 0) {
          // A continuation without its start (after a resync, or a damaged file): drop it.
          if (state.resync) state.resync.lost += end - i;
          else report(state, problem, `wandb: record fragment without its first part at byte ${abs}; dropped`);
          i = end;
          continue;
        }
        parts.push(chunk.subarray(start, end));
        partsLen += n;
        i = end;
        if (type === ChunkType.Last) {
          const rec = concatParts(parts, partsLen);
          const at = base + pendingStart;
          pendingStart = -1;
          parts = [];
          partsLen = 0;
          emitRecord(rec, at, state, onRecord, problem);
        }
        continue;
    }
  }
  if (atEof) closeResync(state, problem);
  const consumed = pendingStart >= 0 ? pendingStart : i;
  state.pos = base + consumed;
  return consumed;
}

function emitRecord(
  rec: Uint8Array,
  at: number,
  state: WandbLogState,
  onRecord: RecordHandler,
  problem: (m: string) => void,
): void {
  state.records++;
  try {
    onRecord(rec, at);
  } catch (err) {
    if (!(err instanceof ProtobufError) && !(err instanceof SyntaxError)) throw err;
    report(state, problem, `wandb: record at byte ${at} is not a valid Record (${err.message}); skipped`);
  }
}

function concatParts(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
}

// ------------------------------------------------------------------------------------------------------------
// Records

const decoder = new TextDecoder('utf-8', { fatal: false });

function str(f: Field): string {
  if (f.wire !== WireType.LengthDelimited) throw new ProtobufError(`field ${f.num} is not a string`);
  return decoder.decode(f.bytes);
}

function msg(f: Field): Uint8Array {
  if (f.wire !== WireType.LengthDelimited) throw new ProtobufError(`field ${f.num} is not a message`);
  return f.bytes;
}

function int(f: Field): number {
  if (f.wire !== WireType.Varint) throw new ProtobufError(`field ${f.num} is not a varint`);
  return asInt64(f);
}

/** google.protobuf.Timestamp → ms since epoch. */
function timestampMs(buf: Uint8Array): number {
  let s = 0;
  let ns = 0;
  for (const f of fields(buf)) {
    if (f.num === 1) s = int(f);
    else if (f.num === 2) ns = int(f);
  }
  return s * 1000 + Math.floor(ns / 1e6);
}

/** An item's path: `nested_key` segments when present (wandb-core), else `[key]` (older clients). */
function itemPath(key: string | null, nested: string[] | null): string[] | null {
  if (nested && nested.length > 0) return nested;
  return key ? [key] : null;
}

/**
 * Applies a ConfigRecord/SummaryRecord (`update`=1, `remove`=2) to `ops`. Summary records come with every
 * history row in wandb-core, so this is on the hot path too: `keys` caches item key bytes → path key.
 */
export function applyItemRecord(ops: ItemOps, buf: Uint8Array, keys?: ItemKeyCache): void {
  const end = buf.length;
  let pos = 0;
  let idx = 0;
  while (pos < end) {
    const tag = readVar(buf, pos, end);
    pos = varEnd;
    const num = Math.floor(tag / 8);
    const wire = tag & 7;
    if ((num === 1 || num === 2) && wire === WireType.LengthDelimited) {
      const len = readVar(buf, pos, end);
      const s = varEnd;
      const e = s + len;
      if (e > end) throw new ProtobufError(`length ${len} at byte ${pos} runs past the end`);
      pos = e;
      applyItem(ops, buf, s, e, num === 1, keys, idx++);
    } else {
      pos = skipValue(buf, pos, end, wire);
    }
  }
}

/** Item key bytes → path key, trying the key seen at the same item position last time first. */
export class ItemKeyCache {
  readonly map = new Map<string, { id: Uint8Array; key: string | null }>();
  readonly hints: Array<{ id: Uint8Array; key: string | null } | undefined> = [];

  lookup(buf: Uint8Array, s: number, idEnd: number, idx: number): string | null {
    const len = idEnd - s;
    const hint = this.hints[idx];
    if (hint !== undefined && hint.id.length === len) {
      const id = hint.id;
      let k = 0;
      while (k < len && id[k] === buf[s + k]) k++;
      if (k === len) return hint.key;
    }
    const latin = latin1(buf, s, idEnd);
    let entry = this.map.get(latin);
    if (!entry) {
      entry = { id: buf.slice(s, idEnd), key: pathKey(keyOfItem(buf.subarray(s, idEnd))) };
      if (this.map.size < MAX_CACHED_KEYS) this.map.set(latin, entry);
    }
    if (idx < 4096) this.hints[idx] = entry;
    return entry.key;
  }
}

/** Where walkItem found an item's parts (one module-level slot: no allocation per item on the hot path). */
const itemAt = { idEnd: -1, vs: -1, ve: -1, valueLast: true };

/**
 * Finds the value_json of the HistoryItem/ConfigItem in buf[s, e): its bytes [vs, ve) (-1 when absent), where the key
 * fields end (idEnd: the value's tag) and whether the value is the item's last field (then buf[s, idEnd) holds exactly
 * the key, and the key caches can look it up by those bytes).
 */
function walkItem(buf: Uint8Array, s: number, e: number): void {
  let p = s;
  let idEnd = -1;
  let vs = -1;
  let ve = -1;
  let valueLast = true;
  while (p < e) {
    const tagAt = p;
    const tag = readVar(buf, p, e);
    p = varEnd;
    if (tag === VALUE_TAG) {
      const len = readVar(buf, p, e);
      vs = varEnd;
      ve = vs + len;
      if (ve > e) throw new ProtobufError(`length ${len} at byte ${p} runs past the end`);
      if (idEnd < 0) idEnd = tagAt;
      else valueLast = false;
      p = ve;
      if (p !== e) valueLast = false;
    } else {
      p = skipValue(buf, p, e, tag & 7);
    }
  }
  itemAt.idEnd = idEnd;
  itemAt.vs = vs;
  itemAt.ve = ve;
  itemAt.valueLast = valueLast;
}

function applyItem(
  ops: ItemOps,
  buf: Uint8Array,
  s: number,
  e: number,
  update: boolean,
  keys: ItemKeyCache | undefined,
  idx: number,
): void {
  walkItem(buf, s, e);
  const { idEnd, vs, ve, valueLast } = itemAt;
  const key =
    valueLast && keys && idEnd >= 0 ? keys.lookup(buf, s, idEnd, idx) : pathKey(keyOfItem(buf.subarray(s, e)));
  if (key === null) return;
  setOp(ops, key, update ? (vs < 0 ? 'null' : text(buf, vs, ve)) : null);
}

const SEP = '\u0001';

/** `["a", "b"]` → "\u0001a\u0001b": every segment prefixed, so no key is ever `__proto__`. */
function pathKey(path: string[] | null): string | null {
  if (!path) return null;
  let k = '';
  for (const seg of path) k += SEP + seg;
  return k;
}

function latin1(buf: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let k = s; k < e; k++) out += String.fromCharCode(buf[k]!);
  return out;
}

/** UTF-8 text of buf[s, e), with an ASCII fast path (value_json is nearly always a short ASCII number). */
function text(buf: Uint8Array, s: number, e: number): string {
  if (e - s <= 32) {
    let out = '';
    for (let k = s; k < e; k++) {
      const c = buf[k]!;
      if (c >= 0x80) return decoder.decode(buf.subarray(s, e));
      out += String.fromCharCode(c);
    }
    return out;
  }
  return decoder.decode(buf.subarray(s, e));
}

function forEachParent(k: string, fn: (parent: string) => void): void {
  for (let i = k.lastIndexOf(SEP); i > 0; i = k.lastIndexOf(SEP, i - 1)) fn(k.slice(0, i));
}

function addKey(ops: ItemOps, k: string, value: string | null): void {
  ops.set[k] = value;
  if (k.indexOf(SEP, 1) > 0) forEachParent(k, (p) => (ops.kids[p] = (ops.kids[p] ?? 0) + 1));
}

function dropKey(ops: ItemOps, k: string): void {
  delete ops.set[k];
  if (k.indexOf(SEP, 1) > 0) {
    forEachParent(k, (p) => {
      const n = (ops.kids[p] ?? 1) - 1;
      if (n > 0) ops.kids[p] = n;
      else delete ops.kids[p];
    });
  }
}

function setOp(ops: ItemOps, k: string, value: string | null): void {
  const prev = ops.set[k];
  if (prev !== undefined && value !== null && !ops.kids[k]) {
    // The common case: a summary key updated again.
    ops.set[k] = value;
    return;
  }
  if (prev !== undefined) dropKey(ops, k);
  // Setting or removing a path replaces everything below it.
  if (ops.kids[k]) {
    const prefix = k + SEP;
    for (const other of Object.keys(ops.set)) if (other.startsWith(prefix)) dropKey(ops, other);
  }
  let hasAncestor = false;
  if (value === null && k.indexOf(SEP, 1) > 0) forEachParent(k, (p) => (hasAncestor ||= ops.set[p] !== undefined));
  if (value !== null || hasAncestor) addKey(ops, k, value);
}

/**
 * Turns ops into a nested object. Any op below another was applied after it (an ancestor set later deletes it),
 * so applying by depth reproduces file order. Values that are not (extended) JSON are reported and skipped.
 */
export function materialize(ops: ItemOps, bad?: (path: string, value: string) => void): Record<string, unknown> {
  const entries = Object.entries(ops.set).map(([k, v]) => [k.slice(1).split(SEP), v] as const);
  entries.sort((a, b) => a[0].length - b[0].length);
  const root: Record<string, unknown> = {};
  for (const [path, raw] of entries) {
    let node: Record<string, unknown> = root;
    let ok = true;
    for (let d = 0; d < path.length - 1; d++) {
      const next = Object.hasOwn(node, path[d]!) ? node[path[d]!] : undefined;
      if (typeof next !== 'object' || next === null || Array.isArray(next)) {
        if (raw === null) {
          ok = false;
          break;
        }
        defineValue(node, path[d]!, {});
      }
      node = node[path[d]!] as Record<string, unknown>;
    }
    if (!ok) continue;
    const leaf = path[path.length - 1]!;
    if (raw === null) {
      delete node[leaf];
      continue;
    }
    try {
      defineValue(node, leaf, parseExtJson(raw));
    } catch {
      bad?.(path.join('.'), raw);
    }
  }
  return root;
}

/** Sets an own property, even one called `__proto__` (a key in a user's config is data, not a prototype). */
function defineValue(node: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(node, key, { value, writable: true, enumerable: true, configurable: true });
}

function gitRepo(buf: Uint8Array, info: WandbRunInfo): void {
  for (const f of fields(buf)) {
    if (f.num === 1) info.gitRemote ??= str(f) || null;
    else if (f.num === 2) info.gitCommit ??= str(f) || null;
  }
}

// One case per RunRecord field (wandb/proto/wandb_internal.proto): alike in shape, each sets its own field.
function runRecord(buf: Uint8Array, state: WandbLogState): void {
  const info = state.info;
  const first = !info.hasRun;
  info.hasRun = true;
  let tags: string[] | null = null;
  for (const f of fields(buf)) {
    switch (f.num) {
      case 1:
        info.runId = str(f) || info.runId;
        break;
      case 2:
        info.entity = str(f) || info.entity;
        break;
      case 3:
        info.project = str(f) || info.project;
        break;
      case 4:
        // Only the first RunRecord seeds the config: a re-sent one (name/notes/tags changed) must not undo
        // config records logged since.
        if (first) applyItemRecord(state.config, msg(f));
        break;
      case 5:
        if (first) applyItemRecord(state.summary, msg(f));
        break;
      case 6:
        info.group = str(f) || info.group;
        break;
      case 7:
        info.jobType = str(f) || info.jobType;
        break;
      case 8:
        info.name = str(f) || info.name;
        break;
      case 9:
        info.notes = str(f) || info.notes;
        break;
      case 10:
        (tags ??= []).push(str(f));
        break;
      case 12:
        info.sweepId = str(f) || info.sweepId;
        break;
      case 13:
        info.host = str(f) || info.host;
        break;
      case 14:
        info.startingStep = int(f);
        break;
      case 17:
        info.startTime ??= timestampMs(msg(f));
        break;
      case 18:
        info.resumed = int(f) !== 0;
        break;
      case 21:
        gitRepo(msg(f), info);
        break;
    }
  }
  if (tags) info.tags = tags;
}

/**
 * An int32 varint field. Negative int32s are sign-extended to 10-byte varints, which the shared decoder reads
 * as a double near 2^64 (so -1 would come out as 0): take the low 32 bits from the bytes instead.
 */
function int32At(buf: Uint8Array, f: Field): number {
  if (f.wire !== WireType.Varint) throw new ProtobufError(`field ${f.num} is not a varint`);
  let v = 0;
  for (let i = 0, p = f.offset; i < 5 && p < buf.length; i++, p++) {
    const b = buf[p]!;
    v |= (b & 0x7f) << (7 * i);
    if (b < 0x80) break;
  }
  return v | 0;
}

function environmentRecord(buf: Uint8Array, info: WandbRunInfo): void {
  for (const f of fields(buf)) {
    if (f.num === 3) info.envStartTime ??= timestampMs(msg(f));
    else if (f.num === 9) gitRepo(msg(f), info);
  }
}

function exitRecord(buf: Uint8Array, info: WandbRunInfo): void {
  let code = 0;
  let runtime = 0;
  for (const f of fields(buf)) {
    if (f.num === 1) code = int32At(buf, f);
    else if (f.num === 2) runtime = int32At(buf, f);
  }
  info.hasExit = true;
  info.exitCode = code;
  info.exitRuntime = runtime;
}

// ------------------------------------------------------------------------------------------------------------
// History: the hot path. A row is a handful of items, each a key and a number; the generic field iterator
// (an object per field) and UTF-8 decoding of the same keys row after row dominated the cost, so rows are
// decoded here with an inline varint reader, and keys are recognised by their bytes from a per-parser cache.

/** End offset of the last `readVar` (an out-parameter, to avoid a tuple per varint). */
let varEnd = 0;

function readVar(buf: Uint8Array, pos: number, end: number): number {
  if (pos >= end) throw new ProtobufError(`truncated varint at byte ${pos}`);
  let b = buf[pos++]!;
  if (b < 0x80) {
    varEnd = pos;
    return b;
  }
  let result = b & 0x7f;
  let mul = 128;
  for (let i = 1; i < 10; i++) {
    if (pos >= end) throw new ProtobufError(`truncated varint at byte ${pos}`);
    b = buf[pos++]!;
    result += (b & 0x7f) * mul;
    if (b < 0x80) {
      varEnd = pos;
      return result;
    }
    mul *= 128;
  }
  throw new ProtobufError(`varint longer than 10 bytes at byte ${pos}`);
}

/** Skips one field's value (its key already read); returns the offset after it. */
function skipValue(buf: Uint8Array, pos: number, end: number, wire: number): number {
  let next: number;
  switch (wire) {
    case WireType.Varint:
      readVar(buf, pos, end);
      return varEnd;
    case WireType.Fixed64:
      next = pos + 8;
      break;
    case WireType.Fixed32:
      next = pos + 4;
      break;
    case WireType.LengthDelimited: {
      const len = readVar(buf, pos, end);
      next = varEnd + len;
      break;
    }
    default:
      throw new ProtobufError(`unsupported wire type ${wire} at byte ${pos}`);
  }
  if (next > end) throw new ProtobufError(`field at byte ${pos} runs past the end`);
  return next;
}

/** The `value_json` key of an item: field 16, length-delimited (two bytes `82 01`). */
const VALUE_TAG = (16 << 3) | WireType.LengthDelimited;

const enum KeyKind {
  Metric,
  Step,
  Timestamp,
  /** `_runtime`, `_wandb`…: not a metric. */
  Internal,
  /** `[…, "_type"]`: marks its parent as a media object (wandb-core spreads media into sibling leaves). */
  MediaType,
  Empty,
}

interface KeyEntry {
  /** The item's bytes before its value: its `key`/`nested_key` fields. */
  id: Uint8Array;
  name: string;
  kind: KeyKind;
  /** For MediaType: the parent path. */
  media: string;
  /** Row serial of the last row that had this key (duplicates within a row: the last one wins). */
  stamp: number;
  /** Index in that row. */
  at: number;
  /** Whether `state.keys` has it already. */
  known: boolean;
}

/** Distinct keys remembered per parser; a hostile file with a new key per row stops being cached here. */
const MAX_CACHED_KEYS = 20_000;

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * A `value_json` number read from its bytes: exact integer mantissa ≤ 2^53 with a power of ten ≤ 22 is one
 * correctly rounded division or multiplication (Clinger's fast path); anything else goes through Number().
 */
export function fastNumber(b: Uint8Array, s: number, e: number): number | undefined {
  let i = s;
  const neg = b[i] === 0x2d;
  if (neg) i++;
  let mant = 0;
  let exp = 0;
  const digitsStart = i;
  let c = 0;
  while (i < e && (c = b[i]!) >= 0x30 && c <= 0x39) {
    mant = mant * 10 + (c - 0x30);
    i++;
  }
  const intDigits = i - digitsStart;
  let fracDigits = 0;
  if (i < e && b[i] === 0x2e) {
    i++;
    const fs = i;
    while (i < e && (c = b[i]!) >= 0x30 && c <= 0x39) {
      mant = mant * 10 + (c - 0x30);
      i++;
    }
    fracDigits = i - fs;
    exp = -fracDigits;
  }
  if (i === e && intDigits > 0 && mant <= Number.MAX_SAFE_INTEGER && (fracDigits > 0 || b[e - 1] !== 0x2e)) {
    if (exp === 0 || -exp <= 22) {
      const v = exp === 0 ? mant : mant / POW10[-exp]!;
      return neg ? -v : v;
    }
  }
  return jsonNumberFromBytes(b, s, e);
}

/** Scratch for one history row, reused across rows. */
class Row {
  names: string[] = [];
  values: number[] = [];
  entries: Array<KeyEntry | null> = [];
  skip: number[] = [];
  n = 0;
  media: string[] = [];
  /** Some leaves came from expanding a JSON object (legacy clients): dedupe by name. */
  expanded = false;
  step: number | undefined;
  time = NaN;
  push(name: string, value: number, entry: KeyEntry | null): void {
    const i = this.n++;
    this.names[i] = name;
    this.values[i] = value;
    this.entries[i] = entry;
    this.skip[i] = 0;
  }
  reset(): void {
    this.n = 0;
    this.media.length = 0;
    this.expanded = false;
    this.step = undefined;
    this.time = NaN;
  }
}

/** The TailParser for a `.wandb` file: emits history points, keeps everything else in its state. */
export class WandbLogParser implements TailParser<WandbLogState> {
  private readonly row = new Row();
  private rowSerial = 0;
  private emit: PointSink = () => undefined;
  private state!: WandbLogState;
  private problem: (m: string) => void = () => undefined;
  private readonly onRecord: RecordHandler = (rec, at) => this.record(rec, at);
  /** Key cache: by the item's id bytes (latin1), and the entry seen at each item position of the last row. */
  private readonly keys = new Map<string, KeyEntry>();
  private readonly hints: Array<KeyEntry | undefined> = [];
  private readonly summaryKeys = new ItemKeyCache();

  init(): WandbLogState {
    return newLogState();
  }

  parse(
    chunk: Uint8Array,
    state: WandbLogState,
    emit: PointSink,
    atEof: boolean,
    problem: (message: string) => void,
  ): number {
    if (state !== this.state) {
      // Another state (another file or a restored snapshot): the cached `known` flags do not apply to it.
      this.keys.clear();
      this.hints.length = 0;
    }
    this.state = state;
    this.emit = emit;
    this.problem = problem;
    // A Buffer's subarray() is much slower than a plain Uint8Array's: work on a plain view.
    const view =
      Object.getPrototypeOf(chunk) === Uint8Array.prototype
        ? chunk
        : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    return scanLog(view, state, atEof, this.onRecord, problem);
  }

  private record(rec: Uint8Array, at: number): void {
    const state = this.state;
    // Records are small and mostly history: find the oneof field without the generic iterator.
    const end = rec.length;
    let pos = 0;
    while (pos < end) {
      const tag = readVar(rec, pos, end);
      pos = varEnd;
      const num = Math.floor(tag / 8);
      const wire = tag & 7;
      if (wire !== WireType.LengthDelimited || num < 2) {
        pos = skipValue(rec, pos, end, wire);
        continue;
      }
      const len = readVar(rec, pos, end);
      const s = varEnd;
      const e = s + len;
      if (e > end) throw new ProtobufError(`length ${len} at byte ${pos} runs past the end`);
      pos = e;
      const body = rec.subarray(s, e);
      switch (num) {
        case 2:
          this.history(body, at);
          break;
        case 3:
          applyItemRecord(state.summary, body, this.summaryKeys);
          break;
        case 5:
          applyItemRecord(state.config, body);
          break;
        case 17:
          runRecord(body, state);
          break;
        case 18:
          exitRecord(body, state.info);
          break;
        case 23:
          state.info.preempting = true;
          break;
        case 26:
          environmentRecord(body, state.info);
          break;
      }
    }
  }

  private history(buf: Uint8Array, at: number): void {
    const row = this.row;
    row.reset();
    const serial = ++this.rowSerial;
    let stepField: number | undefined;
    const end = buf.length;
    let pos = 0;
    let idx = 0;
    // Decode the whole row before emitting anything: a malformed row emits nothing.
    while (pos < end) {
      const tag = readVar(buf, pos, end);
      pos = varEnd;
      const wire = tag & 7;
      const num = Math.floor(tag / 8);
      if ((num === 1 || num === 2) && wire === WireType.LengthDelimited) {
        const len = readVar(buf, pos, end);
        const s = varEnd;
        const e = s + len;
        if (e > end) throw new ProtobufError(`length ${len} at byte ${pos} runs past the end`);
        pos = e;
        if (num === 1) this.item(buf, s, e, idx++, serial, at);
        else stepField = historyStep(buf, s, e);
      } else {
        pos = skipValue(buf, pos, end, wire);
      }
    }
    const state = this.state;
    // `_step` wins; else HistoryRecord.step; else the previous row's step + 1 (shared mode, very old data).
    const step = row.step ?? stepField ?? state.lastStep + 1;
    const time = row.time;
    state.lastStep = step;
    if (!Number.isNaN(time) && (state.lastTime === null || time > state.lastTime)) state.lastTime = time;
    const { names, values, entries, skip, media } = row;
    const n = row.n;
    if (row.expanded) dedupeByName(row);
    const emit = this.emit;
    const known = state.keys;
    for (let i = 0; i < n; i++) {
      if (skip[i]) continue;
      const name = names[i]!;
      if (media.length > 0 && underMedia(name, media)) continue;
      emit(name, step, values[i]!, time);
      const entry = entries[i];
      if (entry) {
        if (!entry.known) {
          known[name] = 1;
          entry.known = true;
        }
      } else if (known[name] === undefined) {
        known[name] = 1;
      }
    }
  }

  /** One HistoryItem in buf[s, e). */
  private item(buf: Uint8Array, s: number, e: number, idx: number, serial: number, at: number): void {
    walkItem(buf, s, e);
    const { idEnd, vs, ve, valueLast } = itemAt;
    if (vs < 0) return;
    const entry = valueLast ? this.entryFor(buf, s, idEnd, idx) : this.entryOf(keyOfItem(buf.subarray(s, e)), null);
    const row = this.row;
    switch (entry.kind) {
      case KeyKind.Metric: {
        const c0 = buf[vs];
        if (c0 === 0x7b /* { */) {
          this.expand(entry.name, buf.subarray(vs, ve), at);
          return;
        }
        const v = c0 === 0x22 /* " */ ? undefined : fastNumber(buf, vs, ve);
        if (v === undefined) return;
        if (entry.stamp === serial) row.skip[entry.at] = 1; // the same key earlier in this row: last one wins
        entry.stamp = serial;
        entry.at = row.n;
        row.push(entry.name, v, entry);
        return;
      }
      case KeyKind.Step: {
        const v = fastNumber(buf, vs, ve);
        if (v !== undefined && Number.isInteger(v)) row.step = v;
        return;
      }
      case KeyKind.Timestamp: {
        const v = fastNumber(buf, vs, ve);
        if (v !== undefined && Number.isFinite(v)) row.time = v * 1000;
        return;
      }
      case KeyKind.MediaType:
        row.media.push(entry.media);
        return;
      default:
        return;
    }
  }

  /** The cache entry for the key bytes buf[s, idEnd), trying the key seen at this position in the last row first. */
  private entryFor(buf: Uint8Array, s: number, idEnd: number, idx: number): KeyEntry {
    const len = idEnd - s;
    const hint = this.hints[idx];
    if (hint !== undefined && hint.id.length === len) {
      const id = hint.id;
      let k = 0;
      while (k < len && id[k] === buf[s + k]) k++;
      if (k === len) return hint;
    }
    let latin = '';
    for (let k = s; k < idEnd; k++) latin += String.fromCharCode(buf[k]!);
    let entry = this.keys.get(latin);
    if (!entry) {
      entry = this.entryOf(keyOfItem(buf.subarray(s, idEnd)), buf.slice(s, idEnd));
      if (this.keys.size < MAX_CACHED_KEYS) this.keys.set(latin, entry);
    }
    if (idx < 4096) this.hints[idx] = entry;
    return entry;
  }

  private entryOf(path: string[] | null, id: Uint8Array | null): KeyEntry {
    const name = path === null ? '' : path.length === 1 ? path[0]! : path.join('.');
    let kind: KeyKind;
    let media = '';
    if (name === '' || path === null) kind = KeyKind.Empty;
    else if (path.length > 1 && path[path.length - 1] === '_type') {
      kind = KeyKind.MediaType;
      media = path.slice(0, -1).join('.');
    } else if (name.charCodeAt(0) === 0x5f /* _ */) {
      kind = name === '_step' ? KeyKind.Step : name === '_timestamp' ? KeyKind.Timestamp : KeyKind.Internal;
    } else kind = KeyKind.Metric;
    return { id: id ?? new Uint8Array(0), name, kind, media, stamp: 0, at: 0, known: false };
  }

  /** An older client logs a nested dict (or a media object) as one JSON object under `key`. */
  private expand(name: string, value: Uint8Array, at: number): void {
    let parsed: unknown;
    try {
      parsed = parseExtJson(decoder.decode(value));
    } catch {
      report(this.state, this.problem, `wandb: history value of "${name}" at byte ${at} is not JSON; skipped`);
      return;
    }
    const row = this.row;
    row.expanded = true;
    numericLeaves(name, parsed, (k, v) => row.push(k, v, null));
  }
}

/** HistoryStep {num = 1} in buf[s, e); a present but empty message is step 0. */
function historyStep(buf: Uint8Array, s: number, e: number): number {
  let step = 0;
  let p = s;
  while (p < e) {
    const tag = readVar(buf, p, e);
    p = varEnd;
    if (tag === 8) {
      const v = readVar(buf, p, e);
      p = varEnd;
      step = v >= 2 ** 63 ? v - 2 ** 64 : v;
    } else {
      p = skipValue(buf, p, e, tag & 7);
    }
  }
  return step;
}

/** The path of an item's key fields (`key` = 1, `nested_key` = 2); null when it has none. */
function keyOfItem(buf: Uint8Array): string[] | null {
  let key: string | null = null;
  let nested: string[] | null = null;
  for (const g of fields(buf)) {
    if (g.num === 1) key = str(g);
    else if (g.num === 2) (nested ??= []).push(str(g));
  }
  return itemPath(key, nested);
}

/** After expanding legacy objects, names can repeat within a row: keep the last of each. */
function dedupeByName(row: Row): void {
  const last = new Map<string, number>();
  for (let i = 0; i < row.n; i++) {
    if (row.skip[i]) continue;
    const prev = last.get(row.names[i]!);
    if (prev !== undefined) row.skip[prev] = 1;
    last.set(row.names[i]!, i);
  }
}

function underMedia(key: string, media: readonly string[]): boolean {
  for (const m of media) {
    if (key === m || (key.length > m.length && key.charCodeAt(m.length) === 0x2e && key.startsWith(m))) return true;
  }
  return false;
}
