import { parentPort } from 'node:worker_threads';
import type { QueryRequest, QueryReply } from './queryRunner';
import { QueryError, RunStore } from './runStore';
import { lowerThreadPriority } from '../index/threadPriority';

/**
 * A worker thread that runs one console query on its own copy of the index, so a runaway query can be stopped by
 * terminating the thread (sql.js has no progress handler to interrupt a statement with).
 */
// A query gives way to the extension host's thread and the editor when they compete for the cores; alone it runs
// as fast. First thing, before sql.js's start-up work.
lowerThreadPriority();

parentPort?.once('message', (req: QueryRequest) => {
  void answer(req).then((reply) => parentPort?.postMessage(reply));
});

async function answer(req: QueryRequest): Promise<QueryReply> {
  let store: RunStore | undefined;
  try {
    store = await RunStore.fromSnapshot(req.db);
    store.capValueLength(req.maxValueBytes);
    return { type: 'done', result: store.query(req.sql, req.maxRows, req.maxBytes) };
  } catch (err) {
    return {
      type: 'failed',
      message: err instanceof Error ? err.message : String(err),
      isQueryError: err instanceof QueryError,
    };
  } finally {
    store?.dispose();
  }
}
