import { FilterError } from '../filter/lexer';
import { QueryError, QueryTimeoutError, type QueryResult, type WorkspaceIndex } from '../index';
import type { Run } from '../model';
import { runMatchesText } from '../runFilter';

/** A tool's SQL runs in a worker thread of its own and is stopped after this long. */
export const SQL_TIME_LIMIT_MS = 10_000;

/**
 * What the tools read: the runs and the store's read-only parts. Nothing here can change the index — `apply`,
 * `dispose` and the indexers are out of reach by type.
 */
export interface ToolSource {
  /** Every run, in the index's order (format, then path). */
  runs(): readonly Run[];
  store: Pick<WorkspaceIndex, 'resolveRun' | 'query' | 'runsByIds' | 'runIdsWhere' | 'queryOffThread'>;
  /** SQL's time limit (default SQL_TIME_LIMIT_MS). */
  sqlTimeLimitMs?: number;
}

/**
 * The one place a `filter` argument becomes a set of runs, as in the Runs view's filter box: text that parses as a
 * filter expression (docs/filters.md: `params.lr < 1e-3 and metrics.val_loss.min <= 0.3`) selects through the
 * index; any other text is a case-insensitive substring of a run's name, path, params or metric names.
 */
export function filterRuns(source: ToolSource, filter: string | undefined): Run[] {
  const runs = source.runs();
  const text = (filter ?? '').trim();
  if (!text) return [...runs];
  try {
    const ids = new Set(source.store.runIdsWhere(text));
    return runs.filter((r) => ids.has(r.id));
  } catch (e) {
    if (!(e instanceof FilterError)) throw e;
  }
  const needle = text.toLowerCase();
  return runs.filter((r) => runMatchesText(r, needle));
}

/**
 * The one place a tool runs SQL: the console's rules (one statement, `PRAGMA query_only`, a row cap), in a worker
 * thread over a copy of the index, stopped after SQL_TIME_LIMIT_MS — a runaway query costs the caller nothing.
 */
export async function readOnlyQuery(source: ToolSource, sql: string, maxRows: number): Promise<QueryResult> {
  try {
    return await source.store.queryOffThread(sql, { timeoutMs: source.sqlTimeLimitMs ?? SQL_TIME_LIMIT_MS, maxRows });
  } catch (e) {
    // A query stopped at the limit is the caller's to change, like any refusal.
    if (e instanceof QueryTimeoutError) throw new QueryError(`${e.message}: make it cheaper (LIMIT, fewer joins)`);
    throw e;
  }
}
