// The Sweep view's page: parallel coordinates (brushing selects runs), a scatter of a param against the metric,
// and the params ranked by Spearman's ρ with it. Every string from runs goes in as text (dom.ts builds no HTML).
import { formatNumber } from '../../src/core/compare/format';
import { position } from '../../src/core/sweep/axes';
import type { SweepAxis, SweepState } from '../../src/protocol';
import { assertNever, h, on, replace } from '../dom';
import { logError, onMessage, post } from './api';
import { GROUP_COLORS } from './colors';
import { ParallelView } from './parallel';
import { ScatterView } from './scatter';

const MAX_LEGEND = 12;

let state: SweepState | undefined;
let scatterX: string | undefined;

const app = document.getElementById('app')!;
const metricPick = h('select', { id: 'metric', 'aria-label': 'Metric' });
const count = h('span', { class: 'count' });
const compareBtn = h(
  'button',
  { id: 'compare', title: 'Compare the brushed runs' },
  h('span', { class: 'codicon codicon-git-compare' }),
  ' Compare',
);
const tableBtn = h(
  'button',
  { id: 'table', title: 'List the brushed runs in the runs table' },
  h('span', { class: 'codicon codicon-table' }),
  ' Table',
);
const clearBtn = h(
  'button',
  { id: 'clear', title: 'Clear every brush' },
  h('span', { class: 'codicon codicon-clear-all' }),
  ' Clear',
);
const xPick = h('select', { id: 'scatter-x', 'aria-label': 'Scatter x' });
const note = h('p', { class: 'note' });
const legend = h('div', { class: 'legend' });
const ranking = h('div', { class: 'ranking' });
const problem = h('p', { class: 'error', role: 'alert' });
const title = h('h1');
const pc = new ParallelView(
  (live) => {
    renderCount();
    if (!live) drawScatter();
  },
  (axis) => post({ type: 'openParam', key: axis.key }),
);
const scatter = new ScatterView();

function brushedIds(): string[] {
  if (!state) return [];
  const runs = state.data.runs;
  return pc.brushes.length ? runs.filter((_, i) => pc.mask[i]).map((r) => r.id) : runs.map((r) => r.id);
}

function renderCount(): void {
  const n = state?.data.runs.length ?? 0;
  count.textContent = pc.brushes.length ? `${pc.count} of ${n} runs brushed` : `${n} runs`;
  count.dataset['ids'] = pc.brushes.length ? String(pc.count) : '';
  clearBtn.toggleAttribute('disabled', pc.brushes.length === 0);
}

function metricAxis(): SweepAxis | undefined {
  const axes = state?.data.axes ?? [];
  return axes[axes.length - 1]?.kind === 'metric' ? axes[axes.length - 1] : undefined;
}

function xChoices(): SweepAxis[] {
  if (!state) return [];
  return [...state.data.axes.filter((a) => a.kind === 'param'), ...state.data.otherMetrics];
}

function drawScatter(): void {
  const y = metricAxis();
  const choices = xChoices();
  const x = choices.find((a) => a.key === scatterX) ?? choices[0];
  if (!state || !y || !x) {
    scatter.canvas.dataset['points'] = '0';
    return;
  }
  scatter.draw(x, y, state.data, pc.brushes.length ? pc.mask : undefined);
}

function render(s: SweepState): void {
  state = s;
  const d = s.data;
  title.textContent = `Sweep: ${s.title}`;
  replace(metricPick, ...d.metrics.map((m) => h('option', { value: m, selected: m === d.metric }, m)));
  const choices = xChoices();
  if (!choices.some((a) => a.key === scatterX)) scatterX = d.ranking[0]?.key ?? choices[0]?.key;
  replace(xPick, ...choices.map((a) => h('option', { value: a.key, selected: a.key === scatterX }, a.key)));
  problem.textContent = d.metric
    ? d.axes.length <= 1
      ? 'No param varies across these runs: nothing to draw against the metric.'
      : ''
    : 'These runs record no metric.';
  note.textContent = [
    d.dropped.length ? `Not drawn: ${d.dropped.join(', ')} (too many distinct texts, or over 15 param axes).` : '',
    `Metric values: each run's best (min or max by the name), else its last.`,
  ]
    .filter(Boolean)
    .join(' ');
  pc.setModel({
    axes: d.axes,
    n: d.runs.length,
    pos: d.axes.map((a) => Float64Array.from(a.values, (v) => (v === null ? NaN : position(a, v)))),
  });
  renderCount();
  drawScatter();
  renderLegend();
  renderRanking();
}

function renderLegend(): void {
  const groups = state?.data.groups ?? [];
  replace(
    legend,
    ...groups
      .slice(0, MAX_LEGEND)
      .map((g, i) =>
        h(
          'span',
          { class: 'legend-item', title: g || '(no params)' },
          h('span', { class: 'swatch', 'data-color': i % GROUP_COLORS.length }),
          g || '(no params)',
        ),
      ),
    groups.length > MAX_LEGEND
      ? h('span', { class: 'legend-more' }, `+${groups.length - MAX_LEGEND} more groups`)
      : null,
  );
  legend.querySelectorAll<HTMLElement>('.swatch').forEach((s) => {
    s.style.background = GROUP_COLORS[Number(s.dataset['color'])]!;
  });
}

function renderRanking(): void {
  const d = state?.data;
  if (!d) return;
  const rows = d.ranking.map((r) =>
    h(
      'tr',
      { 'data-key': r.key },
      h(
        'td',
        { class: 'key' },
        h('button', { class: 'link', title: `Plot ${r.key} against ${d.metric ?? ''}` }, r.key),
      ),
      h('td', { class: 'rho' }, r.rho === null ? '—' : formatNumber(Number(r.rho.toFixed(3)))),
      h(
        'td',
        { class: 'bar' },
        h('span', {
          class: r.rho !== null && r.rho < 0 ? 'neg' : 'pos',
          'data-w': Math.round(Math.abs(r.rho ?? 0) * 100),
        }),
      ),
      h('td', { class: 'n' }, String(r.n)),
    ),
  );
  replace(
    ranking,
    h(
      'table',
      null,
      h(
        'thead',
        null,
        h('tr', null, h('th', null, 'param'), h('th', null, 'ρ'), h('th', null, ''), h('th', null, 'runs')),
      ),
      h('tbody', null, ...rows),
    ),
    d.unranked.length
      ? h('p', { class: 'note' }, `Text params have no order, so no rank correlation: ${d.unranked.join(', ')}.`)
      : null,
  );
  ranking.querySelectorAll<HTMLElement>('.bar span').forEach((s) => {
    s.style.width = `${s.dataset['w']}%`;
  });
  ranking.querySelectorAll<HTMLElement>('tr[data-key] button.link').forEach((b) =>
    on(b, 'click', () => {
      scatterX = b.closest('tr')!.dataset['key'];
      xPick.value = scatterX ?? '';
      drawScatter();
    }),
  );
}

function layout(): void {
  replace(
    app,
    h(
      'header',
      { class: 'toolbar' },
      title,
      h('label', null, 'Metric ', metricPick),
      count,
      compareBtn,
      tableBtn,
      clearBtn,
    ),
    problem,
    h(
      'section',
      { class: 'card' },
      h('h2', null, 'Parallel coordinates'),
      h(
        'p',
        { class: 'hint' },
        'Drag along an axis to brush; click an axis to clear its brush; click a param title to open it in its config file.',
      ),
      pc.root,
      note,
    ),
    h(
      'div',
      { class: 'row' },
      h(
        'section',
        { class: 'card scatter' },
        h('h2', null, 'Scatter ', h('label', null, 'x ', xPick)),
        scatter.root,
        legend,
      ),
      h('section', { class: 'card rank' }, h('h2', null, "Spearman's ρ with the metric"), ranking),
    ),
  );
  app.removeAttribute('aria-busy');
  on(metricPick, 'change', () => post({ type: 'setMetric', metric: metricPick.value }));
  on(xPick, 'change', () => {
    scatterX = xPick.value;
    drawScatter();
  });
  on(compareBtn, 'click', () => post({ type: 'compare', runIds: brushedIds() }));
  on(tableBtn, 'click', () => post({ type: 'openTable', runIds: brushedIds() }));
  on(clearBtn, 'click', () => pc.clearBrushes());
}

layout();
// VS Code switches themes by changing the body's class and the root's style variables: canvases are redrawn.
const redraw = (): void => {
  if (!state) return;
  pc.themeChanged();
  drawScatter();
};
const themeWatch = new MutationObserver(redraw);
themeWatch.observe(document.body, { attributes: true, attributeFilter: ['class'] });
themeWatch.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
onMessage((m) => {
  try {
    switch (m.type) {
      case 'didLoad':
        problem.textContent = '';
        render(m.state);
        return;
      case 'didFail':
        problem.textContent = m.message;
        return;
      default:
        assertNever(m);
    }
  } catch (err) {
    logError(err);
  }
});
window.addEventListener('error', (e) => logError(e.error ?? e.message));
post({ type: 'ready' });
