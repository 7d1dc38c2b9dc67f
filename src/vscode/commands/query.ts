import type { CommandDeps } from './context';
import { queryRunsWithSql } from '../sqlConsole';

/** Query Runs with SQL…, once the index is ready. */
export async function queryRuns({ service, workspaceState }: CommandDeps): Promise<void> {
  await service.ready;
  if (service.index) await queryRunsWithSql(service.index, workspaceState);
}
