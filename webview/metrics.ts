// Metrics: last / min / max per run, best cell by direction (overridable), delta and % change vs the baseline.
import type { Direction } from '../src/core/compare/direction';
import type { CompareState, JsonNumber, MetricCell, MetricRow } from '../src/protocol';
import { formatDelta, formatNumber, formatPct } from '../src/core/compare/format';
import { post } from './api';
import { h, matchesFilter, on } from './dom';
import { runHeading } from './header';
import { VirtualTable } from './table';
import { codicon, iconButton } from './toolkit';

export class MetricsView {
  readonly table = new VirtualTable<MetricRow>('metrics');

  /** The metrics the table shows (for the tab's badge, also while the table itself is not built). */
  static shown(state: CompareState, opts: { filter: string }): MetricRow[] {
    return state.metrics.filter((m) => matchesFilter(m.key, opts.filter));
  }

  render(state: CompareState, opts: { filter: string }): void {
    const rows = MetricsView.shown(state, opts);
    this.table.set({
      label: 'Metrics',
      columns: state.runs.length + 1,
      rowHeight: 58,
      items: rows,
      head: h(
        'tr',
        null,
        h('th', { scope: 'col', class: 'corner' }, 'Metric'),
        ...state.runs.map((r, i) => runHeading(r, i === state.baseline)),
      ),
      row: (m) => h('tr', null, keyCell(m, state), ...m.cells.map((c, i) => valueCell(m, c, i, state))),
    });
    if (!rows.length) this.table.element.setAttribute('data-empty', 'No metrics.');
    else this.table.element.removeAttribute('data-empty');
  }
}

const ARROW: Record<Direction, string> = { lower: 'arrow-down', higher: 'arrow-up' };

function keyCell(m: MetricRow, state: CompareState): HTMLTableCellElement {
  const dir = m.direction;
  const what = dir === 'lower' ? 'lower is better' : dir === 'higher' ? 'higher is better' : 'direction unknown';
  const next: Direction | null = nextDirection(m);
  const nextText =
    next === null
      ? `back to the guess (${m.guessed ? (m.guessed === 'lower' ? 'lower' : 'higher') : 'unknown'})`
      : `${next} is better`;
  const b = iconButton(
    dir ? ARROW[dir] : 'question',
    `${m.key}: ${what}${m.overridden ? ' (set by you)' : ''}. Click: ${nextText}`,
  );
  b.classList.add('direction');
  if (m.overridden) b.classList.add('overridden');
  on(b, 'click', () => post({ type: 'setDirection', key: m.key, direction: next }));
  // Aliased rows keep the names the runs logged visible (the alias map renamed `eval_loss` to `val_loss`).
  const aliases = m.aliases?.length ? m.aliases.join(', ') : '';
  const th = h(
    'th',
    { scope: 'row', class: 'key', title: aliases ? `${m.key} (logged as ${aliases})` : m.key },
    b,
    h('span', { class: 'metric-key' }, m.key),
    aliases ? h('span', { class: 'muted metric-aliases' }, ` (${aliases})`) : null,
  );
  if (state.capabilities.findMetricInCode) {
    const f = iconButton('search', `Find where ${m.key} is logged in the code`);
    on(f, 'click', () => post({ type: 'findMetricInCode', key: m.key }));
    th.append(f);
  }
  // From the number to the code: the commit of the run holding the best value.
  const best = m.bestRun === null || m.bestRun === undefined ? undefined : state.runs[m.bestRun];
  if (best && (best.commit || best.inferredCommit)) {
    const g = iconButton('git-commit', `Open the commit of the best run for ${m.key} (${best.name})`);
    g.classList.add('best-commit');
    on(g, 'click', () => post({ type: 'openCommit', runId: best.id }));
    th.append(g);
  }
  return th;
}

/** Cycle: guess → the other direction → back to the guess; with no guess: lower → higher → unknown. */
function nextDirection(m: MetricRow): Direction | null {
  if (!m.overridden) return m.guessed === 'lower' ? 'higher' : m.guessed === 'higher' ? 'lower' : 'lower';
  if (m.guessed === null) return m.direction === 'lower' ? 'higher' : null;
  return null;
}

function valueCell(m: MetricRow, c: MetricCell | null, i: number, state: CompareState): HTMLTableCellElement {
  const isBaseline = i === state.baseline;
  if (!c)
    return h(
      'td',
      { class: `missing${isBaseline ? ' baseline' : ''}`, title: 'This run did not log this metric' },
      '—',
    );
  const best = m.bestRun === i;
  const cls = ['metric', best ? 'best' : '', isBaseline ? 'baseline' : ''].filter(Boolean).join(' ');
  const last = h(
    'div',
    { class: 'last' },
    h('span', { class: 'value' }, jsonText(c.last)),
    best
      ? h('span', { class: 'star codicon codicon-star-full', title: 'best', role: 'img', 'aria-label': 'best' })
      : null,
  );
  let delta: HTMLElement | null = null;
  if (!isBaseline && c.delta !== null) {
    const better = m.direction && c.delta !== 0 ? (m.direction === 'lower') === c.delta < 0 : undefined;
    delta = h(
      'div',
      { class: `delta ${better === undefined ? '' : better ? 'better' : 'worse'}`.trim() },
      `Δ ${formatDelta(c.delta)}${c.pct !== null ? ` (${formatPct(c.pct)})` : ''}`,
    );
  }
  const step = (s: number | null): string => (s === null ? '' : ` @${s}`);
  const bestSide = m.direction === 'lower' ? 'min' : m.direction === 'higher' ? 'max' : null;
  // A remote source's run knows only its last value until its curve is read (docs/sources.md): no range yet.
  const ends = (['min', 'max'] as const).flatMap((side) => {
    const v = c[side];
    if (v === null) return [];
    const at = bestSide !== (side === 'min' ? 'max' : 'min') ? step(side === 'min' ? c.minStep : c.maxStep) : '';
    return [h('span', { class: bestSide === side ? 'judged' : null }, `${side} ${formatNumber(v)}${at}`)];
  });
  const range = ends.length ? h('div', { class: 'range' }, ...ends.flatMap((e, k) => (k ? [' · ', e] : [e]))) : null;
  const run = state.runs[i];
  const commit = run?.commit ?? run?.inferredCommit;
  let toCommit: HTMLElement | null = null;
  if (run && commit) {
    // Any cell reaches its run's commit.
    // A plain button styled as a link: a toolkit component per cell would be heavy in big tables.
    toCommit = h(
      'button',
      {
        class: 'link cell-commit',
        type: 'button',
        title: `Open the commit of ${run.name}${run.commit ? '' : ' (inferred)'}`,
      },
      codicon('git-commit'),
      commit.slice(0, 7),
    );
    on(toCommit, 'click', () => post({ type: 'openCommit', runId: run.id }));
  }
  return h(
    'td',
    { class: cls, title: `last at step ${c.lastStep ?? '?'} · ${c.count} points` },
    last,
    delta,
    range,
    toCommit,
  );
}

function jsonText(v: JsonNumber | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return formatNumber(v);
  return v === 'NaN' ? 'NaN' : v === 'Infinity' ? '∞' : '−∞';
}
