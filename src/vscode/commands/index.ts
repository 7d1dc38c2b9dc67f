import * as vscode from 'vscode';
import { registerCommand } from '../commandBoundary';
import type { CommandId } from '../commandIds';
import { compareRuns, compareThisRunWith, pickRunsToCompare } from './compare';
import type { CommandDeps } from './context';
import { queryRuns } from './query';
import {
  clearFilter,
  copyRunId,
  filterRuns,
  groupBy,
  openRunFiles,
  refresh,
  revealRun,
  setBaseline,
  setStarred,
  showLog,
  showProblems,
} from './runs';

export type { CommandDeps } from './context';

/**
 * Registers the tree's, the compare's and the query's commands, each a named handler (runs.ts, compare.ts, query.ts)
 * behind the one error boundary (commandBoundary.ts). The code-link commands register with the code links.
 */
export function registerCommands(deps: CommandDeps): vscode.Disposable {
  const disposables: vscode.Disposable[] = [];
  const command = (id: CommandId, fn: (...args: never[]) => unknown): void => {
    disposables.push(registerCommand(id, deps.log, fn));
  };
  command('runlens.refresh', () => refresh(deps));
  command('runlens.groupBy', () => groupBy(deps));
  command('runlens.filter', () => filterRuns(deps));
  command('runlens.clearFilter', () => clearFilter(deps));
  command('runlens.compareRuns', (node?: unknown, selected?: unknown) => compareRuns(deps, node, selected));
  command('runlens.pickRunsToCompare', () => pickRunsToCompare(deps));
  command('runlens.compareThisRunWith', (uri?: vscode.Uri) => compareThisRunWith(deps, uri));
  command('runlens.setBaseline', (node?: unknown) => setBaseline(deps, node));
  command('runlens.star', (node?: unknown, selected?: unknown) => setStarred(deps, true, node, selected));
  command('runlens.unstar', (node?: unknown, selected?: unknown) => setStarred(deps, false, node, selected));
  command('runlens.revealRun', (node?: unknown) => revealRun(deps, node));
  command('runlens.openRunFiles', (node?: unknown) => openRunFiles(deps, node));
  command('runlens.copyRunId', (node?: unknown, selected?: unknown) => copyRunId(deps, node, selected));
  command('runlens.queryRuns', (sql?: unknown) => queryRuns(deps, sql));
  command('runlens.showProblems', () => showProblems(deps));
  command('runlens.showLog', () => showLog(deps));
  return vscode.Disposable.from(...disposables);
}
