import * as vscode from 'vscode';
import type { WorkspaceIndex } from '../../core/index';
import { RunsTableModel } from '../../core/table/runsTable';
import { parseSavedView, viewToQuery } from '../../core/views/savedView';
import { assertNever, type TableQueryState, type TableToHost, type TableToWebview } from '../../protocol';
import type { RunMarks } from '../runMarks';
import { sourceCells } from '../sourceBadge';
import { newNonce, renderWebviewHtml } from '../webviewHtml';

export const TABLE_VIEW_TYPE = 'runlens.runsTable';

/** What the table needs from the rest of the extension: the index, the marks, and the other commands it starts. */
export interface RunsTableDeps {
  extensionUri: vscode.Uri;
  /** The open index's store, when there is one. */
  store(): WorkspaceIndex | undefined;
  onDidChangeIndex: vscode.Event<unknown>;
  marks: RunMarks;
  log: vscode.LogOutputChannel;
  compare(runIds: string[], baselineId?: string): void;
  /** "Save View…": asks for a name and writes the view (saved views, src/vscode/views/). */
  saveView?(state: TableQueryState): Promise<void>;
  /** "Sweep": the Sweep view of fixed runs, or of the runs a filter keeps (src/vscode/sweep/). */
  showSweep?(runs: { title: string; ids: string[] } | { title: string; filter: string }): Promise<unknown>;
}

export const DEFAULT_TABLE_QUERY: TableQueryState = {
  filter: '',
  columns: [],
  sort: null,
  onlyDiffs: true,
  baselineId: null,
};

/**
 * "Runlens: Open Runs Table": runs as rows in an editor tab. The page asks for windows of rows as it scrolls; the
 * model (core/table/runsTable.ts) answers them with SQL. Index changes and marks re-post the state with a new
 * version, and the page re-requests the rows it shows, keeping its scroll position and selection.
 */
export class RunsTablePanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private model: RunsTableModel | undefined;
  private version = 0;
  private ready = false;

  static open(deps: RunsTableDeps, query: TableQueryState = DEFAULT_TABLE_QUERY, title = 'Runs'): RunsTablePanel {
    const panel = vscode.window.createWebviewPanel(TABLE_VIEW_TYPE, title, vscode.ViewColumn.Active, {
      ...webviewOptions(deps),
      retainContextWhenHidden: true,
    });
    return new RunsTablePanel(panel, deps, query);
  }

  /**
   * Re-attaches a table VS Code restored after a window reload. Its page kept its query (filter, columns, sort) in
   * the webview state, written as a saved view is and read back through the same checks; a state that does not
   * pass them opens the default table.
   */
  static restore(deps: RunsTableDeps, panel: vscode.WebviewPanel, state: unknown): RunsTablePanel {
    panel.webview.options = webviewOptions(deps);
    const parsed = state ? parseSavedView(JSON.stringify(state)) : undefined;
    if (parsed && 'problem' in parsed) deps.log.warn(`runs table: restored state ignored: ${parsed.problem}`);
    return new RunsTablePanel(panel, deps, parsed && 'view' in parsed ? viewToQuery(parsed.view) : DEFAULT_TABLE_QUERY);
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly deps: RunsTableDeps,
    private query: TableQueryState,
  ) {
    const webview = panel.webview;
    webview.html = renderWebviewHtml({
      title: 'Runs',
      loading: 'Loading runs…',
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(deps.extensionUri, 'dist', 'table.js')).toString(),
      sharedStyleUri: webview.asWebviewUri(vscode.Uri.joinPath(deps.extensionUri, 'media', 'page.css')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(deps.extensionUri, 'media', 'table.css')).toString(),
      codiconsUri: webview.asWebviewUri(vscode.Uri.joinPath(deps.extensionUri, 'dist', 'codicon.css')).toString(),
      nonce: newNonce(),
    });
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'runlens.svg');
    this.query = { ...query, baselineId: query.baselineId ?? deps.marks.baseline ?? null };
    this.disposables.push(
      webview.onDidReceiveMessage((m: TableToHost) => this.onMessage(m).catch((err: unknown) => this.fail(err))),
      deps.onDidChangeIndex(() => {
        this.model?.indexChanged();
        this.postState();
      }),
      deps.marks.onDidChange(() => {
        this.query = { ...this.query, baselineId: deps.marks.baseline ?? null };
        this.postState();
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** The state a saved view records. */
  get queryState(): TableQueryState {
    return this.query;
  }

  private post(msg: TableToWebview): void {
    if (this.ready) void this.panel.webview.postMessage(msg);
  }

  private postState(): void {
    const store = this.deps.store();
    if (!store || !this.ready) return;
    if (!this.model) this.model = new RunsTableModel(store, this.query);
    const state = this.model.update(this.query, this.deps.marks.starred(), ++this.version);
    this.post({ type: 'didLoad', state: { ...state, sources: sourceCells(store.sources()) } });
  }

  private async onMessage(m: TableToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.postState();
        return;
      case 'setQuery':
        this.query = { ...m.query, baselineId: this.query.baselineId };
        this.postState();
        return;
      case 'loadRows': {
        if (!this.model || m.version !== this.version) return; // an older state's request: its reply would be dropped
        const limit = Math.max(0, Math.min(m.limit, 1000));
        this.post({
          type: 'didLoadRows',
          requestId: m.requestId,
          version: this.version,
          offset: m.offset,
          rows: this.model.rows(m.offset, limit),
        });
        return;
      }
      case 'toggleStar':
        await this.deps.marks.setStarred([m.runId], !this.deps.marks.isStarred(m.runId));
        return;
      case 'setBaseline':
        await this.deps.marks.setBaseline(m.runId ?? undefined);
        return;
      case 'compare':
        if (m.runIds.length >= 2)
          this.deps.compare(
            m.runIds,
            this.query.baselineId && m.runIds.includes(this.query.baselineId) ? this.query.baselineId : undefined,
          );
        else void vscode.window.showInformationMessage('Runlens: select at least two runs to compare');
        return;
      case 'copy': {
        if (!this.model) return;
        const state = this.model.update(this.query, this.deps.marks.starred(), this.version);
        await vscode.env.clipboard.writeText(
          this.model.copy(
            m.format,
            m.runIds,
            state.shown.map((c) => c.label),
          ),
        );
        vscode.window.setStatusBarMessage(
          `Runlens: copied ${m.runIds.length || state.total} runs as ${m.format === 'md' ? 'Markdown' : 'CSV'}`,
          3000,
        );
        return;
      }
      case 'saveView':
        if (this.deps.saveView) await this.deps.saveView(this.query);
        return;
      case 'showSweep': {
        // two or more selected rows are the runs meant; else the rows the filter keeps, followed as the index changes
        const filter = this.query.filter.trim();
        await this.deps.showSweep?.(
          m.runIds.length >= 2
            ? { title: `${m.runIds.length} runs from the table`, ids: m.runIds }
            : { title: filter ? `table: ${filter}` : 'all runs', filter },
        );
        return;
      }
      case 'log':
        this.deps.log[m.level](`runs table: ${m.message}`);
        return;
      default:
        assertNever(m);
    }
  }

  private fail(err: unknown): void {
    this.deps.log.error('runs table', err);
    this.post({ type: 'didFail', message: err instanceof Error ? err.message : String(err) });
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

function webviewOptions(deps: RunsTableDeps): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [
      vscode.Uri.joinPath(deps.extensionUri, 'dist'),
      vscode.Uri.joinPath(deps.extensionUri, 'media'),
    ],
  };
}
