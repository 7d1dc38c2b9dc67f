import * as vscode from 'vscode';
import type { CurveSource } from '../../core/compare/curveSource';
import type { RunDiff } from '../../core/compare/diff';
import { labelledDiff } from '../../core/compare/exportText';
import type { Direction } from '../../core/compare/direction';
import { diffToMarkdown } from '../../core/compare/report';
import type { WorkspaceIndex } from '../../core/index';
import type { Run } from '../../core/model';
import { assertNever, type PersistedState, type ReviewHeader, type ToHost, type ToWebview } from '../../protocol';
import type { CommitState } from '../git/commitState';
import { readSettings } from '../settings';
import { newNonce, renderWebviewHtml } from '../webviewHtml';
import { savePng, saveCsv } from './export';
import { CurveAnswers } from './curveAnswers';
import { aliasRuns, buildGroups, type AliasedCompare } from './groupState';
import { buildCompareState, colorAt } from './state';

export interface ComparePanelsDeps {
  index: WorkspaceIndex;
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  workspaceState: vscode.Memento;
  openCommit(runId: string): void;
  revealRun(runId: string): void;
  compareCode?(runIdA: string, runIdB: string): void;
  findMetricInCode?(key: string): void;
  /** Commit state of a run (resolved in the background through the git extension) and when it changes. */
  commitState?(runId: string): CommitState | undefined;
  onDidChangeCommits?: vscode.Event<unknown>;
}

/** A review shown above the comparison: its header, and its summary as the comment writes it (for Copy as Markdown). */
export interface PanelReview {
  header: ReviewHeader;
  markdown: string;
}

const DIRECTIONS_KEY = 'runlens.compare.directions';

/** One comparison in one webview panel: its state, the page's messages and the answers. */
export class ComparePanel {
  runIds: string[];
  private baselineId: string | undefined;
  private readonly colors = new Map<string, string>();
  private readonly disposables: vscode.Disposable[] = [];
  /** The last state posted, sent again as it was when the page says 'ready' (see postState). */
  private lastPost: Extract<ToWebview, { type: 'didLoad' }> | undefined;
  private disposed = false;
  private dataRevision = 1;
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly disposeListeners: Array<() => void> = [];
  private readonly activeListeners: Array<() => void> = [];
  private extremesPending = false;
  /** Not persisted: a panel restored after a reload shows the comparison without the review. */
  private review: PanelReview | undefined;
  /** The kinds of message the page has sent: its script ran in the browser and reached this host (tests read it). */
  readonly heard = new Set<ToHost['type']>();
  private readonly answers: CurveAnswers;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly deps: ComparePanelsDeps,
    private readonly curves: CurveSource,
    init: PersistedState,
  ) {
    this.runIds = init.runIds;
    this.answers = new CurveAnswers(curves, (id) => this.has(id), deps.log);
    this.baselineId = init.baselineId;
    for (const [id, c] of Object.entries(init.colors ?? {})) if (/^#[0-9a-f]{6}$/i.test(c)) this.colors.set(id, c);
    this.assignColors();
    const { webview } = panel;
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'runlens.svg');
    webview.html = renderWebviewHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(deps.extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(deps.extensionUri, 'media', 'compare.css')).toString(),
      codiconsUri: webview.asWebviewUri(vscode.Uri.joinPath(deps.extensionUri, 'dist', 'codicon.css')).toString(),
      nonce: newNonce(),
      title: 'Runlens: Compare',
    });
    this.track(webview.onDidReceiveMessage((m: unknown) => void this.receive(m)));
    this.track(panel.onDidChangeViewState((e) => e.webviewPanel.active && this.activeListeners.forEach((l) => l())));
    this.track(panel.onDidDispose(() => this.dispose()));
    this.postState();
  }

  onDidDispose(l: () => void): void {
    this.disposeListeners.push(l);
  }
  onDidBecomeActive(l: () => void): void {
    this.activeListeners.push(l);
  }

  addRuns(ids: string[]): void {
    const add = ids.filter((id) => !this.runIds.includes(id));
    if (!add.length) return;
    this.runIds = [...this.runIds, ...add];
    this.assignColors();
    this.dataRevision++;
    this.postState();
  }

  removeRun(id: string): void {
    if (!this.runIds.includes(id)) return;
    this.runIds = this.runIds.filter((r) => r !== id);
    if (this.baselineId === id) this.baselineId = this.runIds[0];
    this.postState();
  }

  setBaseline(id: string): void {
    if (!this.runIds.includes(id) || this.baselineId === id) return;
    this.baselineId = id;
    this.postState();
  }

  /** Shows a review above the comparison (or none); Copy as Markdown starts with its summary. */
  setReview(review: PanelReview | undefined): void {
    this.review = review;
    this.post({ type: 'didLoadReview', review: review?.header ?? null });
  }

  /** The review shown, if any. */
  get shownReview(): PanelReview | undefined {
    return this.review;
  }

  /** What Copy as Markdown copies: the review's summary (when one is shown), then the comparison's tables. */
  markdown(onlyDiffs: boolean): string {
    const tables = diffToMarkdown(this.diff(!onlyDiffs), { all: !onlyDiffs });
    return this.review ? `${this.review.markdown}\n${tables}` : tables;
  }

  /** Re-posts the state (e.g. commit states resolved meanwhile). */
  refreshState(): void {
    this.postState();
  }

  onIndexChange(touched: ReadonlySet<string>): void {
    if (!this.runIds.some((id) => touched.has(id))) return;
    // Live runs append every few seconds: coalesce bursts of changes into one re-post.
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.dataRevision++;
      this.postState();
    }, 250);
  }

  private track<T extends vscode.Disposable>(d: T): T {
    this.disposables.push(d);
    return d;
  }

  private dispose(): void {
    this.disposed = true;
    clearTimeout(this.refreshTimer);
    for (const d of this.disposables.splice(0)) d.dispose();
    for (const l of this.disposeListeners) l();
  }

  private post(msg: ToWebview): void {
    void this.panel.webview.postMessage(msg);
  }

  private assignColors(): void {
    const used = new Set(this.colors.values());
    let i = 0;
    for (const id of this.runIds) {
      if (this.colors.has(id)) continue;
      while (used.has(colorAt(i))) i++;
      this.colors.set(id, colorAt(i));
      used.add(colorAt(i));
    }
  }

  private resolveRuns(): Run[] {
    const byId = new Map(this.deps.index.runsByIds(this.runIds).map((r) => [r.id, r]));
    return this.runIds.flatMap((id) => byId.get(id) ?? []);
  }

  private directions(): Record<string, Direction> {
    return this.deps.workspaceState.get<Record<string, Direction>>(DIRECTIONS_KEY) ?? {};
  }

  /**
   * Posts the comparison, also before the page has said 'ready': VS Code keeps the messages of a webview that is
   * still loading and hands them to its page once loaded, so a new panel's state is there as soon as its script has
   * run, instead of a round trip to this host later (~30 ms in code-server). 'ready' sends the last post again, for a
   * page that missed it (a reload, a panel shown again).
   */
  private postState(): void {
    // the extremes read in the background may finish after the panel was closed
    if (this.disposed) return;
    const runs = this.resolveRuns();
    this.updateTitle(runs);
    const settings = readSettings();
    const aliased = aliasRuns(runs, settings.metricAliases);
    this.answers.renamed = aliased.renamed;
    const state = buildCompareState({
      runs: aliased.runs,
      originals: aliased.originals,
      groups: buildGroups({
        runs: aliased.runs,
        baselineId: this.baselineId,
        seedParams: settings.seedParams,
        directions: this.directions(),
        color: (id) => this.colors.get(id) ?? colorAt(0),
      }),
      requestedIds: this.runIds,
      baselineId: this.baselineId,
      directions: this.directions(),
      colors: this.colors,
      folder: (r) => this.deps.index.absPath(r),
      extremes: (runId) => this.answers.extremes(runId),
      dataRevision: this.dataRevision,
      smoothing: settings.smoothing,
      capabilities: { compareCode: !!this.deps.compareCode, findMetricInCode: !!this.deps.findMetricInCode },
      commitState: this.deps.commitState,
    });
    this.lastPost = { type: 'didLoad', state, posted: (this.lastPost?.posted ?? 0) + 1 };
    this.post(this.lastPost);
    void this.fillExtremes(runs);
  }

  /** Reads curves once per run revision to find the steps of each metric's min and max, then re-posts. */
  private async fillExtremes(runs: readonly Run[]): Promise<void> {
    const todo = runs.filter((r) => !this.curves.extremes(r.id));
    if (!todo.length || this.extremesPending) return;
    this.extremesPending = true;
    try {
      for (const r of todo) {
        try {
          await this.curves.computeExtremes(r.id, Object.keys(r.metrics));
        } catch (err) {
          // Remember the failure as "no steps" so a broken file is not re-read on every post.
          this.curves.setNoExtremes(r.id);
          this.deps.log.warn(
            `compare: could not read the curves of ${r.id}: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
      }
    } finally {
      this.extremesPending = false;
    }
    this.postState();
  }

  private updateTitle(runs: readonly Run[]): void {
    const short = (s: string): string => (s.length > 24 ? s.slice(0, 23) + '…' : s);
    this.panel.title =
      runs.length === 2
        ? `${short(runs[0]!.name)} ↔ ${short(runs[1]!.name)}`
        : `Compare ${runs.length || this.runIds.length} runs`;
  }

  private async receive(raw: unknown): Promise<void> {
    if (!isMessage(raw)) {
      this.deps.log.warn(`compare: ignored malformed message from the webview`);
      return;
    }
    const msg = raw as ToHost;
    this.heard.add(msg.type);
    try {
      switch (msg.type) {
        case 'ready':
          // The webview is (re)created: on open, after a reload, and when a hidden panel is shown again. The state
          // posted as it opened is sent again as it was: this page may have it already (then it renders it once).
          if (this.lastPost) this.post(this.lastPost);
          else this.postState();
          if (this.review) this.post({ type: 'didLoadReview', review: this.review.header });
          break;
        case 'loadCurves':
          this.post(await this.answers.curves(msg));
          break;
        case 'loadGroupCurves':
          this.post(await this.answers.groupCurves(msg));
          break;
        case 'openCommit':
          if (this.has(msg.runId)) this.deps.openCommit(msg.runId);
          break;
        case 'revealRun':
          if (this.has(msg.runId)) this.deps.revealRun(msg.runId);
          break;
        case 'compareCode':
          if (this.has(msg.runId) && this.baselineId && this.deps.compareCode)
            this.deps.compareCode(this.baselineId, msg.runId);
          break;
        case 'findMetricInCode':
          if (typeof msg.key === 'string') this.deps.findMetricInCode?.(msg.key);
          break;
        case 'setBaseline':
          if (this.has(msg.runId)) this.setBaseline(msg.runId);
          break;
        case 'removeRun':
          if (this.has(msg.runId)) this.removeRun(msg.runId);
          break;
        case 'addRuns':
          await this.pickRunsToAdd();
          break;
        case 'setDirection':
          await this.setDirection(msg.key, msg.direction);
          break;
        case 'copyMarkdown':
          await this.copyMarkdown(msg.onlyDiffs === true);
          break;
        case 'saveCsv':
          await saveCsv(this.aliased(), this.baselineId, this.deps.index);
          break;
        case 'savePng':
          await savePng(msg.key, msg.dataUrl);
          break;
        case 'log':
          this.deps.log[msg.level === 'error' ? 'error' : msg.level === 'warn' ? 'warn' : 'info'](
            `compare webview: ${String(msg.message)}`,
          );
          break;
        default:
          assertNever(msg);
      }
    } catch (err) {
      this.deps.log.error(err instanceof Error ? err : new Error(String(err)));
      const requestId = msg.type === 'loadCurves' || msg.type === 'loadGroupCurves' ? msg.requestId : undefined;
      this.post({ type: 'didFail', requestId, message: err instanceof Error ? err.message : String(err) });
      if (requestId === undefined)
        void vscode.window
          .showErrorMessage(`Runlens: ${err instanceof Error ? err.message : String(err)}`, 'Show Log')
          .then((a) => a && this.deps.log.show());
    }
  }

  private has(runId: unknown): runId is string {
    return typeof runId === 'string' && this.runIds.includes(runId);
  }

  private async pickRunsToAdd(): Promise<void> {
    const items = this.deps.index
      .runs()
      .filter((r) => !this.runIds.includes(r.id))
      .map((r) => ({
        label: r.name,
        description: [r.format, r.experiment].filter(Boolean).join(' · '),
        detail: r.path || undefined,
        id: r.id,
      }));
    if (!items.length) {
      void vscode.window.showInformationMessage('Runlens: every indexed run is already in this comparison.');
      return;
    }
    const picked = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      title: 'Add runs to the comparison',
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (picked?.length) this.addRuns(picked.map((p) => p.id));
  }

  private async setDirection(key: unknown, direction: unknown): Promise<void> {
    if (typeof key !== 'string') return;
    const all = { ...this.directions() };
    if (direction === 'lower' || direction === 'higher') all[key] = direction;
    else delete all[key];
    await this.deps.workspaceState.update(DIRECTIONS_KEY, all);
    this.postState();
  }

  /** The comparison as exported: metrics under the alias map's canonical names, labelled with the originals. */
  private diff(all: boolean): RunDiff {
    const { runs, originals } = this.aliased();
    return labelledDiff(runs, originals, {
      baseline: Math.max(
        0,
        runs.findIndex((r) => r.id === this.baselineId),
      ),
      all,
      directions: this.directions(),
    });
  }

  /** The compared runs with the metric alias map applied, as the page shows them. */
  private aliased(): AliasedCompare {
    return aliasRuns(this.resolveRuns(), readSettings().metricAliases);
  }

  private async copyMarkdown(onlyDiffs: boolean): Promise<void> {
    await vscode.env.clipboard.writeText(this.markdown(onlyDiffs));
    void vscode.window.setStatusBarMessage('Runlens: comparison copied as Markdown', 3000);
  }
}

function isMessage(m: unknown): m is { type: string } {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';
}
