/** What Runlens knows about a run's code commit, and how it is shown. No `vscode` here (unit-tested in Node). */

/** Recorded by the run's tool, or inferred by Runlens (git-linkage.md §3 F3) and always shown as such. */
export type CommitSource = 'recorded' | 'inferred';

/** Uncommitted code the run recorded next to its commit. */
export type RecordedChanges =
  | { kind: 'patch'; /** absolute path of the diff (W&B files/diff.patch) */ file: string }
  | { kind: 'patch-text'; /** the diff itself (MLflow tag mlflow.source.git.diff) */ text: string }
  | {
      kind: 'sources';
      /** repo-relative path → absolute path of the exact copy (Sacred _sources/) */ files: Record<string, string>;
    };

export interface CommitState {
  runId: string;
  /** Full hash when found locally; else as recorded. */
  commit: string;
  source: CommitSource;
  /** For inferred commits: the time it was bracketed by, and where that time came from. */
  inferredFrom?: { time: number; basis: 'start time' | 'file time' };
  /** Root (fsPath) of the repository the run was matched to; null when no open repository holds it. */
  repoRoot: string | null;
  /** The commit object exists in that repository. */
  isLocal: boolean;
  /** An ancestor of (or equal to) HEAD; null when unknown. */
  inHead: boolean | null;
  /** The run's tool recorded uncommitted changes (MLflow/Sacred flag, W&B diff.patch); null: not recorded. */
  recordedDirty: boolean | null;
  /** The run's commit differs from the current working tree (tracked files); null until known. */
  differsFromWorkingTree: boolean | null;
  recordedChanges: RecordedChanges | null;
  subject?: string;
  authorName?: string;
  authorEmail?: string;
  /** ms since the epoch. */
  authorDate?: number;
}

/** A short text for the tree's description/tooltip, e.g. "abc1234 ✓ in HEAD", "abc1234 not local", "inferred abc1234". */
export function commitBadge(state: CommitState | undefined): string {
  if (!state) return '';
  const short = state.commit.slice(0, 7);
  if (state.source === 'inferred')
    return `inferred ${short}${state.differsFromWorkingTree ? ' · code changed since' : ''}`;
  if (!state.repoRoot) return `${short} (no repository)`;
  if (!state.isLocal) return `${short} not local`;
  const bits = [short, state.inHead ? '✓ in HEAD' : state.inHead === false ? 'not in HEAD' : ''];
  if (state.recordedDirty) bits.push('+ uncommitted');
  if (state.differsFromWorkingTree) bits.push('· code changed since');
  return bits.filter(Boolean).join(' ');
}

/** A longer, plain-text explanation for tooltips and messages. */
export function commitDescription(state: CommitState): string {
  const lines: string[] = [];
  if (state.source === 'inferred') {
    const basis = state.inferredFrom;
    lines.push(
      `inferred commit ${state.commit.slice(0, 12)}: the last commit of the current branch before the run's ${basis?.basis ?? 'start time'}${basis ? ` (${new Date(basis.time).toISOString().replace('T', ' ').slice(0, 19)} UTC)` : ''} — the run recorded no commit`,
    );
  } else lines.push(`commit ${state.commit.slice(0, 12)} (recorded by the run)`);
  if (state.subject) lines.push(`${state.subject}${state.authorName ? ` — ${state.authorName}` : ''}`);
  if (state.source === 'recorded') {
    if (!state.repoRoot) lines.push('no open git repository holds this run');
    else if (!state.isLocal)
      lines.push('not in the local repository (made on another machine, not fetched, or history rewritten)');
    else lines.push(state.inHead ? 'an ancestor of HEAD' : 'not an ancestor of HEAD (another branch)');
  }
  if (state.recordedDirty)
    lines.push(`the run had uncommitted changes${state.recordedChanges ? ' (recorded with the run)' : ''}`);
  if (state.differsFromWorkingTree === true) lines.push('the working tree differs from this commit');
  else if (state.differsFromWorkingTree === false) lines.push('the working tree matches this commit');
  return lines.join('\n');
}

export interface DatedCommit {
  hash: string;
  /** Committer date, ms since the epoch. */
  time: number;
}

/**
 * git-linkage.md F3: the newest commit (by committer date) at or before `time` among the current branch's
 * history; undefined when the run is older than every commit.
 */
export function pickCommitAt(history: readonly DatedCommit[], time: number): DatedCommit | undefined {
  let best: DatedCommit | undefined;
  for (const c of history) if (c.time <= time && (!best || c.time > best.time)) best = c;
  return best;
}

/** `git@host:org/repo.git`, `https://host/org/repo(.git)` and `ssh://git@host/org/repo` → `host/org/repo`. */
export function normalizeRemote(url: string): string {
  let u = url
    .trim()
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
  const scp = /^(?:[\w.-]+@)?([\w.-]+):(?!\/\/)(.+)$/.exec(u);
  if (scp) return `${scp[1]}/${scp[2]}`.toLowerCase();
  u = u.replace(/^[a-z+]+:\/\//i, '').replace(/^[^@/]+@/, '');
  return u.replace(/:\d+\//, '/').toLowerCase();
}
