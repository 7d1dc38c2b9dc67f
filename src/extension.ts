import * as vscode from 'vscode';
import { registerAgentTools, type AgentTools } from './vscode/agentTools';
import { registerCodeLinks } from './vscode/codeLinks';
import { ComparePanels } from './vscode/compare/panels';
import type { PanelReview } from './vscode/compare/comparePanel';
import { registerCommands } from './vscode/commands';
import { registerSweepCommands } from './vscode/sweep/sweepCommands';
import { registerSources } from './vscode/sources';
import { registerTableCommands } from './vscode/table/tableCommands';
import { registerSavedViews, type SavedViewsProvider } from './vscode/views/savedViews';
import { trackActiveRunFile } from './vscode/editorContext';
import type { CommitResolver } from './vscode/git/commitResolver';
import { IndexService } from './vscode/indexService';
import { registerReview } from './vscode/review';
import { RunMarks } from './vscode/runMarks';
import { RunsTreeProvider, type RunsNode } from './vscode/runsTree';
import { INDEX_SETTINGS } from './vscode/settings';
import { createStatusBar } from './vscode/statusBar';

/** What activate() returns: the integration tests reach the running extension through it. */
export interface RunlensApi {
  service: IndexService;
  tree: RunsTreeProvider;
  marks: RunMarks;
  /** The compare panels, once the index is open (they follow the index it opened). */
  compare(): ComparePanels | undefined;
  /** Commit state of runs, resolved in the background through the git extension. */
  commits: CommitResolver;
  /** The language-model tools (agents read the runs through them). */
  agentTools: AgentTools;
  /** The saved views (.vscode/runlens/views/). */
  views: SavedViewsProvider;
}

/** Wiring only: every piece is built here and registered for disposal by whoever constructs it. */
export function activate(context: vscode.ExtensionContext): RunlensApi {
  const log = vscode.window.createOutputChannel('Runlens', { log: true });
  const service = new IndexService(context, log);
  const marks = new RunMarks(context.workspaceState);
  const tree = new RunsTreeProvider(service, marks, context.workspaceState);
  const treeView = vscode.window.createTreeView<RunsNode>('runlens.runs', {
    treeDataProvider: tree,
    canSelectMany: true,
    showCollapseAll: true,
  });
  const codeLinks = registerCodeLinks({ service, log, treeView });
  tree.useCommits(codeLinks.resolver);
  const agentTools = registerAgentTools(service);
  // The panels hold the WorkspaceIndex they read from: rebuilt when the index is (folders or settings changed).
  let panels: ComparePanels | undefined;
  const panelsFor = (): ComparePanels | undefined => {
    const index = service.index;
    if (!index) return undefined;
    if (!panels || panels.index !== index) {
      panels?.dispose();
      panels = new ComparePanels({
        index,
        extensionUri: context.extensionUri,
        log,
        workspaceState: context.workspaceState,
        openCommit: (runId) => void vscode.commands.executeCommand('runlens.openCommit', runId),
        revealRun: (runId) => void vscode.commands.executeCommand('runlens.revealRun', runId),
        compareCode: (a, b) => void vscode.commands.executeCommand('runlens.compareCodeOfRuns', a, b),
        findMetricInCode: (key) => void vscode.commands.executeCommand('runlens.findMetricInCode', key),
        commitState: (runId) => codeLinks.resolver.stateOf(runId),
        onDidChangeCommits: codeLinks.resolver.onDidChange,
      });
    }
    return panels;
  };
  const compare = (runIds: string[], baselineId?: string, review?: PanelReview): void => {
    const p = panelsFor();
    if (!p) throw new Error('the run index is not ready yet');
    p.open(runIds, { baselineId, review });
  };
  const table = registerTableCommands({
    service,
    marks,
    log,
    extensionUri: context.extensionUri,
    compare,
    saveView: async (state) => void (await views.provider.save(state)),
    // the table's "Sweep" button; `sweep` is registered below (it opens tables too), and this runs only later
    showSweep: (runs) => sweep.open(runs),
  });
  const views = registerSavedViews({
    log,
    openTable: (query, title) => table.open(query, title),
    currentTableState: () => table.lastState(),
  });
  const sweep = registerSweepCommands({
    service,
    treeView,
    log,
    extensionUri: context.extensionUri,
    compare,
    openTable: (query, title) => table.open(query, title),
  });
  tree.useSavedViews(views.provider);
  context.subscriptions.push(
    log,
    service,
    marks,
    tree,
    treeView,
    codeLinks.disposable,
    agentTools,
    registerCommands({ service, tree, treeView, marks, log, workspaceState: context.workspaceState, compare }),
    registerReview({ service, log, compare }),
    registerSources({ service, log, secrets: context.secrets }),
    table.disposable,
    views.disposable,
    sweep.disposable,
    createStatusBar(service),
    trackActiveRunFile(service),
    { dispose: () => panels?.dispose() },
    vscode.window.registerWebviewPanelSerializer('runlens.compare', {
      // A panel restored after a reload waits for the index (warm start makes that quick), then re-attaches.
      async deserializeWebviewPanel(panel, state) {
        await service.ready;
        const p = panelsFor();
        if (p) await p.restore(panel, state);
        else panel.dispose();
      },
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void service.start()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void service.start()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      const following = ['runlens.liveUpdates', 'runlens.watch'];
      if ([...INDEX_SETTINGS, ...following].some((s) => e.affectsConfiguration(s))) void service.start();
    }),
  );
  void service.start(); // never block activation on I/O
  return { service, tree, marks, compare: panelsFor, commits: codeLinks.resolver, agentTools, views: views.provider };
}

export function deactivate(): Promise<void> | undefined {
  return undefined;
}
