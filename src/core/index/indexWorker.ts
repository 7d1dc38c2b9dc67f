import * as v8 from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerData } from './readPool';
import type { ReadLimits, SourceState } from './types';
import { encodeRecord } from './snapshot';
import { READERS } from '../readers';
import { readSourceRecord } from './readSource';
import { lowerThreadPriority } from './threadPriority';
import { FileTree } from './walk';

/** A worker thread of the ReadPool: reads sources with the default readers against the pass's tree. */
let tree = new FileTree();
let root = '';
let limits: ReadLimits | undefined;
let namespace: string | undefined;

// In the extension, reading gives way to the extension host's thread and the editor when they need the cores.
if ((workerData as WorkerData | undefined)?.background) lowerThreadPriority();

const port = parentPort;
port?.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'begin':
      tree = new FileTree();
      // The caller's knowledge of symlinked folders travels with the tree, or no file counts as plain here.
      if (msg.linkDirs) {
        for (const d of msg.linkDirs) tree.links.sawLinkIn(d);
        tree.linksKnown = true;
      }
      root = msg.root;
      limits = msg.limits;
      namespace = msg.namespace;
      return;
    case 'dirs':
      for (const [dir, entries] of msg.dirs) tree.set(dir, [...entries]);
      if (msg.last) post({ type: 'ready' });
      return;
    case 'read': {
      const previous =
        msg.previous && msg.previousCursors
          ? { opened: msg.previous.opened, cursors: v8.deserialize(msg.previousCursors) as SourceState['cursors'] }
          : msg.previous;
      void readSourceRecord({
        root,
        tree,
        key: msg.key,
        source: msg.source,
        previous,
        reader: READERS[msg.readerIndex],
        limits: limits!,
        namespace,
      }).then(
        (record) => {
          // Encoding here spares the calling thread the work. Copies into buffers of their own, since
          // transferring must not take a pooled buffer that other views share.
          const encoded = new Uint8Array(encodeRecord(record));
          const packedCursors = new Uint8Array(v8.serialize(record.state.cursors));
          // The cursors travel packed: the calling thread keeps fewer live objects (shorter GC pauses there).
          const slim = { ...record, state: { opened: record.state.opened, cursors: {} } };
          port?.postMessage({ type: 'done', id: msg.id, record: slim, encoded, packedCursors } satisfies FromWorker, [
            encoded.buffer as ArrayBuffer,
            packedCursors.buffer as ArrayBuffer,
          ]);
        },
        (err: unknown) =>
          post({ type: 'failed', id: msg.id, message: err instanceof Error ? err.message : String(err) }),
      );
      return;
    }
  }
});

function post(m: FromWorker): void {
  port?.postMessage(m);
}
