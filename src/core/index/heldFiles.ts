import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Held, HeldFiles } from '../readers/types';

interface Entry {
  size: number;
  mtimeMs: number;
  /** The opening, shared by reads that ask while it is under way; undefined value: the file could not be opened. */
  value: Promise<Held | undefined>;
  /** Reads using the value now: it is closed only when none is. */
  users: number;
  /** Dropped from the cache (changed, evicted or disposed): closed when its last user is done. */
  dropped: boolean;
}

/**
 * What readers opened from files (an `mlflow.db` loaded into sql.js), kept between curve reads of one index so that
 * reading each run's curves does not load and parse the whole file again. An entry stands while its file's size and
 * mtime are unchanged; at most `maxEntries` files are held and, beyond the first, at most `maxBytes` of them
 * (file sizes): the least recently used go first. Disposing closes everything.
 */
export class HeldFileCache implements HeldFiles {
  /** Insertion order is recency: a use moves its entry to the end. */
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly root: string,
    private readonly maxEntries = 2,
    private readonly maxBytes = 512 * 1024 * 1024,
  ) {}

  async use<T extends Held, R>(
    rel: string,
    open: () => Promise<T | undefined>,
    fn: (held: T) => Promise<R>,
  ): Promise<R | undefined> {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(rel === '' ? this.root : path.join(this.root, rel), { throwIfNoEntry: false });
    } catch {
      st = undefined;
    }
    let entry = this.entries.get(rel);
    if (entry && (!st || entry.size !== st.size || entry.mtimeMs !== st.mtimeMs)) {
      this.drop(rel, entry);
      entry = undefined;
    }
    if (!entry) {
      entry = { size: st?.size ?? 0, mtimeMs: st?.mtimeMs ?? NaN, value: open(), users: 0, dropped: false };
      if (st) this.entries.set(rel, entry);
      else entry.dropped = true; // no file to watch for changes: used once, then closed
    } else {
      this.entries.delete(rel); // to the end: most recently used
      this.entries.set(rel, entry);
    }
    entry.users++;
    try {
      const held = (await entry.value) as T | undefined;
      if (!held) {
        if (this.entries.get(rel) === entry) this.entries.delete(rel); // opened nothing: try again next time
        return undefined;
      }
      this.evict();
      return await fn(held);
    } finally {
      entry.users--;
      if (entry.dropped && entry.users === 0) void close(entry);
    }
  }

  /** How many files are held (for tests and the bench). */
  get size(): number {
    return this.entries.size;
  }

  dispose(): void {
    for (const [rel, e] of [...this.entries]) this.drop(rel, e);
  }

  private evict(): void {
    let bytes = 0;
    for (const e of this.entries.values()) bytes += e.size;
    for (const [rel, e] of this.entries) {
      if (this.entries.size <= 1 || (this.entries.size <= this.maxEntries && bytes <= this.maxBytes)) return;
      bytes -= e.size;
      this.drop(rel, e);
    }
  }

  private drop(rel: string, e: Entry): void {
    if (this.entries.get(rel) === e) this.entries.delete(rel);
    e.dropped = true;
    if (e.users === 0) void close(e);
  }
}

async function close(e: Entry): Promise<void> {
  try {
    (await e.value)?.close();
  } catch {
    // a failed opening has nothing to close
  }
}
