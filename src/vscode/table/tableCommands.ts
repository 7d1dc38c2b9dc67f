import * as vscode from 'vscode';
import type { TableQueryState } from '../../protocol';
import { registerCommand } from '../commandBoundary';
import type { IndexService } from '../indexService';
import type { RunMarks } from '../runMarks';
import { RunsTablePanel, type RunsTableDeps } from './runsTablePanel';

export interface TableCommandDeps {
  service: IndexService;
  marks: RunMarks;
  log: vscode.LogOutputChannel;
  extensionUri: vscode.Uri;
  compare(runIds: string[], baselineId?: string): void;
  saveView?(state: TableQueryState): Promise<void>;
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
  };
  const open = async (query?: TableQueryState, title?: string): Promise<RunsTablePanel | undefined> => {
    await deps.service.ready;
    if (!deps.service.index) {
      void vscode.window.showInformationMessage('Runlens: no run index yet — open a folder with runs');
      return undefined;
    }
    const panel = RunsTablePanel.open(tableDeps, query, title);
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
  const command = (id: 'runlens.openRunsTable', fn: () => unknown): vscode.Disposable =>
    registerCommand(id, deps.log, fn);
  const disposable = vscode.Disposable.from(
    command('runlens.openRunsTable', () => open()),
    { dispose: () => [...panels].forEach((p) => p.dispose()) },
  );
  return { disposable, open, lastState: () => last?.queryState };
}
