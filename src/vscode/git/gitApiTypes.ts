import type * as vscode from 'vscode';

/**
 * The part of VS Code's built-in git extension API (`vscode.git`, `getAPI(1)`) Runlens uses, copied from
 * microsoft/vscode extensions/git/src/api/git.d.ts (1.100) so we depend on no extra package. Only types: the
 * objects come from `vscode.extensions.getExtension('vscode.git').exports`.
 */

export interface GitCommit {
  readonly hash: string;
  readonly message: string;
  readonly parents: string[];
  readonly authorDate?: Date;
  readonly authorName?: string;
  readonly authorEmail?: string;
  readonly commitDate?: Date;
}

/** git's `Status` enum (const enum in git.d.ts): only the values we test for. */
export const GitStatus = {
  INDEX_ADDED: 1,
  INDEX_DELETED: 2,
  INDEX_RENAMED: 3,
  DELETED: 6,
  UNTRACKED: 7,
  ADDED_BY_US: 9,
  ADDED_BY_THEM: 10,
} as const;

export interface GitChange {
  /** `originalUri` or `renameUri` for renames; when in doubt use this one. */
  readonly uri: vscode.Uri;
  readonly originalUri: vscode.Uri;
  readonly renameUri: vscode.Uri | undefined;
  readonly status: number;
}

export interface GitBranch {
  readonly name?: string;
  readonly commit?: string;
}

export interface GitRemote {
  readonly name: string;
  readonly fetchUrl?: string;
  readonly pushUrl?: string;
}

export interface GitRepositoryState {
  readonly HEAD: GitBranch | undefined;
  readonly remotes: GitRemote[];
  readonly workingTreeChanges: GitChange[];
  readonly indexChanges: GitChange[];
  readonly onDidChange: vscode.Event<void>;
}

export interface GitLogOptions {
  /** Default 32. Ignored by the git extension when `range` is given. */
  readonly maxEntries?: number;
  readonly path?: string;
  readonly range?: string;
  readonly reverse?: boolean;
  readonly sortByAuthorDate?: boolean;
}

export interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly state: GitRepositoryState;
  show(ref: string, path: string): Promise<string>;
  getCommit(ref: string): Promise<GitCommit>;
  /** Working tree against `ref`: tracked files only (`git diff --name-status <ref>`). */
  diffWith(ref: string): Promise<GitChange[]>;
  /** `git diff ref1...ref2` (three dots: the changes on ref2's side since the merge base). */
  diffBetween(ref1: string, ref2: string): Promise<GitChange[]>;
  /** Undefined when there is none (unrelated histories or unknown refs). */
  getMergeBase(ref1: string, ref2: string): Promise<string | undefined>;
  log(options?: GitLogOptions): Promise<GitCommit[]>;
}

export interface GitApi {
  readonly state: 'uninitialized' | 'initialized';
  readonly onDidChangeState: vscode.Event<'uninitialized' | 'initialized'>;
  readonly repositories: GitRepository[];
  readonly onDidOpenRepository: vscode.Event<GitRepository>;
  readonly onDidCloseRepository: vscode.Event<GitRepository>;
  /** A `git:` URI showing `uri`'s content at `ref` (served by the git extension's content provider). */
  toGitUri(uri: vscode.Uri, ref: string): vscode.Uri;
  getRepository(uri: vscode.Uri): GitRepository | null;
  openRepository(root: vscode.Uri): Promise<GitRepository | null>;
}

export interface GitExtension {
  readonly enabled: boolean;
  readonly onDidChangeEnablement: vscode.Event<boolean>;
  getAPI(version: 1): GitApi;
}
