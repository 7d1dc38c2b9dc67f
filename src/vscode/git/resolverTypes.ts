// The commit resolver's shapes and small pure helpers, apart from its class.
import type * as vscode from 'vscode';
import type { Run } from '../../core/model';
import type { CommitState, DatedCommit } from './commitState';
import type { GitCommit } from './gitApiTypes';

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

export interface History {
  byHash: Map<string, GitCommit>;
  dated: DatedCommit[];
  truncated: boolean;
}

export interface CommitInfo {
  commit: GitCommit | null;
  inHead: boolean | null;
}

/** The commit's subject and author, for a CommitState. */
export function commitDetails(
  c: GitCommit | null | undefined,
): Pick<CommitState, 'subject' | 'authorName' | 'authorEmail' | 'authorDate'> {
  if (!c) return {};
  return {
    subject: c.message.split('\n')[0],
    authorName: c.authorName,
    authorEmail: c.authorEmail,
    authorDate: c.authorDate?.getTime(),
  };
}

/** Whether a run's new state is the one it had (no change event then). */
export function sameState(a: CommitState | undefined, b: CommitState): boolean {
  return !!a && JSON.stringify(a) === JSON.stringify(b);
}
