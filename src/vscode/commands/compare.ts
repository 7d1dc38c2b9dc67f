import * as vscode from 'vscode';
import type { Run } from '../../core/model';
import { pickRuns } from '../runPicker';
import type { CommandDeps } from './context';
import { runOfFile, runsMeant } from './runsMeant';

/**
 * Compare Runs: two or more runs meant are compared (the baseline first when it is one of them); one run is compared
 * with the baseline, or with runs the user picks; none opens the picker.
 */
export async function compareRuns(deps: CommandDeps, node?: unknown, selected?: unknown): Promise<unknown> {
  const { service, marks } = deps;
  const runs = runsMeant(service, deps.treeView, node, selected);
  if (runs.length >= 2)
    return deps.compare(
      runs.map((r) => r.id),
      marks.baseline && runs.some((r) => r.id === marks.baseline) ? marks.baseline : undefined,
    );
  if (runs.length === 1) {
    const only = runs[0]!;
    if (marks.baseline && marks.baseline !== only.id && (service.index?.runsByIds([marks.baseline]) ?? []).length)
      return deps.compare([marks.baseline, only.id], marks.baseline);
    const others = await pickRuns(
      allRuns(deps).filter((r) => r.id !== only.id),
      { title: `Compare "${only.name}" with…`, minimum: 1 },
    );
    if (others) deps.compare([only.id, ...others.map((r) => r.id)], only.id);
    return;
  }
  return vscode.commands.executeCommand('runlens.pickRunsToCompare');
}

/** Choose Runs to Compare…: a pick of the runs the tree shows (all runs when the filter hides every one). */
export async function pickRunsToCompare(deps: CommandDeps): Promise<void> {
  const { service, tree, marks } = deps;
  await service.ready;
  const runs = allRuns(deps);
  if (runs.length < 2) {
    void vscode.window.showInformationMessage(
      `Runlens: ${runs.length === 0 ? 'no runs found in this workspace yet' : 'only one run found'} — nothing to compare.`,
    );
    return;
  }
  const picked = await pickRuns(tree.visibleRuns().length ? tree.visibleRuns() : runs, {
    title: 'Runlens: Choose Runs to Compare',
    preselect: marks.baseline ? [marks.baseline] : [],
    minimum: 2,
  });
  if (picked)
    deps.compare(
      picked.map((r) => r.id),
      marks.baseline && picked.some((r) => r.id === marks.baseline) ? marks.baseline : undefined,
    );
}

/** Compare This Run With…: the run of the file in the editor, with runs the user picks. */
export async function compareThisRunWith(deps: CommandDeps, uri?: vscode.Uri): Promise<void> {
  const file = uri?.fsPath ?? vscode.window.activeTextEditor?.document.uri.fsPath;
  const run = file ? runOfFile(deps.service, file) : undefined;
  if (!run) {
    void vscode.window.showInformationMessage('Runlens: this file does not belong to an indexed run.');
    return;
  }
  const others = await pickRuns(
    allRuns(deps).filter((r) => r.id !== run.id),
    { title: `Compare "${run.name}" with…`, minimum: 1 },
  );
  if (others) deps.compare([run.id, ...others.map((r) => r.id)], run.id);
}

function allRuns({ service }: CommandDeps): Run[] {
  return service.index?.runs() ?? [];
}
