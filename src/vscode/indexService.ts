import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { breathe } from '../core/breathe';
import { DEFAULT_EXCLUDES, defaultWorkerCount, GlobSet, WorkspaceIndex, type IndexChange } from '../core/index';
import { decideWatch, type WatchDecision } from '../core/watch/mounts';
import { AdaptivePoller, DEFAULT_POLL_BOUNDS } from '../core/watch/poller';
import { readSettings } from './settings';
import { StallProbe, type Stalls } from './stallProbe';
import { untilCalm, type CalmOptions } from './untilCalm';

const SNAPSHOT_FILE = 'index.sqlite';
const REFRESH_DEBOUNCE_MS = 250;
/** Runs whose files changed this recently are polled too: watchers drop events under load. */
const ACTIVE_WINDOW_MS = 10 * 60_000;
const POLL_MS = 2_000;
const SNAPSHOT_DEBOUNCE_MS = 5_000;
/** A pass starts when the host's timers have run on time (within 15 ms) for 250 ms, or after 3 s whatever the load. */
const START_WHEN_CALM: CalmOptions = { quietMs: 250, lateMs: 15, maxWaitMs: 3_000 };

/**
 * Owns the workspace's run index in the extension host: warm start from a snapshot, background indexing with
 * progress, file watching feeding targeted refreshes, snapshots back to workspace storage.
 */
export class IndexService implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<IndexChange>();
  /** Fires after every pass that changed runs (and once after a warm start). */
  readonly onDidChange = this.changeEmitter.event;
  private readonly openEmitter = new vscode.EventEmitter<WorkspaceIndex>();
  /** Fires when a new index is opened (before its first pass): the remote sources attach to it. */
  readonly onDidOpenIndex = this.openEmitter.event;
  private readonly stateEmitter = new vscode.EventEmitter<void>();
  /** Fires when indexing starts or stops. */
  readonly onDidChangeState = this.stateEmitter.event;
  private readonly disposables: vscode.Disposable[] = [];
  private watchers: vscode.Disposable[] = [];
  private current: WorkspaceIndex | undefined;
  private pending = new Set<string>();
  private refreshTimer: NodeJS.Timeout | undefined;
  private snapshotTimer: NodeJS.Timeout | undefined;
  private busy = 0;
  private polling = false;
  private generation = 0;
  /** Resolves when the first full pass is done (tests and commands await it). */
  ready: Promise<void> = Promise.resolve();
  /** The last full pass: runs, duration, and the longest event-loop stall while it ran (the editor's responsiveness). */
  lastPass: ({ runs: number; ms: number; calmWaitMs: number } & Stalls) | undefined;
  /**
   * When the last start's milestones happened (performance.now() ms): start, first runs shown (from the
   * snapshot or the first pass), pass done. The activation benchmark reads it.
   */
  timeline: { startedAt: number; firstRunsAt?: number; indexedAt?: number } = { startedAt: 0 };
  /** How the last start went: from a snapshot or not, and why a snapshot was discarded. */
  lastStart: { warm: boolean; runsFromSnapshot: number; discarded?: string } = { warm: false, runsFromSnapshot: 0 };
  /** How each folder's changes are followed (runlens.watch); empty when live updates are off. */
  following: Array<WatchDecision & { folder: string }> = [];
  /** The loop polling the folders that poll (undefined when none does): its interval adapts (core/watch/poller.ts). */
  poller: AdaptivePoller | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(this.changeEmitter, this.stateEmitter, this.openEmitter);
  }

  get index(): WorkspaceIndex | undefined {
    return this.current;
  }

  get isIndexing(): boolean {
    return this.busy > 0;
  }

  /** (Re)builds the index for the current workspace folders and settings. */
  start(): Promise<void> {
    const generation = ++this.generation;
    this.ready = this.build(generation).catch((err: unknown) => {
      this.log.error('indexing failed', err);
      void vscode.window
        .showErrorMessage(`Runlens: indexing failed: ${err instanceof Error ? err.message : String(err)}`, 'Show Log')
        .then((a) => a && this.log.show());
    });
    return this.ready;
  }

  /** A full pass over every folder (the Refresh command). */
  async reindex(): Promise<void> {
    await this.ready;
    const ix = this.current;
    if (ix) await this.withProgress('Runlens: refreshing runs', (report) => ix.indexAll(report));
  }

  private async build(generation: number): Promise<void> {
    this.timeline = { startedAt: performance.now() };
    const folders = vscode.workspace.workspaceFolders ?? [];
    this.disposeWatchers();
    const previous = this.current;
    this.current = undefined;
    previous?.dispose();
    if (folders.length === 0) {
      this.changeEmitter.fire({ changed: [], removed: [] });
      return;
    }
    const settings = readSettings();
    const roots = folders.map((f) => ({ path: f.uri.fsPath, name: f.name }));
    const snapshot = settings.warmStart ? await this.readSnapshot() : undefined;
    const started = Date.now();
    let discarded: string | undefined;
    const ix = await WorkspaceIndex.open(
      roots,
      {
        workers: defaultWorkerCount(),
        backgroundWorkers: true,
        include: settings.include,
        exclude: settings.exclude,
        limits: { maxFileBytes: settings.maxFileBytes },
        // Restricted Mode: a workspace's folder symlinks do not lead the walk elsewhere on the disk.
        followOutside: vscode.workspace.isTrusted,
      },
      snapshot,
      (err) => {
        discarded = err.message;
        this.log.warn(`discarded the index snapshot: ${err.message}`);
      },
    );
    if (generation !== this.generation) {
      ix.dispose();
      return;
    }
    this.current = ix;
    ix.onDidChange.on((e) => {
      if (this.timeline.firstRunsAt === undefined && e.changed.length) this.timeline.firstRunsAt = performance.now();
      this.changeEmitter.fire(e);
      this.scheduleSnapshot();
    });
    this.openEmitter.fire(ix);
    this.lastStart = { warm: !!snapshot && !discarded, runsFromSnapshot: ix.runCount(), discarded };
    if (snapshot && ix.runCount() > 0) {
      ix.runs(); // what the tree asks for first: its time belongs to the warm start
      this.timeline.firstRunsAt = performance.now();
      this.log.info(`warm start: ${ix.runCount()} runs from the snapshot in ${Date.now() - started} ms`);
      this.changeEmitter.fire({ changed: ix.runs().map((r) => r.id), removed: [] });
    }
    if (settings.liveUpdates) this.follow(folders, settings.watch, settings.exclude);
    await this.withProgress('Runlens: indexing runs', async (report) => {
      // Not while the editor is still starting: see untilCalm. The runs of a snapshot are in the tree already.
      const calm = await untilCalm(START_WHEN_CALM);
      if (generation !== this.generation) return;
      this.log.info(
        `indexing starts after ${Math.round(calm.waitedMs)} ms${calm.calm ? '' : ` (the extension host was still busy: timers up to ${Math.round(calm.worstLateMs)} ms late)`}`,
      );
      const t0 = Date.now();
      // The longest stall of the extension host over the pass, the run list's first use and the snapshot after it.
      const probe = new StallProbe();
      let ms: number;
      let stalls: Stalls;
      try {
        await ix.indexAll(report);
        ms = Date.now() - t0;
        this.timeline.indexedAt = performance.now();
        ix.runs();
        if (generation === this.generation && readSettings().warmStart) await this.saveSnapshot();
      } finally {
        stalls = probe.stop();
      }
      const runs = ix.runCount();
      const formats = new Set(ix.runs().map((r) => r.format)).size;
      this.lastPass = { runs, ms, calmWaitMs: Math.round(calm.waitedMs), ...stalls };
      this.log.info(
        `indexed ${runs} runs (${formats} formats) in ${ms} ms; longest event-loop stall ${stalls.maxStallMs} ms at ${stalls.maxStallAtMs} ms (${stalls.busyInLongestMs} ms of it running code), longest run of code ${stalls.maxBusyMs} ms, longest GC pause ${stalls.maxGcMs} ms (${stalls.maxGcKind})`,
      );
      const problems = ix.diagnostics();
      if (problems.length) this.log.warn(`${problems.length} files could not be read fully (see the Runs view)`);
    });
  }

  private async withProgress<T>(
    title: string,
    work: (report: (done: number, total: number) => void) => Promise<T>,
  ): Promise<T> {
    this.busy++;
    void vscode.commands.executeCommand('setContext', 'runlens.indexing', true);
    this.stateEmitter.fire();
    try {
      return await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title }, async (progress) => {
        let last = 0;
        return work((done, total) => {
          const pct = total ? Math.floor((done / total) * 100) : 0;
          if (pct > last) {
            progress.report({ message: `${done}/${total}`, increment: pct - last });
            last = pct;
          }
        });
      });
    } finally {
      this.busy--;
      if (this.busy === 0) void vscode.commands.executeCommand('setContext', 'runlens.indexing', false);
      this.stateEmitter.fire();
    }
  }

  /** File events where they arrive, polling where they do not (shared file systems, or runlens.watch = poll). */
  private follow(
    folders: readonly vscode.WorkspaceFolder[],
    setting: Parameters<typeof decideWatch>[0],
    exclude: readonly string[],
  ): void {
    const decided = folders.map((f) => ({ f, d: decideWatch(setting, f.uri.fsPath) }));
    this.following = decided.map(({ f, d }) => ({ folder: f.name, ...d }));
    for (const { f, d } of decided)
      this.log.info(`live updates of ${f.name}: ${d.mode === 'poll' ? 'polling' : 'file events'} (${d.reason})`);
    this.watch(
      decided.filter(({ d }) => d.mode === 'events').map(({ f }) => f),
      exclude,
    );
    this.startPolling();
    this.pollFolders(decided.filter(({ d }) => d.mode === 'poll').map(({ f }) => f.uri.fsPath));
    this.stateEmitter.fire();
  }

  /** A full pass over the polled folders on the adaptive interval (skipped while another pass runs). */
  private pollFolders(paths: string[]): void {
    this.poller = undefined;
    if (!paths.length) return;
    const poller = new AdaptivePoller(
      async () => {
        const ix = this.current;
        if (!ix || this.busy > 0) return { changed: false };
        const t0 = Date.now();
        const c = await ix.pollFolders(paths);
        const changed = c.changed.length + c.removed.length > 0;
        if (changed)
          this.log.debug(`poll: ${c.changed.length} changed, ${c.removed.length} removed in ${Date.now() - t0} ms`);
        return { changed };
      },
      DEFAULT_POLL_BOUNDS,
      (err) => this.log.error('polling failed', err),
    ).start();
    this.poller = poller;
    this.watchers.push({ dispose: () => void poller.stop() });
  }

  /** Watches every folder; events are batched and fed to targeted refreshes. */
  private watch(folders: readonly vscode.WorkspaceFolder[], exclude: readonly string[]): void {
    const skip = new GlobSet([...DEFAULT_EXCLUDES, ...exclude].flatMap((g) => [g, `${g}/**`]));
    for (const folder of folders) {
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*'));
      const onEvent = (uri: vscode.Uri): void => {
        const rel = path.relative(folder.uri.fsPath, uri.fsPath).split(path.sep).join('/');
        if (rel.startsWith('..') || skip.matches(rel)) return;
        this.pending.add(uri.fsPath);
        this.scheduleRefresh();
      };
      this.watchers.push(w, w.onDidCreate(onEvent), w.onDidChange(onEvent), w.onDidDelete(onEvent));
    }
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.flushRefresh(), REFRESH_DEBOUNCE_MS);
  }

  private async flushRefresh(): Promise<void> {
    this.refreshTimer = undefined;
    const ix = this.current;
    const paths = [...this.pending];
    this.pending.clear();
    if (!ix || paths.length === 0) return;
    try {
      const t0 = Date.now();
      const change = await ix.refresh(paths);
      if (change.changed.length || change.removed.length) {
        this.log.debug(
          `live update: ${change.changed.length} changed, ${change.removed.length} removed in ${Date.now() - t0} ms`,
        );
      }
    } catch (err) {
      this.log.error('live update failed', err);
    }
  }

  private scheduleSnapshot(delay = SNAPSHOT_DEBOUNCE_MS): void {
    if (!readSettings().warmStart) return;
    if (this.snapshotTimer) clearTimeout(this.snapshotTimer);
    this.snapshotTimer = setTimeout(() => void this.saveSnapshot(), delay);
  }

  /** Writes the snapshot to the extension's workspace storage (never into the user's files). */
  async saveSnapshot(): Promise<void> {
    if (this.snapshotTimer) clearTimeout(this.snapshotTimer);
    this.snapshotTimer = undefined;
    const dir = this.context.storageUri;
    const ix = this.current;
    if (!dir || !ix) return;
    try {
      await vscode.workspace.fs.createDirectory(dir);
      const target = vscode.Uri.joinPath(dir, SNAPSHOT_FILE);
      if (target.scheme === 'file') await writePieces(target.fsPath, ix.snapshotPieces());
      else await vscode.workspace.fs.writeFile(target, Buffer.concat([...ix.snapshotPieces()]));
    } catch (err) {
      this.log.warn(`could not save the index snapshot: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Where the snapshot lives: the extension's workspace storage, never the user's folders. */
  get snapshotUri(): vscode.Uri | undefined {
    return this.context.storageUri && vscode.Uri.joinPath(this.context.storageUri, SNAPSHOT_FILE);
  }

  private async readSnapshot(): Promise<Uint8Array | undefined> {
    const uri = this.snapshotUri;
    if (!uri) return undefined;
    try {
      return await vscode.workspace.fs.readFile(uri);
    } catch {
      return undefined;
    }
  }

  private disposeWatchers(): void {
    for (const d of this.watchers) d.dispose();
    this.watchers = [];
    this.following = [];
    this.poller = undefined;
  }

  /** Every few seconds, the files of recently active runs are checked (a few stats; nothing when idle). */
  private startPolling(): void {
    const timer = setInterval(() => {
      const ix = this.current;
      if (!ix || this.busy > 0 || this.polling) return;
      this.polling = true;
      void ix
        .pollActive(ACTIVE_WINDOW_MS)
        .catch((err: unknown) => this.log.error('polling active runs failed', err))
        .finally(() => (this.polling = false));
    }, POLL_MS);
    this.watchers.push({ dispose: () => clearInterval(timer) });
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    if (this.snapshotTimer) clearTimeout(this.snapshotTimer);
    this.disposeWatchers();
    this.current?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/**
 * Writes a snapshot piece by piece to a temporary file, then moves it in place: serialising 10,000 runs at once
 * held the extension host ~150-250 ms, and a reader never sees half a file.
 */
async function writePieces(file: string, pieces: Iterable<Uint8Array>): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await fs.promises.open(tmp, 'w');
  try {
    // Each piece is made in a turn of the event loop of its own (see breathe): the first one, the SQLite export, is
    // ~20 ms in one sql.js call and ran right after whatever else that turn did.
    const it = pieces[Symbol.iterator]();
    for (;;) {
      await breathe();
      const next = it.next();
      if (next.done) break;
      await handle.write(next.value);
    }
  } catch (err) {
    await handle.close();
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  await fs.promises.rename(tmp, file);
}
