import * as v8 from 'node:v8';
import { SnapshotError } from '../db/runStore';
import { SCHEMA_VERSION } from '../db/schema';
import { unpackState } from './indexer';
import { type SourceRecord } from './types';
import type { Run } from '../model';

/**
 * The warm-start snapshot: the SQLite export (the runs, as queried) plus the indexers' source records
 * (fingerprints, read offsets, summaries) and every run V8-serialised (five times quicker to bring back than
 * loading them from SQL). The records live outside SQLite on purpose: as blobs they doubled the in-memory
 * database, and sql.js copies its whole heap each time it grows.
 *
 * Laid out as frames so it is written in pieces: serialising 10,000 runs and records at once held the extension
 * host for ~150-250 ms. MAGIC, then frames of [kind: u8][length: u32 LE][payload]:
 *   H  header, JSON { format, schema }      S  the SQLite export
 *   R  a V8-serialised Run[] (a slice)      C  a V8-serialised [signature, encoded record][] (a slice)
 *   E  end (a file cut short has none)
 */
const MAGIC = 'RUNLENS-SNAPSHOT\n';
const FORMAT = 'runlens-snapshot';
/** Runs or records per frame: each frame serialises in a few milliseconds. */
const SLICE = 250;

/** What a snapshot holds, taken at one moment (the store export and the lists, not copies of every object). */
export interface SnapshotContent {
  sqlite: Uint8Array;
  /** Records, or [signature, encoded record] pairs as a previous snapshot held them. */
  records: Iterable<SourceRecord | readonly [string, Uint8Array]>;
  runs: readonly Run[];
}

/**
 * The snapshot's bytes piece by piece: a caller that writes each piece before asking for the next gives the event
 * loop a turn between them. The content must not change meanwhile (take it synchronously; records and runs are
 * replaced, not mutated, when the index changes).
 */
export function* snapshotPieces(content: SnapshotContent): Generator<Uint8Array, void, void> {
  const enc = new TextEncoder();
  yield enc.encode(MAGIC);
  yield* frame('H', enc.encode(JSON.stringify({ format: FORMAT, schema: SCHEMA_VERSION })));
  yield* frame('S', content.sqlite);
  for (let i = 0; i < content.runs.length; i += SLICE)
    yield* frame('R', v8.serialize(content.runs.slice(i, i + SLICE)));
  let list: Array<[string, Uint8Array]> = [];
  for (const rec of content.records) {
    if (Array.isArray(rec)) list.push([rec[0], rec[1]]);
    else {
      const r = rec as SourceRecord;
      list.push([r.signature, r.encoded && r.runs === r.ownRuns ? r.encoded : encodeRecord(r)]);
    }
    if (list.length === SLICE) {
      yield* frame('C', v8.serialize(list));
      list = [];
    }
  }
  if (list.length) yield* frame('C', v8.serialize(list));
  yield* frame('E', new Uint8Array(0));
}

/** The whole snapshot in one buffer (the CLI, tests and benches; the extension writes the pieces). */
export function writeSnapshot(
  sqlite: Uint8Array,
  records: SnapshotContent['records'],
  runs: readonly Run[],
): Uint8Array {
  return Buffer.concat([...snapshotPieces({ sqlite, records, runs })]);
}

/** A frame as two pieces, its 5-byte head and its payload (not copied: the SQLite export alone is megabytes). */
function* frame(kind: 'H' | 'S' | 'R' | 'C' | 'E', payload: Uint8Array): Generator<Uint8Array, void, void> {
  const head = new Uint8Array(5);
  head[0] = kind.charCodeAt(0);
  new DataView(head.buffer).setUint32(1, payload.length, true);
  yield head;
  if (payload.length) yield payload;
}

/** Opens a snapshot; the runs and records stay encoded until decodeSnapshotRuns / decodeSnapshotRecords. */
export function readSnapshot(bytes: Uint8Array): {
  sqlite: Uint8Array;
  records: Array<[string, Uint8Array]>;
  runs: Uint8Array[];
} {
  const magic = new TextEncoder().encode(MAGIC);
  if (bytes.length < magic.length || magic.some((b, i) => bytes[i] !== b))
    throw new SnapshotError('snapshot unreadable: not a Runlens snapshot');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = magic.length;
  let header: { format?: unknown; schema?: unknown } | undefined;
  let sqlite: Uint8Array | undefined;
  const runs: Uint8Array[] = [];
  const records: Array<[string, Uint8Array]> = [];
  for (;;) {
    if (at + 5 > bytes.length) throw new SnapshotError('snapshot unreadable: cut short');
    const kind = String.fromCharCode(bytes[at]!);
    const len = view.getUint32(at + 1, true);
    const payload = bytes.subarray(at + 5, at + 5 + len);
    if (payload.length !== len) throw new SnapshotError('snapshot unreadable: cut short');
    at += 5 + len;
    if (kind === 'E') break;
    try {
      if (kind === 'H') header = JSON.parse(new TextDecoder().decode(payload)) as typeof header;
      else if (kind === 'S') sqlite = payload;
      else if (kind === 'R') runs.push(payload);
      else if (kind === 'C') records.push(...(v8.deserialize(payload) as Array<[string, Uint8Array]>));
      else throw new Error(`unknown frame ${JSON.stringify(kind)}`);
    } catch (err) {
      throw new SnapshotError(`snapshot unreadable: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (kind === 'H' && header?.schema !== SCHEMA_VERSION)
      throw new SnapshotError(`snapshot schema ${String(header?.schema)} is not ${SCHEMA_VERSION}`);
  }
  if (header?.format !== FORMAT || !sqlite) throw new SnapshotError('snapshot unreadable: no header or no database');
  return { sqlite, records, runs };
}

/** The runs kept in a snapshot (its run frames). */
export function decodeSnapshotRuns(frames: readonly Uint8Array[]): Run[] {
  const out: Run[] = [];
  for (const f of frames) {
    const runs = v8.deserialize(f) as unknown;
    if (!Array.isArray(runs)) throw new SnapshotError('snapshot unreadable: no run list');
    for (const r of runs as Run[]) out.push(r);
  }
  return out;
}

export function decodeSnapshotRecords(records: ReadonlyArray<[string, Uint8Array]>): SourceRecord[] {
  return records.map(([signature, bytes]) => {
    const rec = { ...decodeRecord(bytes), signature };
    // The same bytes serve the next snapshot while the record keeps its own runs (no re-encoding 10,000 records).
    if (rec.runs === rec.ownRuns) rec.encoded = bytes;
    return rec;
  });
}

/**
 * A source record in V8's serialisation format: native speed, and NaN/Infinity survive (JSON would need a
 * reviver per value). The runs are kept once when they are the reader's own (the usual case).
 */
export function encodeRecord(rec: SourceRecord): Uint8Array {
  const body = {
    key: rec.key,
    source: rec.source,
    state: unpackState(rec),
    ownRuns: rec.ownRuns,
    runs: rec.runs === rec.ownRuns ? undefined : rec.runs,
    diagnostics: rec.diagnostics,
  };
  return v8.serialize(body);
}

export function decodeRecord(bytes: Uint8Array): SourceRecord {
  const rec = v8.deserialize(bytes) as SourceRecord;
  rec.runs ??= rec.ownRuns;
  return rec;
}
