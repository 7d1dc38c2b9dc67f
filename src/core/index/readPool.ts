import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SourceRecord } from './types';
import type { ReadLimits, SourceState } from './types';
import { breathe } from '../breathe';
import type { DirEntry, Source, TreeView } from '../readers/types';

export interface ReadTask {
  key: string;
  source: Source;
  previous: SourceState | undefined;
  /** The previous state's cursors when the calling thread keeps them packed. */
  previousCursors?: Uint8Array;
  /** Position of the source's reader in READERS. */
  readerIndex: number;
}

/** What a worker is started with. */
export interface WorkerData {
  /** Lower the worker thread's scheduling priority (see threadPriority.ts). */
  background: boolean;
}

/** Messages to a worker (indexWorker.ts). */
export type ToWorker =
  | {
      type: 'begin';
      root: string;
      limits: ReadLimits;
      namespace: string | undefined;
      /** Folders of the tree that hold a symlink, when the tree knows them (FileTree.linksKnown). */
      linkDirs: string[] | undefined;
    }
  | { type: 'dirs'; dirs: Array<[string, readonly DirEntry[]]>; last: boolean }
  | ({ type: 'read'; id: number } & ReadTask);

/** Messages from a worker. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; id: number; record: SourceRecord; encoded: Uint8Array; packedCursors: Uint8Array }
  | { type: 'failed'; id: number; message: string };

/**
 * How many worker threads suit this machine: one per core, at most four. The calling thread mostly waits and
 * applies results, so it does not need a core of its own.
 */
export function defaultWorkerCount(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(4, cores));
}

/** Folders per tree message to the workers. */
const TREE_SLICE = 500;

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve(r: SourceRecord): void; reject(e: Error): void }>;
  ready: Promise<void>;
}

/**
 * Worker threads that read sources in parallel, so a cold index of a big workspace uses every core and the
 * calling thread (the extension host) only gathers results. Each pass first sends the discovered tree.
 */
export class ReadPool {
  private slots: Slot[] = [];
  private nextId = 1;
  private turn = 0;

  constructor(
    readonly size: number,
    private readonly workerFile = path.join(__dirname, 'indexWorker.js'),
    private readonly background = false,
  ) {}

  /** Starts the workers if needed and gives them this pass's tree. */
  async begin(
    root: string,
    tree: TreeView,
    limits: ReadLimits,
    namespace: string | undefined,
    linkDirs?: string[],
  ): Promise<void> {
    if (this.slots.length === 0) this.slots = Array.from({ length: this.size }, () => this.spawn());
    for (const s of this.slots) {
      await s.ready;
      s.ready = new Promise<void>((resolve, reject) => {
        const onMessage = (m: FromWorker): void => {
          if (m.type !== 'ready') return;
          s.worker.off('message', onMessage);
          s.worker.off('error', reject);
          resolve();
        };
        s.worker.on('message', onMessage);
        s.worker.once('error', reject);
      });
      s.worker.postMessage({ type: 'begin', root, limits, namespace, linkDirs } satisfies ToWorker);
    }
    // The tree goes in slices: cloning tens of thousands of folders at once would stall the caller.
    const all = tree.dirs();
    for (let i = 0; i < all.length || i === 0; i += TREE_SLICE) {
      const dirs: Array<[string, readonly DirEntry[]]> = all
        .slice(i, i + TREE_SLICE)
        .map((d) => [d, tree.list(d) ?? []]);
      const msg: ToWorker = { type: 'dirs', dirs, last: i + TREE_SLICE >= all.length };
      for (const s of this.slots) s.worker.postMessage(msg);
      await breathe();
    }
    await Promise.all(this.slots.map((s) => s.ready));
  }

  /** Reads one source in the next worker (round robin). */
  read(task: ReadTask): Promise<SourceRecord> {
    const slot = this.slots[this.turn++ % this.slots.length]!;
    const id = this.nextId++;
    return new Promise<SourceRecord>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      const msg: ToWorker = { type: 'read', id, ...task };
      slot.worker.postMessage(msg);
    });
  }

  dispose(): void {
    for (const s of this.slots) void s.worker.terminate();
    this.slots = [];
  }

  private spawn(): Slot {
    const worker = new Worker(this.workerFile, { workerData: { background: this.background } satisfies WorkerData });
    // Idle workers must not keep a CLI process alive.
    worker.unref();
    const slot: Slot = { worker, pending: new Map(), ready: Promise.resolve() };
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'ready') return;
      const p = slot.pending.get(m.id);
      if (!p) return;
      slot.pending.delete(m.id);
      if (m.type === 'done') p.resolve({ ...m.record, encoded: m.encoded, packedCursors: m.packedCursors });
      else p.reject(new Error(m.message));
    });
    const failAll = (err: Error): void => {
      for (const p of slot.pending.values()) p.reject(err);
      slot.pending.clear();
      // A dead worker is replaced on the next pass.
      this.slots = this.slots.filter((s) => s !== slot);
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => {
      if (slot.pending.size) failAll(new Error(`index worker exited with code ${code}`));
    });
    return slot;
  }
}
