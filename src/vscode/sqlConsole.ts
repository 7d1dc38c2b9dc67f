import * as vscode from 'vscode';
import { formatNumber, mdTable } from '../core/compare/format';
import { QueryError, type WorkspaceIndex } from '../core/index';

const EXAMPLE = "SELECT r.name, r.format, m.last AS val_loss FROM runs r JOIN metrics m ON m.run_id = r.id WHERE m.key LIKE '%loss%' ORDER BY m.last LIMIT 20";

/** "Query Runs with SQL…": one read-only statement over the index; the result opens as a Markdown table. */
export async function queryRunsWithSql(index: Pick<WorkspaceIndex, 'query'>, state: vscode.Memento): Promise<void> {
  const previous = state.get<string>('runlens.lastQuery') ?? EXAMPLE;
  const sql = await vscode.window.showInputBox({
    title: 'Runlens: Query Runs with SQL (read-only)',
    prompt: 'Tables: runs, params, metrics, tags, diagnostics — see the README for the schema',
    value: previous,
    ignoreFocusOut: true,
  });
  if (!sql) return;
  await state.update('runlens.lastQuery', sql);
  try {
    const result = index.query(sql, 5000);
    const rows = result.rows.map((r) => r.map((v) => (v === null ? 'NULL' : typeof v === 'number' ? formatNumber(v) : v instanceof Uint8Array ? `<${v.length} bytes>` : String(v))));
    const text = [
      `<!-- Runlens query result (read-only index) -->`,
      '',
      '```sql',
      sql.replace(/```/g, '` ` `'),
      '```',
      '',
      result.columns.length ? mdTable(result.columns, rows) : '_No columns._',
      '',
      `${result.rows.length} row${result.rows.length === 1 ? '' : 's'}${result.truncated ? ' (truncated at 5000)' : ''}`,
      '',
    ].join('\n');
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: text });
    await vscode.window.showTextDocument(doc, { preview: true });
  } catch (err) {
    if (err instanceof QueryError) {
      void vscode.window.showErrorMessage(`Runlens: ${err.message}`);
      return;
    }
    throw err;
  }
}
