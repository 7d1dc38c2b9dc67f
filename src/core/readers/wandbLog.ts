/**
 * The W&B transaction log `run-<id>.wandb`: a 7-byte W&B header, then LevelDB-log framing (32 KiB blocks of
 * checksummed chunks) around protobuf `wandb_internal.Record`s. See ../shared/formats/wandb.md §3–4.
 * Written by `core/pkg/leveldb/record.go` (wandb-core) and `wandb/sdk/internal/datastore.py` (Python client).
 */
import * as zlib from 'node:zlib';
import type { PointSink, TailParser } from './types';
import { asInt64, fields, ProtobufError, WireType, type Field } from './protobuf';
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
 * A config or summary being assembled from `update`/`remove` items: path (segments joined by \u0001) → raw
 * `value_json`, or null for a removal below a still-set ancestor. Kept as raw text so the state stays
 * JSON-serialisable even for NaN values; `materialize` turns it into a tree.
 */
export type ItemOps = Record<string, string | null>;

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
    config: {},
    summary: {},
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
  else if (state.problems === MAX_PROBLEMS) problem(`wandb: ${message.replace(/^wandb: /, '')} (further problems in this file not reported)`);
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
        report(state, problem, `wandb: not a W&B transaction log (bad header ${hex(chunk.subarray(0, 7))}, want ${hex(LOG_HEADER)}; unsupported version?)`);
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

function emitRecord(rec: Uint8Array, at: number, state: WandbLogState, onRecord: RecordHandler, problem: (m: string) => void): void {
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

/** Applies a ConfigRecord/SummaryRecord (`update`=1, `remove`=2) to `ops`. */
export function applyItemRecord(ops: ItemOps, buf: Uint8Array): void {
  for (const f of fields(buf)) {
    if (f.num !== 1 && f.num !== 2) continue;
    let key: string | null = null;
    let nested: string[] | null = null;
    let value: string | null = null;
    for (const g of fields(msg(f))) {
      if (g.num === 1) key = str(g);
      else if (g.num === 2) (nested ??= []).push(str(g));
      else if (g.num === 16) value = str(g);
    }
    const path = itemPath(key, nested);
    if (!path) continue;
    setOp(ops, path, f.num === 1 ? (value ?? 'null') : null);
  }
}

const SEP = '\u0001';

function setOp(ops: ItemOps, path: string[], value: string | null): void {
  const k = path.join(SEP);
  delete ops[k];
  // Setting or removing a path replaces everything below it.
  const prefix = k + SEP;
  let hasAncestor = false;
  for (const other in ops) {
    if (other.startsWith(prefix)) delete ops[other];
    else if (!hasAncestor && k.startsWith(other + SEP)) hasAncestor = true;
  }
  if (value !== null || hasAncestor) ops[k] = value;
}

/**
 * Turns ops into a nested object. Any op below another was applied after it (an ancestor set later deletes it),
 * so applying by depth reproduces file order. Values that are not (extended) JSON are reported and skipped.
 */
export function materialize(ops: ItemOps, bad?: (path: string, value: string) => void): Record<string, unknown> {
  const entries = Object.entries(ops).map(([k, v]) => [k.split(SEP), v] as const);
  entries.sort((a, b) => a[0].length - b[0].length);
  const root: Record<string, unknown> = {};
  for (const [path, raw] of entries) {
    let node: Record<string, unknown> = root;
    let ok = true;
    for (let d = 0; d < path.length - 1; d++) {
      const next = node[path[d]!];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) {
        if (raw === null) {
          ok = false;
          break;
        }
        node[path[d]!] = {};
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
      node[leaf] = parseExtJson(raw);
    } catch {
      bad?.(path.join('.'), raw);
    }
  }
  return root;
}

function gitRepo(buf: Uint8Array, info: WandbRunInfo): void {
  for (const f of fields(buf)) {
    if (f.num === 1) info.gitRemote ??= str(f) || null;
    else if (f.num === 2) info.gitCommit ??= str(f) || null;
  }
}

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
// History (the hot path)

/** Scratch for one history row, reused across rows. */
class Row {
  keys: string[] = [];
  values: number[] = [];
  /** 1: internal (`_`-prefixed), 2: under a media object, 3: superseded by a later duplicate. */
  skip: number[] = [];
  n = 0;
  media: string[] = [];
  step: number | undefined;
  time = NaN;
  push(key: string, value: number, skip: number): void {
    const i = this.n++;
    this.keys[i] = key;
    this.values[i] = value;
    this.skip[i] = skip;
  }
  reset(): void {
    this.n = 0;
    this.media.length = 0;
    this.step = undefined;
    this.time = NaN;
  }
}

/** The TailParser for a `.wandb` file: emits history points, keeps everything else in its state. */
export class WandbLogParser implements TailParser<WandbLogState> {
  /** The state of the last parse call (the read context owns it; the reader reads run info from it). */
  lastState: WandbLogState | undefined;
  private readonly row = new Row();
  private readonly seen = new Map<string, number>();
  private rowSerial = 0;
  private emit: PointSink = () => undefined;
  private state!: WandbLogState;
  private problem: (m: string) => void = () => undefined;
  private readonly onRecord: RecordHandler = (rec, at) => this.record(rec, at);

  init(): WandbLogState {
    return newLogState();
  }

  parse(chunk: Uint8Array, state: WandbLogState, emit: PointSink, atEof: boolean, problem: (message: string) => void): number {
    this.lastState = state;
    this.state = state;
    this.emit = emit;
    this.problem = problem;
    return scanLog(chunk, state, atEof, this.onRecord, problem);
  }

  private record(rec: Uint8Array, at: number): void {
    const state = this.state;
    let history: Uint8Array | undefined;
    for (const f of fields(rec)) {
      switch (f.num) {
        case 2:
          history = msg(f);
          break;
        case 3:
          applyItemRecord(state.summary, msg(f));
          break;
        case 5:
          applyItemRecord(state.config, msg(f));
          break;
        case 17:
          runRecord(msg(f), state);
          break;
        case 18:
          exitRecord(msg(f), state.info);
          break;
        case 23:
          state.info.preempting = true;
          break;
        case 26:
          environmentRecord(msg(f), state.info);
          break;
      }
    }
    if (history) this.history(history, at);
  }

  private history(buf: Uint8Array, at: number): void {
    const row = this.row;
    row.reset();
    let stepField: number | undefined;
    for (const f of fields(buf)) {
      if (f.num === 1) this.item(msg(f), at);
      else if (f.num === 2) {
        stepField = 0;
        for (const g of fields(msg(f))) if (g.num === 1) stepField = int(g);
      }
    }
    const state = this.state;
    // `_step` wins; else HistoryRecord.step; else the previous row's step + 1 (shared mode, very old data).
    const step = row.step ?? stepField ?? state.lastStep + 1;
    const time = row.time;
    state.lastStep = step;
    if (!Number.isNaN(time) && (state.lastTime === null || time > state.lastTime)) state.lastTime = time;
    const serial = ++this.rowSerial;
    const seen = this.seen;
    const { keys, values, skip, media } = row;
    // Duplicate keys within one row: the last one wins.
    for (let i = 0; i < row.n; i++) {
      if (skip[i]) continue;
      const k = keys[i]!;
      const prev = seen.get(k);
      if (prev !== undefined && prev >= serial) skip[prev - serial] = 3;
      seen.set(k, serial + i);
    }
    const emit = this.emit;
    const known = state.keys;
    for (let i = 0; i < row.n; i++) {
      if (skip[i]) continue;
      const k = keys[i]!;
      if (media.length > 0 && underMedia(k, media)) continue;
      emit(k, step, values[i]!, time);
      if (known[k] === undefined) known[k] = 1;
    }
    // Keep serials of different rows apart (a row has < 2^20 items in any sane file).
    this.rowSerial = serial + row.n;
  }

  private item(buf: Uint8Array, at: number): void {
    let key: string | null = null;
    let nested: string[] | null = null;
    let value: Uint8Array | null = null;
    for (const g of fields(buf)) {
      if (g.num === 1) key = str(g);
      else if (g.num === 2) (nested ??= []).push(str(g));
      else if (g.num === 16) value = msg(g);
    }
    const path = itemPath(key, nested);
    if (!path || value === null) return;
    const name = path.length === 1 ? path[0]! : path.join('.');
    if (name === '') return;
    const row = this.row;
    const internal = name.charCodeAt(0) === 0x5f ? 1 : 0; // '_'
    const num = jsonNumberFromBytes(value);
    if (num !== undefined) {
      if (internal) {
        if (name === '_step') {
          if (Number.isInteger(num)) row.step = num;
        } else if (name === '_timestamp') {
          if (Number.isFinite(num)) row.time = num * 1000;
        }
        return;
      }
      row.push(name, num, 0);
      return;
    }
    const c0 = value[0];
    if (c0 === 0x22 /* " */) {
      // wandb-core spreads a media object into sibling leaves: [..., "_type"] = "image-file", [..., "width"] = …
      if (path.length > 1 && path[path.length - 1] === '_type') row.media.push(path.slice(0, -1).join('.'));
      return;
    }
    if (c0 !== 0x7b /* { */ || internal) return;
    // An older client logs a nested dict (or a media object) as one JSON object under `key`.
    let parsed: unknown;
    try {
      parsed = parseExtJson(decoder.decode(value));
    } catch {
      this.itemProblem(`wandb: history value of "${name}" at byte ${at} is not JSON; skipped`);
      return;
    }
    numericLeaves(name, parsed, (k, v) => row.push(k, v, 0));
  }

  private itemProblem(message: string): void {
    report(this.state, this.problem, message);
  }
}

function underMedia(key: string, media: readonly string[]): boolean {
  for (const m of media) {
    if (key === m || (key.length > m.length && key.charCodeAt(m.length) === 0x2e && key.startsWith(m))) return true;
  }
  return false;
}
