// The runs table page: a toolbar (filter, only-differing columns, column picker, compare, copy, save view) over a
// virtualised grid. Only the rows in view exist in the DOM; they are asked of the host in pages, sorted and
// filtered there by SQLite. Run strings are untrusted: everything is set as text.
import { assertNever, type TableRow, type TableState } from '../../src/protocol';
import { h } from '../dom';
import { keepState, logError, onMessage, post } from './api';
import { cellText, cellTitle, delta } from './cells';

const ROW_H = 24;
const PAGE = 100;
const STAR_W = 28;

let state: TableState | undefined;
const pages = new Map<number, TableRow[]>();
const requested = new Set<number>();
const selected = new Set<string>();
let cursor = 0;
let anchor = 0;
let nextRequest = 1;

const filterInput = h('input', {
  id: 'filter',
  type: 'text',
  spellcheck: 'false',
  placeholder: 'Filter: params.lr < 1e-3 and metrics.val_loss.min <= 0.3',
  'aria-label': 'Filter runs',
});
const filterError = h('div', { class: 'error', role: 'alert' });
const onlyDiffs = h('input', { type: 'checkbox', id: 'onlyDiffs' });
const count = h('span', { class: 'count' });
/** A codicon glyph (VS Code's icon font, dist/codicon.css), hidden from screen readers: its element has the words. */
const codicon = (name: string): HTMLElement => h('span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });
const button = (id: string, icon: string, label: string, title: string): HTMLButtonElement =>
  h('button', { id, title }, codicon(icon), h('span', {}, label));
const buttons = {
  columns: button('columns', 'list-selection', 'Columns…', 'Choose the columns'),
  compare: button('compare', 'diff', 'Compare', 'Compare the selected runs (Enter)'),
  baseline: button('baseline', 'pinned', 'Set Baseline', 'Make the focused run the baseline (B)'),
  copyMd: button('copyMd', 'markdown', 'Copy Markdown', 'Copy the selected runs (or all shown) as Markdown'),
  copyCsv: button('copyCsv', 'table', 'Copy CSV', 'Copy the selected runs (or all shown) as CSV'),
  sweep: button(
    'sweep',
    'graph-scatter',
    'Sweep',
    'Show the Sweep view (parallel coordinates, scatter) of the selected runs, or of every run the filter keeps',
  ),
  saveView: button(
    'saveView',
    'save',
    'Save View…',
    'Save this filter, columns and sort as .vscode/runlens/views/<name>.json',
  ),
};
const pickerSearch = h('input', { type: 'search', placeholder: 'Search columns', 'aria-label': 'Search columns' });
const pickerList = h('div', { class: 'picker-list' });
const picker = h('div', { class: 'picker', hidden: true }, pickerSearch, pickerList);
const header = h('div', { class: 'row head', role: 'row' });
const body = h('div', { class: 'body' });
const viewport = h(
  'div',
  { class: 'viewport', tabindex: 0, role: 'grid', 'aria-multiselectable': 'true' },
  header,
  body,
);

function mount(): void {
  const app = document.getElementById('app')!;
  app.replaceChildren(
    h(
      'div',
      { class: 'toolbar' },
      filterInput,
      h('label', { class: 'check' }, onlyDiffs, ' Only columns that differ'),
      ...Object.values(buttons),
      count,
    ),
    filterError,
    picker,
    viewport,
  );
  app.removeAttribute('aria-busy');
}

/** Sizes through the CSSOM: the page's CSP allows no style attributes. */
function px<T extends HTMLElement>(el: T, width?: number, top?: number): T {
  if (width !== undefined) el.style.width = `${width}px`;
  if (top !== undefined) el.style.top = `${top}px`;
  return el;
}

const WIDTHS: Record<string, number> = {
  name: 200,
  experiment: 100,
  format: 90,
  status: 80,
  commit: 80,
  source: 150,
  started: 130,
  duration: 80,
};

function widthOf(i: number): number {
  return WIDTHS[state!.shown[i]!.id] ?? 120;
}

function renderHeader(): void {
  const s = state!;
  const cells = s.shown.map((c, i) => {
    const sorted = s.sort?.column === c.id ? (s.sort.desc ? 'descending' : 'ascending') : null;
    return px(
      h(
        'div',
        {
          class: `cell ${c.kind}`,
          'data-col': c.id,
          role: 'columnheader',
          'aria-sort': sorted ?? 'none',
          title: `${c.id} — click to sort`,
        },
        c.label,
        sorted ? codicon(sorted === 'descending' ? 'arrow-down' : 'arrow-up') : null,
      ),
      widthOf(i),
    );
  });
  header.replaceChildren(
    px(h('div', { class: 'cell star', title: 'Starred', 'aria-label': 'Starred' }, codicon('star-full')), STAR_W),
    ...cells,
  );
  const total = STAR_W + s.shown.reduce((n, _c, i) => n + widthOf(i), 0);
  header.style.width = body.style.width = `${total}px`;
  body.style.height = `${s.total * ROW_H}px`;
}

function rowAt(i: number): TableRow | undefined {
  return pages.get(Math.floor(i / PAGE))?.[i % PAGE];
}

function renderRows(): void {
  const s = state;
  if (!s) return;
  const first = Math.max(0, Math.floor(viewport.scrollTop / ROW_H) - 5);
  const last = Math.min(s.total, first + Math.ceil(viewport.clientHeight / ROW_H) + 10);
  for (let p = Math.floor(first / PAGE); p <= Math.floor(Math.max(first, last - 1) / PAGE) && p * PAGE < s.total; p++)
    request(p);
  const starred = new Set(s.starred);
  const sources = new Map((s.sources ?? []).map((x) => [x.id, x]));
  const rows: HTMLElement[] = [];
  for (let i = first; i < last; i++) {
    const r = rowAt(i);
    const cls = [
      'row',
      i % 2 ? 'odd' : '',
      r && selected.has(r.id) ? 'selected' : '',
      i === cursor ? 'cursor' : '',
      r && r.id === s.baselineId ? 'baseline' : '',
    ].join(' ');
    const el = px(
      h('div', { class: cls, role: 'row', 'data-index': i, 'aria-selected': r ? String(selected.has(r.id)) : null }),
      undefined,
      i * ROW_H,
    );
    el.append(
      px(
        h(
          'div',
          {
            class: `cell star${r && starred.has(r.id) ? ' on' : ''}`,
            'data-star': r?.id,
            title: 'Star (*)',
            'aria-label': r && starred.has(r.id) ? 'Starred' : 'Not starred',
          },
          r ? codicon(starred.has(r.id) ? 'star-full' : 'star-empty') : null,
        ),
        STAR_W,
      ),
    );
    s.shown.forEach((c, j) => {
      const v = r?.cells[j] ?? null;
      const d = r && r.id !== s.baselineId ? delta(c, v, s.baseline?.[j]) : undefined;
      const text = r ? cellText(c, v, sources) : j === 0 ? '…' : '';
      // MLflow logs every param as text: ones that read as numbers align as numbers too
      const numeric =
        typeof v === 'number' || (typeof v === 'string' && /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(v));
      const cell = h(
        'div',
        {
          class: `cell ${c.kind}${numeric ? ' num' : ''}`,
          title: cellTitle(c, v, text, sources),
        },
        text,
        d ? h('span', { class: `delta ${d.cls}` }, ` ${d.text}`) : null,
        r && r.id === s.baselineId && j === 0 ? h('span', { class: 'badge' }, 'baseline') : null,
      );
      el.append(px(cell, widthOf(j)));
    });
    rows.push(el);
  }
  body.replaceChildren(...rows);
}

function request(page: number): void {
  if (pages.has(page) || requested.has(page) || !state) return;
  requested.add(page);
  post({ type: 'loadRows', requestId: nextRequest++, version: state.version, offset: page * PAGE, limit: PAGE });
}

function sendQuery(patch: Partial<Pick<TableState, 'filter' | 'columns' | 'sort' | 'onlyDiffs'>>): void {
  if (!state) return;
  const q = { filter: state.filter, columns: state.columns, sort: state.sort, onlyDiffs: state.onlyDiffs, ...patch };
  post({ type: 'setQuery', query: q });
}

function renderPicker(): void {
  const s = state!;
  const needle = pickerSearch.value.toLowerCase();
  const shown = new Set(s.columns.length ? s.columns : s.shown.map((c) => c.id));
  pickerList.replaceChildren(
    ...s.available
      .filter((c) => !needle || c.id.toLowerCase().includes(needle))
      .slice(0, 300)
      .map((c) =>
        h(
          'label',
          { class: 'check' },
          h('input', { type: 'checkbox', 'data-col': c.id, checked: shown.has(c.id) }),
          ` ${c.id}`,
        ),
      ),
  );
}

function load(s: TableState): void {
  const first = !state;
  state = s;
  pages.clear();
  requested.clear();
  if (first || document.activeElement !== filterInput) filterInput.value = s.filter;
  onlyDiffs.checked = s.onlyDiffs;
  // Kept in the shape of a saved view (docs/filters.md): the host reads it back with the same checks after a reload.
  keepState({
    version: 1,
    kind: 'table',
    filter: s.filter,
    columns: s.columns,
    sort: s.sort,
    onlyDiffs: s.onlyDiffs,
    baseline: s.baselineId,
  });
  filterError.textContent = s.filterError ? `${s.filterError} — showing every run` : '';
  updateCount();
  cursor = Math.min(cursor, Math.max(0, s.total - 1));
  renderHeader();
  if (!picker.hidden) renderPicker();
  renderRows();
}

function updateCount(): void {
  const s = state!;
  count.textContent = `${s.total === s.all ? '' : `${s.total} of `}${s.all} runs${selected.size ? `, ${selected.size} selected` : ''}`;
}

function moveCursor(to: number, extend: boolean): void {
  if (!state || state.total === 0) return;
  cursor = Math.max(0, Math.min(state.total - 1, to));
  if (extend) {
    selected.clear();
    for (let i = Math.min(anchor, cursor); i <= Math.max(anchor, cursor); i++) {
      const r = rowAt(i);
      if (r) selected.add(r.id);
    }
  } else anchor = cursor;
  const top = cursor * ROW_H;
  if (top < viewport.scrollTop + ROW_H) viewport.scrollTop = top - ROW_H;
  else if (top + ROW_H > viewport.scrollTop + viewport.clientHeight)
    viewport.scrollTop = top + ROW_H * 2 - viewport.clientHeight;
  renderRows();
  updateCount();
}

function toggle(i: number): void {
  const r = rowAt(i);
  if (!r) return;
  if (selected.has(r.id)) selected.delete(r.id);
  else selected.add(r.id);
}

function wire(): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  filterInput.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => sendQuery({ filter: filterInput.value }), 150);
  });
  onlyDiffs.addEventListener('change', () => sendQuery({ onlyDiffs: onlyDiffs.checked }));
  buttons.columns.addEventListener('click', () => {
    picker.hidden = !picker.hidden;
    if (!picker.hidden) {
      renderPicker();
      pickerSearch.focus();
    }
  });
  pickerSearch.addEventListener('input', renderPicker);
  pickerList.addEventListener('change', (e) => {
    const box = e.target as HTMLInputElement;
    const id = box.getAttribute('data-col');
    if (!state || !id) return;
    const cols = state.columns.length ? [...state.columns] : state.shown.map((c) => c.id);
    sendQuery({
      columns: box.checked ? [...cols.filter((c) => c !== id), id] : cols.filter((c) => c !== id),
      onlyDiffs: box.checked ? false : state.onlyDiffs,
    });
  });
  buttons.compare.addEventListener('click', () => post({ type: 'compare', runIds: [...selected] }));
  buttons.baseline.addEventListener('click', () => {
    const r = rowAt(cursor);
    if (r) post({ type: 'setBaseline', runId: r.id });
  });
  buttons.copyMd.addEventListener('click', () => post({ type: 'copy', format: 'md', runIds: [...selected] }));
  buttons.copyCsv.addEventListener('click', () => post({ type: 'copy', format: 'csv', runIds: [...selected] }));
  buttons.saveView.addEventListener('click', () => post({ type: 'saveView' }));
  buttons.sweep.addEventListener('click', () => post({ type: 'showSweep', runIds: [...selected] }));
  header.addEventListener('click', (e) => {
    const id = (e.target as HTMLElement).closest('[data-col]')?.getAttribute('data-col');
    if (!id || !state) return;
    const cur = state.sort?.column === id ? state.sort : null;
    sendQuery({ sort: !cur ? { column: id, desc: false } : !cur.desc ? { column: id, desc: true } : null });
  });
  viewport.addEventListener('scroll', renderRows);
  window.addEventListener('resize', renderRows);
  body.addEventListener('click', (e) => {
    const target = e.target as HTMLElement;
    const star = target.closest('[data-star]')?.getAttribute('data-star');
    if (star) return post({ type: 'toggleStar', runId: star });
    const i = Number(target.closest('[data-index]')?.getAttribute('data-index'));
    if (!Number.isInteger(i)) return;
    if (e.shiftKey) return moveCursor(i, true);
    if (!(e.ctrlKey || e.metaKey)) selected.clear();
    toggle(i);
    moveCursor(i, false);
  });
  viewport.addEventListener('keydown', (e) => {
    const page = Math.max(1, Math.floor(viewport.clientHeight / ROW_H) - 1);
    const moves: Record<string, number> = {
      ArrowDown: cursor + 1,
      ArrowUp: cursor - 1,
      PageDown: cursor + page,
      PageUp: cursor - page,
      Home: 0,
      End: (state?.total ?? 1) - 1,
    };
    if (e.key in moves) moveCursor(moves[e.key]!, e.shiftKey);
    else if (e.key === ' ') {
      toggle(cursor);
      moveCursor(cursor, false);
    } else if (e.key === 'Enter') post({ type: 'compare', runIds: [...selected] });
    else if (e.key === '*') {
      const r = rowAt(cursor);
      if (r) post({ type: 'toggleStar', runId: r.id });
    } else if (e.key.toLowerCase() === 'b') buttons.baseline.click();
    else return;
    e.preventDefault();
  });
}

onMessage((m) => {
  try {
    switch (m.type) {
      case 'didLoad':
        load(m.state);
        return;
      case 'didLoadRows':
        if (!state || m.version !== state.version) return;
        pages.set(Math.floor(m.offset / PAGE), m.rows);
        renderRows();
        return;
      case 'didFail':
        filterError.textContent = m.message;
        return;
      default:
        assertNever(m);
    }
  } catch (err) {
    logError(err);
  }
});

mount();
wire();
post({ type: 'ready' });
