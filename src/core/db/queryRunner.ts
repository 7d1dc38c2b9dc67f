import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { QueryError, type QueryResult } from './runStore';

/** The console's limits. */
export interface QueryLimits {
  /** Wall time after which the worker is terminated. */
  timeoutMs: number;
  maxRows: number;
  /** Budget for the values of the rows returned (UTF-16 text counts 2 bytes a character). */
  maxBytes?: number;
  /** Longest value randomblob()/zeroblob() may make. */
  maxValueBytes?: number;
}

export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_VALUE_BYTES = 16 * 1024 * 1024;

/** A query stopped at the time limit (the CLI exits 4 on it). */
export class QueryTimeoutError extends Error {
  override name = 'QueryTimeoutError' as const;
  constructor(readonly seconds: number) {
    super(`query stopped after ${seconds} s`);
  }
}

/** A query the user cancelled. */
export class QueryCancelledError extends Error {
  override name = 'QueryCancelledError' as const;
  constructor() {
    super('query cancelled');
  }
}

export interface QueryRequest {
  db: Uint8Array;
  sql: string;
  maxRows: number;
  maxBytes: number;
  maxValueBytes: number;
}

export type QueryReply =
  { type: 'done'; result: QueryResult } | { type: 'failed'; message: string; isQueryError: boolean };

/**
 * Runs one read-only statement (RunStore.query's rules) on a copy of the index (`db`, from RunStore.export) in a
 * worker thread of its own, which is terminated at the time limit or when `signal` aborts: a runaway query costs
 * the caller's thread nothing. The worker is started per query (~100 ms) so nothing stays resident between them.
 */
export function runQueryInWorker(
  db: Uint8Array,
  sql: string,
  limits: QueryLimits,
  signal?: AbortSignal,
  workerFile = path.join(__dirname, 'queryWorker.js'),
): Promise<QueryResult> {
  return new Promise<QueryResult>((resolve, reject) => {
    if (signal?.aborted) return reject(new QueryCancelledError());
    const worker = new Worker(workerFile);
    let settled = false;
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      f();
    };
    const timer = setTimeout(
      () => finish(() => reject(new QueryTimeoutError(Math.round(limits.timeoutMs / 100) / 10))),
      limits.timeoutMs,
    );
    const onAbort = (): void => finish(() => reject(new QueryCancelledError()));
    signal?.addEventListener('abort', onAbort);
    worker.once('message', (reply: QueryReply) =>
      finish(() =>
        reply.type === 'done'
          ? resolve(reply.result)
          : reject(reply.isQueryError ? new QueryError(reply.message) : new Error(reply.message)),
      ),
    );
    worker.once('error', (err) => finish(() => reject(err)));
    worker.once('exit', (code) => finish(() => reject(new Error(`query worker exited with code ${code}`))));
    const req: QueryRequest = {
      db,
      sql,
      maxRows: limits.maxRows,
      maxBytes: limits.maxBytes ?? DEFAULT_MAX_BYTES,
      maxValueBytes: limits.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES,
    };
    // The copy is handed over, not cloned: the caller's array is detached (one copy of the index, not two).
    const own = db.byteOffset === 0 && db.byteLength === db.buffer.byteLength ? db : db.slice();
    worker.postMessage({ ...req, db: own }, [own.buffer as ArrayBuffer]);
  });
}
