import * as v8 from 'node:v8';
import { SnapshotError } from './db/runStore';
import { SCHEMA_VERSION } from './db/schema';
import { unpackState, type SourceRecord } from './indexer';
import type { Run } from './model';

/**
 * The warm-start snapshot: the SQLite export (the runs, as queried) plus the indexers' source records
 * (fingerprints, read offsets, summaries), in one V8-serialised container. The records live outside SQLite on
 * purpose: as blobs they doubled the in-memory database, and sql.js copies its whole heap each time it grows.
 */
interface Container {
  format: 'runlens-snapshot';
  schema: number;
  sqlite: Uint8Array;
  /** [signature, encoded record] per source. */
  records: Array<[string, Uint8Array]>;
  /** Every run, V8-serialised: five times quicker to bring back than loading them from SQL. */
  runs: Uint8Array;
}

export function writeSnapshot(sqlite: Uint8Array, records: Iterable<SourceRecord>, runs: readonly Run[]): Uint8Array {
  const list: Array<[string, Uint8Array]> = [];
  for (const rec of records) list.push([rec.signature, rec.encoded && rec.runs === rec.ownRuns ? rec.encoded : encodeRecord(rec)]);
  const container: Container = { format: 'runlens-snapshot', schema: SCHEMA_VERSION, sqlite, records: list, runs: v8.serialize(runs) };
  return v8.serialize(container);
}

/** Opens a snapshot's container; the records stay encoded until `decodeSnapshotRecords`. */
export function readSnapshot(bytes: Uint8Array): { sqlite: Uint8Array; records: Array<[string, Uint8Array]>; runs: Uint8Array } {
  let c: Partial<Container>;
  try {
    c = v8.deserialize(bytes) as Partial<Container>;
  } catch (err) {
    throw new SnapshotError(`snapshot unreadable: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!c || c.format !== 'runlens-snapshot' || !(c.sqlite instanceof Uint8Array) || !Array.isArray(c.records) || !(c.runs instanceof Uint8Array)) {
    throw new SnapshotError('snapshot unreadable: not a Runlens snapshot');
  }
  if (c.schema !== SCHEMA_VERSION) throw new SnapshotError(`snapshot schema ${String(c.schema)} is not ${SCHEMA_VERSION}`);
  return { sqlite: c.sqlite, records: c.records, runs: c.runs };
}

/** The runs kept in a snapshot. */
export function decodeSnapshotRuns(bytes: Uint8Array): Run[] {
  const runs = v8.deserialize(bytes) as unknown;
  if (!Array.isArray(runs)) throw new SnapshotError('snapshot unreadable: no run list');
  return runs as Run[];
}

export function decodeSnapshotRecords(records: ReadonlyArray<[string, Uint8Array]>): SourceRecord[] {
  return records.map(([signature, bytes]) => ({ ...decodeRecord(bytes), signature }));
}

/**
 * A source record in V8's serialisation format: native speed, and NaN/Infinity survive (JSON would need a
 * reviver per value). The runs are kept once when they are the reader's own (the usual case).
 */
export function encodeRecord(rec: SourceRecord): Uint8Array {
  const body = { key: rec.key, source: rec.source, state: unpackState(rec), ownRuns: rec.ownRuns, runs: rec.runs === rec.ownRuns ? undefined : rec.runs, diagnostics: rec.diagnostics };
  return v8.serialize(body);
}

export function decodeRecord(bytes: Uint8Array): SourceRecord {
  const rec = v8.deserialize(bytes) as SourceRecord;
  rec.runs ??= rec.ownRuns;
  return rec;
}
