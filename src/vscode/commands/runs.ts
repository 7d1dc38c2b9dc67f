import { filterHint } from '../treeFilter';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GroupBy } from '../settings';
import type { CommandDeps } from './context';
import { runsMeant } from './runsMeant';

/** Runlens: Refresh. */
export function refresh({ service }: CommandDeps): Promise<void> {
  return service.reindex();
}

/** Runlens: Group Runs By… */
export async function groupBy({ tree }: CommandDeps): Promise<void> {
  const options: Array<vscode.QuickPickItem & { value: GroupBy }> = [
    { label: 'Experiment', value: 'experiment', description: 'MLflow experiment, Sacred experiment, W&B project…' },
    { label: 'Format', value: 'format', description: 'the tool that wrote the run' },
    { label: 'Commit', value: 'commit', description: 'the git commit the run recorded' },
    {
      label: 'Configuration (seeds grouped)',
      value: 'configuration',
      description: 'every param but the seed: n and the key metric’s mean ± std',
    },
    { label: 'None', value: 'none', description: 'one flat list' },
  ];
  const pick = await vscode.window.showQuickPick(
    options.map((o) => ({
      ...o,
      picked: o.value === tree.grouping,
      label: o.value === tree.grouping ? `$(check) ${o.label}` : o.label,
    })),
    { title: 'Runlens: Group Runs By' },
  );
  if (pick) tree.setGroupBy(pick.value);
}

/** Runlens: Filter Runs… */
export async function filterRuns({ tree }: CommandDeps): Promise<void> {
  const text = await vscode.window.showInputBox({
    title: 'Runlens: Filter Runs',
    prompt:
      'A filter such as params.lr < 1e-3 and metrics.val_loss.min <= 0.3 (see docs/filters.md), or text in a run name, path, param or metric name',
    value: tree.filter,
    validateInput: (t) => {
      const hint = filterHint(t);
      return hint ? { message: hint, severity: vscode.InputBoxValidationSeverity.Warning } : undefined;
    },
  });
  if (text !== undefined) tree.setFilter(text);
}

/** Runlens: Clear Filter. */
export function clearFilter({ tree }: CommandDeps): void {
  tree.setFilter('');
}

/** Set as Baseline (the first run meant). */
export async function setBaseline(deps: CommandDeps, node?: unknown): Promise<void> {
  const [run] = runsMeant(deps.service, deps.treeView, node);
  if (run) await deps.marks.setBaseline(run.id);
}

/** Star Run / Unstar Run (every run meant). */
export async function setStarred(
  deps: CommandDeps,
  starred: boolean,
  node?: unknown,
  selected?: unknown,
): Promise<void> {
  await deps.marks.setStarred(
    runsMeant(deps.service, deps.treeView, node, selected).map((r) => r.id),
    starred,
  );
}

/** Reveal Run in Explorer. */
export async function revealRun({ service, treeView }: CommandDeps, node?: unknown): Promise<void> {
  const [run] = runsMeant(service, treeView, node);
  const abs = run && service.index?.absPath(run);
  if (abs) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(abs));
}

/** Open Run Files: the one file, or a pick of the files the run's last read opened. */
export async function openRunFiles({ service, treeView }: CommandDeps, node?: unknown): Promise<void> {
  const [run] = runsMeant(service, treeView, node);
  if (!run || !service.index) return;
  const files = service.index.filesOf(run.id);
  if (files.length === 0) return;
  const pick =
    files.length === 1
      ? files[0]
      : (
          await vscode.window.showQuickPick(
            files.map((f) => ({ label: path.basename(f), description: vscode.workspace.asRelativePath(f), file: f })),
            { title: `Files of "${run.name}"` },
          )
        )?.file;
  if (pick) await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(pick));
}

/** Copy Run Id (every run meant, one a line). */
export async function copyRunId({ service, treeView }: CommandDeps, node?: unknown, selected?: unknown): Promise<void> {
  const ids = runsMeant(service, treeView, node, selected).map((r) => r.id);
  if (ids.length) {
    await vscode.env.clipboard.writeText(ids.join('\n'));
    vscode.window.setStatusBarMessage(`Runlens: copied ${ids.length === 1 ? ids[0] : `${ids.length} run ids`}`, 3000);
  }
}

/** Show Files That Could Not Be Read: a pick of the diagnostics; the chosen file opens. */
export async function showProblems({ service }: CommandDeps): Promise<void> {
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
}

/** Runlens: Show Log. */
export function showLog({ log }: CommandDeps): void {
  log.show();
}
