import * as path from 'node:path';
import * as vscode from 'vscode';
import type { IndexService } from '../indexService';
import type { CommitResolver } from './commitResolver';
import type { CommitState } from './commitState';
import type { GitRepository } from './gitApiTypes';
import { applyFilePatch, changedPaths, parsePatch, patchOf, type FilePatch } from './patch';

/** Read-only documents: a file at a run's commit with the run's recorded uncommitted changes applied. */
export const PATCHED_SCHEME = 'runlens-patched';

export interface RunChanges {
  /** Repo-relative paths the run's recorded uncommitted changes touch. */
  paths: string[];
  patches?: FilePatch[];
  sources?: Record<string, string>;
}

/** Serves `runlens-patched:` documents; caches parsed patches per run. */
export class PatchedFiles implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly cache = new Map<string, Promise<RunChanges>>();
  private readonly sub: vscode.Disposable;

  constructor(
    private readonly resolver: CommitResolver,
    service: IndexService,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.sub = service.onDidChange(() => this.cache.clear());
  }

  changesOf(state: CommitState): Promise<RunChanges> {
    let p = this.cache.get(state.runId);
    if (!p) {
      p = this.load(state).catch((err: unknown) => {
        this.log.warn(`could not read the recorded changes of run ${state.runId}: ${String(err)}`);
        return { paths: [] };
      });
      this.cache.set(state.runId, p);
    }
    return p;
  }

  private async load(state: CommitState): Promise<RunChanges> {
    const rc = state.recordedChanges;
    if (!rc) return { paths: [] };
    if (rc.kind === 'sources') return { paths: Object.keys(rc.files), sources: rc.files };
    const text =
      rc.kind === 'patch'
        ? new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(rc.file)))
        : rc.text;
    const patches = parsePatch(text).filter((p) => !p.binary);
    return { paths: changedPaths(patches), patches };
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const q = JSON.parse(uri.query) as { run: string; commit: string; root: string };
    const rel = uri.path.replace(/^\//, '');
    const state = this.resolver.stateOf(q.run);
    const repo = this.resolver.git?.repositories.find((r) => r.rootUri.fsPath === q.root);
    if (!state || !repo) return '';
    const changes = await this.changesOf(state);
    if (changes.sources?.[rel])
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(changes.sources[rel]!)));
    const original = await showAt(repo, q.commit, path.join(q.root, rel));
    const p = changes.patches && patchOf(changes.patches, rel);
    if (!p) return original;
    try {
      return applyFilePatch(original, p);
    } catch (err) {
      this.log.warn(`${String(err)} (run ${q.run}, commit ${q.commit.slice(0, 7)}): showing the file at the commit`);
      void vscode.window.showWarningMessage(
        `Runlens: the recorded changes to ${rel} do not apply to ${q.commit.slice(0, 7)}; showing the file at the commit.`,
      );
      return original;
    }
  }

  dispose(): void {
    this.sub.dispose();
  }
}

/** A file's text at a commit; '' when it does not exist there. */
async function showAt(repo: GitRepository, ref: string, abs: string): Promise<string> {
  try {
    return await repo.show(ref, abs);
  } catch {
    return '';
  }
}

/** `runlens-patched:/<repo-relative path>?{run, commit, root}` — the path keeps the file name for the language. */
export function patchedUri(runId: string, commit: string, root: string, rel: string): vscode.Uri {
  return vscode.Uri.from({
    scheme: PATCHED_SCHEME,
    path: `/${rel}`,
    query: JSON.stringify({ run: runId, commit, root }),
  });
}
