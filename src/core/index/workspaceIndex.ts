import * as path from 'node:path';
import { runQueryInWorker, type QueryLimits } from '../db/queryRunner';
import { RunStore, SnapshotError, type QueryResult } from '../db/runStore';
import type { TableQueries } from '../db/tableSql';
import {
  decodeSnapshotRecords,
  decodeSnapshotRuns,
  readSnapshot,
  snapshotPieces,
  writeSnapshot,
  type SnapshotContent,
} from './snapshot';
import { Indexer, type IndexerOptions } from './indexer';
import { type IndexProgress, type SourceRecord, type StoreDelta } from './types';
import type { Diagnostic, Run, Series } from '../model';
import type { RemoteSource } from '../sources/remoteSource';
import { asOfMetaKey, REMOTE_PREFIX, remoteDelta, remoteKey, unreachableDelta, type SourceStatus } from './remoteRuns';
import { errorText } from '../errorText';
import { sharedColumns, withOrder } from '../series';
import { READERS } from '../readers';
import type { Reader } from '../readers/types';
import { breathe } from '../breathe';

/** Target duration of one slice of store writes. */
const APPLY_SLICE_MS = 5;
/** Time to decode snapshot records for before giving the event loop a turn. */
const RESTORE_SLICE_MS = 8;

/** A folder to index; `name` tells runs of several workspace folders apart. */
export interface IndexRoot {
  path: string;
  name: string;
}

export interface IndexChange {
  /** Runs added or changed. */
  changed: string[];
  /** Runs that disappeared. */
  removed: string[];
}

export type Listener<T> = (e: T) => void;

/** Minimal event: the VS Code layer wraps it in a vscode.EventEmitter. */
export class Emitter<T> {
  private readonly listeners = new Set<Listener<T>>();
  on(l: Listener<T>): { dispose(): void } {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  }
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
}

export interface WorkspaceIndexOptions extends Omit<IndexerOptions, 'readers'> {
  /** The readers to use; default READERS (every format). Tests pass one or two. */
  readers?: readonly Reader[];
}

/**
 * The runs of every folder of a workspace in one store. One Indexer per folder (multi-root); with more than
 * one folder, source keys carry the folder name so equal relative paths do not collide.
 */
export class WorkspaceIndex {
  readonly onDidChange = new Emitter<IndexChange>();
  private readonly indexers: Array<{ root: IndexRoot; indexer: Indexer }>;
  private cache: Run[] | undefined;
  private byId: Map<string, Run> | undefined;
  private idsBySource: Map<string, string[]> | undefined;
  private pendingRecords: Array<[string, Uint8Array]> | undefined;
  private restoring: Promise<void> | undefined;
  private readonly lastWalkDiagnostics = new Map<string, readonly Diagnostic[]>();
  private snapshotRuns: Uint8Array[] | undefined;
  private owners: Map<string, { root: IndexRoot; indexer: Indexer }> | undefined;
  private readonly remotes = new Map<string, { source: RemoteSource; status: SourceStatus }>();
  /** Store writes of remote refreshes, one after another (each source's refresh runs in parallel). */
  private remoteQueue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly store: RunStore,
    roots: readonly IndexRoot[],
    opts: WorkspaceIndexOptions,
  ) {
    this.indexers = roots.map((root) => ({
      root,
      indexer: new Indexer(root.path, {
        ...opts,
        readers: opts.readers ?? READERS,
        namespace: roots.length > 1 ? root.name : opts.namespace,
      }),
    }));
  }

  /**
   * Opens the index, from a snapshot when one is given and usable: its runs are there at once and the next
   * `indexAll` reconciles them with the files. A stale or corrupt snapshot is discarded (reported via `onSnapshotError`).
   */
  static async open(
    roots: readonly IndexRoot[],
    opts: WorkspaceIndexOptions,
    snapshot?: Uint8Array,
    onSnapshotError?: (err: Error) => void,
  ): Promise<WorkspaceIndex> {
    if (snapshot) {
      try {
        const { sqlite, records, runs } = readSnapshot(snapshot);
        const store = await RunStore.fromSnapshot(sqlite);
        const ix = new WorkspaceIndex(store, roots, opts);
        // The indexers' records (fingerprints, offsets) are decoded only when a pass or a curve needs them: the
        // runs are in the store already, and a warm start is about showing them quickly.
        ix.pendingRecords = records;
        ix.snapshotRuns = runs;
        return ix;
      } catch (err) {
        if (!(err instanceof SnapshotError)) throw err;
        onSnapshotError?.(err);
      }
    }
    return new WorkspaceIndex(await RunStore.create(), roots, opts);
  }

  get roots(): readonly IndexRoot[] {
    return this.indexers.map((i) => i.root);
  }

  /** Full pass over every folder; progress counts sources across folders. */
  async indexAll(onProgress?: IndexProgress): Promise<IndexChange> {
    const change: IndexChange = { changed: [], removed: [] };
    await this.restore();
    for (const [i, { indexer }] of this.indexers.entries()) {
      const delta = await indexer.indexAll((done, total) =>
        onProgress?.(done + i * total, total * this.indexers.length),
      );
      await this.applyDelta(delta, change);
    }
    this.fire(change);
    return change;
  }

  /** Targeted pass after file events (absolute paths). */
  async refresh(absPaths: readonly string[]): Promise<IndexChange> {
    const change: IndexChange = { changed: [], removed: [] };
    await this.restore();
    for (const { root, indexer } of this.indexers) {
      const mine = absPaths.filter((p) => isInside(p, root.path));
      if (mine.length) await this.applyDelta(await indexer.refresh(mine), change);
    }
    this.fire(change);
    return change;
  }

  /**
   * Every run, ordered by format and path. Loaded from the store once, then kept current from each pass's
   * delta: reloading 10,000 runs from SQL after every change would hold the extension host for 200 ms.
   */
  /** Polls the files of recently active runs (see Indexer.pollActive); fires a change when something moved. */
  async pollActive(windowMs: number): Promise<IndexChange> {
    const change: IndexChange = { changed: [], removed: [] };
    await this.restore();
    for (const { indexer } of this.indexers) {
      const delta = await indexer.pollActive(windowMs);
      if (delta) await this.applyDelta(delta, change);
    }
    this.fire(change);
    return change;
  }

  /**
   * A full pass over the folders given (root paths), for folders whose file events do not arrive (a shared file
   * system, runlens.watch = poll): on unchanged files it is the cheap re-index (a stat per file, folders whose
   * mtime did not move are not listed again). Other folders are left alone.
   */
  async pollFolders(rootPaths: readonly string[]): Promise<IndexChange> {
    const change: IndexChange = { changed: [], removed: [] };
    await this.restore();
    for (const { root, indexer } of this.indexers) {
      if (rootPaths.includes(root.path)) await this.applyDelta(await indexer.indexAll(), change);
    }
    this.fire(change);
    return change;
  }

  runs(): Run[] {
    if (!this.cache) {
      if (!this.byId) {
        let runs: Run[] | undefined;
        if (this.snapshotRuns) {
          try {
            runs = decodeSnapshotRuns(this.snapshotRuns);
          } catch {
            runs = undefined; // the store has them too
          }
          this.snapshotRuns = undefined;
        }
        this.byId = new Map((runs ?? this.store.runs()).map((r) => [r.id, r]));
      }
      this.cache = [...this.byId.values()].sort((a, b) =>
        a.format < b.format ? -1 : a.format > b.format ? 1 : a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
      );
    }
    return this.cache;
  }

  runsByIds(ids: readonly string[]): Run[] {
    return this.store.runsByIds(ids);
  }

  diagnostics(): Diagnostic[] {
    return this.store.diagnostics();
  }

  /** How many runs the store holds (without loading them). */
  runCount(): number {
    return this.store.runCount();
  }

  /** A run by id, id prefix, path or name; `ambiguous` lists the ids when the reference matches several. */
  resolveRun(ref: string): { run?: Run; ambiguous?: string[] } {
    return this.store.resolveRun(ref);
  }

  /** One read-only SQL statement over the index (throws QueryError for a bad or writing statement). */
  query(sql: string, maxRows?: number): QueryResult {
    return this.store.query(sql, maxRows);
  }

  /** Runs a filter expression selects (docs/filters.md), in the order of runs(); throws FilterError when it does not parse. */
  runsWhere(filter: string): Run[] {
    return this.store.runsWhere(filter);
  }

  /** Ids of the runs a filter expression selects; throws FilterError when it does not parse. */
  runIdsWhere(filter: string): string[] {
    return this.store.runIdsWhere(filter);
  }

  /** The runs table's queries: sorting, filtering and paging done by SQLite. */
  table(): TableQueries {
    return this.store.table();
  }

  /**
   * The same read-only statement, run in a worker thread over a copy of the store: stopped at `limits.timeoutMs`
   * (QueryTimeoutError) or when `signal` aborts (QueryCancelledError), so no query can hang the caller's thread.
   */
  queryOffThread(sql: string, limits: QueryLimits, signal?: AbortSignal): Promise<QueryResult> {
    return runQueryInWorker(this.store.export(), sql, limits, signal);
  }

  /** Absolute folder of a run's root (for mlflow.db runs, the database file; for Keras, the CSV file). */
  absPath(run: Pick<Run, 'id' | 'path'>): string | undefined {
    const owner = this.ownerOf(run.id);
    if (!owner) return undefined;
    const rel = run.path.includes('#') ? run.path.slice(0, run.path.indexOf('#')) : run.path;
    return rel === '' ? owner.root.path : path.join(owner.root.path, rel);
  }

  /** Workspace folder of a run. */
  rootOf(runId: string): IndexRoot | undefined {
    return this.ownerOf(runId)?.root;
  }

  /** The folder (and its indexer) a run belongs to; the map is rebuilt lazily after each pass. */
  private ownerOf(runId: string): { root: IndexRoot; indexer: Indexer } | undefined {
    if (this.indexers.length === 1) return this.store.hasWorkspaceRun(runId) ? this.indexers[0] : undefined;
    if (!this.owners) {
      // Source keys carry the folder name in multi-root workspaces: "<folder>|<format>:<path>".
      this.owners = new Map();
      const byName = new Map(this.indexers.map((i) => [i.root.name, i]));
      for (const [id, key] of this.store.runSourceKeys()) {
        const owner = byName.get(key.slice(0, key.indexOf('|')));
        if (owner) this.owners.set(id, owner);
      }
    }
    return this.owners.get(runId);
  }

  /** Keeps the in-memory run list in step with the store (when it has been loaded). */
  private patchRunCache(removed: readonly string[], updated: StoreDelta['updated']): void {
    const byId = this.byId;
    if (!byId) {
      // The list is not loaded yet: the snapshot's run list (decoded on the first runs()) no longer says what the
      // store holds. Without this, a pass run before any runs() call was lost to it (a CLI warm start, --cache).
      if (removed.length || updated.length) this.snapshotRuns = undefined;
      return;
    }
    if (!this.idsBySource) {
      this.idsBySource = new Map();
      for (const [id, key] of this.store.runSourceKeys())
        this.idsBySource.set(key, [...(this.idsBySource.get(key) ?? []), id]);
    }
    const bySource = this.idsBySource;
    for (const key of [...removed, ...updated.map((r) => r.key)]) {
      for (const id of bySource.get(key) ?? []) byId.delete(id);
      bySource.delete(key);
    }
    for (const rec of updated) {
      for (const run of rec.runs) byId.set(run.id, run);
      if (rec.runs.length)
        bySource.set(
          rec.key,
          rec.runs.map((r) => r.id),
        );
    }
  }

  /** Hands the snapshot's records to the indexers, once, at once (for the rare synchronous callers). */
  private ensureRestored(): void {
    const pending = this.pendingRecords;
    if (!pending) return;
    this.pendingRecords = undefined;
    this.handOver(pending);
  }

  /**
   * Hands the snapshot's records to the indexers, decoded in slices: 10,000 records take ~300 ms to decode, which
   * held the extension host at the start of a warm start's pass.
   */
  private restore(): Promise<void> {
    return (this.restoring ??= (async () => {
      const pending = this.pendingRecords;
      if (!pending) return;
      let at = 0;
      const decoded: SourceRecord[] = [];
      try {
        while (at < pending.length && this.pendingRecords === pending) {
          const t0 = Date.now();
          while (at < pending.length && Date.now() - t0 < RESTORE_SLICE_MS)
            decoded.push(...decodeSnapshotRecords(pending.slice(at, (at += 64))));
          if (at < pending.length) await breathe();
        }
      } catch {
        // The runs stay visible; the next pass reads every source again and replaces them.
        if (this.pendingRecords === pending) this.pendingRecords = undefined;
        return;
      }
      // A synchronous caller may have restored them meanwhile.
      if (this.pendingRecords !== pending) return;
      this.pendingRecords = undefined;
      for (const { indexer } of this.indexers) indexer.restore(decoded.filter((r) => indexer.owns(r.key)));
    })());
  }

  private handOver(pending: ReadonlyArray<[string, Uint8Array]>): void {
    try {
      const records = decodeSnapshotRecords(pending);
      for (const { indexer } of this.indexers) indexer.restore(records.filter((r) => indexer.owns(r.key)));
    } catch {
      // The runs stay visible; the next pass reads every source again and replaces them.
    }
  }

  /** Files the last read of a run's source opened (absolute), e.g. to open them or to find its config. */
  filesOf(runId: string): string[] {
    this.ensureRestored();
    const owner = this.ownerOf(runId);
    return owner?.indexer.filesOfRun(runId)?.map((f) => path.join(owner.root.path, f)) ?? [];
  }

  /** A run's curves, read from its files (see Indexer.readSeries). */
  async readSeries(runId: string, keys?: readonly string[], smoothing?: number): Promise<Series[]> {
    const run = this.store.runsByIds([runId])[0];
    if (!run) return [];
    if (run.source) return this.readRemoteSeries(run, keys, smoothing);
    await this.restore();
    const owner = this.ownerOf(runId);
    return owner ? owner.indexer.readSeries(run, keys, smoothing) : [];
  }

  /**
   * A fast first answer for curves that are slow to read whole: a sample of each remote run's curve of each key, from
   * sources that can give one in few calls (an MLflow server's bulk-interval endpoint), marked `partial: true` unless
   * the sample is the whole curve. Runs whose source cannot sample, and the workspace's own runs, are left out: read
   * them (and the whole of the partial ones) with readSeries.
   */
  async readSampledSeries(runIds: readonly string[], keys: readonly string[], smoothing?: number): Promise<Series[]> {
    if (![...this.remotes.values()].some((r) => r.source.readSampledSeries)) return []; // no run to look up
    const bySource = new Map<RemoteSource, Run[]>();
    for (const run of this.store.runsByIds([...runIds])) {
      const source = run.source ? this.remotes.get(run.source)?.source : undefined;
      if (!source?.readSampledSeries) continue;
      const runs = bySource.get(source);
      if (runs) runs.push(run);
      else bySource.set(source, [run]);
    }
    const out: Series[] = [];
    for (const [source, runs] of bySource)
      for (const key of keys) {
        const sampled = await source.readSampledSeries!(runs, key);
        if (!sampled) break; // the source cannot sample: the caller reads these runs whole
        out.push(...sampled.map((s) => ({ ...this.ordered(s, smoothing), partial: !!s.partial })));
      }
    return out;
  }

  /** The warm-start snapshot in one buffer: the SQL store and the indexers' records (see snapshot.ts). */
  snapshot(): Uint8Array {
    const c = this.snapshotContent();
    return writeSnapshot(c.sqlite, c.records, c.runs);
  }

  /**
   * The snapshot piece by piece (each a few milliseconds of serialising), for a writer that gives the event loop a
   * turn between pieces. Its content is taken when the first piece is asked for — the store export (one sql.js call,
   * 15–40 ms for 10,000 runs, so in a turn of its own) and the lists of runs and records, whose objects a later pass
   * replaces rather than changes (the Hydra rule may still re-point a record's runs; the next start's pass
   * reconciles that with the files, as it does everything in a snapshot).
   */
  *snapshotPieces(): Generator<Uint8Array, void, void> {
    yield* snapshotPieces(this.snapshotContent());
  }

  private snapshotContent(): SnapshotContent {
    // Records not handed over yet are written back as they came (no decoding).
    const records = this.pendingRecords ?? this.indexers.flatMap(({ indexer }) => [...indexer.sourceRecords()]);
    return { sqlite: this.store.export(), records, runs: [...this.runs()] };
  }

  /**
   * Sets the remote sources beside the folders (runlens.sources, --source). Sources already known by id are kept
   * (with their cursor); the others are disposed and their runs dropped — as are the runs of sources a snapshot
   * held that are no longer configured. Their runs come with `refreshSources`.
   */
  async setSources(sources: readonly RemoteSource[]): Promise<IndexChange> {
    const change: IndexChange = { changed: [], removed: [] };
    const wanted = new Map(sources.map((s) => [s.id, s]));
    for (const [id, r] of this.remotes)
      if (wanted.get(id) !== r.source) {
        r.source.dispose();
        this.remotes.delete(id);
      }
    for (const s of sources)
      if (!this.remotes.has(s.id)) {
        const asOf = Number(this.store.getMeta(asOfMetaKey(s.id)) ?? NaN);
        const status: SourceStatus = {
          id: s.id,
          kind: s.kind,
          reachable: null,
          asOf: Number.isFinite(asOf) ? asOf : null,
          error: null,
          runs: this.store.runIdsOfSource(remoteKey(s.id)).length,
        };
        this.remotes.set(s.id, { source: s, status });
      }
    const keep = new Set([...this.remotes.keys()].flatMap((id) => [remoteKey(id), `${remoteKey(id)}#source`]));
    const stale = this.store.sourceKeysLike(REMOTE_PREFIX).filter((k) => !keep.has(k));
    if (stale.length)
      await this.applyRemote(
        { updated: [], removed: stale, walkDiagnostics: [], walkKey: `${REMOTE_PREFIX}#gone` },
        change,
      );
    this.fire(change);
    return change;
  }

  /** The remote sources and what is known of each (reachable, "as of", runs). */
  sources(): SourceStatus[] {
    return [...this.remotes.values()].map((r) => ({ ...r.status }));
  }

  /**
   * Reads every remote source again, in parallel: each source's runs replace its own when it answers, so a slow or
   * unreachable one never holds the others. One that fails keeps its last runs, and a problem says since when.
   */
  async refreshSources(signal?: AbortSignal): Promise<IndexChange> {
    const change: IndexChange = { changed: [], removed: [] };
    await Promise.all(
      [...this.remotes.values()].map(async (entry) => {
        const { source, status } = entry;
        let delta: StoreDelta;
        try {
          const snap = await source.refresh(signal);
          if (this.remotes.get(source.id) !== entry) return; // removed meanwhile
          const asOf = Date.now();
          Object.assign(status, { reachable: true, asOf, error: null, runs: snap.runs.length });
          this.store.setMeta(asOfMetaKey(source.id), String(asOf));
          delta = remoteDelta(source.id, snap);
        } catch (err) {
          if (this.remotes.get(source.id) !== entry) return;
          Object.assign(status, { reachable: false, error: errorText(err) });
          delta = unreachableDelta(source.id, errorText(err), status.asOf);
          // The runs shown did not change, but their "as of" mark did: the views redraw them.
          change.changed.push(...this.store.runIdsOfSource(remoteKey(source.id)));
        }
        await this.applyRemote(delta, change);
      }),
    );
    change.changed = [...new Set(change.changed)];
    this.fire(change);
    return change;
  }

  /** A remote run's curves, from its source (with the order and block summaries a local read gives them). */
  private async readRemoteSeries(run: Run, keys?: readonly string[], smoothing?: number): Promise<Series[]> {
    const remote = this.remotes.get(run.source ?? '');
    if (!remote) return [];
    const series = await remote.source.readSeries(run, keys);
    return series.map((s) => this.ordered({ ...s, runId: run.id }, smoothing));
  }

  /** A remote series in shared columns, with the order and block summaries a local read gives. */
  private ordered(s: Series, smoothing: number | undefined): Series {
    const cols = sharedColumns(s.values.length);
    cols.steps.set(s.steps);
    cols.values.set(s.values);
    cols.times.set(s.times);
    return withOrder({ runId: s.runId, key: s.key, ...cols }, smoothing);
  }

  private applyRemote(delta: StoreDelta, change: IndexChange): Promise<void> {
    const next = this.remoteQueue.then(() => this.applyDelta(delta, change));
    this.remoteQueue = next.catch(() => undefined);
    return next;
  }

  /** Ends the read worker threads (the CLI, after its one pass); the runs stay in the store, queryable. */
  stopWorkers(): void {
    for (const { indexer } of this.indexers) indexer.dispose();
  }

  dispose(): void {
    for (const { indexer } of this.indexers) indexer.dispose();
    for (const { source } of this.remotes.values()) source.dispose();
    this.remotes.clear();
    this.store.dispose();
  }

  /**
   * Applies a pass to the store in slices with the event loop given back between them: applying 10,000 sources
   * at once would hold the extension host for over a second.
   */
  private async applyDelta(delta: StoreDelta, change: IndexChange): Promise<void> {
    // Nothing read, nothing gone, the same folder-level problems: the store already says all of it.
    const walkKey = delta.walkKey ?? '';
    if (
      delta.updated.length === 0 &&
      delta.removed.length === 0 &&
      sameDiagnostics(delta.walkDiagnostics, this.lastWalkDiagnostics.get(walkKey))
    )
      return;
    this.lastWalkDiagnostics.set(walkKey, delta.walkDiagnostics);
    const before = new Set<string>();
    const wasEmpty = this.store.runCount() === 0;
    const after = new Set<string>();
    // Slices grow or shrink to take about APPLY_SLICE_MS each, whatever a source costs to store.
    let size = 4;
    for (let i = 0, first = true; first || i < delta.updated.length; first = false) {
      const slice = delta.updated.slice(i, i + size);
      const removed = i === 0 ? delta.removed : [];
      const t0 = performance.now();
      if (!wasEmpty)
        for (const key of [...removed, ...slice.map((r) => r.key)])
          for (const id of this.store.runIdsOfSource(key)) before.add(id);
      this.store.apply({ ...delta, updated: slice, removed });
      for (const r of slice) for (const run of r.runs) after.add(run.id);
      this.patchRunCache(removed, slice);
      const took = performance.now() - t0;
      i += slice.length;
      // Measured to the microsecond (a millisecond clock read 0 for 1.9 ms and let the size jump five-fold), and
      // grown at most two-fold a step: the cost of a source varies, and one slice of 150 sources took 30 ms.
      size = Math.max(1, Math.min(512, Math.round(size * Math.min(2, APPLY_SLICE_MS / Math.max(took, 0.05)))));
      if (i < delta.updated.length) await breathe();
    }
    this.cache = undefined;
    this.owners = undefined;
    change.changed.push(...after);
    change.removed.push(...[...before].filter((id) => !after.has(id)));
  }

  private fire(change: IndexChange): void {
    if (change.changed.length || change.removed.length) this.onDidChange.fire(change);
  }
}

function sameDiagnostics(a: readonly Diagnostic[], b: readonly Diagnostic[] | undefined): boolean {
  return (
    !!b &&
    a.length === b.length &&
    a.every((d, i) => d.path === b[i]!.path && d.message === b[i]!.message && d.severity === b[i]!.severity)
  );
}

function isInside(p: string, root: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
