import * as vscode from 'vscode';
import { registerCommands } from './vscode/commands';
import { trackActiveRunFile } from './vscode/editorContext';
import { IndexService } from './vscode/indexService';
import { RunMarks } from './vscode/runMarks';
import { RunsTreeProvider, type RunsNode } from './vscode/runsTree';
import { INDEX_SETTINGS } from './vscode/settings';
import { createStatusBar } from './vscode/statusBar';

/** What activate() returns: the integration tests reach the running extension through it. */
export interface RunlensApi {
  service: IndexService;
  tree: RunsTreeProvider;
  marks: RunMarks;
}

/** Wiring only: every piece is built here and registered for disposal by whoever constructs it. */
export function activate(context: vscode.ExtensionContext): RunlensApi {
  const log = vscode.window.createOutputChannel('Runlens', { log: true });
  const service = new IndexService(context, log);
  const marks = new RunMarks(context.workspaceState);
  const tree = new RunsTreeProvider(service, marks, context.workspaceState);
  const treeView = vscode.window.createTreeView<RunsNode>('runlens.runs', { treeDataProvider: tree, canSelectMany: true, showCollapseAll: true });
  const compare = (runIds: string[], baselineId?: string): void => {
    void vscode.window.showInformationMessage(`Runlens: comparing ${runIds.length} runs${baselineId ? '' : ''}`);
  };
  context.subscriptions.push(
    log,
    service,
    marks,
    tree,
    treeView,
    registerCommands({ service, tree, treeView, marks, log, workspaceState: context.workspaceState, compare }),
    createStatusBar(service),
    trackActiveRunFile(service),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void service.start()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (INDEX_SETTINGS.some((s) => e.affectsConfiguration(s)) || e.affectsConfiguration('runlens.liveUpdates')) void service.start();
    }),
  );
  void service.start(); // never block activation on I/O
  return { service, tree, marks };
}

export function deactivate(): Promise<void> | undefined {
  return undefined;
}
