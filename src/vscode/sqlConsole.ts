import * as vscode from 'vscode';
import { mdTable, sqlValueText } from '../core/compare/format';
import {
  QueryCancelledError,
  QueryError,
  QueryTimeoutError,
  type QueryResult,
  type WorkspaceIndex,
} from '../core/index';
import { readSettings } from './settings';

const EXAMPLE =
  "SELECT r.name, r.format, m.last AS val_loss FROM runs r JOIN metrics m ON m.run_id = r.id WHERE m.key LIKE '%loss%' ORDER BY m.last LIMIT 20";
const MAX_ROWS = 5000;

/** How a console query ended (the command's return value, which the integration tests read). */
export type ConsoleOutcome = 'shown' | 'stopped' | 'cancelled' | 'refused' | 'dismissed';

/**
 * "Query Runs with SQL…": one read-only statement over a copy of the index, run in a worker thread under the
 * `runlens.queryTimeout` limit with Cancel in the progress notification, so no query can hang the extension host.
 * The result opens as a Markdown table. `sql` given (a command argument) skips the input box.
 */
export async function queryRunsWithSql(
  index: Pick<WorkspaceIndex, 'queryOffThread'>,
  state: vscode.Memento,
  sql?: string,
): Promise<ConsoleOutcome> {
  sql ??= await vscode.window.showInputBox({
    title: 'Runlens: Query Runs with SQL (read-only)',
    prompt: 'Tables: runs, params, metrics, tags, diagnostics — see the README for the schema',
    value: state.get<string>('runlens.lastQuery') ?? EXAMPLE,
    ignoreFocusOut: true,
  });
  if (!sql) return 'dismissed';
  await state.update('runlens.lastQuery', sql);
  const timeoutMs = readSettings().queryTimeoutMs;
  let result: QueryResult;
  try {
    result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Runlens: running the query (stops after ${timeoutMs / 1000} s)`,
        cancellable: true,
      },
      (_progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return index.queryOffThread(sql!, { timeoutMs, maxRows: MAX_ROWS }, abort.signal);
      },
    );
  } catch (err) {
    if (err instanceof QueryTimeoutError) {
      void vscode.window
        .showWarningMessage(`Runlens: ${err.message} (the runlens.queryTimeout setting)`, 'Open Settings')
        .then((a) => {
          if (a) void vscode.commands.executeCommand('workbench.action.openSettings', 'runlens.queryTimeout');
        });
      return 'stopped';
    }
    if (err instanceof QueryCancelledError) return 'cancelled';
    if (err instanceof QueryError) {
      void vscode.window.showErrorMessage(`Runlens: ${err.message}`);
      return 'refused';
    }
    throw err;
  }
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: resultMarkdown(sql, result) });
  await vscode.window.showTextDocument(doc, { preview: true });
  return 'shown';
}

function resultMarkdown(sql: string, result: QueryResult): string {
  const rows = result.rows.map((r) => r.map((v) => sqlValueText(v)));
  const n = `${result.rows.length} row${result.rows.length === 1 ? '' : 's'}`;
  const count = result.overBytes
    ? `${n} shown: the query returned more, and the values passed the console's 64 MB budget. Select fewer or shorter columns.`
    : result.truncated
      ? `${n} shown: the query returned more (the console shows at most ${MAX_ROWS}). Add a LIMIT or a WHERE, or use \`runlens query\`.`
      : n;
  return [
    '<!-- Runlens query result (read-only index) -->',
    '',
    '```sql',
    sql.replace(/```/g, '` ` `'),
    '```',
    '',
    result.columns.length ? mdTable(result.columns, rows) : '_No columns._',
    '',
    count,
    '',
  ].join('\n');
}
