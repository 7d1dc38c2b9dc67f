import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Run } from '../../core/model';
import { breathe } from '../../core/walk';
import { normalizeRemote, pickCommitAt, type CommitState, type DatedCommit, type RecordedChanges } from './commitState';
import type { GitApi, GitCommit, GitExtension, GitRepository } from './gitApiTypes';
import { guildSources } from './guildSources';

/** What the resolver needs from the index (an adapter over IndexService; tests feed synthetic runs). */
export interface RunSource {
  runs(): readonly Run[];
  /** Absolute run root (a file for mlflow.db / Keras runs). */
  absPath(run: Run): string | undefined;
  filesOf(runId: string): readonly string[];
  readonly onDidChange: vscode.Event<unknown>;
}

/** Figures of the last full pass (the README's figure for 1,000 runs comes from here). */
export interface PassStats {
  runs: number;
  resolved: number;
  repositories: number;
  gitCalls: number;
  ms: number;
}

/** Commits of HEAD's history read in one `git log` per repository and HEAD; older ones are asked one by one. */
const HISTORY_LIMIT = 5000;
/** Milliseconds of work on the extension host's thread before giving the event loop a turn. */
const SLICE_MS = 8;
/** git processes in flight per pass. */
const CONCURRENCY = 4;
const REPO_CHANGE_DEBOUNCE_MS = 1000;

/** The built-in git extension's API, once it is initialised; undefined when git is disabled or missing. */
export async function getGitApi(timeoutMs = 15_000): Promise<GitApi | undefined> {
  const ext = vscode.extensions.getExtension<GitExtension>('vscode.git');
  if (!ext) return undefined;
  const exports = ext.isActive ? ext.exports : await ext.activate();
  if (!exports?.enabled) return undefined;
  const api = exports.getAPI(1);
  if (api.state === 'initialized') return api;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      d.dispose();
      resolve(api);
    }, timeoutMs);
    const d = api.onDidChangeState((s) => {
      if (s !== 'initialized') return;
      clearTimeout(timer);
      d.dispose();
      resolve(api);
    });
  });
}

interface History {
  byHash: Map<string, GitCommit>;
  dated: DatedCommit[];
  truncated: boolean;
}

interface CommitInfo {
  commit: GitCommit | null;
  inHead: boolean | null;
}

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
      this.current = previous.then(() => this.pass(gen)).catch((err: unknown) => this.log.error('commit resolution failed', err));
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
    this.lastPass = { runs: runs.length, resolved, repositories: [...groups.keys()].filter(Boolean).length, gitCalls: this.gitCalls, ms: Date.now() - t0 };
    this.log.debug(`commits: ${resolved} of ${runs.length} runs in ${this.lastPass.repositories} repositories, ${this.gitCalls} git calls, ${this.lastPass.ms} ms`);
  }

  /** A recorded commit with no open repository holding the run. */
  private unresolved(run: Run): CommitState {
    return { runId: run.id, commit: run.git.commit!, source: 'recorded', repoRoot: null, isLocal: false, inHead: null, recordedDirty: run.git.dirty, differsFromWorkingTree: null, recordedChanges: null };
  }

  /**
   * The repository whose root holds the run (the innermost, for nested repositories). A nested repository the git
   * extension has not opened (deeper than its scan depth, or created later) is opened; else the repository whose
   * remote matches the recorded one.
   */
  private async repositoryFor(api: GitApi, run: Run): Promise<GitRepository | null> {
    const abs = this.source.absPath(run);
    if (abs) {
      let best = innermost(api.repositories, abs);
      const stop = best?.rootUri.fsPath;
      const nested = this.nestedGitRoot(abs, stop);
      if (nested && !api.repositories.some((r) => r.rootUri.fsPath === nested)) {
        let opening = this.opening.get(nested);
        if (!opening) {
          this.log.info(`opening the git repository ${nested} (it holds runs)`);
          opening = api.openRepository(vscode.Uri.file(nested)).catch((err: unknown) => this.log.warn(`could not open ${nested}: ${String(err)}`));
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
    if (run.git.remote) {
      const want = normalizeRemote(run.git.remote);
      const byRemote = api.repositories.find((r) => r.state.remotes.some((m) => (m.fetchUrl && normalizeRemote(m.fetchUrl) === want) || (m.pushUrl && normalizeRemote(m.pushUrl) === want)));
      if (byRemote) {
        this.watchRepository(byRemote);
        return byRemote;
      }
    }
    return null;
  }

  /** The innermost folder between `from` and `stop` (exclusive) holding a `.git`, walking up; memoised per folder. */
  private nestedGitRoot(from: string, stop: string | undefined): string | undefined {
    const folders = vscode.workspace.workspaceFolders?.map((f) => f.uri.fsPath) ?? [];
    const limit = stop ?? folders.find((f) => isInside(from, f));
    if (!limit) return undefined;
    let dir = from;
    let found: string | undefined;
    while (isInside(dir, limit) && dir !== limit) {
      let has = this.gitDirs.get(dir);
      if (has === undefined) {
        has = fs.existsSync(path.join(dir, '.git'));
        this.gitDirs.set(dir, has);
      }
      if (has) {
        found = dir;
        break;
      }
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    if (!found && !stop && limit && fs.existsSync(path.join(limit, '.git'))) found = limit;
    return found;
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

  private async resolveInRepo(repo: GitRepository, runs: readonly Run[], gen: number): Promise<CommitState[] | undefined> {
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
      const time = run.startTime ?? (await this.earliestFileTime(run));
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
          recordedChanges: run.git.dirty ? await this.recordedChanges(run, root) : null,
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
          const dated = log.map((c) => ({ hash: c.hash, time: (c.commitDate ?? c.authorDate)?.getTime() ?? Number.NaN })).filter((c) => Number.isFinite(c.time));
          return { byHash, dated, truncated: log.length >= HISTORY_LIMIT };
        },
        (err: unknown) => {
          this.log.warn(`git log failed in ${repo.rootUri.fsPath}: ${String(err)}`);
          return { byHash: new Map(), dated: [], truncated: true };
        },
      );
      for (const k of [...this.histories.keys()]) if (k.startsWith(`${repo.rootUri.fsPath}\0`)) this.histories.delete(k);
      this.histories.set(key, h);
    }
    return h;
  }

  private commitInfo(repo: GitRepository, history: History, recorded: string): Promise<CommitInfo> {
    const hit = history.byHash.get(recorded) ?? (recorded.length >= 7 && recorded.length < 40 ? [...history.byHash.values()].find((c) => c.hash.startsWith(recorded)) : undefined);
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

  /** git-linkage.md F3 for runs without a start time: the earliest mtime of the run's files. */
  private async earliestFileTime(run: Run): Promise<number | undefined> {
    const files = this.source.filesOf(run.id).slice(0, 20);
    let min: number | undefined;
    for (const f of files) {
      try {
        const t = (await fs.promises.stat(f)).mtimeMs;
        if (min === undefined || t < min) min = t;
      } catch {
        // gone since the index pass
      }
    }
    return min;
  }

  /** The uncommitted changes a dirty run recorded (W&B diff.patch, MLflow's diff tag, Sacred _sources/, Guild's copy). */
  private async recordedChanges(run: Run, repoRoot: string): Promise<RecordedChanges | null> {
    const diffTag = run.tags['mlflow.source.git.diff'];
    if (diffTag) return { kind: 'patch-text', text: diffTag };
    const abs = this.source.absPath(run);
    if (!abs) return null;
    if (run.format === 'wandb') {
      const file = this.source.filesOf(run.id).find((f) => path.basename(f) === 'diff.patch') ?? path.join(abs, 'files', 'diff.patch');
      return fs.existsSync(file) ? { kind: 'patch', file } : null;
    }
    if (run.format === 'sacred') return sacredSources(abs, repoRoot);
    if (run.format === 'guild') return guildSources(abs, repoRoot);
    return null;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.generation++;
    for (const d of this.repoListeners.values()) d.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/**
 * Sacred keeps exact copies of the sources in `_sources/` (run.json `experiment.sources`: [path relative to
 * `experiment.base_dir`, stored copy]); mapped to repo-relative paths through the recorded `git:/<workdir>` url,
 * else as if `base_dir` were the repository root.
 */
async function sacredSources(runDir: string, repoRoot: string): Promise<RecordedChanges | null> {
  let doc: unknown;
  try {
    doc = JSON.parse(await fs.promises.readFile(path.join(runDir, 'run.json'), 'utf8'));
  } catch {
    return null;
  }
  const exp = (doc as { experiment?: { sources?: unknown; base_dir?: unknown; repositories?: unknown } }).experiment;
  if (!exp || !Array.isArray(exp.sources)) return null;
  const baseDir = typeof exp.base_dir === 'string' ? exp.base_dir.replace(/\\/g, '/') : '';
  const repos = Array.isArray(exp.repositories) ? (exp.repositories as Array<{ url?: unknown }>) : [];
  const workdirs = repos.map((r) => (typeof r.url === 'string' && r.url.startsWith('git:') ? '/' + r.url.slice(4).replace(/^\/+/, '') : undefined)).filter((w): w is string => !!w);
  const files: Record<string, string> = {};
  for (const entry of exp.sources) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'string') continue;
    const written = path.posix.join(baseDir || '/', entry[0].replace(/\\/g, '/'));
    const wd = workdirs.filter((w) => written.startsWith(w.endsWith('/') ? w : w + '/')).sort((a, b) => b.length - a.length)[0];
    let rel = wd ? path.posix.relative(wd, written) : entry[0].replace(/\\/g, '/');
    // base_dir on this machine (the run was made here): relative to the local repository instead.
    if (!wd && baseDir && isInside(path.join(baseDir, entry[0]), repoRoot)) rel = path.relative(repoRoot, path.join(baseDir, entry[0])).split(path.sep).join('/');
    const copy = path.join(runDir, entry[1]);
    if (!rel.startsWith('..') && fs.existsSync(copy)) files[rel] = copy;
  }
  return Object.keys(files).length ? { kind: 'sources', files } : null;
}

function commitDetails(c: GitCommit | null | undefined): Pick<CommitState, 'subject' | 'authorName' | 'authorEmail' | 'authorDate'> {
  if (!c) return {};
  return { subject: c.message.split('\n')[0], authorName: c.authorName, authorEmail: c.authorEmail, authorDate: c.authorDate?.getTime() };
}

function innermost(repos: readonly GitRepository[], abs: string): GitRepository | undefined {
  let best: GitRepository | undefined;
  for (const r of repos) if (isInside(abs, r.rootUri.fsPath) && (!best || r.rootUri.fsPath.length > best.rootUri.fsPath.length)) best = r;
  return best;
}

/** HEAD plus the set of changed paths: a change in it (not every status refresh) invalidates the diff cache. */
function signatureOf(repo: GitRepository): string {
  const s = repo.state;
  const paths = [...(s.workingTreeChanges ?? []), ...(s.indexChanges ?? [])].map((c) => c.uri.fsPath).sort();
  return `${s.HEAD?.commit ?? ''}\0${paths.join('\0')}`;
}

function sameState(a: CommitState | undefined, b: CommitState): boolean {
  return !!a && JSON.stringify(a) === JSON.stringify(b);
}

export function isInside(p: string, root: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}


/**
 * Gives the event loop a turn once SLICE_MS of work has run: a fixed count of runs per turn was 10-27 ms when each
 * run costs a few file-system checks (nested repositories), and the extension host's thread is shared.
 */
class TimeSlice {
  private start = Date.now();
  restart(): void {
    this.start = Date.now();
  }
  async breatheIfDue(): Promise<void> {
    if (Date.now() - this.start < SLICE_MS) return;
    await breathe();
    this.start = Date.now();
  }
}

async function pool<T>(items: readonly T[], n: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}
