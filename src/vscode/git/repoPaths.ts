// Where runs and repositories are on disk: which repository holds a path, nested repositories, and a repository's
// state in one string (to tell a real change from a status refresh).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GitRepository } from './gitApiTypes';

/** The innermost repository whose root holds `abs`. */
export function innermost(repos: readonly GitRepository[], abs: string): GitRepository | undefined {
  let best: GitRepository | undefined;
  for (const r of repos)
    if (isInside(abs, r.rootUri.fsPath) && (!best || r.rootUri.fsPath.length > best.rootUri.fsPath.length)) best = r;
  return best;
}

/** HEAD plus the set of changed paths: a change in it (not every status refresh) invalidates the diff cache. */
export function signatureOf(repo: GitRepository): string {
  const s = repo.state;
  const paths = [...(s.workingTreeChanges ?? []), ...(s.indexChanges ?? [])].map((c) => c.uri.fsPath).sort();
  return `${s.HEAD?.commit ?? ''}\0${paths.join('\0')}`;
}

/** Whether `p` is `root` or below it. */
export function isInside(p: string, root: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The innermost folder between `from` and `stop` (exclusive) holding a `.git`, walking up; memoised per folder. */
export function nestedGitRoot(
  from: string,
  stop: string | undefined,
  gitDirs: Map<string, boolean>,
): string | undefined {
  const folders = vscode.workspace.workspaceFolders?.map((f) => f.uri.fsPath) ?? [];
  const limit = stop ?? folders.find((f) => isInside(from, f));
  if (!limit) return undefined;
  let dir = from;
  let found: string | undefined;
  while (isInside(dir, limit) && dir !== limit) {
    let has = gitDirs.get(dir);
    if (has === undefined) {
      has = fs.existsSync(path.join(dir, '.git'));
      gitDirs.set(dir, has);
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
