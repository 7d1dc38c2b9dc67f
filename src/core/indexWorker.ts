import { parentPort } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './readPool';
import type { ReadLimits } from './readContext';
import { encodeRecord } from './db/runStore';
import { READERS } from './readers';
import { readSourceRecord } from './readSource';
import { FileTree } from './walk';

/** A worker thread of the ReadPool: reads sources with the default readers against the pass's tree. */
let tree = new FileTree();
let root = '';
let limits: ReadLimits | undefined;
let namespace: string | undefined;

const port = parentPort;
port?.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'begin':
      tree = new FileTree();
      root = msg.root;
      limits = msg.limits;
      namespace = msg.namespace;
      return;
    case 'dirs':
      for (const [dir, entries] of msg.dirs) tree.set(dir, [...entries]);
      if (msg.last) post({ type: 'ready' });
      return;
    case 'read':
      void readSourceRecord({ root, tree, key: msg.key, source: msg.source, previous: msg.previous, reader: READERS[msg.readerIndex], limits: limits!, namespace }).then(
        (record) => {
          // Encoding here spares the calling thread the work; the bytes move without a copy.
          // A copy into its own buffer: transferring must not take a pooled buffer other views share.
          const encoded = new Uint8Array(encodeRecord(record));
          port?.postMessage({ type: 'done', id: msg.id, record, encoded } satisfies FromWorker, [encoded.buffer as ArrayBuffer]);
        },
        (err: unknown) => post({ type: 'failed', id: msg.id, message: err instanceof Error ? err.message : String(err) }),
      );
      return;
  }
});

function post(m: FromWorker): void {
  port?.postMessage(m);
}
