import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { sharedColumns, withOrder } from '../series';
import type { Diagnostic, Run, Series } from '../model';
import type { Reader, Source } from '../readers/types';
import { DEFAULT_LIMITS, SourceReadContext } from './readContext';
import type { IndexDelta, IndexProgress, ReadLimits, SourceRecord, SourceState } from './types';
import { readSourceRecord } from './readSource';
import { ReadPool } from './readPool';
import { HeldFileCache } from './heldFiles';
import { joinRel, parentOf } from '../readers/paths';
import { FileTree, isWithin, listDir, walk, WalkFilter, type WalkOptions } from './walk';
import { breathe } from '../breathe';
import { errorText } from '../errorText';

export interface IndexerOptions extends WalkOptions {
  /** The readers to use: usually READERS (readers/index.ts); tests pass one or two. */
  readers: readonly Reader[];
  /** Multi-root workspaces: the folder's name, mixed into source keys and run ids. */
  namespace?: string;
  /**
   * Worker threads that read sources in parallel when a pass has many to read (0: read in this thread).
   * Workers use the default READERS, so pass this only with `readers: READERS`.
   */
  workers?: number;
  /**
   * Run the worker threads below normal priority (Linux): for the extension, where reading is background work and
   * the editor comes first; not for the CLI, where someone waits for the answer.
   */
  backgroundWorkers?: boolean;
  limits?: Partial<ReadLimits>;
}

/** Scratch views to fold numbers into a hash bit for bit. */
const F64 = new Float64Array(2);
const U32 = new Uint32Array(F64.buffer);

/** Longest stretch of synchronous work before yielding to the event loop (the extension host stays responsive). */
const SLICE_MS = 8;

/** Below this many sources to read, starting workers costs more than it saves. */
const PARALLEL_MIN_SOURCES = 48;

/** A record's full state, unpacking cursors a worker packed. */
export function unpackState(rec: SourceRecord): SourceState {
  return rec.packedCursors
    ? { opened: rec.state.opened, cursors: v8.deserialize(rec.packedCursors) as SourceState['cursors'] }
    : rec.state;
}

/** Identifies a source across passes (and across folders, with a namespace). */
export function sourceKey(s: Pick<Source, 'format' | 'path'>, namespace?: string): string {
  return namespace ? `${namespace}|${s.format}:${s.path}` : `${s.format}:${s.path}`;
}

/**
 * Discovers and reads the runs under one folder, incrementally: a pass re-reads only sources whose files
 * changed, and append-only files resume where the last read stopped. Holds no SQL: callers apply the deltas
 * to the store (see db/runStore.ts).
 */
export class Indexer {
  private tree = new FileTree();
  /** Files of recently active records, as pollActive last found them (see recentFiles); undefined: to be found. */
  private recent: RecentFile[] | undefined;
  private readonly records = new Map<string, SourceRecord>();
  private readonly readerOf = new Map<string, Reader>();
  /** The last full pass's detection and the tree shape it was made on. */
  private lastDetection: { tree: FileTree; sources: Map<string, Source>; problems: Diagnostic[] } | undefined;
  /** Sorted file lists of sources, per record (not persisted: rebuilt after a restart). */
  private readonly fileLists = new WeakMap<
    SourceRecord,
    { source: Source; files: string[]; names: number; sizes?: Float64Array; mtimes?: Float64Array }
  >();
  private readonly pool: ReadPool | undefined;
  /** Files readers keep open between curve reads (an mlflow.db loaded once, not once per run). */
  private readonly held: HeldFileCache;
  private walkDiagnostics: Diagnostic[] = [];
  private readonly readers: readonly Reader[];
  private readonly limits: ReadLimits;
  private readonly filter: WalkFilter;
  /** One pass at a time: passes queue behind each other. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly root: string,
    private readonly opts: IndexerOptions,
  ) {
    this.readers = opts.readers;
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.filter = new WalkFilter(opts);
    this.held = new HeldFileCache(root);
    this.pool = opts.workers ? new ReadPool(opts.workers, undefined, opts.backgroundWorkers) : undefined;
  }

  /** Seeds the indexer with records from a snapshot, so the next pass re-reads only what changed since. */
  restore(records: readonly SourceRecord[]): void {
    for (const r of records) this.records.set(r.key, r);
    this.recent = undefined;
  }

  /** Whether a source key belongs to this indexer's folder. */
  owns(key: string): boolean {
    const ns = this.opts.namespace;
    return ns ? key.startsWith(ns + '|') : !key.includes('|');
  }

  /** Ids of every run this folder holds (own runs, Hydra runs folded into others included). */
  runIds(): string[] {
    const out: string[] = [];
    for (const r of this.records.values()) for (const run of r.ownRuns) out.push(run.id);
    return out;
  }

  hasRun(id: string): boolean {
    return this.recordOfRun(id) !== undefined;
  }

  /** Files (relative) that the last read of the run's source opened. */
  filesOfRun(id: string): string[] | undefined {
    return this.recordOfRun(id)?.state.opened;
  }

  private recordOfRun(id: string): SourceRecord | undefined {
    for (const r of this.records.values()) if (r.ownRuns.some((x) => x.id === id)) return r;
    return undefined;
  }

  private keyOf(s: Pick<Source, 'format' | 'path'>): string {
    return sourceKey(s, this.opts.namespace);
  }

  /** Every source record, current as of the last pass. */
  sourceRecords(): IterableIterator<SourceRecord> {
    return this.records.values();
  }

  runs(): Run[] {
    const out: Run[] = [];
    for (const r of this.records.values()) out.push(...r.runs);
    return out;
  }

  diagnostics(): Diagnostic[] {
    const out = [...this.walkDiagnostics];
    for (const r of this.records.values()) out.push(...r.diagnostics);
    return out;
  }

  /** A full pass: walk the folder, detect sources, read new and changed ones, drop vanished ones. */
  indexAll(onProgress?: IndexProgress): Promise<IndexDelta> {
    return this.serialise(async () => {
      const started = Date.now();
      const walkDiagnostics: Diagnostic[] = [];
      // The previous tree lets the walk skip listing folders whose mtime did not move (see walk.ts restat).
      this.tree = await walk(this.root, this.opts, walkDiagnostics, this.tree.size ? this.tree : undefined);
      this.recent = undefined;
      // Detection depends only on the tree's shape: when it is the same as last pass's, so are the sources.
      let detected: Map<string, Source>;
      const last = this.lastDetection;
      if (last && (await this.tree.sameShape(last.tree))) {
        detected = last.sources;
        walkDiagnostics.push(...last.problems);
        this.walkDiagnostics = walkDiagnostics;
        last.tree = this.tree;
      } else {
        this.walkDiagnostics = walkDiagnostics;
        const before = walkDiagnostics.length;
        detected = await this.detect(this.tree.dirs());
        this.lastDetection = { tree: this.tree, sources: detected, problems: walkDiagnostics.slice(before) };
      }
      const delta = await this.apply(detected, () => true, onProgress);
      delta.stats.ms = Date.now() - started;
      return delta;
    });
  }

  /**
   * A targeted pass after file events: re-lists the folders of the changed paths, re-detects sources there and
   * just above (run roots can sit up to two levels above a changed file), and re-reads what changed.
   */
  refresh(changedPaths: readonly string[]): Promise<IndexDelta> {
    return this.serialise(async () => {
      const started = Date.now();
      this.lastDetection = undefined;
      // Thousands of events arrive when a folder is deleted or copied: every set below is built once, and every
      // membership test walks up a path's few ancestors instead of comparing against every changed path.
      const changed = new Set<string>();
      for (const abs of changedPaths) {
        const rel = this.relative(abs);
        if (rel !== undefined) changed.add(rel);
      }
      const relisted = new Set<string>();
      const dirs = new Set<string>();
      const relistOnce = (dir: string): void => {
        if (relisted.has(dir)) return;
        relisted.add(dir);
        this.relist(dir, dirs);
      };
      for (const rel of changed) {
        relistOnce(parentOf(rel));
        if (rel !== '' && this.tree.list(rel)) relistOnce(rel);
        await this.breatheIfDue();
      }
      // Detection around the changed folders: the folders themselves, everything below them, and three
      // levels up (an MLflow run is detected from its experiment folder's meta.yaml, a DVC run from dvc.yaml).
      const scope = new Set<string>();
      for (const d of dirs) {
        for (
          let p: string | undefined = d, i = 0;
          p !== undefined && i < 4;
          p = p === '' ? undefined : parentOf(p), i++
        )
          scope.add(p);
      }
      const below = underAny;
      // Both loops below go over the whole workspace (every folder, every record): in slices.
      const scopeDirs: string[] = [];
      for (const d of this.tree.dirs()) {
        if (scope.has(d) || below(d, dirs)) scopeDirs.push(d);
        await this.breatheIfDue();
      }
      const detected = await this.detect(scopeDirs);
      const inScope = (key: string): boolean => {
        const dir = this.records.get(key)?.source.dir;
        return dir !== undefined && (scope.has(dir) || below(dir, dirs));
      };
      // Sources elsewhere stay as they are; sources of touched files are re-checked even if detection moved.
      for (const rec of [...this.records.values()]) {
        await this.breatheIfDue();
        if (detected.has(rec.key) || inScope(rec.key)) continue;
        if (rec.state.opened.some((f) => below(f, changed))) detected.set(rec.key, rec.source);
      }
      const delta = await this.apply(detected, inScope);
      delta.stats.ms = Date.now() - started;
      return delta;
    });
  }

  private sliceStart = Date.now();

  /** Yields to the event loop when this stretch of synchronous work has run SLICE_MS. */
  private async breatheIfDue(): Promise<void> {
    if (Date.now() - this.sliceStart > SLICE_MS) {
      await breathe();
      this.sliceStart = Date.now();
    }
  }

  /**
   * Looks at the files of recently active sources (modified within `windowMs`), at most `maxFiles` of them, and
   * refreshes those that changed. File watchers drop events under load and on some file systems; a run being
   * written is still followed.
   */
  async pollActive(windowMs: number, maxFiles = 200): Promise<IndexDelta | undefined> {
    const since = Date.now() - windowMs;
    const recent = (await this.recentFiles(since)).filter((r) => r.mtimeMs >= since).slice(0, maxFiles);
    const changed: string[] = [];
    for (const r of recent) {
      const abs = path.join(this.root, r.file);
      const st = fs.statSync(abs, { throwIfNoEntry: false });
      if (st && st.size === r.size && st.mtimeMs === r.mtimeMs) continue;
      changed.push(abs);
      // still active: what the next poll compares with (the refresh below reads the file from where it stopped)
      if (st) {
        r.size = st.size;
        r.mtimeMs = st.mtimeMs;
      }
      await this.breatheIfDue();
    }
    return changed.length ? this.refresh(changed) : undefined;
  }

  /** A record just read again: its files join (or move to the front of) the recent ones, with what the tree says now. */
  private noteActive(rec: SourceRecord): void {
    const files = new Set(rec.state.opened);
    const fresh: RecentFile[] = [];
    for (const f of files) {
      const e = this.tree.entry(f);
      if (e) fresh.push({ file: f, size: e.size, mtimeMs: e.mtimeMs });
    }
    this.recent = [...fresh.sort((a, b) => b.mtimeMs - a.mtimeMs), ...this.recent!.filter((r) => !files.has(r.file))];
  }

  /**
   * The opened files of every record modified since `since`, newest first. Finding them looks up every file of
   * every record in the tree (~40 ms for 10,000 runs, which held the extension host's event loop every 2 s): the
   * list is kept until the records change in a way that can add files (a pass, a record added or removed, a read
   * that opened other files), and built in slices.
   */
  private async recentFiles(since: number): Promise<RecentFile[]> {
    if (this.recent) return this.recent;
    const records = [...this.records.values()];
    const found: RecentFile[] = [];
    for (const rec of records) {
      for (const f of rec.state.opened) {
        const e = this.tree.entry(f);
        if (e && e.mtimeMs >= since) found.push({ file: f, size: e.size, mtimeMs: e.mtimeMs });
      }
      await this.breatheIfDue();
    }
    found.sort((a, b) => b.mtimeMs - a.mtimeMs);
    // A change meanwhile makes this list stale already: use it once, build it again next time.
    if (records.length === this.records.size && records.every((r) => this.records.get(r.key) === r))
      this.recent = found;
    return found;
  }

  /**
   * Full curves of one run for the given keys (all keys when omitted), read from its files on demand; with a
   * smoothing weight, their block extremes summarise the smoothing at it (see blockExtremes).
   */
  async readSeries(
    run: Pick<Run, 'id' | 'format' | 'path'>,
    keys?: readonly string[],
    smoothing?: number,
  ): Promise<Series[]> {
    const rec = this.recordOfRun(run.id);
    if (!rec) return [];
    const reader = this.readerFor(rec.source);
    if (!reader) return [];
    const ctx = new SourceReadContext(
      this.root,
      this.tree,
      rec.source,
      undefined,
      { kind: 'series', keys: keys ? new Set(keys) : null },
      this.limits,
      this.held,
    );
    try {
      // One run of a source of many (an mlflow.db): its points alone, from the file the reader keeps open.
      if (reader.readRunSeries && run.path !== rec.source.path) await reader.readRunSeries(rec.source, run.path, ctx);
      else await reader.read(rec.source, ctx);
    } catch {
      return [];
    }
    const byKey = ctx.collected.get(run.path);
    if (!byKey) return [];
    const out: Series[] = [];
    for (const [key, s] of byKey) {
      // Shared columns: the curve workers read them without a copy.
      const cols = sharedColumns(s.values.length);
      cols.steps.set(s.steps);
      cols.values.set(s.values);
      cols.times.set(s.times);
      out.push(withOrder({ runId: run.id, key, ...cols }, smoothing));
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  /** Runs `fn` after every pass queued before it. */
  private serialise<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private relist(dir: string, touched: Set<string>): void {
    try {
      const entries = listDir(dir === '' ? this.root : path.join(this.root, dir), this.tree.links, dir);
      if (dir !== '' && !this.filter.enters(dir, entries)) return;
      const before = this.tree.list(dir) ?? [];
      this.tree.set(dir, entries);
      touched.add(dir);
      // Sub-folders that vanished take their subtrees with them.
      const still = new Set(entries.filter((e) => e.isDir).map((e) => e.name));
      for (const e of before) if (e.isDir && !still.has(e.name)) this.forgetBelow(joinRel(dir, e.name));
      // New sub-folders (a run folder created in one go) are walked right away.
      for (const e of entries) {
        const child = joinRel(dir, e.name);
        if (e.isDir && !this.tree.list(child)) this.walkInto(child, touched);
      }
    } catch {
      this.forgetBelow(dir);
      touched.add(parentOf(dir));
    }
  }

  private walkInto(dir: string, touched: Set<string>): void {
    const stack = [dir];
    while (stack.length) {
      const d = stack.pop()!;
      let entries;
      try {
        entries = listDir(path.join(this.root, d), this.tree.links, d);
      } catch {
        continue;
      }
      if (!this.filter.enters(d, entries)) continue;
      this.tree.set(d, entries);
      touched.add(d);
      for (const e of entries) if (e.isDir) stack.push(joinRel(d, e.name));
    }
  }

  /** Drops a folder and everything below it from the tree (following the tree's own listings). */
  private forgetBelow(dir: string): void {
    const entries = this.tree.list(dir);
    if (!entries) return;
    this.tree.delete(dir);
    for (const e of entries) if (e.isDir) this.forgetBelow(joinRel(dir, e.name));
  }

  private relative(abs: string): string | undefined {
    const rel = path.relative(this.root, abs);
    if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    return rel.split(path.sep).join('/');
  }

  /** Runs every reader's detection over `dirs`, yielding to the event loop every few milliseconds. */
  private async detect(dirs: readonly string[]): Promise<Map<string, Source>> {
    const found = new Map<string, Source>();
    let sliceStart = Date.now();
    for (const dir of dirs) {
      if (Date.now() - sliceStart > SLICE_MS) {
        await breathe();
        sliceStart = Date.now();
      }
      if (!this.filter.included(dir)) continue;
      for (const reader of this.readers) {
        let sources: Source[];
        try {
          sources = reader.detect(dir, this.tree);
        } catch (err) {
          // A detect that throws is a bug in one reader; the others go on.
          this.walkDiagnostics.push({
            path: dir,
            severity: 'error',
            message: `${reader.format}: detection failed: ${errorText(err)}`,
          });
          continue;
        }
        for (const s of sources) {
          found.set(this.keyOf(s), s);
          this.readerOf.set(this.keyOf(s), reader);
        }
      }
    }
    return found;
  }

  /**
   * Reads the detected sources that are new or whose files changed, and drops the records (within `scope`)
   * that were not detected again.
   */
  private async apply(
    detected: Map<string, Source>,
    inScope: (key: string) => boolean,
    onProgress?: IndexProgress,
  ): Promise<IndexDelta> {
    const updated: SourceRecord[] = [];
    const removed: string[] = [];
    const removedJobs: string[] = [];
    for (const [key, rec] of [...this.records]) {
      if (!detected.has(key) && inScope(key)) {
        this.records.delete(key);
        this.recent = undefined;
        removed.push(key);
        if (rec.source.format === 'hydra') removedJobs.push(rec.source.dir);
      }
    }
    let skipped = 0;
    const toRead: Array<[string, Source, SourceRecord | undefined]> = [];
    let sliceStart = Date.now();
    for (const [key, source] of detected) {
      if (Date.now() - sliceStart > SLICE_MS) {
        await breathe();
        sliceStart = Date.now();
      }
      const prev = this.records.get(key);
      if (prev && this.isUnchanged(source, prev)) skipped++;
      else toRead.push([key, source, prev]);
    }
    const read = toRead.length;
    const onRead = (rec: SourceRecord): void => {
      rec.signature = this.signature(rec.source, rec.state, rec);
      if (!sameFiles(this.records.get(rec.key)?.state.opened, rec.state.opened)) this.recent = undefined;
      // a few records read again (a run being written): their files move to the front; many: find them again
      else if (this.recent) {
        if (updated.length < 64) this.noteActive(rec);
        else this.recent = undefined;
      }
      this.records.set(rec.key, rec);
      updated.push(rec);
    };
    const report = (done: number): void => onProgress?.(skipped + done, detected.size);
    if (this.pool && toRead.length >= PARALLEL_MIN_SOURCES) {
      await this.readInWorkers(toRead, onRead, report);
    } else {
      sliceStart = Date.now();
      for (const [i, [key, source, previous]] of toRead.entries()) {
        onRead(await this.readSource(key, source, previous && unpackState(previous)));
        if (Date.now() - sliceStart > SLICE_MS) {
          report(i + 1);
          await breathe();
          sliceStart = Date.now();
        }
      }
    }
    onProgress?.(detected.size, detected.size);
    const final = this.finalise(updated, removed, removedJobs);
    return {
      updated: final,
      removed,
      walkDiagnostics: this.walkDiagnostics,
      walkKey: this.opts.namespace ? `${this.opts.namespace}|walk:` : 'walk:',
      stats: { sources: detected.size, read, skipped, ms: 0 },
    };
  }

  /** Reads sources in the worker pool, a few in flight per worker; falls back to this thread if the pool fails. */
  private async readInWorkers(
    toRead: Array<[string, Source, SourceRecord | undefined]>,
    onRead: (rec: SourceRecord) => void,
    report: (done: number) => void,
  ): Promise<void> {
    const pool = this.pool!;
    let next = 0;
    let done = 0;
    try {
      const linkDirs = this.tree.linksKnown ? [...this.tree.links.linkDirs] : undefined;
      await pool.begin(this.root, this.tree, this.limits, this.opts.namespace, linkDirs);
    } catch {
      for (const [key, source, previous] of toRead)
        onRead(await this.readSource(key, source, previous && unpackState(previous)));
      return;
    }
    const lane = async (): Promise<void> => {
      while (next < toRead.length) {
        const [key, source, previous] = toRead[next++]!;
        const reader = this.readerFor(source);
        const index = reader ? this.readers.indexOf(reader) : -1;
        let rec: SourceRecord;
        try {
          rec = await pool.read({
            key,
            source,
            previous: previous?.state,
            previousCursors: previous?.packedCursors,
            readerIndex: index,
          });
        } catch {
          // A worker that died (out of memory, a crash in a reader) costs only a retry in this thread.
          rec = await this.readSource(key, source, previous && unpackState(previous));
        }
        // The worker's copy of the source equals the detected one; keep the detected object (fingerprint caches key on it).
        rec.source = source;
        onRead(rec);
        if (++done % 64 === 0) report(done);
      }
    };
    await Promise.all(Array.from({ length: pool.size * 4 }, lane));
  }

  /** Ends the worker threads (the CLI and tests; the extension disposes its index). */
  dispose(): void {
    this.pool?.dispose();
    this.held.dispose();
  }

  private readSource(key: string, source: Source, previous: SourceState | undefined): Promise<SourceRecord> {
    return readSourceRecord({
      root: this.root,
      tree: this.tree,
      key,
      source,
      previous,
      reader: this.readerFor(source),
      limits: this.limits,
      namespace: this.opts.namespace,
    });
  }

  private readerFor(source: Source): Reader | undefined {
    // Two readers may share a format (MLflow file store and mlflow.db): remember which one detected it.
    return this.readerOf.get(this.keyOf(source)) ?? this.readers.find((r) => r.format === source.format);
  }

  /** Fingerprint of a source's files from the walked tree: path, size and mtime of each. */
  /**
   * Fingerprint of a source's files in the walked tree: their names, sizes and mtimes, folded into a hash
   * (64 bits of mixing). Comparing it is the whole cost of an unchanged source in a pass.
   */
  /**
   * Whether a source's files are as they were when its record was read. The sizes and mtimes the record's
   * signature was computed from are kept beside it, so an unchanged source costs two comparisons per file;
   * the hashed signature (which survives restarts in the snapshot) is the fallback.
   */
  private isUnchanged(source: Source, rec: SourceRecord): boolean {
    const list = this.fileLists.get(rec);
    if (!list || list.source !== source || !list.sizes) return rec.signature === this.signature(source, rec.state, rec);
    const { files, sizes, mtimes } = list;
    for (let i = 0; i < files.length; i++) {
      const e = this.tree.entry(files[i]!);
      if ((e ? e.size : -1) !== sizes[i] || (e ? e.mtimeMs : -1) !== mtimes![i]) return false;
    }
    return true;
  }

  private signature(source: Source, state: SourceState | undefined, rec?: SourceRecord): string {
    let list = rec ? this.fileLists.get(rec) : undefined;
    if (!list || list.source !== source) {
      const set = new Set(source.files);
      for (const f of state?.opened ?? []) set.add(f);
      const files = [...set].sort();
      let names = 0x811c9dc5;
      for (const f of files) for (let i = 0; i < f.length; i++) names = Math.imul(names ^ f.charCodeAt(i), 16777619);
      list = { source, files, names: names >>> 0 };
      if (rec) this.fileLists.set(rec, list);
    }
    const sizes = new Float64Array(list.files.length);
    const mtimes = new Float64Array(list.files.length);
    let h1 = 0x811c9dc5;
    let h2 = 0x9e3779b9;
    for (const [i, f] of list.files.entries()) {
      const e = this.tree.entry(f);
      F64[0] = sizes[i] = e ? e.size : -1;
      F64[1] = mtimes[i] = e ? e.mtimeMs : -1;
      for (let i = 0; i < 4; i++) {
        h1 = Math.imul(h1 ^ U32[i]!, 16777619);
        h2 = Math.imul(h2 ^ U32[i]!, 2246822519) + 0x632be5ab;
      }
    }
    const sig = `${list.files.length}:${list.names.toString(36)}:${(h1 >>> 0).toString(36)}:${(h2 >>> 0).toString(36)}`;
    // Remember what this signature saw only when it is the record's own (then isUnchanged can compare directly).
    if (rec && (rec.signature === sig || rec.signature === '')) {
      list.sizes = sizes;
      list.mtimes = mtimes;
    }
    return sig;
  }

  /**
   * Cross-source rules after reading: a Hydra job folder that holds another format's run enriches that run
   * (the run's own params win on a clash) instead of being a run itself.
   */
  private finalise(updated: SourceRecord[], removed: string[], removedJobs: readonly string[]): SourceRecord[] {
    const hydra: SourceRecord[] = [];
    for (const r of this.records.values()) if (r.source.format === 'hydra') hydra.push(r);
    if (hydra.length === 0 && removedJobs.length === 0) {
      // No Hydra job folder anywhere (the usual workspace): every run is its reader's own.
      for (const rec of updated) rec.runs = rec.ownRuns;
      return updated;
    }
    const touched = new Map(updated.map((r) => [r.key, r]));
    // The runs of a job folder that is gone lose its params (or take an outer job's).
    for (const dir of removedJobs)
      for (const r of this.records.values()) if (isWithin(r.source.dir, dir)) touched.set(r.key, r);
    // A change to a Hydra job, or to a run inside or around one, re-applies the rule to that job folder's runs.
    const changedDirs = [...updated.map((r) => r.source.dir), ...removed.map(dirOfKey)];
    for (const h of hydra) {
      if (!changedDirs.some((d) => isWithin(d, h.source.dir) || isWithin(h.source.dir, d))) continue;
      for (const r of this.records.values()) if (isWithin(r.source.dir, h.source.dir)) touched.set(r.key, r);
    }
    for (const rec of touched.values()) {
      if (rec.source.format === 'hydra') {
        // Only a source that gave a run counts: the Keras reader nominates every *.log, Hydra's own job log included.
        const holdsOther = [...this.records.values()].some(
          (o) => o.source.format !== 'hydra' && o.ownRuns.length > 0 && isWithin(o.source.dir, rec.source.dir),
        );
        rec.runs = holdsOther ? [] : rec.ownRuns;
        continue;
      }
      const job = nearestHydraJob(rec.source.dir, hydra);
      const extra = job?.ownRuns[0]?.params;
      rec.runs = extra ? rec.ownRuns.map((run) => ({ ...run, params: { ...extra, ...run.params } })) : rec.ownRuns;
    }
    return [...touched.values()];
  }
}

function nearestHydraJob(dir: string, hydra: readonly SourceRecord[]): SourceRecord | undefined {
  let best: SourceRecord | undefined;
  for (const h of hydra) {
    if (isWithin(dir, h.source.dir) && (!best || h.source.dir.length > best.source.dir.length)) best = h;
  }
  return best;
}

function dirOfKey(key: string): string {
  const p = key.slice(key.indexOf(':', key.indexOf('|') + 1) + 1);
  return p.includes('#') ? parentOf(p.slice(0, p.indexOf('#'))) : p;
}

/**
 * Whether `rel` is one of `set` or lies below one. A few entries (the usual file event) are compared as
 * prefixes; many (a deleted tree) by walking up `rel`'s ancestors, which costs its depth in lookups.
 */
function underAny(rel: string, set: ReadonlySet<string>): boolean {
  if (set.size <= 16) {
    for (const c of set)
      if (c === '' || rel === c || (rel.startsWith(c) && rel.charCodeAt(c.length) === 47)) return true;
    return false;
  }
  for (let p: string | undefined = rel; p !== undefined; p = p === '' ? undefined : parentOf(p))
    if (set.has(p)) return true;
  return false;
}

/** Whether a path exists (used by callers deciding between full and targeted passes). */
export function exists(p: string): boolean {
  try {
    fs.accessSync(p);
    return true;
  } catch {
    return false;
  }
}

/** A file pollActive watches, with the size and mtime it last saw. */
interface RecentFile {
  file: string;
  size: number;
  mtimeMs: number;
}

/** Whether two sorted file lists are the same (a record read again opened the same files). */
function sameFiles(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((f, i) => f === b[i]);
}
