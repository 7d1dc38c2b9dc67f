// The compare view: header, metrics, params and curves, rebuilt from the host's full state on every didLoad.
import { SMOOTHING_DEFAULT } from '../src/core/compare/smoothing';
import type { CompareState, PersistedState, UiState } from '../src/protocol';
import { getState, logError, onMessage, post, setState } from './api';
import { assertNever, h, on, replace } from './dom';
import { CurvesView } from './curves';
import { renderHeader } from './header';
import { GroupMetricsView } from './groupMetrics';
import { MetricsView } from './metrics';
import { ParamsView } from './params';
import { renderReview } from './review';
import { button, checkbox, registerToolkit, textField } from './toolkit';

registerToolkit();
// The codicon font (the header's and the charts' icon buttons) starts loading now, while the host prepares the state:
// loaded on first use, it arrived after the first frame and laid the whole page out again (~30-45 ms, 100 runs).
void document.fonts.load('16px codicon').catch(logError);
window.addEventListener('error', (e) => logError(e.error ?? e.message));
window.addEventListener('unhandledrejection', (e) => logError(e.reason));

const saved: PersistedState | undefined = getState();
const ui: UiState = {
  tab: 'metrics',
  onlyDiffs: true,
  smoothing: SMOOTHING_DEFAULT,
  xAxis: 'step',
  logY: false,
  filter: '',
  hidden: [],
  ...saved?.ui,
};
let persisted: PersistedState = {
  runIds: saved?.runIds ?? [],
  baselineId: saved?.baselineId,
  colors: saved?.colors,
  ui,
};
let state: CompareState | undefined;

function saveUi(): void {
  persisted = { ...persisted, ui };
  setState(persisted);
}

const app = document.getElementById('app')!;
const title = h('h1', { class: 'title' });
const notice = h('div', { class: 'notice', role: 'status' });
const headerBox = h('div', { class: 'header' });
const reviewBox = h('div', { class: 'review-box' });
const metrics = new MetricsView();
const groupMetrics = new GroupMetricsView();
const params = new ParamsView();
const curves = new CurvesView({ ui, saveUi });

const filter = textField('Filter metrics and params', ui.filter, 'Filter metrics and params by name');
let filterTimer = 0;
on(filter, 'input', () => {
  clearTimeout(filterTimer);
  filterTimer = window.setTimeout(() => {
    ui.filter = filter.value;
    saveUi();
    renderTables();
    curves.filter();
  }, 100);
});
const addRuns = button('Add runs…', { secondary: true, title: 'Add runs to this comparison' });
on(addRuns, 'click', () => post({ type: 'addRuns' }));
const copyMd = button('Copy as Markdown', {
  secondary: true,
  title: 'Copy the params diff and the metrics table as Markdown',
});
on(copyMd, 'click', () => post({ type: 'copyMarkdown', onlyDiffs: ui.onlyDiffs }));
const saveCsv = button('Save CSV…', { secondary: true, title: 'Save the compared data as CSV' });
on(saveCsv, 'click', () => post({ type: 'saveCsv' }));
const toolbar = h(
  'div',
  { class: 'toolbar', role: 'toolbar', 'aria-label': 'Comparison' },
  title,
  filter,
  addRuns,
  copyMd,
  saveCsv,
);

const onlyDiffs = checkbox('Only params that differ', ui.onlyDiffs);
on(onlyDiffs, 'change', () => {
  ui.onlyDiffs = onlyDiffs.checked;
  saveUi();
  renderTables();
});
const paramsCount = h('span', { class: 'muted' });

const tabs = document.createElement('vscode-panels');
tabs.setAttribute('aria-label', 'Comparison views');
tabs.setAttribute('activeid', `tab-${ui.tab}`);
const tabMetrics = tab('metrics', 'Metrics');
const tabParams = tab('params', 'Params');
const tabCurves = tab('curves', 'Curves');
tabs.append(
  tabMetrics.tab,
  tabParams.tab,
  tabCurves.tab,
  view('metrics', groupMetrics.element, metrics.table.element),
  view('params', h('div', { class: 'params-controls' }, onlyDiffs, paramsCount), params.table.element),
  view('curves', curves.element),
);
on(tabs, 'change', () => {
  const id = (tabs as HTMLElement & { activeid?: string }).activeid ?? '';
  const t = id.replace(/^tab-/, '');
  if (t === 'metrics' || t === 'params') buildTable(t);
  if ((t === 'metrics' || t === 'params' || t === 'curves') && t !== ui.tab) {
    ui.tab = t;
    saveUi();
  }
});

function tab(id: string, label: string): { tab: HTMLElement; count: HTMLElement } {
  const count = h('span', { class: 'badge count' });
  const t = document.createElement('vscode-panel-tab');
  t.id = `tab-${id}`;
  t.append(label, ' ', count);
  return { tab: t, count };
}

function view(id: string, ...children: HTMLElement[]): HTMLElement {
  const v = document.createElement('vscode-panel-view');
  v.id = `view-${id}`;
  v.append(h('div', { class: 'view' }, ...children));
  return v;
}

/**
 * Tables behind a tab not in front, built when that tab is shown: with the curves in front, the metrics table of 50
 * runs (~65 ms of DOM) would hold up the charts for a view nobody is looking at.
 */
const staleTables = new Set<'metrics' | 'params'>();

function renderTables(): void {
  if (!state) return;
  const m = MetricsView.shown(state, { filter: ui.filter }).length;
  const differing = ParamsView.differing(state);
  tabMetrics.count.textContent = String(m);
  tabParams.count.textContent = String(differing);
  tabParams.tab.title = `${differing} of ${state.params.length} params differ`;
  paramsCount.textContent = `${differing} of ${state.params.length} differ`;
  tabCurves.count.textContent = String(m);
  staleTables.add('metrics');
  staleTables.add('params');
  buildTable(ui.tab);
}

function buildTable(tab: UiState['tab']): void {
  if (!state || (tab !== 'metrics' && tab !== 'params') || !staleTables.delete(tab)) return;
  if (tab === 'metrics') {
    groupMetrics.render(state, { filter: ui.filter });
    metrics.render(state, { filter: ui.filter });
  } else params.render(state, { onlyDiffs: ui.onlyDiffs, filter: ui.filter });
}

// The chrome (toolbar, tabs, chart controls) mounts before the state arrives: the toolkit's one-time setup and the
// first layout happen while the host is answering 'ready', and the state then only fills in tables.
notice.textContent = 'Loading comparison…';
replace(app, toolbar, notice, reviewBox, headerBox, tabs);

function render(next: CompareState): void {
  const first = !state;
  state = next;
  if (first && !saved?.ui) ui.smoothing = next.defaults.smoothing;
  const known = new Set(next.runs.map((r) => r.id));
  ui.hidden = ui.hidden.filter((id) => known.has(id));
  persisted = {
    runIds: [...next.runs.map((r) => r.id), ...next.missingRunIds],
    baselineId: next.runs[next.baseline]?.id,
    colors: Object.fromEntries(next.runs.map((r) => [r.id, r.color])),
    ui,
  };
  setState(persisted);
  title.textContent = next.runs.length === 1 ? '1 run' : `${next.runs.length} runs`;
  notice.textContent = next.missingRunIds.length
    ? `${next.missingRunIds.length} run${next.missingRunIds.length > 1 ? 's are' : ' is'} not in the index (yet): ${next.missingRunIds.join(', ')}`
    : next.runs.length === 0
      ? 'Nothing to compare: add runs with “Add runs…” or from the Runs view.'
      : '';
  notice.hidden = !notice.textContent;
  // With the curves tab in front, its requests go out first: the host computes them while this page builds the rest.
  if (ui.tab === 'curves') curves.render(next);
  // With the curves in front, the header's columns past the panel's width wait for the first chart drawn.
  const header = renderHeader(
    next,
    ui.tab === 'curves' ? Math.ceil(window.innerWidth / RUN_COLUMN_MIN_PX) + 1 : undefined,
  );
  replace(headerBox, header.element);
  if (ui.tab === 'curves') curves.afterFirstDraw(() => header.element.isConnected && header.complete());
  renderTables();
  if (ui.tab !== 'curves') curves.render(next);
  app.removeAttribute('aria-busy');
  performance.mark('runlens:rendered');
}

/** The narrowest a run's column in the header gets (its name and its two actions). */
const RUN_COLUMN_MIN_PX = 80;

/** The number of the host's post last rendered (see ToWebview 'didLoad'). */
let renderedPost: number | undefined;

onMessage((msg) => {
  try {
    switch (msg.type) {
      case 'didLoad':
        // The host posts as the panel opens and again on 'ready' (the same post): rendered once.
        if (msg.posted === renderedPost) break;
        renderedPost = msg.posted;
        render(msg.state);
        break;
      case 'didLoadCurves':
        curves.receive(msg.requestId, msg.curves);
        break;
      case 'didLoadGroupCurves':
        curves.receiveGroups(msg.requestId, msg.curves);
        break;
      case 'didFail':
        if (msg.requestId !== undefined) curves.receive(msg.requestId, undefined);
        if (msg.requestId !== undefined) curves.receiveGroups(msg.requestId, undefined);
        break;
      case 'didLoadReview':
        replace(reviewBox, msg.review ? renderReview(msg.review) : null);
        break;
      default:
        assertNever(msg);
    }
  } catch (err) {
    logError(err);
  }
});

post({ type: 'ready' });
