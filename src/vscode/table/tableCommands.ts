import * as vscode from 'vscode';
import type { TableQueryState } from '../../protocol';
import { registerCommand } from '../commandBoundary';
import type { IndexService } from '../indexService';
import type { RunMarks } from '../runMarks';
import { RunsTablePanel, TABLE_VIEW_TYPE, type RunsTableDeps } from './runsTablePanel';

export interface TableCommandDeps {
  service: IndexService;
  marks: RunMarks;
  log: vscode.LogOutputChannel;
  extensionUri: vscode.Uri;
  compare(runIds: string[], baselineId?: string): void;
  saveView?(state: TableQueryState): Promise<void>;
  showSweep?: RunsTableDeps['showSweep'];
}

/** The runs table's command and the one place it is coupled to the index. Returns what to dispose. */
export function registerTableCommands(deps: TableCommandDeps): {
  disposable: vscode.Disposable;
  open(query?: TableQueryState, title?: string): Promise<RunsTablePanel | undefined>;
  /** The query of the table focused last (what "Save View…" from the palette saves). */
  lastState(): TableQueryState | undefined;
} {
  const panels = new Set<RunsTablePanel>();
  let last: RunsTablePanel | undefined;
  const tableDeps: RunsTableDeps = {
    extensionUri: deps.extensionUri,
    store: () => deps.service.index,
    onDidChangeIndex: deps.service.onDidChange,
    marks: deps.marks,
    log: deps.log,
    compare: deps.compare,
    saveView: deps.saveView,
    showSweep: deps.showSweep,
  };
  const track = (panel: RunsTablePanel): RunsTablePanel => {
    panels.add(panel);
    last = panel;
    panel.panel.onDidChangeViewState((e) => {
      if (e.webviewPanel.active) last = panel;
    });
    panel.panel.onDidDispose(() => {
      panels.delete(panel);
      if (last === panel) last = undefined;
    });
    return panel;
  };
  const open = async (query?: TableQueryState, title?: string): Promise<RunsTablePanel | undefined> => {
    await deps.service.ready;
    if (!deps.service.index) {
      void vscode.window.showInformationMessage('Runlens: no run index yet — open a folder with runs');
      return undefined;
    }
    return track(RunsTablePanel.open(tableDeps, query, title));
  };
  const command = (id: 'runlens.openRunsTable', fn: () => unknown): vscode.Disposable =>
    registerCommand(id, deps.log, fn);
  const disposable = vscode.Disposable.from(
    command('runlens.openRunsTable', () => open()),
    vscode.window.registerWebviewPanelSerializer(TABLE_VIEW_TYPE, {
      // A table restored after a reload waits for the index (a warm start makes that quick), then re-attaches.
      async deserializeWebviewPanel(panel, state: unknown) {
        await deps.service.ready;
        if (deps.service.index) track(RunsTablePanel.restore(tableDeps, panel, state));
        else panel.dispose();
      },
    }),
    { dispose: () => [...panels].forEach((p) => p.dispose()) },
  );
  return { disposable, open, lastState: () => last?.queryState };
}
