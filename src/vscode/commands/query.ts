import type { CommandDeps } from './context';
import { queryRunsWithSql } from '../sqlConsole';

/** Query Runs with SQL…, once the index is ready. */
export async function queryRuns({ service, workspaceState }: CommandDeps, sql?: unknown): Promise<unknown> {
  await service.ready;
  // A string argument (tests, keybindings) is the query; from the tree's menu the argument is not one.
  if (service.index) return queryRunsWithSql(service.index, workspaceState, typeof sql === 'string' ? sql : undefined);
  return undefined;
}
