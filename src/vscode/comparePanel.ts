import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { diffRuns, sameParam } from '../core/compare/diff';
import { guessDirection, type Direction } from '../core/compare/direction';
import { CurvePool, type CurveOptions } from '../core/compare/curvePool';
import { defaultWorkerCount } from '../core/readPool';
import { diffToMarkdown } from '../core/compare/report';
import type { Run, Series } from '../core/model';
import type { WorkspaceIndex } from '../core/workspaceIndex';
import {
  assertNever,
  type CompareState,
  type Curve,
  type CurveRequest,
  type JsonNumber,
  type MetricCell,
  type MetricRow,
  type ParamRow,
  type PersistedState,
  type RunRef,
  type ToHost,
  type ToWebview,
  type XAxis,
} from '../protocol';
import { commitBadge, commitDescription, type CommitState } from './git/commitState';
import { newNonce, renderWebviewHtml } from './webviewHtml';

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

export const COMPARE_VIEW_TYPE = 'runlens.compare';
const DIRECTIONS_KEY = 'runlens.compare.directions';
/** Full-resolution series kept in memory across requests (points; 24 bytes each). Beyond it, re-read from disk. */
const CACHE_POINTS = 4_000_000;
const MAX_POINTS_PER_CURVE = 20_000;

/** Categorical colours readable on light, dark and high-contrast themes; then golden-angle hues. */
const PALETTE = ['#3b82f6', '#f97316', '#10b981', '#ef4444', '#a855f7', '#eab308', '#06b6d4', '#ec4899', '#84cc16', '#8b5cf6'];

/** The compare panels: one per comparison, restored after a reload, following index changes. */
export class ComparePanels implements vscode.Disposable {
  private readonly panels = new Set<ComparePanel>();
  private active: ComparePanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  readonly curves: CurveSource;

  constructor(private readonly deps: ComparePanelsDeps) {
    // Series are read with the smoothing panels start with summarised (see blockExtremes).
    this.curves = new CurveSource(deps.index, () => vscode.workspace.getConfiguration('runlens').get<number>('smoothing', 0.6));
    const sub = deps.index.onDidChange.on((change) => {
      const touched = new Set([...change.changed, ...change.removed]);
      this.curves.invalidate(touched);
      for (const p of this.panels) p.onIndexChange(touched);
    });
    this.disposables.push({ dispose: () => sub.dispose() });
    // Commit states arrive after the panel opened: headers are re-posted as they do.
    if (deps.onDidChangeCommits) this.disposables.push(deps.onDidChangeCommits(() => this.panels.forEach((p) => p.refreshState())));
  }

  /** Runs of the panel the user used last, if any is open. */
  get activeRunIds(): string[] | undefined {
    return this.active?.runIds.slice();
  }

  /** Opens a comparison (the panel already showing exactly these runs is revealed instead). */
  open(runIds: string[], opts: { baselineId?: string } = {}): void {
    const ids = [...new Set(runIds)];
    if (!ids.length) return;
    const same = [...this.panels].find((p) => p.runIds.length === ids.length && ids.every((id) => p.runIds.includes(id)));
    if (same) {
      if (opts.baselineId) same.setBaseline(opts.baselineId);
      same.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, 'Compare runs', { viewColumn: vscode.ViewColumn.Active }, this.webviewOptions());
    this.adopt(panel, { runIds: ids, baselineId: opts.baselineId && ids.includes(opts.baselineId) ? opts.baselineId : ids[0] });
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
      localResourceRoots: [vscode.Uri.joinPath(this.deps.extensionUri, 'dist'), vscode.Uri.joinPath(this.deps.extensionUri, 'media')],
    };
  }

  private adopt(panel: vscode.WebviewPanel, state: PersistedState): void {
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
  }
}

/** One comparison in one webview panel. */
class ComparePanel {
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

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly deps: ComparePanelsDeps,
    private readonly curves: CurveSource,
    init: PersistedState,
  ) {
    this.runIds = init.runIds;
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
    const state = buildCompareState({
      runs,
      requestedIds: this.runIds,
      baselineId: this.baselineId,
      directions: this.directions(),
      colors: this.colors,
      folder: (r) => this.deps.index.absPath(r),
      extremes: (runId) => this.curves.extremes(runId),
      dataRevision: this.dataRevision,
      smoothing: vscode.workspace.getConfiguration('runlens').get<number>('smoothing', 0.6),
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
          await this.curves.computeExtremes(r.id);
        } catch (err) {
          // Remember the failure as "no steps" so a broken file is not re-read on every post.
          this.curves.setNoExtremes(r.id);
          this.deps.log.warn(`compare: could not read the curves of ${r.id}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    } finally {
      this.extremesPending = false;
    }
    this.postState();
  }

  private updateTitle(runs: readonly Run[]): void {
    const short = (s: string): string => (s.length > 24 ? s.slice(0, 23) + '…' : s);
    this.panel.title = runs.length === 2 ? `${short(runs[0]!.name)} ↔ ${short(runs[1]!.name)}` : `Compare ${runs.length || this.runIds.length} runs`;
  }

  private async receive(raw: unknown): Promise<void> {
    if (!isMessage(raw)) {
      this.deps.log.warn(`compare: ignored malformed message from the webview`);
      return;
    }
    const msg = raw as ToHost;
    try {
      switch (msg.type) {
        case 'ready':
          // The webview is (re)created: on open, after a reload, and when a hidden panel is shown again. The state
          // posted as it opened is sent again as it was: this page may have it already (then it renders it once).
          if (this.lastPost) this.post(this.lastPost);
          else this.postState();
          break;
        case 'loadCurves':
          await this.loadCurves(msg);
          break;
        case 'openCommit':
          if (this.has(msg.runId)) this.deps.openCommit(msg.runId);
          break;
        case 'revealRun':
          if (this.has(msg.runId)) this.deps.revealRun(msg.runId);
          break;
        case 'compareCode':
          if (this.has(msg.runId) && this.baselineId && this.deps.compareCode) this.deps.compareCode(this.baselineId, msg.runId);
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
          await this.saveCsv();
          break;
        case 'savePng':
          await this.savePng(msg.key, msg.dataUrl);
          break;
        case 'log':
          this.deps.log[msg.level === 'error' ? 'error' : msg.level === 'warn' ? 'warn' : 'info'](`compare webview: ${String(msg.message)}`);
          break;
        default:
          assertNever(msg);
      }
    } catch (err) {
      this.deps.log.error(err instanceof Error ? err : new Error(String(err)));
      const requestId = msg.type === 'loadCurves' ? msg.requestId : undefined;
      this.post({ type: 'didFail', requestId, message: err instanceof Error ? err.message : String(err) });
      if (requestId === undefined) void vscode.window.showErrorMessage(`Runlens: ${err instanceof Error ? err.message : String(err)}`, 'Show Log').then((a) => a && this.deps.log.show());
    }
  }

  private has(runId: unknown): runId is string {
    return typeof runId === 'string' && this.runIds.includes(runId);
  }

  private async loadCurves(req: CurveRequest): Promise<void> {
    const runIds = Array.isArray(req.runIds) ? req.runIds.filter((id) => this.has(id)) : [];
    const keys = Array.isArray(req.keys) ? req.keys.filter((k): k is string => typeof k === 'string') : [];
    const xAxis: XAxis = req.xAxis === 'relative' || req.xAxis === 'wall' ? req.xAxis : 'step';
    const maxPoints = clamp(Math.floor(Number(req.maxPoints) || 1000), 16, MAX_POINTS_PER_CURVE);
    const smoothing = clamp(Number(req.smoothing) || 0, 0, 0.999);
    const range = req.range && Number.isFinite(req.range.min) && Number.isFinite(req.range.max) ? { min: req.range.min, max: req.range.max } : undefined;
    const started = Date.now();
    const curves = await this.curves.curves(runIds, keys, { xAxis, maxPoints, smoothing, range });
    this.deps.log.debug(`compare: ${curves.length} curves (${keys.join(', ')}) in ${Date.now() - started} ms`);
    this.post({ type: 'didLoadCurves', requestId: req.requestId, curves });
  }

  private async pickRunsToAdd(): Promise<void> {
    const items = this.deps.index
      .runs()
      .filter((r) => !this.runIds.includes(r.id))
      .map((r) => ({ label: r.name, description: [r.format, r.experiment].filter(Boolean).join(' · '), detail: r.path || undefined, id: r.id }));
    if (!items.length) {
      void vscode.window.showInformationMessage('Runlens: every indexed run is already in this comparison.');
      return;
    }
    const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Add runs to the comparison', matchOnDescription: true, matchOnDetail: true });
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

  private diff(all: boolean): ReturnType<typeof diffRuns> {
    const runs = this.resolveRuns();
    return diffRuns(runs, { baseline: Math.max(0, runs.findIndex((r) => r.id === this.baselineId)), all, directions: this.directions() });
  }

  private async copyMarkdown(onlyDiffs: boolean): Promise<void> {
    await vscode.env.clipboard.writeText(diffToMarkdown(this.diff(!onlyDiffs), { all: !onlyDiffs }));
    void vscode.window.setStatusBarMessage('Runlens: comparison copied as Markdown', 3000);
  }

  private async saveCsv(): Promise<void> {
    const kind = await vscode.window.showQuickPick(
      [
        { label: 'Summary', description: 'one row per run: details, params, metric last/min/max', what: 'summary' as const },
        { label: 'Curves', description: 'one row per point: run, metric, step, time, value', what: 'curves' as const },
      ],
      { title: 'Save the compared data as CSV' },
    );
    if (!kind) return;
    const target = await vscode.window.showSaveDialog({ defaultUri: this.defaultSaveUri(`runlens-${kind.what}.csv`), filters: { CSV: ['csv'] }, title: 'Save CSV' });
    if (!target) return;
    const runs = this.resolveRuns();
    if (kind.what === 'summary') {
      await vscode.workspace.fs.writeFile(target, Buffer.from(summaryCsv(runs, this.baselineId, (r) => this.deps.index.absPath(r)), 'utf8'));
    } else {
      await this.writeCurvesCsv(target, runs);
    }
    void vscode.window.setStatusBarMessage(`Runlens: saved ${path.basename(target.fsPath)}`, 3000);
  }

  private async writeCurvesCsv(target: vscode.Uri, runs: readonly Run[]): Promise<void> {
    // Streamed: 50 runs × 100k points would not fit one string comfortably.
    const out = fs.createWriteStream(target.fsPath, { encoding: 'utf8' });
    const done = new Promise<void>((resolve, reject) => {
      out.on('finish', resolve);
      out.on('error', reject);
    });
    const write = async (s: string): Promise<void> => {
      if (!out.write(s)) await new Promise<void>((r) => out.once('drain', () => r()));
    };
    await write('run_id,run_name,metric,step,wall_time,value\n');
    for (const r of runs) {
      for (const s of await this.deps.index.readSeries(r.id)) {
        const prefix = `${csvCell(r.id)},${csvCell(r.name)},${csvCell(s.key)},`;
        let chunk = '';
        for (let i = 0; i < s.values.length; i++) {
          const t = s.times[i]!;
          chunk += `${prefix}${csvNumber(s.steps[i]!)},${Number.isFinite(t) ? new Date(t).toISOString() : ''},${csvNumber(s.values[i]!)}\n`;
          if (chunk.length > 1 << 16) {
            await write(chunk);
            chunk = '';
          }
        }
        await write(chunk);
      }
    }
    out.end();
    await done;
  }

  private async savePng(key: unknown, dataUrl: unknown): Promise<void> {
    const prefix = 'data:image/png;base64,';
    if (typeof key !== 'string' || typeof dataUrl !== 'string' || !dataUrl.startsWith(prefix)) throw new Error('the chart image is not a PNG data URL');
    const bytes = Buffer.from(dataUrl.slice(prefix.length), 'base64');
    if (bytes.length < 8 || bytes.readUInt32BE(0) !== 0x89504e47) throw new Error('the chart image is not a PNG');
    const name = `${key.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'chart'}.png`;
    const target = await vscode.window.showSaveDialog({ defaultUri: this.defaultSaveUri(name), filters: { 'PNG image': ['png'] }, title: 'Save chart as PNG' });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, bytes);
    void vscode.window.setStatusBarMessage(`Runlens: saved ${path.basename(target.fsPath)}`, 3000);
  }

  private defaultSaveUri(name: string): vscode.Uri | undefined {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    return folder ? vscode.Uri.joinPath(folder, name) : undefined;
  }
}

/** Reads series on demand and keeps recent ones (bounded by points); also remembers where each metric peaks. */
export class CurveSource {
  private readonly cache = new Map<string, Series>();
  private cachedPoints = 0;
  private readonly extremesByRun = new Map<string, Map<string, { minStep: number | null; maxStep: number | null }>>();

  /** Downsampling and smoothing off the extension host's thread (50 M points take ~300 ms of CPU). */
  private readonly pool = new CurvePool(defaultWorkerCount());

  constructor(
    private readonly index: Pick<WorkspaceIndex, 'readSeries'>,
    /** The smoothing weight to summarise as series are read: the one new panels start with. */
    private readonly smoothing: () => number | undefined = () => undefined,
    private readonly budget = CACHE_POINTS,
  ) {}

  /** Curves of these runs and keys as the chart draws them, run by run, each run's keys in key order. */
  async curves(runIds: readonly string[], keys: readonly string[], options: CurveOptions): Promise<Curve[]> {
    const series: Series[] = [];
    for (const runId of runIds) series.push(...(await this.series(runId, keys)));
    return this.pool.curves(series, options);
  }

  warm(): void {
    this.pool.warm();
  }

  dispose(): void {
    this.pool.dispose();
  }

  invalidate(runIds: ReadonlySet<string>): void {
    for (const [k, s] of this.cache) {
      if (runIds.has(s.runId)) {
        this.cache.delete(k);
        this.cachedPoints -= s.values.length;
      }
    }
    for (const id of runIds) this.extremesByRun.delete(id);
  }

  extremes(runId: string): Map<string, { minStep: number | null; maxStep: number | null }> | undefined {
    return this.extremesByRun.get(runId);
  }

  setNoExtremes(runId: string): void {
    this.extremesByRun.set(runId, new Map());
  }

  async computeExtremes(runId: string): Promise<void> {
    const all = await this.index.readSeries(runId, undefined, this.smoothing());
    const m = new Map<string, { minStep: number | null; maxStep: number | null }>();
    for (const s of all) {
      let lo = -1;
      let hi = -1;
      for (let i = 0; i < s.values.length; i++) {
        const v = s.values[i]!;
        if (!Number.isFinite(v)) continue;
        if (lo < 0 || v < s.values[lo]!) lo = i;
        if (hi < 0 || v > s.values[hi]!) hi = i;
      }
      const step = (i: number): number | null => (i >= 0 && Number.isFinite(s.steps[i]!) ? s.steps[i]! : null);
      m.set(s.key, { minStep: step(lo), maxStep: step(hi) });
      this.remember(s);
    }
    this.extremesByRun.set(runId, m);
  }

  async series(runId: string, keys: readonly string[]): Promise<Series[]> {
    const missing = keys.filter((k) => !this.cache.has(cacheKey(runId, k)));
    if (missing.length) for (const s of await this.index.readSeries(runId, missing, this.smoothing())) this.remember(s);
    return keys.flatMap((k) => {
      const s = this.cache.get(cacheKey(runId, k));
      if (!s) return [];
      // Map order is insertion order: re-insert to mark as recently used.
      this.cache.delete(cacheKey(runId, k));
      this.cache.set(cacheKey(runId, k), s);
      return [s];
    });
  }

  private remember(s: Series): void {
    const k = cacheKey(s.runId, s.key);
    const old = this.cache.get(k);
    if (old) {
      this.cache.delete(k);
      this.cachedPoints -= old.values.length;
    }
    this.cache.set(k, s);
    this.cachedPoints += s.values.length;
    for (const [key, v] of this.cache) {
      if (this.cachedPoints <= this.budget || key === k) break;
      this.cache.delete(key);
      this.cachedPoints -= v.values.length;
    }
  }
}

function cacheKey(runId: string, key: string): string {
  return `${runId}\u0000${key}`;
}

export interface BuildStateInput {
  runs: readonly Run[];
  requestedIds: readonly string[];
  baselineId: string | undefined;
  directions: Readonly<Record<string, Direction>>;
  colors: ReadonlyMap<string, string>;
  folder(run: Run): string | undefined;
  extremes(runId: string): ReadonlyMap<string, { minStep: number | null; maxStep: number | null }> | undefined;
  dataRevision: number;
  smoothing: number;
  capabilities: CompareState['capabilities'];
  commitState?(runId: string): CommitState | undefined;
}

/** The full state the webview renders, from the runs the index knows. */
export function buildCompareState(i: BuildStateInput): CompareState {
  const runs = i.runs;
  const baseline = Math.max(0, runs.findIndex((r) => r.id === i.baselineId));
  const d = diffRuns(runs, { baseline, all: true, directions: i.directions });
  const refs: RunRef[] = runs.map((r) => {
    const cs = i.commitState?.(r.id);
    return {
    id: r.id,
    name: r.name,
    format: r.format,
    status: r.status,
    experiment: r.experiment,
    startTime: r.startTime,
    durationMs: r.startTime !== null && r.endTime !== null ? r.endTime - r.startTime : null,
    commit: r.git.commit,
    branch: r.git.branch,
    dirty: r.git.dirty,
    commitBadge: cs ? commitBadge(cs) : null,
    commitDetail: cs ? commitDescription(cs) : null,
    inferredCommit: cs && cs.source === 'inferred' ? cs.commit : null,
    folder: r.path,
    deleted: r.deleted,
    color: i.colors.get(r.id) ?? colorAt(0),
    };
  });
  const params: ParamRow[] = d.params.map((p) => ({
    key: p.key,
    group: groupOf(p.key),
    values: p.values.map((v) => (v === undefined ? { missing: true as const } : v)),
    changed: p.values.map((v, ri) => ri !== baseline && !sameParam(v, p.values[baseline])),
    differs: p.differs,
  }));
  const metrics: MetricRow[] = d.metrics.map((m) => {
    const guessed = guessDirection(m.key) ?? null;
    return {
      key: m.key,
      direction: m.direction ?? null,
      guessed,
      overridden: Object.prototype.hasOwnProperty.call(i.directions, m.key),
      bestRun: m.bestRun ?? null,
      cells: m.cells.map((c, ri): MetricCell | null => {
        if (!c.summary) return null;
        const ex = i.extremes(runs[ri]!.id)?.get(m.key);
        return {
          last: jsonNumber(c.summary.last),
          lastStep: c.summary.lastStep,
          min: c.summary.min,
          max: c.summary.max,
          minStep: ex?.minStep ?? null,
          maxStep: ex?.maxStep ?? null,
          count: c.summary.count,
          delta: c.delta ?? null,
          pct: c.pct ?? null,
        };
      }),
    };
  });
  const known = new Set(runs.map((r) => r.id));
  return {
    runs: refs,
    baseline,
    params,
    metrics,
    missingRunIds: i.requestedIds.filter((id) => !known.has(id)),
    dataRevision: i.dataRevision,
    defaults: { smoothing: clamp(Number(i.smoothing) || 0, 0, 0.99) },
    capabilities: i.capabilities,
  };
}

/** Summary CSV: one row per run (details, every param, metric last/min/max). Strings are guarded against formulas. */
export function summaryCsv(runs: readonly Run[], baselineId: string | undefined, folder: (r: Run) => string | undefined): string {
  const params = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  const metrics = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  const header = ['run_id', 'name', 'format', 'status', 'experiment', 'baseline', 'start_time', 'duration_s', 'commit', 'branch', 'folder'];
  header.push(...params.map((p) => `param:${p}`));
  for (const m of metrics) header.push(`${m}:last`, `${m}:last_step`, `${m}:min`, `${m}:max`);
  const lines = [header.map(csvCell).join(',')];
  for (const r of runs) {
    const cells: string[] = [
      csvCell(r.id),
      csvCell(r.name),
      r.format,
      r.status,
      csvCell(r.experiment ?? ''),
      r.id === baselineId ? 'true' : 'false',
      r.startTime === null ? '' : new Date(r.startTime).toISOString(),
      r.startTime !== null && r.endTime !== null ? String((r.endTime - r.startTime) / 1000) : '',
      csvCell(r.git.commit ?? ''),
      csvCell(r.git.branch ?? ''),
      csvCell(folder(r) ?? r.path),
    ];
    for (const p of params) {
      const v = Object.prototype.hasOwnProperty.call(r.params, p) ? r.params[p] : undefined;
      cells.push(v === undefined || v === null ? '' : typeof v === 'number' ? csvNumber(v) : csvCell(String(v)));
    }
    for (const m of metrics) {
      const s = r.metrics[m];
      cells.push(s ? csvNumber(s.last) : '', s?.lastStep === null || !s ? '' : String(s.lastStep), s ? csvNumber(s.min) : '', s ? csvNumber(s.max) : '');
    }
    lines.push(cells.join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/** RFC 4180 quoting, and a leading ' for text a spreadsheet would run as a formula (run files are untrusted). */
export function csvCell(s: string): string {
  let v = s;
  if (/^[=+\-@\t\r]/.test(v) && !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function csvNumber(v: number | null): string {
  if (v === null) return '';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  return String(v);
}

function groupOf(key: string): string {
  const i = Math.max(key.lastIndexOf('.'), key.lastIndexOf('/'));
  return i > 0 ? key.slice(0, i) : '';
}

function jsonNumber(v: number | null): JsonNumber | null {
  if (v === null) return null;
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  return v;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}

/** The i-th run colour: the palette, then golden-angle hues at fixed saturation and lightness. */
export function colorAt(i: number): string {
  if (i < PALETTE.length) return PALETTE[i]!;
  return hslToHex(((i - PALETTE.length) * 137.508 + 20) % 360, 0.65, 0.55);
}

function hslToHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number): string => {
    const k = (n + h / 30) % 12;
    const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

function isMessage(m: unknown): m is { type: string } {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';
}

/** The webview's saved state, checked: it comes back from disk after a reload. */
function parsePersisted(state: unknown): PersistedState {
  const s = (typeof state === 'object' && state !== null ? state : {}) as Partial<PersistedState>;
  const runIds = Array.isArray(s.runIds) ? s.runIds.filter((x): x is string => typeof x === 'string') : [];
  const baselineId = typeof s.baselineId === 'string' && runIds.includes(s.baselineId) ? s.baselineId : runIds[0];
  const colors = typeof s.colors === 'object' && s.colors !== null ? (s.colors as Record<string, string>) : undefined;
  return { runIds, baselineId, colors };
}
