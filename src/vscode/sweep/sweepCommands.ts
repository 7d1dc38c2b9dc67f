import * as vscode from 'vscode';
import type { TableQueryState } from '../../protocol';
import { registerCommand } from '../commandBoundary';
import { runIdsMeant } from '../commands/runsMeant';
import type { IndexService } from '../indexService';
import type { RunsNode } from '../runsTree';
import { readSettings } from '../settings';
import { SweepPanel, type SweepDeps, type SweepRuns } from './sweepPanel';

export interface SweepCommandDeps {
  service: IndexService;
  treeView: Pick<vscode.TreeView<RunsNode>, 'selection'>;
  log: vscode.LogOutputChannel;
  extensionUri: vscode.Uri;
  compare(runIds: string[]): void;
  openTable(query: TableQueryState, title: string): Promise<unknown>;
}

/**
 * The runs "Show Sweep" was meant for: a saved view's runs (its filter), a group's runs, two or more selected runs;
 * else every run.
 */
export function sweepRunsMeant(
  treeView: Pick<vscode.TreeView<RunsNode>, 'selection'> | undefined,
  node?: unknown,
  selected?: unknown,
): SweepRuns {
  const view = node as { name?: unknown; view?: { filter?: unknown } } | undefined;
  if (view && typeof view.name === 'string' && typeof view.view?.filter === 'string')
    return { title: `view ${view.name}`, filter: view.view.filter };
  const group = node as { kind?: unknown; label?: unknown } | undefined;
  const ids = runIdsMeant(treeView, node, selected);
  if (group?.kind === 'group' && (!Array.isArray(selected) || selected.length <= 1))
    return { title: `group ${String(group.label)}`, ids };
  return ids.length >= 2 ? { title: `${ids.length} runs`, ids } : { title: 'all runs', filter: '' };
}

/** "Runlens: Show Sweep" and the open sweep panels. */
export function registerSweepCommands(deps: SweepCommandDeps): {
  disposable: vscode.Disposable;
  open(runs: SweepRuns): Promise<SweepPanel | undefined>;
} {
  const panels = new Set<SweepPanel>();
  const sweepDeps: SweepDeps = {
    extensionUri: deps.extensionUri,
    store: () => deps.service.index,
    onDidChangeIndex: deps.service.onDidChange,
    log: deps.log,
    compare: deps.compare,
    openTable: deps.openTable,
    preferredMetric: () => readSettings().keyMetric || undefined,
  };
  const open = async (runs: SweepRuns): Promise<SweepPanel | undefined> => {
    await deps.service.ready;
    if (!deps.service.index) {
      void vscode.window.showInformationMessage('Runlens: no run index yet — open a folder with runs');
      return undefined;
    }
    const panel = SweepPanel.open(sweepDeps, runs);
    panels.add(panel);
    panel.panel.onDidDispose(() => panels.delete(panel));
    return panel;
  };
  const command = (id: 'runlens.showSweep', fn: (node?: unknown, selected?: unknown) => unknown): vscode.Disposable =>
    registerCommand(id, deps.log, fn);
  const disposable = vscode.Disposable.from(
    command('runlens.showSweep', (node?: unknown, selected?: unknown) =>
      open(sweepRunsMeant(deps.treeView, node, selected)),
    ),
    { dispose: () => [...panels].forEach((p) => p.dispose()) },
  );
  return { disposable, open };
}
