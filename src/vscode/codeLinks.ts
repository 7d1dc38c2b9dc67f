import * as vscode from 'vscode';
import { registerCommand } from './commandBoundary';
import { compareCodeOfRuns, findMetricInCode, openCommit, type CodeLinkDeps } from './commands/codeLinks';
import { registerConfigLens } from './configLens';
import { CommitResolver, type RunSource } from './git/commitResolver';
import { PATCHED_SCHEME, PatchedFiles } from './git/patchedFiles';
import type { IndexService } from './indexService';
import type { RunsNode } from './runsTree';

export type { CompareCodeResult, OpenCommitResult } from './commands/codeLinks';

/** Commands this module registers (add them to COMMAND_IDS and package.json). */
export const CODE_LINK_COMMANDS = [
  'runlens.openCommit',
  'runlens.compareCodeOfRuns',
  'runlens.findMetricInCode',
] as const;
export type CodeLinkCommandId = (typeof CODE_LINK_COMMANDS)[number];

export interface CodeLinksDeps {
  service: IndexService;
  log: vscode.LogOutputChannel;
  treeView?: vscode.TreeView<RunsNode>;
}

/**
 * "Runs next to the code": the commit resolver, Open Commit, Compare Code of Runs, Find Metric in Code, the
 * read-only patched-file scheme and the config hovers/CodeLens. One disposable for all of it.
 */
export function registerCodeLinks(deps: CodeLinksDeps): { disposable: vscode.Disposable; resolver: CommitResolver } {
  const { service, log, treeView } = deps;
  const source: RunSource = {
    runs: () => service.index?.runs() ?? [],
    absPath: (run) => service.index?.absPath(run),
    filesOf: (id) => service.index?.filesOf(id) ?? [],
    onDidChange: service.onDidChange,
  };
  const resolver = new CommitResolver(source, log);
  const patched = new PatchedFiles(resolver, service, log);
  const disposables: vscode.Disposable[] = [
    resolver,
    patched,
    vscode.workspace.registerTextDocumentContentProvider(PATCHED_SCHEME, patched),
    registerConfigLens(service),
  ];

  const command = (id: CodeLinkCommandId, fn: (...args: never[]) => unknown): void => {
    disposables.push(registerCommand(id, log, fn));
  };

  const handlers: CodeLinkDeps = { service, resolver, patched, treeView };
  command('runlens.openCommit', (node?: unknown) => openCommit(handlers, node));
  command('runlens.compareCodeOfRuns', (a?: unknown, b?: unknown) => compareCodeOfRuns(handlers, a, b));
  command('runlens.findMetricInCode', (key?: unknown) => findMetricInCode(handlers, key));

  return { disposable: vscode.Disposable.from(...disposables), resolver };
}
