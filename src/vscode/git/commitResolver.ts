import * as vscode from 'vscode';
import type { Run } from '../../core/model';
import { normalizeRemote, pickCommitAt, type CommitState } from './commitState';
import { getGitApi } from './gitApi';
import type { GitApi, GitCommit, GitRepository } from './gitApiTypes';
import { innermost, nestedGitRoot, signatureOf } from './repoPaths';
import { earliestFileTime, recordedChanges } from './runChanges';
import type { CommitInfo, History, PassStats, RunSource } from './resolverTypes';
import { commitDetails, sameState } from './resolverTypes';
import { pool, TimeSlice } from './slices';

export type { PassStats, RunSource } from './resolverTypes';

/** Commits of HEAD's history read in one `git log` per repository and HEAD; older ones are asked one by one. */
const HISTORY_LIMIT = 5000;
/** git processes in flight per pass. */
const CONCURRENCY = 4;
const REPO_CHANGE_DEBOUNCE_MS = 1000;

/**
 * Resolves every run's commit against the workspace's git repositories in the background: which repository holds
 * the run, whether its recorded commit exists locally and is an ancestor of HEAD, whether the working tree differs
 * from it, and an inferred commit (flagged) for runs that recorded none. One `git log` per repository and HEAD
 * answers most questions; the rest is cached per commit and run in small concurrent batches between yields to the
 * event loop, so 1,000 runs never block the extension host.
 */
export class CommitResolver implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<string[]>();
  /** Fires with the ids of runs whose state changed (possibly several times per pass, per repository). */
  readonly onDidChange = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];
  private readonly repoListeners = new Map<GitRepository, vscode.Disposable>();
  private states = new Map<string, CommitState>();
  private readonly histories = new Map<string, Promise<History>>();
  private readonly commits = new Map<string, Promise<CommitInfo>>();
  private readonly diffs = new Map<string, Promise<boolean | null>>();
  private readonly gitDirs = new Map<string, boolean>();
  private readonly opening = new Map<string, Promise<unknown>>();
  private readonly signatures = new Map<GitRepository, string>();
  private api: GitApi | undefined;
  private apiPromise: Promise<GitApi | undefined> | undefined;
  private generation = 0;
  private current: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private gitCalls = 0;
  /** Figures of the last complete pass. */
  lastPass: PassStats | undefined;
  /** git calls since construction (caches make later passes cheap). */
  totalGitCalls = 0;

  constructor(
    private readonly source: RunSource,
    private readonly log: vscode.LogOutputChannel,
    private readonly gitApi: () => Promise<GitApi | undefined> = getGitApi,
  ) {
    this.disposables.push(source.onDidChange(() => this.schedule(0)));
    this.schedule(0);
  }

  /** The commit state of a run, once resolved; undefined while pending or when the run has no commit at all. */
  stateOf(runId: string): CommitState | undefined {
    return this.states.get(runId);
  }

  /** The git extension's API, if git is available. */
  get git(): GitApi | undefined {
    return this.api;
  }

  /** The open repository a state was resolved in. */
  repositoryOf(state: CommitState): GitRepository | undefined {
    return state.repoRoot ? this.api?.repositories.find((r) => r.rootUri.fsPath === state.repoRoot) : undefined;
  }

  /** Resolves when no pass is pending or running (commands await it before reading a state). */
  async whenIdle(): Promise<void> {
    for (;;) {
      const gen = this.generation;
      const pending = this.timer !== undefined;
      await this.current;
      if (!pending && gen === this.generation && this.timer === undefined) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Drops every cache and resolves all runs again. */
  refresh(): void {
    this.histories.clear();
    this.commits.clear();
    this.diffs.clear();
    this.gitDirs.clear();
    this.schedule(0);
  }

  private schedule(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const gen = ++this.generation;
      const previous = this.current;
      this.current = previous
        .then(() => this.pass(gen))
        .catch((err: unknown) => this.log.error('commit resolution failed', err));
    }, delay);
  }

  private countGitCall(): void {
    this.gitCalls++;
    this.totalGitCalls++;
  }

  private async ensureApi(): Promise<GitApi | undefined> {
    if (this.api) return this.api;
    this.apiPromise ??= this.gitApi().then((api) => {
      this.api = api;
      if (api) {
        this.disposables.push(
          api.onDidOpenRepository(() => this.schedule(200)),
          api.onDidCloseRepository((r) => {
            this.repoListeners.get(r)?.dispose();
            this.repoListeners.delete(r);
            this.schedule(200);
          }),
        );
      } else this.log.info('git is not available: run commits are shown as recorded, unresolved');
      return api;
    });
    return this.apiPromise;
  }

  private async pass(gen: number): Promise<void> {
    const t0 = Date.now();
    this.gitCalls = 0;
    const api = await this.ensureApi();
    const runs = this.source.runs();
    const groups = new Map<GitRepository | null, Run[]>();
    const slice = new TimeSlice();
    for (let i = 0; i < runs.length; i++) {
      await slice.breatheIfDue();
      if (gen !== this.generation) return;
      const run = runs[i]!;
      const repo = api ? await this.repositoryFor(api, run) : null;
      if (!run.git.commit && !repo) continue;
      const list = groups.get(repo) ?? [];
      list.push(run);
      groups.set(repo, list);
    }
    const next = new Map<string, CommitState>();
    let resolved = 0;
    for (const [repo, list] of groups) {
      if (gen !== this.generation) return;
      const states = repo ? await this.resolveInRepo(repo, list, gen) : list.map((r) => this.unresolved(r));
      if (states === undefined) return;
      const changed: string[] = [];
      for (const s of states) {
        next.set(s.runId, s);
        if (!sameState(this.states.get(s.runId), s)) changed.push(s.runId);
      }
      resolved += states.length;
      // Publish per repository so the tree fills in as repositories finish.
      for (const s of states) this.states.set(s.runId, s);
      if (changed.length) this.changeEmitter.fire(changed);
    }
    const removed = [...this.states.keys()].filter((id) => !next.has(id));
    this.states = next;
    if (removed.length) this.changeEmitter.fire(removed);
    this.lastPass = {
      runs: runs.length,
      resolved,
      repositories: [...groups.keys()].filter(Boolean).length,
      gitCalls: this.gitCalls,
      ms: Date.now() - t0,
    };
    this.log.debug(
      `commits: ${resolved} of ${runs.length} runs in ${this.lastPass.repositories} repositories, ${this.gitCalls} git calls, ${this.lastPass.ms} ms`,
    );
  }

  /** A recorded commit with no open repository holding the run. */
  private unresolved(run: Run): CommitState {
    return {
      runId: run.id,
      commit: run.git.commit!,
      source: 'recorded',
      repoRoot: null,
      isLocal: false,
      inHead: null,
      recordedDirty: run.git.dirty,
      differsFromWorkingTree: null,
      recordedChanges: null,
    };
  }

  /**
   * The repository whose root holds the run (the innermost, for nested repositories). A nested repository the git
   * extension has not opened (deeper than its scan depth, or created later) is opened; else the repository whose
   * remote matches the recorded one; else, for a remote source's run, the one repository open.
   */
  private async repositoryFor(api: GitApi, run: Run): Promise<GitRepository | null> {
    const abs = this.source.absPath(run);
    if (abs) {
      let best = innermost(api.repositories, abs);
      const stop = best?.rootUri.fsPath;
      const nested = nestedGitRoot(abs, stop, this.gitDirs);
      if (nested && !api.repositories.some((r) => r.rootUri.fsPath === nested)) {
        let opening = this.opening.get(nested);
        if (!opening) {
          this.log.info(`opening the git repository ${nested} (it holds runs)`);
          opening = api
            .openRepository(vscode.Uri.file(nested))
            .catch((err: unknown) => this.log.warn(`could not open ${nested}: ${String(err)}`));
          this.opening.set(nested, opening);
        }
        await opening;
        best = innermost(api.repositories, abs);
      }
      if (best) {
        this.watchRepository(best);
        return best;
      }
    }
    const want = run.git.remote ? normalizeRemote(run.git.remote) : null;
    const byRemote = api.repositories.find((r) =>
      r.state.remotes.some((m) => [m.fetchUrl, m.pushUrl].some((u) => want && u && normalizeRemote(u) === want)),
    );
    // A remote source's run (a tracking server's) lives in no workspace folder: with one repository open, its
    // recorded commit is looked up in that clone (with several, only a recorded remote tells which).
    const found =
      byRemote ?? (run.source && run.git.commit && api.repositories.length === 1 ? api.repositories[0] : null);
    if (found) this.watchRepository(found);
    return found ?? null;
  }

  private watchRepository(repo: GitRepository): void {
    if (this.repoListeners.has(repo)) return;
    this.signatures.set(repo, signatureOf(repo));
    this.repoListeners.set(
      repo,
      repo.state.onDidChange(() => {
        const sig = signatureOf(repo);
        if (sig === this.signatures.get(repo)) return;
        this.signatures.set(repo, sig);
        const root = repo.rootUri.fsPath;
        for (const k of [...this.diffs.keys()]) if (k.startsWith(`${root}\0`)) this.diffs.delete(k);
        this.schedule(REPO_CHANGE_DEBOUNCE_MS);
      }),
    );
  }

  private async resolveInRepo(
    repo: GitRepository,
    runs: readonly Run[],
    gen: number,
  ): Promise<CommitState[] | undefined> {
    const root = repo.rootUri.fsPath;
    const history = await this.historyOf(repo);
    // Recorded commits, each asked once.
    const recorded = [...new Set(runs.map((r) => r.git.commit).filter((c): c is string => !!c))];
    const infos = new Map<string, CommitInfo>();
    await pool(recorded, CONCURRENCY, async (c) => infos.set(c, await this.commitInfo(repo, history, c)));
    if (gen !== this.generation) return undefined;
    // Inferred commits for runs that recorded none.
    const inferred = new Map<string, { hash: string; time: number; basis: 'start time' | 'file time' }>();
    const missing = runs.filter((r) => !r.git.commit);
    const slice = new TimeSlice();
    for (let i = 0; i < missing.length; i++) {
      await slice.breatheIfDue();
      const run = missing[i]!;
      const time = run.startTime ?? (await earliestFileTime(this.source.filesOf(run.id)));
      if (time === undefined) continue;
      const at = pickCommitAt(history.dated, time);
      if (at) inferred.set(run.id, { hash: at.hash, time, basis: run.startTime !== null ? 'start time' : 'file time' });
    }
    // Does the working tree differ from each commit? One `git diff --name-status <commit>` per commit, cached.
    const local = new Set<string>();
    for (const info of infos.values()) if (info.commit) local.add(info.commit.hash);
    for (const i of inferred.values()) local.add(i.hash);
    const differs = new Map<string, boolean | null>();
    await pool([...local], CONCURRENCY, async (hash) => differs.set(hash, await this.differs(repo, hash)));
    if (gen !== this.generation) return undefined;

    const states: CommitState[] = [];
    slice.restart();
    for (let i = 0; i < runs.length; i++) {
      await slice.breatheIfDue();
      const run = runs[i]!;
      const base = { runId: run.id, repoRoot: root, recordedDirty: run.git.dirty };
      if (run.git.commit) {
        const info = infos.get(run.git.commit)!;
        const c = info.commit;
        states.push({
          ...base,
          commit: c?.hash ?? run.git.commit,
          source: 'recorded',
          isLocal: !!c,
          inHead: c ? info.inHead : null,
          differsFromWorkingTree: c ? (differs.get(c.hash) ?? null) : null,
          recordedChanges: run.git.dirty ? await recordedChanges(run, root, this.source) : null,
          ...commitDetails(c),
        });
      } else {
        const inf = inferred.get(run.id);
        if (!inf) continue;
        const c = history.byHash.get(inf.hash) ?? null;
        states.push({
          ...base,
          commit: inf.hash,
          source: 'inferred',
          inferredFrom: { time: inf.time, basis: inf.basis },
          isLocal: true,
          inHead: true,
          differsFromWorkingTree: differs.get(inf.hash) ?? null,
          recordedChanges: null,
          ...commitDetails(c),
        });
      }
    }
    return states;
  }

  /** HEAD's history (newest first), one `git log` per repository and HEAD commit. */
  private historyOf(repo: GitRepository): Promise<History> {
    const key = `${repo.rootUri.fsPath}\0${repo.state.HEAD?.commit ?? ''}`;
    let h = this.histories.get(key);
    if (!h) {
      this.countGitCall();
      h = repo.log({ maxEntries: HISTORY_LIMIT }).then(
        (log) => {
          const byHash = new Map(log.map((c) => [c.hash, c]));
          const dated = log
            .map((c) => ({ hash: c.hash, time: (c.commitDate ?? c.authorDate)?.getTime() ?? Number.NaN }))
            .filter((c) => Number.isFinite(c.time));
          return { byHash, dated, truncated: log.length >= HISTORY_LIMIT };
        },
        (err: unknown) => {
          this.log.warn(`git log failed in ${repo.rootUri.fsPath}: ${String(err)}`);
          return { byHash: new Map(), dated: [], truncated: true };
        },
      );
      for (const k of [...this.histories.keys()])
        if (k.startsWith(`${repo.rootUri.fsPath}\0`)) this.histories.delete(k);
      this.histories.set(key, h);
    }
    return h;
  }

  private commitInfo(repo: GitRepository, history: History, recorded: string): Promise<CommitInfo> {
    const hit =
      history.byHash.get(recorded) ??
      (recorded.length >= 7 && recorded.length < 40
        ? [...history.byHash.values()].find((c) => c.hash.startsWith(recorded))
        : undefined);
    if (hit) return Promise.resolve({ commit: hit, inHead: true });
    if (!/^[0-9a-f]{4,64}$/i.test(recorded)) return Promise.resolve({ commit: null, inHead: null });
    const key = `${repo.rootUri.fsPath}\0${repo.state.HEAD?.commit ?? ''}\0${recorded}`;
    let p = this.commits.get(key);
    if (!p) {
      p = (async (): Promise<CommitInfo> => {
        let commit: GitCommit;
        try {
          this.countGitCall();
          commit = await repo.getCommit(recorded);
        } catch {
          return { commit: null, inHead: null };
        }
        if (!history.truncated) return { commit, inHead: false };
        this.countGitCall();
        const base = await repo.getMergeBase(commit.hash, 'HEAD').catch(() => undefined);
        return { commit, inHead: base === undefined ? null : base === commit.hash };
      })();
      this.commits.set(key, p);
    }
    return p;
  }

  private differs(repo: GitRepository, hash: string): Promise<boolean | null> {
    const key = `${repo.rootUri.fsPath}\0${hash}`;
    let p = this.diffs.get(key);
    if (!p) {
      this.countGitCall();
      p = repo.diffWith(hash).then(
        (changes) => changes.length > 0,
        () => null,
      );
      this.diffs.set(key, p);
    }
    return p;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.generation++;
    for (const d of this.repoListeners.values()) d.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
