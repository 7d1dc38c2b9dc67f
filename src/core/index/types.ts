// The types the engine's modules share (the indexer, the read context, the worker pool, the store): declared here,
// apart from the code, so that no engine module has to import another for its types (that made import circles).
import type { Diagnostic, Run } from '../model';
import type { Source } from '../readers/types';
import type { SummaryAcc } from '../summary';

/** Where an append-only file was read up to, so the next read resumes there. JSON-serialisable. */
export interface FileCursor {
  size: number;
  mtimeMs: number;
  /** Bytes consumed by whole records. */
  offset: number;
  /** Hex of the first bytes: a file rewritten from scratch (not appended to) is read again from 0. */
  head: string;
  /**
   * Hex of the bytes just before `offset`: catches a rewrite that keeps the start (Lightning rewrites
   * metrics.csv whole when a new column appears, and a long header can keep its first bytes).
   */
  edge: string;
  /** The parser's own state (e.g. the CSV header). */
  state: unknown;
  runPath: string;
  /** Summaries of the points read so far from this file. */
  acc: Record<string, SummaryAcc>;
  /** Problems found in the bytes already read: reported again on every read that resumes past them. */
  problems: string[];
}

/** What the indexer keeps about a source between reads. */
export interface SourceState {
  /** Files the last read opened (relative); with Source.files they make the source's fingerprint. */
  opened: string[];
  cursors: Record<string, FileCursor>;
}

export interface ReadLimits {
  /** Whole-file reads (JSON, YAML, SQLite) refuse files above this size. Streamed logs have no limit. */
  maxFileBytes: number;
  /** A single record bigger than this in an append-only log is reported instead of buffered. */
  maxRecordBytes: number;
  /** Chunk size for streamed reads; the caller gets the event loop back between chunks. */
  chunkBytes: number;
}

/** A source as last read: its runs, problems and the state to resume from. */
export interface SourceRecord {
  key: string;
  source: Source;
  state: SourceState;
  /** Fingerprint of the files the source depends on, when it was read. */
  signature: string;
  /** The runs as the reader produced them. */
  ownRuns: Run[];
  /** The runs as published, after cross-source rules (Hydra enrichment). */
  runs: Run[];
  /** The record already encoded for the snapshot by the worker that read it (in memory only). */
  encoded?: Uint8Array;
  /**
   * The read cursors, V8-serialised, when `state.cursors` was emptied to keep the calling thread's heap small
   * (fewer live objects, shorter GC pauses); see `unpackState`.
   */
  packedCursors?: Uint8Array;
  diagnostics: Diagnostic[];
}

/** What changed in one pass; the store and the UI apply only this. */
export interface IndexDelta {
  /** Sources read (new or changed) in this pass, with their final runs. */
  updated: SourceRecord[];
  /** Keys of sources that disappeared. */
  removed: string[];
  /** Walk-level problems (unreadable folders), replacing the previous ones. */
  walkDiagnostics: Diagnostic[];
  /** Source key under which the walk's problems are stored (one per folder of a multi-root workspace). */
  walkKey?: string;
  stats: { sources: number; read: number; skipped: number; ms: number };
}

/**
 * What the store applies: sources replaced (their runs and problems) or removed, and a group's own problems. An
 * index pass (IndexDelta) is one; a remote source's refresh is another (one entry, under the source's key).
 */
export interface StoreDelta {
  updated: ReadonlyArray<Pick<SourceRecord, 'key' | 'runs' | 'diagnostics'>>;
  removed: readonly string[];
  walkDiagnostics: readonly Diagnostic[];
  walkKey?: string;
}

export interface IndexProgress {
  (done: number, total: number): void;
}
