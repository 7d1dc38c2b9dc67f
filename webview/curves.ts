// Curves: one Chart.js chart per metric, every shown run overlaid in its colour; smoothed line over a faint raw line.
// The host sends min/max-downsampled columns sized to the chart's width; zooming asks for the visible range again at
// full resolution. Charts are created when scrolled into view.
import {
  Chart,
  Interaction,
  LinearScale,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartDataset,
  type InteractionItem,
  type InteractionModeFunction,
  type Plugin,
  type TooltipItem,
} from 'chart.js';
import { getRelativePosition } from 'chart.js/helpers';
import zoomPlugin from 'chartjs-plugin-zoom';
import { formatDuration, formatNumber } from '../src/core/compare/format';
import { SMOOTHING_MAX } from '../src/core/compare/smoothing';
import type {
  BandKind,
  CompareGroup,
  CompareState,
  Curve,
  CurveRequest,
  GroupCurve,
  GroupCurveRequest,
  RunRef,
  UiState,
  XAxis,
} from '../src/protocol';
import { lowerBound } from '../src/core/compare/bisect';
import { post } from './api';
import { h, matchesFilter, on, replace } from './dom';
import { swatch } from './header';
import {
  COLUMN_DATASET,
  ColumnLineController,
  pointIndex,
  splitPointIndex,
  type ColumnDataset,
  type Columns,
  type RunLine,
} from './columnLine';
import { groupControls, groupHint, groupLegend, groupLine, groupRef, type GroupLineRef } from './groupCurves';
import { StepTable, type StepLine } from './stepTable';
import { button, checkbox, dropdown, iconButton } from './toolkit';

declare module 'chart.js' {
  interface InteractionModeMap {
    runlensX: InteractionModeFunction;
  }
}

/**
 * Registers Chart.js's parts when the first chart is made, not as the page loads: registering merges their defaults
 * (~9 ms), and a panel opening on its metrics or params draws no chart.
 */
let chartsRegistered = false;
function registerCharts(): void {
  if (chartsRegistered) return;
  chartsRegistered = true;
  Chart.register(ColumnLineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, zoomPlugin);
}

type Dataset = ChartDataset<'columnLine', never[]> & ColumnDataset;
/** The run (or group: see groupRef) of each line of a chart's dataset (see ColumnDataset), in order. */
const runsOf = new WeakMap<object, Array<RunRef | GroupLineRef>>();

function runOfItem(item: TooltipItem<'columnLine'>): RunRef | GroupLineRef | undefined {
  return runsOf.get(item.chart)?.[splitPointIndex(item.dataIndex).line];
}

/** Every run's point nearest the pointer's x (runs log at different steps, so Chart.js's 'index' mode won't do). */
Interaction.modes.runlensX = (chart, e) => {
  const pos = getRelativePosition(e, chart as never);
  const xScale = chart.scales.x;
  if (!xScale || pos.x < chart.chartArea.left || pos.x > chart.chartArea.right) return [];
  const xv = xScale.getValueForPixel(pos.x);
  if (xv === undefined) return [];
  const items: InteractionItem[] = [];
  chart.data.datasets.forEach((_, di) => {
    if (!chart.isDatasetVisible(di)) return;
    const controller = chart.getDatasetMeta(di).controller as ColumnLineController;
    controller.lines.forEach((line, li) => {
      const i = nearest(line.columns.x, xv);
      const v = line.columns.y[i];
      if (i < 0 || v === null || v !== v) return;
      const index = pointIndex(li, i);
      const el = controller.pointAt(index);
      if (el) items.push({ element: el as never, datasetIndex: di, index });
    });
  });
  return items;
};

function nearest(x: ArrayLike<number>, v: number): number {
  if (!x.length) return -1;
  const a = Math.min(lowerBound(x, v), x.length - 1);
  return a > 0 && Math.abs(x[a - 1]! - v) <= Math.abs(x[a]! - v) ? a - 1 : a;
}

interface Theme {
  fg: string;
  muted: string;
  grid: string;
  font: string;
  background: string;
  selection: string;
}

function readTheme(): Theme {
  const cs = getComputedStyle(document.body);
  const v = (name: string, fallback: string): string => cs.getPropertyValue(name).trim() || fallback;
  return {
    fg: v('--vscode-foreground', '#cccccc'),
    muted: v('--vscode-descriptionForeground', '#9d9d9d'),
    grid: v('--vscode-editorWidget-border', v('--vscode-panel-border', 'rgba(128,128,128,0.35)')),
    font: v('--vscode-font-family', 'sans-serif'),
    background: v('--vscode-editor-background', '#1e1e1e'),
    selection: v('--vscode-editor-selectionBackground', 'rgba(38,79,120,0.5)'),
  };
}

export interface CurvesHost {
  ui: UiState;
  saveUi(): void;
}

/** The curves tab: controls, a legend shared by all charts, and the charts. */
export class CurvesView {
  readonly element: HTMLElement;
  private readonly legend = h('div', { class: 'legend', role: 'group', 'aria-label': 'Runs shown in the charts' });
  private readonly grid = h('div', { class: 'charts' });
  private readonly empty = h('p', { class: 'muted empty' });
  private readonly smoothingLabel = h('output', { class: 'smoothing-value' });
  private readonly cards = new Map<string, ChartCard>();
  private readonly dirty = new Set<ChartCard>();
  private readonly pending = new Map<number, (curves: Curve[] | undefined) => void>();
  private readonly pendingGroups = new Map<number, (curves: GroupCurve[] | undefined) => void>();
  private readonly drawnWaiters: Array<() => void> = [];
  private groupBar: HTMLElement;
  private nextRequestId = 1;
  private state: CompareState | undefined;
  private readonly observer: IntersectionObserver;
  theme = readTheme();

  constructor(private readonly host: CurvesHost) {
    const ui = host.ui;
    const slider = h('input', {
      type: 'range',
      min: 0,
      max: SMOOTHING_MAX,
      step: 0.01,
      value: ui.smoothing,
      'aria-label': 'Smoothing',
      class: 'slider',
    });
    this.smoothingLabel.textContent = ui.smoothing.toFixed(2);
    let smoothTimer = 0;
    on(slider, 'input', () => {
      ui.smoothing = Number(slider.value);
      this.smoothingLabel.textContent = ui.smoothing.toFixed(2);
      host.saveUi();
      clearTimeout(smoothTimer);
      smoothTimer = window.setTimeout(() => this.refetchAll(), 120);
    });
    const xAxis = dropdown(
      [
        { value: 'step', label: 'Step' },
        { value: 'relative', label: 'Relative time' },
        { value: 'wall', label: 'Wall time' },
      ],
      ui.xAxis,
      'X axis',
    );
    on(xAxis, 'change', () => {
      const v = xAxis.value as XAxis;
      if (v === ui.xAxis) return;
      ui.xAxis = v;
      host.saveUi();
      // groups are drawn on Step and Relative time only: the legend and the group bar's hint follow the axis
      if (this.state) this.renderLegend();
      // the x ticks and the tooltip's title are formatted for the axis (steps, durations, clock times)
      for (const c of this.cards.values()) {
        c.resetView(false);
        c.applyOptions();
      }
      this.refetchAll();
    });
    const logY = checkbox('Log scale', ui.logY);
    on(logY, 'change', () => {
      ui.logY = logY.checked;
      host.saveUi();
      for (const c of this.cards.values()) c.applyOptions();
    });
    const reset = button('Reset zoom', { secondary: true, title: 'Reset the zoom of every chart' });
    on(reset, 'click', () => {
      for (const c of this.cards.values()) c.resetView(true);
    });
    const controls = h(
      'div',
      { class: 'controls', role: 'toolbar', 'aria-label': 'Chart options' },
      h('label', { class: 'smoothing' }, 'Smoothing ', slider, this.smoothingLabel),
      h('label', null, 'X axis ', xAxis),
      logY,
      reset,
      h('span', { class: 'muted hint' }, 'Drag: zoom · Ctrl+wheel: zoom · Ctrl+drag: pan · double-click or 0: reset'),
    );
    // Its controls are made when some comparison has groups: the toolkit's components cost the first paint otherwise.
    this.groupBar = h('div', { hidden: true });
    this.element = h(
      'section',
      { class: 'curves', 'aria-label': 'Curves' },
      controls,
      this.groupBar,
      this.legend,
      this.empty,
      this.grid,
    );
    this.observer = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          const card = this.cards.get((e.target as HTMLElement).dataset.key ?? '');
          if (card) card.setVisible(e.isIntersecting);
        }
      },
      { rootMargin: '400px 0px' },
    );
    new MutationObserver(() => {
      this.theme = readTheme();
      for (const c of this.cards.values()) c.applyOptions();
    }).observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  }

  get shownRuns(): RunRef[] {
    const hidden = new Set(this.host.ui.hidden);
    return (this.state?.runs ?? []).filter((r) => !hidden.has(r.id));
  }

  get currentState(): CompareState | undefined {
    return this.state;
  }

  /**
   * The groups drawn as mean ± band, when the runs form groups and grouping is on: aligned by step or by elapsed
   * seconds; wall-clock time has no common origin across seeds (the group bar says so, see groupHint).
   */
  get groups(): CompareGroup[] | undefined {
    const ui = this.host.ui;
    if (!this.state?.groups || ui.grouped === false || ui.xAxis === 'wall') return undefined;
    const hidden = new Set(ui.hidden);
    return this.state.groups.list
      .map((g) => ({ ...g, runIds: g.runIds.filter((id) => !hidden.has(id)) }))
      .filter((g) => g.runIds.length);
  }

  get band(): BandKind {
    return this.host.ui.band ?? 'std';
  }

  /** Runs drawn under the groups' means (always when not grouping). */
  get showRuns(): boolean {
    return !this.groups || this.host.ui.showRuns === true;
  }

  receiveGroups(requestId: number, curves: GroupCurve[] | undefined): void {
    performance.mark('runlens:groups-arrived');
    const fn = this.pendingGroups.get(requestId);
    this.pendingGroups.delete(requestId);
    fn?.(curves);
  }

  requestGroups(
    req: Omit<GroupCurveRequest, 'requestId' | 'smoothing' | 'band' | 'groups'>,
    done: (curves: GroupCurve[] | undefined) => void,
  ): void {
    const requestId = this.nextRequestId++;
    this.pendingGroups.set(requestId, done);
    const groups = (this.groups ?? []).map((g) => ({ id: g.id, runIds: g.runIds }));
    const { smoothing, xAxis } = this.host.ui;
    performance.mark('runlens:groups-asked');
    post({ type: 'loadGroupCurves', requestId, groups, band: this.band, smoothing, xAxis, ...req });
  }

  /** A new state from the host: same charts where the metric is still there; refetch only if the data changed. */
  render(state: CompareState): void {
    const before = this.state;
    this.state = state;
    const runsChanged =
      !before || before.runs.map((r) => r.id + r.color).join() !== state.runs.map((r) => r.id + r.color).join();
    if (before && before.dataRevision !== state.dataRevision) for (const c of this.cards.values()) c.invalidate();
    this.renderLegend();
    this.renderCharts();
    if (runsChanged) for (const c of this.cards.values()) c.redraw();
    for (const c of this.cards.values()) c.ensureData();
  }

  /** The metric filter changed. */
  filter(): void {
    this.renderCharts();
  }

  receive(requestId: number, curves: Curve[] | undefined): void {
    const fn = this.pending.get(requestId);
    this.pending.delete(requestId);
    fn?.(curves);
  }

  /**
   * Asks the host for curves, one message per chart: the host answers each as soon as it is computed, so the first
   * charts draw while it works on the next ones (the host and this page run in different processes).
   */
  request(
    req: Omit<CurveRequest, 'requestId' | 'xAxis' | 'smoothing'>,
    done: (curves: Curve[] | undefined) => void,
  ): void {
    this.post(req, done);
  }

  private post(
    req: Omit<CurveRequest, 'requestId' | 'xAxis' | 'smoothing'>,
    done: (curves: Curve[] | undefined) => void,
  ): void {
    const requestId = this.nextRequestId++;
    this.pending.set(requestId, done);
    post({ type: 'loadCurves', requestId, xAxis: this.host.ui.xAxis, smoothing: this.host.ui.smoothing, ...req });
  }

  fetchKey(): string {
    const g = this.groups;
    return `${this.state?.dataRevision}|${this.host.ui.smoothing}|${this.host.ui.xAxis}|${g ? `${this.band}|${g.map((x) => x.runIds.join()).join(';')}` : ''}`;
  }

  private refetchAll(): void {
    for (const c of this.cards.values()) c.invalidate();
    for (const c of this.cards.values()) c.ensureData();
  }

  private renderLegend(): void {
    const state = this.state!;
    if (state.groups && !this.groupBar.childElementCount) {
      const bar = groupControls(this.host.ui, () => {
        this.host.saveUi();
        this.renderLegend();
        this.refetchAll();
      });
      this.groupBar.replaceWith(bar);
      this.groupBar = bar;
    }
    this.groupBar.hidden = !state.groups;
    const hint = this.groupBar.querySelector('.group-hint');
    if (hint) hint.textContent = groupHint(this.host.ui);
    const groups = this.groups;
    if (groups) {
      replace(this.legend, groupLegend(state, groups, this.showRuns));
      return;
    }
    const hidden = new Set(this.host.ui.hidden);
    const items = state.runs.map((r) => {
      const b = h(
        'button',
        {
          type: 'button',
          class: 'legend-item',
          'aria-pressed': String(!hidden.has(r.id)),
          title: `Show or hide ${r.name} in the charts`,
        },
        swatch(r.color),
        h('span', null, r.name),
      );
      on(b, 'click', () => {
        const set = new Set(this.host.ui.hidden);
        if (set.has(r.id)) set.delete(r.id);
        else set.add(r.id);
        this.host.ui.hidden = [...set];
        this.host.saveUi();
        b.setAttribute('aria-pressed', String(!set.has(r.id)));
        for (const c of this.cards.values()) {
          c.redraw();
          c.ensureData();
        }
      });
      return b;
    });
    const all = h('button', { type: 'button', class: 'link' }, hidden.size ? 'Show all' : 'Hide all');
    on(all, 'click', () => {
      this.host.ui.hidden = this.host.ui.hidden.length ? [] : state.runs.map((r) => r.id);
      this.host.saveUi();
      this.renderLegend();
      for (const c of this.cards.values()) {
        c.redraw();
        c.ensureData();
      }
    });
    replace(this.legend, ...items, state.runs.length > 1 ? all : null);
  }

  private renderCharts(): void {
    const state = this.state!;
    const keys = state.metrics.map((m) => m.key).filter((k) => matchesFilter(k, this.host.ui.filter));
    const keep = new Set(keys);
    for (const [k, c] of this.cards) {
      if (!keep.has(k)) {
        this.observer.unobserve(c.element);
        c.destroy();
        this.cards.delete(k);
      }
    }
    const added: ChartCard[] = [];
    const ordered = keys.map((k) => {
      let c = this.cards.get(k);
      if (!c) {
        c = new ChartCard(k, this);
        this.cards.set(k, c);
        this.observer.observe(c.element);
        added.push(c);
      }
      return c.element;
    });
    this.grid.replaceChildren(...ordered);
    // The observer reports after the next frame; charts already in view ask for their curves now instead, so the host
    // works while this frame is laid out and painted. The observer corrects any guess. Every card is measured before
    // any asks: asking sets its status text, and the next card's measurement then laid the whole page out again.
    const near = added.filter((c) => nearViewport(c.element));
    for (const c of added) c.measure();
    for (const c of near) c.setVisible(true);
    this.empty.textContent = keys.length
      ? ''
      : state.metrics.length
        ? 'No metric matches the filter.'
        : 'These runs have no metrics.';
  }

  /**
   * Draws a chart whose curves arrived at the next frame, together with every other chart whose curves arrived
   * meanwhile: answers come one message per chart, and a frame per chart costs a page raster each time.
   */
  redrawSoon(card: ChartCard): void {
    this.dirty.add(card);
    if (this.dirty.size === 1)
      requestAnimationFrame(() => {
        const cards = [...this.dirty];
        this.dirty.clear();
        for (const c of cards) c.redraw();
        // after this frame is painted
        if (this.drawnWaiters.length) setTimeout(() => this.flushDrawn());
      });
  }

  /**
   * Runs `fn` once the first curves asked for are drawn (after that frame), at once when none are awaited, and after
   * FIRST_DRAW_WAIT_MS at the latest (an answer that never comes): work the charts need not wait for goes there.
   */
  afterFirstDraw(fn: () => void): void {
    if (!this.pending.size && !this.pendingGroups.size) {
      fn();
      return;
    }
    let done = false;
    const once = (): void => {
      if (done) return;
      done = true;
      fn();
    };
    this.drawnWaiters.push(once);
    setTimeout(once, FIRST_DRAW_WAIT_MS);
  }

  private flushDrawn(): void {
    for (const fn of this.drawnWaiters.splice(0)) fn();
  }

  get logY(): boolean {
    return this.host.ui.logY;
  }
  get xAxis(): XAxis {
    return this.host.ui.xAxis;
  }
  get smoothing(): number {
    return this.host.ui.smoothing;
  }
}

/** One metric's chart. Keeps the overview (whole range) and, when zoomed, the detail of the visible range. */
class ChartCard {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly box: HTMLElement;
  private readonly status = h('span', { class: 'muted chart-status', 'aria-live': 'polite' });
  /** The hovered values as text, for screen readers (the tooltip itself is drawn on the canvas). */
  private readonly readout = h('div', { class: 'visually-hidden chart-readout', 'aria-live': 'polite' });
  /** The chart box's size in CSS px, kept by a ResizeObserver (reading clientWidth forces a layout). */
  private boxWidth = 0;
  private boxHeight = 0;
  private readonly sizeObserver: ResizeObserver;
  private statusTimer = 0;
  private chart: Chart<'columnLine', never[]> | undefined;
  private visible = false;
  private overview = new Map<string, Curve>();
  private overviewKey = '';
  private loading = new Set<string>();
  private detail: { range: { min: number; max: number }; curves: Map<string, Curve>; key: string } | undefined;
  private detailRequest = 0;
  /** Groups' curves of the whole range (keyed by group id, under overviewKey), and of the zoomed range. */
  private groupOverview: Map<string, GroupCurve> | undefined;
  private groupLoading = false;
  private groupDetail: { curves: Map<string, GroupCurve>; key: string } | undefined;
  private readonly steps: StepTable;
  private viewTimer = 0;

  constructor(
    readonly key: string,
    private readonly view: CurvesView,
  ) {
    this.canvas = h('canvas', { role: 'img', 'aria-label': `Chart of ${key}` });
    this.box = h(
      'div',
      { class: 'chart-box', tabindex: 0, 'aria-label': `${key} chart. Plus and minus zoom, arrow keys pan, 0 resets.` },
      this.canvas,
    );
    const reset = iconButton('discard', `Reset the zoom of ${key}`);
    on(reset, 'click', () => this.resetView(true));
    const png = iconButton('device-camera', `Save the ${key} chart as PNG`);
    on(png, 'click', () => this.savePng());
    this.steps = new StepTable((x) => this.stepLabel(x));
    const aliases = view.currentState?.metrics.find((m) => m.key === key)?.aliases;
    const title = aliases?.length ? `${key} (also logged as ${aliases.join(', ')})` : key;
    this.element = h(
      'figure',
      { class: 'chart-card', 'data-key': key },
      h(
        'figcaption',
        null,
        h('span', { class: 'chart-title', title }, key),
        aliases?.length ? h('span', { class: 'muted chart-aliases', title }, `(${aliases.join(', ')})`) : null,
        this.status,
        reset,
        png,
      ),
      this.box,
      this.readout,
      this.steps.element,
    );
    // Leaving the chart keeps the last step read (the table would otherwise jump back to its hint and move the charts
    // below it each time the pointer crosses the chart).
    // A press and release in place pins the step; a drag (the zoom's brush) does not.
    let down: { x: number; y: number } | undefined;
    on(this.canvas, 'pointerdown', (e) => (down = { x: e.clientX, y: e.clientY }));
    on(this.canvas, 'pointerup', (e) => {
      if (down && Math.abs(e.clientX - down.x) < 4 && Math.abs(e.clientY - down.y) < 4) this.steps.pin();
      down = undefined;
    });
    on(this.box, 'keydown', (e) => this.onKey(e));
    this.sizeObserver = new ResizeObserver((entries) => {
      for (const e of entries) {
        this.boxWidth = e.contentRect.width;
        this.boxHeight = e.contentRect.height;
      }
      // The chart is sized by Runlens, not by Chart.js (see createChart).
      const chart = this.chart;
      if (
        chart &&
        this.boxWidth > 0 &&
        (Math.round(this.boxWidth) !== chart.width || Math.round(this.boxHeight) !== chart.height)
      )
        chart.resize(Math.round(this.boxWidth), Math.round(this.boxHeight));
    });
    this.sizeObserver.observe(this.box);
    on(this.canvas, 'dblclick', () => this.resetView(true));
  }

  /**
   * Shows a status, after `delayMs` if given (a later status cancels it): charts that load quickly do not flash
   * "loading…", and each status shown costs the page a repaint.
   */
  private setStatus(text: string, delayMs = 0): void {
    clearTimeout(this.statusTimer);
    if (delayMs > 0) this.statusTimer = window.setTimeout(() => (this.status.textContent = text), delayMs);
    else if (this.status.textContent !== text) this.status.textContent = text;
  }

  /** Notes the box's size now (between layouts it is free to read; see CurvesView.renderCharts). */
  measure(): void {
    this.boxWidth = this.box.clientWidth;
    this.boxHeight = this.box.clientHeight;
  }

  setVisible(v: boolean): void {
    this.visible = v;
    if (v) this.ensureData();
  }

  invalidate(): void {
    this.overviewKey = '';
  }

  /** The x of the tooltip's first point (the hovered step), if any. */
  private hoveredX(): number | null {
    const p = this.chart?.tooltip?.dataPoints?.[0];
    return p && this.chart!.tooltip!.opacity > 0 ? (p.parsed.x ?? null) : null;
  }

  private stepLabel(v: number): string {
    const xAxis = this.view.xAxis;
    return xAxis === 'step'
      ? `step ${formatNumber(v)}`
      : xAxis === 'relative'
        ? formatDuration(v * 1000) || '0s'
        : new Date(v).toLocaleString();
  }

  destroy(): void {
    this.sizeObserver.disconnect();
    clearTimeout(this.statusTimer);
    this.chart?.destroy();
    this.chart = undefined;
  }

  /** Requests what the visible chart lacks: everything after a data/option change, else runs just unhidden. */
  ensureData(): void {
    if (!this.visible) return;
    const key = this.view.fetchKey();
    if (key !== this.overviewKey) {
      this.overviewKey = key;
      this.overview = new Map();
      this.loading.clear();
      this.groupOverview = undefined;
      this.groupLoading = false;
      if (this.detail) this.requestDetail(this.detail.range);
    }
    if (this.view.groups && !this.groupOverview && !this.groupLoading) {
      this.groupLoading = true;
      this.setStatus('loading…', LOADING_SHOWN_AFTER_MS);
      this.view.requestGroups({ keys: [this.key], maxPoints: this.maxPoints() }, (curves) => {
        if (key !== this.overviewKey) return;
        this.groupLoading = false;
        this.groupOverview = new Map((curves ?? []).map((c) => [c.groupId, c]));
        this.setStatus(curves ? '' : 'could not load');
        this.view.redrawSoon(this);
      });
    }
    const need = this.view.showRuns
      ? this.view.shownRuns.map((r) => r.id).filter((id) => !this.overview.has(id) && !this.loading.has(id))
      : [];
    if (!need.length) {
      this.redraw();
      return;
    }
    for (const id of need) this.loading.add(id);
    this.setStatus('loading…', LOADING_SHOWN_AFTER_MS);
    this.view.request({ runIds: need, keys: [this.key], maxPoints: this.maxPoints() }, (curves) => {
      if (key !== this.overviewKey) return;
      for (const id of need) this.loading.delete(id);
      for (const c of curves ?? []) this.overview.set(c.runId, c);
      // A run without this metric: remember the absence so it is not asked for again.
      for (const id of need)
        if (!this.overview.has(id))
          this.overview.set(id, { runId: id, key: this.key, x: NONE, y: NONE, s: NONE, total: 0 });
      this.setStatus(curves ? '' : 'could not load');
      this.view.redrawSoon(this);
    });
  }

  resetView(redraw: boolean): void {
    this.detail = undefined;
    this.groupDetail = undefined;
    this.steps.setRange(null);
    this.detailRequest++;
    this.chart?.resetZoom('none');
    if (redraw) this.redraw();
  }

  applyOptions(): void {
    if (!this.chart) return;
    this.chart.options = this.options();
    this.chart.update('none');
  }

  /** Rebuilds the datasets from the overview and detail curves of the shown runs. */
  redraw(): void {
    if (!this.visible && !this.chart) return;
    const groups = this.view.groups;
    const runs = this.view.showRuns ? this.view.shownRuns : [];
    const lines: RunLine[] = [];
    const shown: Array<RunRef | GroupLineRef> = [];
    const smoothing = this.view.smoothing > 0;
    const detail = this.detail && this.detail.key === this.overviewKey ? this.detail : undefined;
    let total = 0;
    let drawn = 0;
    /** Runs drawn from a sample while their whole curve is read (a tracking server's runs). */
    let sampled = 0;
    let firstSmoothed: number | undefined;
    let lastSmoothed: number | undefined;
    // Many overlaid runs read better as thin lines, and 1 px strokes take Skia's hairline path (~10× cheaper).
    const lineWidth = runs.length > 10 ? 1 : 1.5;
    for (const run of runs) {
      const c = this.overview.get(run.id);
      if (!c || !c.x.length) continue;
      const d = detail?.curves.get(run.id);
      if (c.partial || d?.partial) sampled++;
      const raw = merge(c, d, detail?.range, 'y');
      total += d ? d.total : c.total;
      drawn += raw.x.length;
      const main = smoothing ? merge(c, d, detail?.range, 's') : raw;
      if (firstSmoothed === undefined) {
        firstSmoothed = firstFinite(main.y);
        lastSmoothed = lastFinite(main.y);
      }
      shown.push(run);
      // Under groups' means, runs are context: thin and faint, without their raw lines.
      lines.push({
        columns: main,
        raw: smoothing && !groups ? raw : undefined,
        color: groups ? `${run.color}59` : run.color,
        rawColor: `${run.color}40`,
        width: groups ? 1 : lineWidth,
      });
    }
    const groupCurves =
      this.groupDetail && this.groupDetail.key === this.overviewKey ? this.groupDetail.curves : this.groupOverview;
    for (const g of groups ?? []) {
      const c = groupCurves?.get(g.id);
      if (!c || !c.x.length) continue;
      total += c.total;
      drawn += c.x.length;
      shown.push(groupRef(g, this.view.band));
      lines.push(groupLine(g, c));
    }
    this.steps.setLines(
      lines.map((l, i): StepLine => ({
        name: shown[i]!.name,
        color: shown[i]!.color,
        columns: l.columns,
        n: l.n,
      })),
    );
    const datasets: Dataset[] = [{ ...COLUMN_DATASET, data: [], lines, label: this.key }];
    if (!this.chart) {
      if (!lines.length) return;
      this.createChart(datasets, shown);
    } else {
      this.chart.data.datasets = datasets;
      runsOf.set(this.chart, shown);
      this.chart.update('none');
    }
    this.canvas.setAttribute(
      'aria-label',
      `Chart of ${this.key}: ${shown.length} ${groups ? 'lines' : 'runs'}, ${drawn} of ${total} points drawn`,
    );
    this.element.dataset.groups = String(shown.filter((r) => 'group' in r).length);
    this.element.dataset.bands = String(lines.filter((l) => l.band).length);
    // read-only test hooks: runs and points drawn, the first and last smoothed value of the first run drawn
    this.element.dataset.runs = String(shown.length);
    this.element.dataset.smoothedFirst = firstSmoothed === undefined ? '' : String(firstSmoothed);
    this.element.dataset.smoothedLast = lastSmoothed === undefined ? '' : String(lastSmoothed);
    this.element.dataset.drawn = String(drawn);
    this.element.dataset.sampled = String(sampled);
    // Said in the caption, not by moving the axes: the whole curves replace the samples within the same view.
    if (sampled) this.setStatus(sampled === shown.length ? SAMPLED : `${sampled} of ${shown.length} ${SAMPLED}`);
    else if (this.status.textContent?.endsWith(SAMPLED)) this.setStatus('');
    performance.mark(`runlens:drawn:${this.key}`);
  }

  private createChart(datasets: Dataset[], runs: Array<RunRef | GroupLineRef>): void {
    const readout: Plugin<'columnLine'> = {
      id: 'runlensReadout',
      afterDraw: (chart) => {
        this.showReadout(chart.tooltip);
        this.steps.hover(this.hoveredX());
      },
    };
    // Sized from the box's size kept by the ResizeObserver: Chart.js's own sizing reads the canvas's computed style,
    // and creating several charts in one frame laid the page out again for each.
    if (!this.boxWidth) this.measure();
    registerCharts();
    this.canvas.width = Math.max(1, Math.round(this.boxWidth));
    this.canvas.height = Math.max(1, Math.round(this.boxHeight));
    this.chart = new Chart<'columnLine', never[]>(this.canvas, {
      type: 'columnLine',
      data: { datasets },
      options: this.options(),
      plugins: [readout],
    });
    runsOf.set(this.chart, runs);
  }

  private showReadout(t: { opacity: number; title: string[]; body: Array<{ lines: string[] }> } | undefined): void {
    const text = t && t.opacity > 0 ? [...t.title, ...t.body.flatMap((b) => b.lines)].join('\n') : '';
    if (this.readout.textContent !== text) this.readout.textContent = text;
  }

  /**
   * Two points (a bucket's min and max) per CSS pixel of the plot area: its width once the chart is laid out; before,
   * the box's less the room a y axis usually takes. Asking by the whole box sent ~15 % more points than the plot has
   * columns, all drawn to the same pixels (strokeColumns keeps four per column) at the cost of more to send and stroke.
   */
  private maxPoints(): number {
    const area = this.chart?.chartArea;
    const plot =
      area && area.right > area.left
        ? area.right - area.left
        : (this.boxWidth || this.box.clientWidth || 600) - Y_AXIS_ROOM;
    return Math.max(200, Math.min(8000, Math.round(plot * 2)));
  }

  private options(): NonNullable<Chart<'columnLine', never[]>['options']> {
    const t = this.view.theme;
    const xAxis = this.view.xAxis;
    const fmtX = (v: number): string =>
      xAxis === 'step'
        ? formatNumber(v)
        : xAxis === 'relative'
          ? formatDuration(v * 1000) || '0s'
          : new Date(v).toLocaleTimeString();
    const titleX = (v: number): string =>
      xAxis === 'step'
        ? `step ${formatNumber(v)}`
        : xAxis === 'relative'
          ? formatDuration(v * 1000) || '0s'
          : new Date(v).toLocaleString();
    return {
      parsing: false,
      normalized: true,
      animation: false,
      // sized by Runlens from the box (see createChart), filling it whatever its shape
      responsive: false,
      maintainAspectRatio: false,
      spanGaps: false,
      color: t.fg,
      font: { family: t.font },
      interaction: { mode: 'runlensX', intersect: false },
      scales: {
        // Every tick label is measured (no sampleSize): a sample of 4 of "0", "0.5" … "3.5" took the one-character
        // labels only, and the y axis was made too narrow for the others, which lost their first digit.
        x: {
          type: 'linear',
          grid: { color: t.grid },
          ticks: { color: t.muted, maxRotation: 0, callback: (v) => fmtX(Number(v)) },
          border: { color: t.grid },
        },
        y: {
          type: this.view.logY ? 'logarithmic' : 'linear',
          grid: { color: t.grid },
          ticks: { color: t.muted, callback: (v) => formatNumber(Number(v)) },
          border: { color: t.grid },
        },
      },
      plugins: {
        tooltip: {
          backgroundColor: t.background,
          titleColor: t.fg,
          bodyColor: t.fg,
          borderColor: t.grid,
          borderWidth: 1,
          itemSort: (a, b) => (b.parsed.y ?? -Infinity) - (a.parsed.y ?? -Infinity),
          callbacks: {
            title: (items) => (items[0] ? titleX(items[0].parsed.x ?? 0) : ''),
            label: (item: TooltipItem<'columnLine'>) => {
              const run = runOfItem(item);
              if (!run) return '';
              const { line, i } = splitPointIndex(item.dataIndex);
              const raw = (item.chart.data.datasets[item.datasetIndex] as unknown as ColumnDataset | undefined)?.lines[
                line
              ]?.raw?.y[i];
              const ds = item.chart.data.datasets[item.datasetIndex] as unknown as ColumnDataset | undefined;
              const l = ds?.lines[line];
              if ('group' in run && l?.band && l.n)
                return `${run.name}: mean ${formatNumber(item.parsed.y)} · ${run.bandLabel} ${formatNumber(l.band.lo[i]!)} – ${formatNumber(l.band.hi[i]!)} · n=${l.n[i]}`;
              return `${run.name}: ${formatNumber(item.parsed.y)}${raw !== undefined && raw !== null && raw === raw ? ` (raw ${formatNumber(raw)})` : ''}`;
            },
            labelColor: (item) => {
              const c = runOfItem(item)?.color ?? t.fg;
              return { borderColor: c, backgroundColor: c };
            },
          },
        },
        zoom: {
          pan: { enabled: true, mode: 'xy', modifierKey: 'ctrl', onPanComplete: () => this.onViewChange() },
          zoom: {
            mode: 'xy',
            wheel: { enabled: true, modifierKey: 'ctrl' },
            pinch: { enabled: true },
            drag: { enabled: true, backgroundColor: t.selection, borderColor: t.fg, borderWidth: 1, threshold: 5 },
            onZoomComplete: () => this.onViewChange(),
          },
        },
      },
    };
  }

  private onViewChange(): void {
    clearTimeout(this.viewTimer);
    this.viewTimer = window.setTimeout(() => {
      const chart = this.chart;
      if (!chart) return;
      if (!chart.isZoomedOrPanned()) {
        if (this.detail) this.resetView(true);
        return;
      }
      const x = chart.scales.x!;
      this.steps.setRange({ min: x.min, max: x.max });
      this.requestDetail({ min: x.min, max: x.max });
    }, 150);
  }

  /** Asks for the visible x range at full resolution (the host downsamples only if it still has too many points). */
  private requestDetail(range: { min: number; max: number }): void {
    const id = ++this.detailRequest;
    const key = this.overviewKey;
    if (this.view.groups)
      this.view.requestGroups({ keys: [this.key], maxPoints: this.maxPoints(), range }, (curves) => {
        if (id !== this.detailRequest || !curves) return;
        this.groupDetail = { curves: new Map(curves.map((c) => [c.groupId, c])), key };
        this.redraw();
      });
    const runIds = this.view.showRuns ? this.view.shownRuns.map((r) => r.id) : [];
    if (!runIds.length) return;
    this.view.request({ runIds, keys: [this.key], maxPoints: this.maxPoints(), range }, (curves) => {
      if (id !== this.detailRequest || !curves) return;
      this.detail = { range, curves: new Map(curves.map((c) => [c.runId, c])), key };
      this.redraw();
    });
  }

  private onKey(e: KeyboardEvent): void {
    const chart = this.chart;
    if (!chart) return;
    const handled = (fn: () => void): void => {
      e.preventDefault();
      fn();
      this.onViewChange();
    };
    if (e.key === '+' || e.key === '=') handled(() => chart.zoom({ x: 1.25 }, 'none'));
    else if (e.key === '-') handled(() => chart.zoom({ x: 0.8 }, 'none'));
    else if (e.key === 'ArrowLeft') handled(() => chart.pan({ x: chart.width / 10 }, undefined, 'none'));
    else if (e.key === 'ArrowRight') handled(() => chart.pan({ x: -chart.width / 10 }, undefined, 'none'));
    else if (e.key === '0' || e.key === 'Escape') {
      e.preventDefault();
      this.resetView(true);
    }
  }

  private savePng(): void {
    if (!this.chart) return;
    // The canvas is transparent; paint the editor background under it so the PNG reads outside VS Code too.
    const src = this.canvas;
    const out = document.createElement('canvas');
    out.width = src.width;
    out.height = src.height;
    const ctx = out.getContext('2d')!;
    ctx.fillStyle = this.view.theme.background;
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(src, 0, 0);
    post({ type: 'savePng', key: this.key, dataUrl: out.toDataURL('image/png') });
  }
}

/** Overview points outside the zoomed range, the detail inside it (the host's arrays themselves when not zoomed). */
function merge(
  c: Curve,
  d: Curve | undefined,
  range: { min: number; max: number } | undefined,
  col: 'y' | 's',
): Columns {
  const cy = c[col];
  if (!d || !range) return { x: c.x, y: cy };
  const lo = d.x.length ? Math.min(range.min, d.x[0]!) : range.min;
  const hi = d.x.length ? Math.max(range.max, d.x[d.x.length - 1]!) : range.max;
  let before = 0;
  while (before < c.x.length && c.x[before]! < lo) before++;
  let after = before;
  while (after < c.x.length && c.x[after]! <= hi) after++;
  const n = before + d.x.length + (c.x.length - after);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  let k = 0;
  const copy = (src: Curve, srcY: Float64Array, from: number, to: number): void => {
    for (let i = from; i < to; i++, k++) {
      x[k] = src.x[i]!;
      y[k] = srcY[i]!;
    }
  };
  copy(c, cy, 0, before);
  copy(d, d[col], 0, d.x.length);
  copy(c, cy, after, c.x.length);
  return { x, y };
}

const NONE = new Float64Array(0);
/** "loading…" shows only when a chart's curves take longer than this. */
const LOADING_SHOWN_AFTER_MS = 250;
/** The longest work set aside for the first chart (CurvesView.afterFirstDraw) waits for it. */
const FIRST_DRAW_WAIT_MS = 2000;
/** The caption of a chart drawn (in part) from samples of the runs' curves while the whole curves are read. */
const SAMPLED = 'sampled — loading full history';
/** CSS pixels a y axis of short labels takes in a chart (44 in the compare fixture: labels, tick padding, border). */
const Y_AXIS_ROOM = 48;

/** Within the observer's margin of the viewport, and laid out (not in a hidden tab). */
function nearViewport(el: HTMLElement): boolean {
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.bottom > -400 && r.top < window.innerHeight + 400;
}

function lastFinite(y: ArrayLike<number | null>): number | undefined {
  for (let i = y.length - 1; i >= 0; i--) {
    const v = y[i];
    if (v !== null && v !== undefined && v === v) return v;
  }
  return undefined;
}

function firstFinite(y: ArrayLike<number | null>): number | undefined {
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (v !== null && v !== undefined && v === v) return v;
  }
  return undefined;
}
