import type { SqlValue } from 'sql.js';
import { mdTable, sqlValueText } from '../compare/format';
import { QueryError } from '../db/runStore';
import { optInt, reqString, type Args } from './args';
import { toolResult, ToolInputError, type ToolResult } from './result';
import { readOnlyQuery, type ToolSource } from './source';
import { cleanText, quotedCell } from './untrusted';

/** Most rows one query returns to a model. */
export const MAX_SQL_ROWS = 500;

/** The tables, for the tool's description: a model writes better SQL when it knows the columns. */
export const SQL_SCHEMA_NOTE =
  'Tables: runs(id, format, path, name, experiment, status, start_time, end_time, git_commit, git_branch, git_dirty, git_remote, parent_id, deleted) with times in ms since the epoch (UTC); ' +
  'params(run_id, key, value, type); metrics(run_id, key, last, last_step, min, max, count) — one row per run and metric, summaries only, not curves; ' +
  'tags(run_id, key, value); diagnostics(path, severity, message) — files that could not be read.';

/** query_runs: one read-only SQL statement over the index, at most MAX_SQL_ROWS rows. */
export async function queryRuns(source: ToolSource, a: Args): Promise<ToolResult> {
  const sql = reqString(a, 'sql', 10_000);
  const maxRows = optInt(a, 'maxRows', 1, MAX_SQL_ROWS, 100);
  let result;
  try {
    result = await readOnlyQuery(source, sql, maxRows);
  } catch (err) {
    // The store's refusals and SQLite's errors are both the caller's to fix: say so as an input error.
    if (err instanceof QueryError) throw new ToolInputError(`query refused: ${err.message}`);
    throw err;
  }
  const cell = (v: SqlValue): string => sqlValueText(v, quotedCell);
  const lines = [
    `${result.rows.length} row${result.rows.length === 1 ? '' : 's'}${result.truncated ? ` (more exist; capped at ${maxRows})` : ''}.`,
    '',
  ];
  if (result.columns.length)
    lines.push(
      mdTable(
        result.columns.map((c) => cleanText(c)),
        result.rows.map((r) => r.map(cell)),
      ),
    );
  const rows = result.rows.map((r) => r.map((v) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v)));
  return toolResult(
    lines,
    { columns: result.columns, rows, truncated: result.truncated },
    result.truncated
      ? [`more rows exist than the ${maxRows} asked for (max ${MAX_SQL_ROWS}); aggregate or add LIMIT/WHERE`]
      : [],
  );
}
