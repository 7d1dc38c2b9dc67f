import * as path from 'node:path';
import * as vscode from 'vscode';
import { registerCommand } from './commandBoundary';
import type { Run } from '../core/model';
import type { CommandId } from './commandIds';
import type { IndexService } from './indexService';
import type { RunMarks } from './runMarks';
import { pickRuns } from './runPicker';
import type { RunsNode, RunsTreeProvider } from './runsTree';
import type { GroupBy } from './settings';
import { queryRunsWithSql } from './sqlConsole';

export interface CommandDeps {
  service: IndexService;
  tree: RunsTreeProvider;
  treeView: vscode.TreeView<RunsNode>;
  marks: RunMarks;
  log: vscode.LogOutputChannel;
  workspaceState: vscode.Memento;
  /** Opens a comparison of these runs (the compare panel). */
  compare(runIds: string[], baselineId?: string): void;
}

/**
 * Registers every command behind one wrapper: errors are logged with their stack and shown once as
 * "Runlens: …" with a way to the log — never as a raw stack trace.
 */
export function registerCommands(deps: CommandDeps): vscode.Disposable {
  const { service, tree, treeView, marks, log } = deps;
  const disposables: vscode.Disposable[] = [];
  const command = (id: CommandId, fn: (...args: any[]) => unknown): void => {
    disposables.push(registerCommand(id, log, fn));
  };

  const allRuns = (): Run[] => service.index?.runs() ?? [];
  const byIds = (ids: readonly string[]): Run[] => service.index?.runsByIds(ids) ?? [];
  /** Runs a tree command applies to: the clicked node plus the selection (multi-select), or the selection. */
  const targetRuns = (node?: unknown, selected?: unknown): Run[] => {
    const nodes: RunsNode[] = Array.isArray(selected) && selected.length ? selected : node ? [node as RunsNode] : [...treeView.selection];
    const ids = new Set<string>();
    for (const n of nodes) {
      if (typeof n === 'string') ids.add(n);
      else if (n?.kind === 'run') ids.add(n.run.id);
      else if (n?.kind === 'group') for (const r of n.runs) ids.add(r.id);
    }
    return byIds([...ids]);
  };

  command('runlens.refresh', () => service.reindex());

  command('runlens.groupBy', async () => {
    const options: Array<vscode.QuickPickItem & { value: GroupBy }> = [
      { label: 'Experiment', value: 'experiment', description: 'MLflow experiment, Sacred experiment, W&B project…' },
      { label: 'Format', value: 'format', description: 'the tool that wrote the run' },
      { label: 'Commit', value: 'commit', description: 'the git commit the run recorded' },
      { label: 'Configuration (seeds grouped)', value: 'configuration', description: 'every param but the seed: n and the key metric’s mean ± std' },
      { label: 'None', value: 'none', description: 'one flat list' },
    ];
    const pick = await vscode.window.showQuickPick(
      options.map((o) => ({ ...o, picked: o.value === tree.grouping, label: o.value === tree.grouping ? `$(check) ${o.label}` : o.label })),
      { title: 'Runlens: Group Runs By' },
    );
    if (pick) tree.setGroupBy(pick.value);
  });

  command('runlens.filter', async () => {
    const text = await vscode.window.showInputBox({
      title: 'Runlens: Filter Runs',
      prompt: 'Text in a run name, path, experiment, param ("lr=0.01") or metric name',
      value: tree.filter,
    });
    if (text !== undefined) tree.setFilter(text);
  });

  command('runlens.clearFilter', () => tree.setFilter(''));

  command('runlens.compareRuns', async (node?: unknown, selected?: unknown) => {
    const runs = targetRuns(node, selected);
    if (runs.length >= 2) return deps.compare(runs.map((r) => r.id), marks.baseline && runs.some((r) => r.id === marks.baseline) ? marks.baseline : undefined);
    if (runs.length === 1) {
      const only = runs[0]!;
      if (marks.baseline && marks.baseline !== only.id && byIds([marks.baseline]).length) return deps.compare([marks.baseline, only.id], marks.baseline);
      const others = await pickRuns(allRuns().filter((r) => r.id !== only.id), { title: `Compare "${only.name}" with…`, minimum: 1 });
      if (others) deps.compare([only.id, ...others.map((r) => r.id)], only.id);
      return;
    }
    return vscode.commands.executeCommand('runlens.pickRunsToCompare');
  });

  command('runlens.pickRunsToCompare', async () => {
    await service.ready;
    const runs = allRuns();
    if (runs.length < 2) {
      void vscode.window.showInformationMessage(`Runlens: ${runs.length === 0 ? 'no runs found in this workspace yet' : 'only one run found'} — nothing to compare.`);
      return;
    }
    const picked = await pickRuns(tree.visibleRuns().length ? tree.visibleRuns() : runs, { title: 'Runlens: Choose Runs to Compare', preselect: marks.baseline ? [marks.baseline] : [], minimum: 2 });
    if (picked) deps.compare(picked.map((r) => r.id), marks.baseline && picked.some((r) => r.id === marks.baseline) ? marks.baseline : undefined);
  });

  command('runlens.compareThisRunWith', async (uri?: vscode.Uri) => {
    const file = uri?.fsPath ?? vscode.window.activeTextEditor?.document.uri.fsPath;
    const run = file ? runOfFile(service, file) : undefined;
    if (!run) {
      void vscode.window.showInformationMessage('Runlens: this file does not belong to an indexed run.');
      return;
    }
    const others = await pickRuns(allRuns().filter((r) => r.id !== run.id), { title: `Compare "${run.name}" with…`, minimum: 1 });
    if (others) deps.compare([run.id, ...others.map((r) => r.id)], run.id);
  });

  command('runlens.setBaseline', async (node?: unknown) => {
    const [run] = targetRuns(node);
    if (run) await marks.setBaseline(run.id);
  });

  command('runlens.star', async (node?: unknown, selected?: unknown) => marks.setStarred(targetRuns(node, selected).map((r) => r.id), true));
  command('runlens.unstar', async (node?: unknown, selected?: unknown) => marks.setStarred(targetRuns(node, selected).map((r) => r.id), false));

  command('runlens.revealRun', async (node?: unknown) => {
    const [run] = targetRuns(node);
    const abs = run && service.index?.absPath(run);
    if (abs) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(abs));
  });

  command('runlens.openRunFiles', async (node?: unknown) => {
    const [run] = targetRuns(node);
    if (!run || !service.index) return;
    const files = service.index.filesOf(run.id);
    if (files.length === 0) return;
    const pick =
      files.length === 1
        ? files[0]
        : (await vscode.window.showQuickPick(files.map((f) => ({ label: path.basename(f), description: vscode.workspace.asRelativePath(f), file: f })), { title: `Files of "${run.name}"` }))?.file;
    if (pick) await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(pick));
  });

  command('runlens.copyRunId', async (node?: unknown, selected?: unknown) => {
    const ids = targetRuns(node, selected).map((r) => r.id);
    if (ids.length) {
      await vscode.env.clipboard.writeText(ids.join('\n'));
      vscode.window.setStatusBarMessage(`Runlens: copied ${ids.length === 1 ? ids[0] : `${ids.length} run ids`}`, 3000);
    }
  });

  command('runlens.queryRuns', async () => {
    await service.ready;
    if (service.index) await queryRunsWithSql(service.index.store, deps.workspaceState);
  });

  command('runlens.showProblems', async () => {
    const problems = service.index?.diagnostics() ?? [];
    if (problems.length === 0) {
      void vscode.window.showInformationMessage('Runlens: every run file was read without problems.');
      return;
    }
    const pick = await vscode.window.showQuickPick(
      problems.map((d) => ({ label: d.path, description: d.severity, detail: d.message, path: d.path })),
      { title: 'Runlens: files that could not be read', matchOnDetail: true },
    );
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (pick && folder) await vscode.commands.executeCommand('vscode.open', vscode.Uri.joinPath(folder.uri, pick.path));
  });

  command('runlens.showLog', () => log.show());

  return vscode.Disposable.from(...disposables);
}

/** The run a file belongs to: a file the run's source read, or the deepest run root holding it. */
export function runOfFile(service: IndexService, file: string): Run | undefined {
  const index = service.index;
  if (!index) return undefined;
  let best: { run: Run; depth: number } | undefined;
  for (const run of index.runs()) {
    const root = index.absPath(run);
    if (!root) continue;
    const rel = path.relative(root, file);
    const inside = rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
    if (inside && (!best || root.length > best.depth)) best = { run, depth: root.length };
  }
  return best?.run;
}
