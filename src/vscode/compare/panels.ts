import * as vscode from 'vscode';
import { CurveSource } from '../../core/compare/curveSource';
import type { WorkspaceIndex } from '../../core/index';
import type { PersistedState } from '../../protocol';
import { readSettings } from '../settings';
import { ComparePanel, type ComparePanelsDeps, type PanelReview } from './comparePanel';

export const COMPARE_VIEW_TYPE = 'runlens.compare';

/** The compare panels: one per comparison, restored after a reload, following index changes. */
export class ComparePanels implements vscode.Disposable {
  private readonly panels = new Set<ComparePanel>();
  private active: ComparePanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  readonly curves: CurveSource;

  constructor(private readonly deps: ComparePanelsDeps) {
    // Series are read with the smoothing panels start with summarised (see blockExtremes).
    this.curves = new CurveSource(deps.index, () => readSettings().smoothing);
    const sub = deps.index.onDidChange.on((change) => {
      const touched = new Set([...change.changed, ...change.removed]);
      this.curves.invalidate(touched);
      for (const p of this.panels) p.onIndexChange(touched);
    });
    this.disposables.push({ dispose: () => sub.dispose() });
    // A curve drawn from a sample was read whole: panels showing the run ask for their curves again (zoom kept).
    this.curves.onCompleted((runId) => {
      const done = new Set([runId]);
      for (const p of this.panels) p.onIndexChange(done);
    });
    // Commit states arrive after the panel opened: headers are re-posted as they do.
    if (deps.onDidChangeCommits)
      this.disposables.push(deps.onDidChangeCommits(() => this.panels.forEach((p) => p.refreshState())));
  }

  /** Runs of the panel the user used last, if any is open. */
  get activeRunIds(): string[] | undefined {
    return this.active?.runIds.slice();
  }

  /** The open panels. */
  list(): ComparePanel[] {
    return [...this.panels];
  }

  /** The review shown by the panel the user used last, if any. */
  get activeReview(): PanelReview | undefined {
    return this.active?.shownReview;
  }

  /** Copy as Markdown's text of the panel the user used last. */
  activeMarkdown(onlyDiffs: boolean): string | undefined {
    return this.active?.markdown(onlyDiffs);
  }

  /** Opens a comparison (the panel already showing exactly these runs is revealed instead), with a review above it. */
  open(runIds: string[], opts: { baselineId?: string; review?: PanelReview } = {}): void {
    const ids = [...new Set(runIds)];
    if (!ids.length) return;
    const same = [...this.panels].find(
      (p) => p.runIds.length === ids.length && ids.every((id) => p.runIds.includes(id)),
    );
    if (same) {
      if (opts.baselineId) same.setBaseline(opts.baselineId);
      if (opts.review) same.setReview(opts.review);
      same.panel.reveal();
      this.active = same;
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      COMPARE_VIEW_TYPE,
      'Compare runs',
      { viewColumn: vscode.ViewColumn.Active },
      this.webviewOptions(),
    );
    const p = this.adopt(panel, {
      runIds: ids,
      baselineId: opts.baselineId && ids.includes(opts.baselineId) ? opts.baselineId : ids[0],
    });
    if (opts.review) p.setReview(opts.review);
  }

  /** Adds runs to the active comparison, or opens one. */
  addRuns(runIds: string[]): void {
    if (this.active) this.active.addRuns(runIds);
    else this.open(runIds);
  }

  removeRun(runId: string): void {
    this.active?.removeRun(runId);
  }

  /** Makes a run the baseline of the active comparison; false when it is not in it. */
  setBaseline(runId: string): boolean {
    if (!this.active?.runIds.includes(runId)) return false;
    this.active.setBaseline(runId);
    return true;
  }

  /** The index these panels read from. */
  get index(): WorkspaceIndex {
    return this.deps.index;
  }

  /** Re-attaches a panel VS Code restored after a reload (called by the extension's serializer). */
  async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    panel.webview.options = this.webviewOptions();
    this.adopt(panel, parsePersisted(state));
  }

  registerSerializer(): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(COMPARE_VIEW_TYPE, {
      deserializeWebviewPanel: (panel, state: unknown) => this.restore(panel, state),
    });
  }

  dispose(): void {
    for (const p of [...this.panels]) p.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.curves.dispose();
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableFindWidget: true,
      localResourceRoots: [
        vscode.Uri.joinPath(this.deps.extensionUri, 'dist'),
        vscode.Uri.joinPath(this.deps.extensionUri, 'media'),
      ],
    };
  }

  private adopt(panel: vscode.WebviewPanel, state: PersistedState): ComparePanel {
    // The curve workers start (and warm up) while the page loads, before it asks for curves.
    this.curves.warm();
    const p = new ComparePanel(panel, this.deps, this.curves, state);
    this.panels.add(p);
    this.active = p;
    p.onDidDispose(() => {
      this.panels.delete(p);
      if (this.active === p) this.active = [...this.panels].pop();
    });
    p.onDidBecomeActive(() => (this.active = p));
    return p;
  }
}

/** The webview's saved state, checked: it comes back from disk after a reload. */
function parsePersisted(state: unknown): PersistedState {
  const s = (typeof state === 'object' && state !== null ? state : {}) as Partial<PersistedState>;
  const runIds = Array.isArray(s.runIds) ? s.runIds.filter((x): x is string => typeof x === 'string') : [];
  const baselineId = typeof s.baselineId === 'string' && runIds.includes(s.baselineId) ? s.baselineId : runIds[0];
  const colors = typeof s.colors === 'object' && s.colors !== null ? (s.colors as Record<string, string>) : undefined;
  return { runIds, baselineId, colors };
}
