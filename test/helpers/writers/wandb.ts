/**
 * Writes W&B run folders byte for byte as the W&B SDK does (formats/wandb.md): the `run-<id>.wandb`
 * transaction log (`:W&B` header, LevelDB-log blocks of 32 KiB, chunks with an unmasked CRC-32 over type byte +
 * payload, FULL/FIRST/MIDDLE/LAST splitting and zero padding exactly as `wandb/sdk/internal/datastore.py`
 * `_write_record` does), `wandb_internal.Record` protobufs, and the `files/` text files in both dialects.
 *
 * Self-contained on purpose (its own protobuf encoder and a bit-by-bit CRC-32), so a bug in the reader's CRC or
 * decoder is not mirrored here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify as yamlStringify } from 'yaml';
import { Proto } from '../protobuf';

export const BLOCK = 32768;
export const HEADER_LEN = 7;
export const FULL = 1;
export const FIRST = 2;
export const MIDDLE = 3;
export const LAST = 4;

// --- CRC-32 (IEEE), bitwise ---------------------------------------------------------------------------------------

export function crc32Bitwise(data: Uint8Array, seed = 0): number {
  let c = ~seed >>> 0;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

/** `zlib.crc32(data, zlib.crc32(bytes([type])))`, as datastore.py computes it. */
export function chunkChecksum(type: number, payload: Uint8Array): number {
  return crc32Bitwise(payload, crc32Bitwise(Uint8Array.of(type)));
}

// --- wandb_internal records ---------------------------------------------------------------------------------------

/** A HistoryItem / SummaryItem / ConfigItem: `key` (older clients) or `nested` (wandb-core), raw `value_json`. */
export interface Item {
  key?: string;
  nested?: string[];
  json: string;
}

export function item(i: Item): Proto {
  const m = new Proto();
  if (i.key !== undefined) m.string(1, i.key);
  for (const s of i.nested ?? []) m.string(2, s);
  m.string(16, i.json);
  return m;
}

/** Items for a flat object: `{loss: 0.5}` → one item per key; `nested` selects the wandb-core form. */
export function items(values: Record<string, unknown>, nested = false): Item[] {
  return Object.entries(values).map(([k, v]) =>
    nested ? { nested: [k], json: pyJson(v) } : { key: k, json: pyJson(v) },
  );
}

/** JSON as Python's json.dumps / Go simplejsonext write it: NaN and ±Infinity as bare tokens. */
export function pyJson(v: unknown): string {
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  if (Array.isArray(v)) return `[${v.map(pyJson).join(', ')}]`;
  if (typeof v === 'object' && v !== null) {
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}: ${pyJson(x)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(v);
}

function timestamp(ms: number): Proto {
  const s = Math.floor(ms / 1000);
  return new Proto().varint(1, s).varint(2, (ms - s * 1000) * 1e6);
}

export interface RunRecordSpec {
  runId?: string;
  entity?: string;
  project?: string;
  config?: Item[];
  summary?: Item[];
  group?: string;
  jobType?: string;
  name?: string;
  notes?: string;
  tags?: string[];
  sweepId?: string;
  host?: string;
  startingStep?: number;
  startMs?: number;
  resumed?: boolean;
  git?: { remote?: string; commit?: string };
}

function gitRepo(g: { remote?: string; commit?: string }): Proto {
  const m = new Proto();
  if (g.remote !== undefined) m.string(1, g.remote);
  if (g.commit !== undefined) m.string(2, g.commit);
  return m;
}

function itemRecord(update: Item[], remove: Item[] = []): Proto {
  const m = new Proto();
  for (const i of update) m.message(1, item(i));
  for (const i of remove) m.message(2, item(i));
  return m;
}

/** `Record` payloads, one builder per record type (field numbers from wandb_internal.proto). */
export const rec = {
  /** Wraps a record body with the record counter `num` (field 1) as wandb-core writes it. */
  numbered(num: number, body: Uint8Array): Uint8Array {
    const head = new Proto().varint(1, num).finish();
    const out = new Uint8Array(head.length + body.length);
    out.set(head, 0);
    out.set(body, head.length);
    return out;
  },
  header(): Uint8Array {
    return new Proto().message(21, new Proto()).finish();
  },
  run(s: RunRecordSpec): Uint8Array {
    const m = new Proto();
    if (s.runId !== undefined) m.string(1, s.runId);
    if (s.entity !== undefined) m.string(2, s.entity);
    if (s.project !== undefined) m.string(3, s.project);
    if (s.config) m.message(4, itemRecord(s.config));
    if (s.summary) m.message(5, itemRecord(s.summary));
    if (s.group !== undefined) m.string(6, s.group);
    if (s.jobType !== undefined) m.string(7, s.jobType);
    if (s.name !== undefined) m.string(8, s.name);
    if (s.notes !== undefined) m.string(9, s.notes);
    for (const t of s.tags ?? []) m.string(10, t);
    if (s.sweepId !== undefined) m.string(12, s.sweepId);
    if (s.host !== undefined) m.string(13, s.host);
    if (s.startingStep !== undefined) m.varint(14, s.startingStep);
    if (s.startMs !== undefined) m.message(17, timestamp(s.startMs));
    if (s.resumed !== undefined) m.varint(18, s.resumed);
    if (s.git) m.message(21, gitRepo(s.git));
    return new Proto().message(17, m).finish();
  },
  /** HistoryRecord; `step` sets HistoryStep.num (omit it for records without the field). */
  history(its: Item[], step?: number): Uint8Array {
    const m = new Proto();
    for (const i of its) m.message(1, item(i));
    if (step !== undefined) m.message(2, step === 0 ? new Proto() : new Proto().varint(1, step));
    return new Proto().message(2, m).finish();
  },
  summary(update: Item[], remove: Item[] = []): Uint8Array {
    return new Proto().message(3, itemRecord(update, remove)).finish();
  },
  config(update: Item[], remove: Item[] = []): Uint8Array {
    return new Proto().message(5, itemRecord(update, remove)).finish();
  },
  output(line: string, ms: number): Uint8Array {
    return new Proto().message(4, new Proto().varint(1, 1).message(2, timestamp(ms)).string(3, line)).finish();
  },
  files(paths: string[]): Uint8Array {
    const m = new Proto();
    for (const p of paths) m.message(1, new Proto().string(1, p));
    return new Proto().message(6, m).finish();
  },
  stats(ms: number, values: Record<string, number>): Uint8Array {
    const m = new Proto().message(2, timestamp(ms));
    for (const [k, v] of Object.entries(values)) m.message(3, new Proto().string(1, k).string(16, String(v)));
    return new Proto().message(7, m).finish();
  },
  telemetry(): Uint8Array {
    return new Proto().message(11, new Proto().string(4, '3.11.7')).finish();
  },
  /** RunExitRecord; exit_code 0 and runtime 0 are omitted on the wire (proto3 defaults), as real writers do. */
  exit(code: number, runtimeS = 0): Uint8Array {
    const m = new Proto();
    if (code !== 0) m.varint(1, code);
    if (runtimeS !== 0) m.varint(2, runtimeS);
    return new Proto().message(18, m).finish();
  },
  final(): Uint8Array {
    return new Proto().message(20, new Proto()).finish();
  },
  footer(): Uint8Array {
    return new Proto().message(22, new Proto()).finish();
  },
  preempting(): Uint8Array {
    return new Proto().message(23, new Proto()).finish();
  },
  environment(e: { startedMs?: number; git?: { remote?: string; commit?: string }; writerId?: string }): Uint8Array {
    const m = new Proto().string(1, 'Linux');
    if (e.startedMs !== undefined) m.message(3, timestamp(e.startedMs));
    if (e.git) m.message(9, gitRepo(e.git));
    if (e.writerId !== undefined) m.string(199, e.writerId);
    return new Proto().message(26, m).finish();
  },
};

// --- the log --------------------------------------------------------------------------------------------------------

/** Builds a `.wandb` log the way datastore.py `_write_record` does. */
export class WandbLogWriter {
  private readonly out: number[] = [0x3a, 0x57, 0x26, 0x42, 0xe1, 0xbe, 0x00];
  /** Absolute offset where each record's first chunk begins. */
  readonly offsets: number[] = [];

  get length(): number {
    return this.out.length;
  }

  private chunk(type: number, payload: Uint8Array): void {
    const head = new Uint8Array(HEADER_LEN);
    const dv = new DataView(head.buffer);
    dv.setUint32(0, chunkChecksum(type, payload), true);
    dv.setUint16(4, payload.length, true);
    head[6] = type;
    for (const b of head) this.out.push(b);
    for (const b of payload) this.out.push(b);
  }

  append(record: Uint8Array): this {
    let spaceLeft = BLOCK - (this.out.length % BLOCK);
    if (spaceLeft < HEADER_LEN) {
      for (let i = 0; i < spaceLeft; i++) this.out.push(0);
      spaceLeft = BLOCK;
    }
    this.offsets.push(this.out.length);
    if (record.length + HEADER_LEN <= spaceLeft) {
      this.chunk(FULL, record);
      return this;
    }
    const room = spaceLeft - HEADER_LEN;
    this.chunk(FIRST, record.subarray(0, room));
    let used = room;
    while (record.length - used > BLOCK - HEADER_LEN) {
      this.chunk(MIDDLE, record.subarray(used, used + BLOCK - HEADER_LEN));
      used += BLOCK - HEADER_LEN;
    }
    this.chunk(LAST, record.subarray(used));
    return this;
  }

  /** Pads with zeros to the next block boundary (a preallocated / zero-filled region). */
  zeroBlock(): this {
    const left = BLOCK - (this.out.length % BLOCK);
    for (let i = 0; i < left; i++) this.out.push(0);
    return this;
  }

  /**
   * Appends console-output records so that exactly `leave` bytes remain in the current block afterwards
   * (to place the next record at a chosen distance from the block end).
   */
  fill(leave: number): this {
    for (let guard = 0; guard < 4; guard++) {
      const room = BLOCK - (this.out.length % BLOCK);
      const want = room - leave - HEADER_LEN;
      if (want === 0 && room === leave) return this;
      if (want < 40) {
        // Too close: finish this block with one record and aim in the next one.
        this.append(rec.output('', 0));
        continue;
      }
      for (let n = want; n >= 0; n--) {
        const r = rec.output('y'.repeat(n), 0);
        if (r.length === want) return this.append(r);
        if (r.length < want - 8) break;
      }
      this.append(rec.output('', 0));
    }
    throw new Error(`cannot leave exactly ${leave} bytes in the block`);
  }

  /** Raw bytes (for hand-made damage). */
  raw(bytes: Uint8Array | number[]): this {
    for (const b of bytes) this.out.push(b);
    return this;
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

export function logOf(records: Uint8Array[]): Uint8Array {
  const w = new WandbLogWriter();
  for (const r of records) w.append(r);
  return w.bytes();
}

// --- text files -----------------------------------------------------------------------------------------------------

/** wandb-core `config.yaml`: keys sorted, each `{value: …}`, 4-space indent. */
export function configYamlCore(values: Record<string, unknown>): string {
  const doc: Record<string, unknown> = {};
  for (const k of Object.keys(values).sort()) doc[k] = { value: values[k] };
  return yamlStringify(doc, { indent: 4 });
}

/** Python client `config.yaml`: `wandb_version: 1`, a blank line, then `key: {desc: null, value: …}`. */
export function configYamlLegacy(values: Record<string, unknown>): string {
  const doc: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) doc[k] = { desc: null, value: v };
  return `wandb_version: 1\n\n${yamlStringify(doc)}`;
}

export interface WandbRunFolder {
  /** Folder holding the run dirs, relative to root (default `wandb`). */
  wandbDir?: string;
  mode?: 'run' | 'offline-run' | 'dryrun';
  timespec?: string;
  id: string;
  /** The log's bytes (see WandbLogWriter / logOf); omitted: no `.wandb` file. */
  log?: Uint8Array;
  /** Files under `files/` (or the run dir itself with `legacyLayout`). */
  files?: Record<string, string>;
  legacyLayout?: boolean;
}

/** Writes a run folder and returns its path relative to root. */
export function writeWandbRun(root: string, spec: WandbRunFolder): string {
  const rel = `${spec.wandbDir ?? 'wandb'}/${spec.mode ?? 'run'}-${spec.timespec ?? '20240501_123456'}-${spec.id}`;
  const abs = path.join(root, rel);
  fs.mkdirSync(abs, { recursive: true });
  if (spec.log) fs.writeFileSync(path.join(abs, `run-${spec.id}.wandb`), spec.log);
  const filesDir = spec.legacyLayout ? abs : path.join(abs, 'files');
  for (const [name, content] of Object.entries(spec.files ?? {})) {
    const p = path.join(filesDir, name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
  return rel;
}
