import type { QueryResult, WorkspaceIndex } from '../index';
import type { Run } from '../model';
import { runMatchesText } from '../runFilter';

/**
 * What the tools read: the runs and the store's read-only parts. Nothing here can change the index — `apply`,
 * `dispose` and the indexers are out of reach by type.
 */
export interface ToolSource {
  /** Every run, in the index's order (format, then path). */
  runs(): readonly Run[];
  store: Pick<WorkspaceIndex, 'resolveRun' | 'query' | 'runsByIds'>;
}

/**
 * The one place a `filter` argument becomes a set of runs. Today: the Runs view's text filter. The filter language
 * (src/core/filter/, `params.lr < 1e-3 and …`) plugs in here, and the tools' schemas describe it.
 */
export function filterRuns(runs: readonly Run[], filter: string | undefined): Run[] {
  const needle = (filter ?? '').trim().toLowerCase();
  return needle ? runs.filter((r) => runMatchesText(r, needle)) : [...runs];
}

/**
 * The one place a tool runs SQL: the store's read-only query (one statement, `PRAGMA query_only`, a row cap).
 * sql.js cannot interrupt a statement, so the time limit comes with the console's worker once it exists; swap it
 * in here.
 */
export async function readOnlyQuery(source: ToolSource, sql: string, maxRows: number): Promise<QueryResult> {
  return source.store.query(sql, maxRows);
}
