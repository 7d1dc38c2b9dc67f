import * as vscode from 'vscode';
import type { WorkspaceIndex } from '../../core/index';
import { idsFilter } from '../../core/filter/quote';
import type { Run } from '../../core/model';
import { buildSweep } from '../../core/sweep/sweep';
import { assertNever, type SweepToHost, type SweepToWebview, type TableQueryState } from '../../protocol';
import { newNonce, renderWebviewHtml } from '../webviewHtml';
import { openParamInConfig } from './paramInConfig';

export const SWEEP_VIEW_TYPE = 'runlens.sweep';
/** More brushed runs than this make a filter too long to be useful in the table (one id per run). */
export const MAX_TABLE_IDS = 200;
/** Index changes closer together than this (ms) are answered with one new state. */
const INDEX_SETTLE_MS = 300;

/** What the sweep view needs from the rest of the extension. */
export interface SweepDeps {
  extensionUri: vscode.Uri;
  store(): WorkspaceIndex | undefined;
  onDidChangeIndex: vscode.Event<unknown>;
  log: vscode.LogOutputChannel;
  compare(runIds: string[]): void;
  openTable(query: TableQueryState, title: string): Promise<unknown>;
  /** The metric to open on (runlens.keyMetric), when runs have it. */
  preferredMetric(): string | undefined;
}

/** Which runs a panel shows: fixed ids, or (all runs / a saved view's filter) re-read when the index changes. */
export type SweepRuns = { title: string; ids: string[] } | { title: string; filter: string };

/**
 * "Runlens: Show Sweep": parallel coordinates and a scatter of a set of runs, with the params ranked by Spearman's
 * ρ with a metric. The host builds the data (core/sweep), the page draws and brushes it; brushed runs go back as ids.
 */
export class SweepPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private metric: string | undefined;
  private settle: ReturnType<typeof setTimeout> | undefined;

  static open(deps: SweepDeps, runs: SweepRuns): SweepPanel {
    const panel = vscode.window.createWebviewPanel(SWEEP_VIEW_TYPE, `Sweep: ${runs.title}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [
        vscode.Uri.joinPath(deps.extensionUri, 'dist'),
        vscode.Uri.joinPath(deps.extensionUri, 'media'),
      ],
    });
    return new SweepPanel(panel, deps, runs);
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly deps: SweepDeps,
    private readonly runs: SweepRuns,
  ) {
    const webview = panel.webview;
    const uri = (...p: string[]): string =>
      webview.asWebviewUri(vscode.Uri.joinPath(deps.extensionUri, ...p)).toString();
    webview.html = renderWebviewHtml({
      title: 'Sweep',
      loading: 'Loading the sweep…',
      cspSource: webview.cspSource,
      scriptUri: uri('dist', 'sweep.js'),
      sharedStyleUri: uri('media', 'page.css'),
      styleUri: uri('media', 'sweep.css'),
      codiconsUri: uri('dist', 'codicon.css'),
      nonce: newNonce(),
    });
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'runlens.svg');
    this.disposables.push(
      webview.onDidReceiveMessage((m: SweepToHost) => this.onMessage(m).catch((err: unknown) => this.fail(err))),
      deps.onDidChangeIndex(() => this.indexChanged()),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /**
   * Runs being written change the index every few moments; each new state is rebuilt here and redrawn whole by the
   * page, so changes within INDEX_SETTLE_MS make one state.
   */
  private indexChanged(): void {
    if (this.settle) return;
    this.settle = setTimeout(() => {
      this.settle = undefined;
      this.postState();
    }, INDEX_SETTLE_MS);
  }

  private selectedRuns(index: WorkspaceIndex): Run[] {
    return 'ids' in this.runs
      ? index.runsByIds(this.runs.ids)
      : this.runs.filter
        ? index.runsWhere(this.runs.filter)
        : index.runs();
  }

  private post(msg: SweepToWebview): void {
    if (this.ready) void this.panel.webview.postMessage(msg);
  }

  private postState(): void {
    const index = this.deps.store();
    if (!index || !this.ready) return;
    try {
      const data = buildSweep(this.selectedRuns(index), this.metric ?? this.deps.preferredMetric());
      this.post({ type: 'didLoad', state: { title: this.runs.title, data } });
    } catch (err) {
      this.fail(err);
    }
  }

  private async onMessage(m: SweepToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.postState();
        return;
      case 'setMetric':
        this.metric = m.metric;
        this.postState();
        return;
      case 'compare':
        if (m.runIds.length >= 2) this.deps.compare(m.runIds);
        else void vscode.window.showInformationMessage('Runlens: brush at least two runs to compare');
        return;
      case 'openTable':
        if (m.runIds.length > MAX_TABLE_IDS) {
          void vscode.window.showInformationMessage(
            `Runlens: ${m.runIds.length} runs brushed; narrow the brush to ${MAX_TABLE_IDS} or fewer to list them in the table`,
          );
          return;
        }
        await this.deps.openTable(
          {
            filter: idsFilter(m.runIds),
            columns: [],
            sort: null,
            onlyDiffs: true,
            baselineId: null,
          },
          `Runs: ${m.runIds.length} from the sweep`,
        );
        return;
      case 'openParam':
        await openParamInConfig(m.key);
        return;
      case 'log':
        this.deps.log[m.level](`sweep: ${m.message}`);
        return;
      default:
        assertNever(m);
    }
  }

  private fail(err: unknown): void {
    this.deps.log.error('sweep', err);
    this.post({ type: 'didFail', message: err instanceof Error ? err.message : String(err) });
  }

  dispose(): void {
    clearTimeout(this.settle);
    this.settle = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
