import type { RemoteSnapshot, RemoteSource } from '../sources/remoteSource';
import type { StoreDelta } from './types';

/**
 * The bookkeeping of the remote sources beside the workspace folders: each source's runs live in the store under a
 * key of their own (so one source's refresh replaces only its runs), and what is known of its last refresh (when
 * it succeeded, the last error) is kept here and, for the "as of" time, in the store's meta table (so a warm start
 * from the snapshot still says how old the runs it shows are).
 */

/** Source key of a remote source's runs and problems in the store. */
export function remoteKey(id: string): string {
  return `${REMOTE_PREFIX}${id}`;
}

/** Every remote source's keys start with this; no workspace source key does (they start with a format or folder). */
export const REMOTE_PREFIX = 'remote:';

/** The store's meta key holding when a source's runs were last read (ms since the epoch). */
export function asOfMetaKey(id: string): string {
  return `remote_as_of:${id}`;
}

/** What is known of one remote source, for a badge, a status line or `runlens sources`. */
export interface SourceStatus {
  id: string;
  kind: RemoteSource['kind'];
  /** True after a refresh succeeded, false after one failed (until one succeeds), null before the first one. */
  reachable: boolean | null;
  /** When the runs shown were read (ms since the epoch); null when they never were. */
  asOf: number | null;
  /** The last refresh's error, when it failed. */
  error: string | null;
  /** How many of its runs the index holds. */
  runs: number;
}

/** A source's entry in the store: its runs, and its own problems under `<key>#source`. */
export function remoteDelta(id: string, snapshot: RemoteSnapshot): StoreDelta {
  const key = remoteKey(id);
  return {
    updated: [{ key, runs: snapshot.runs.map((r) => ({ ...r, source: id })), diagnostics: snapshot.diagnostics }],
    removed: [],
    walkDiagnostics: [],
    walkKey: `${key}#source`,
  };
}

/** The problem shown while a source cannot be reached: its runs stay, marked with the time they were read. */
export function unreachableDelta(id: string, error: string, asOf: number | null): StoreDelta {
  const when =
    asOf === null ? 'no runs were read from it yet' : `showing its runs as of ${new Date(asOf).toISOString()}`;
  return {
    updated: [],
    removed: [],
    walkDiagnostics: [{ path: id, severity: 'warning', message: `source unreachable: ${error}; ${when}` }],
    walkKey: `${remoteKey(id)}#source`,
  };
}
