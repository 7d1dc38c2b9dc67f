// The runs as columns: colour, name, format, status, start, duration, commit, folder, baseline.
import type { CompareState, RunRef } from '../src/protocol';
import { formatDuration } from '../src/core/compare/format';
import { sourceLabel } from '../src/core/sources/sourceUri';
import { post } from './api';
import { h, on } from './dom';
import { iconButton, lightButton } from './toolkit';

/** The column heading used by every table: colour swatch, name, baseline mark. */
export function runHeading(run: RunRef, isBaseline: boolean): HTMLTableCellElement {
  return h(
    'th',
    { scope: 'col', class: isBaseline ? 'run-col baseline' : 'run-col', title: `${run.name}\n${run.id}` },
    swatch(run.color),
    h('span', { class: 'run-name' }, run.name),
    isBaseline ? h('span', { class: 'badge', title: 'Deltas are computed against this run' }, 'baseline') : null,
  );
}

export function swatch(color: string): HTMLSpanElement {
  const s = h('span', { class: 'swatch', 'aria-hidden': 'true' });
  s.style.backgroundColor = color;
  return s;
}

/** One formatter for every start time: toLocaleString builds a new one per call (~0.3 ms each, 50 runs = 15 ms). */
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });

/** The runs' header table; columns past `built` are added by `complete` (see renderHeader). */
export interface Header {
  readonly element: HTMLElement;
  /** Adds the columns not built yet; false when there were none. */
  complete(): boolean;
}

/**
 * The header table with its first `built` run columns (all by default): with the curves in front, the columns past
 * the panel's width are built after the first chart is drawn (100 runs: ~3,000 boxes to style and lay out, ~40 % of
 * the page's work before the chart). Cells never wrap (compare.css), so later columns add width, never height.
 */
export function renderHeader(state: CompareState, built = state.runs.length): Header {
  const runs = state.runs;
  const rows = headerRows(state);
  const trs = rows.map(({ label }, j) =>
    j === 0
      ? h('tr', null, h('th', { scope: 'col', class: 'corner' }, label))
      : h('tr', null, h('th', { scope: 'row' }, label)),
  );
  let done = 0;
  const build = (to: number): void => {
    rows.forEach((r, j) => trs[j]!.append(...runs.slice(done, to).map((run, k) => r.cell(run, done + k))));
    done = to;
  };
  build(Math.min(built, runs.length));
  const element = h(
    'div',
    { class: 'table-scroll header-scroll', role: 'region', 'aria-label': 'Runs', tabindex: 0 },
    h('table', { class: 'grid runs' }, h('thead', null, trs[0]), h('tbody', null, ...trs.slice(1))),
  );
  return {
    element,
    complete: () => {
      if (done >= runs.length) return false;
      build(runs.length);
      return true;
    },
  };
}

/** The header's rows: the run headings (with their actions), then one row per property. */
function headerRows(
  state: CompareState,
): Array<{ label: string; cell: (r: RunRef, i: number) => HTMLTableCellElement }> {
  const runs = state.runs;
  const td = (...c: Array<Node | string | null>): HTMLTableCellElement => h('td', null, ...c);
  const link = (text: string, title: string, fn: () => void): HTMLElement => {
    const b = h('button', { class: 'link', type: 'button', title }, text);
    on(b, 'click', fn);
    return b;
  };
  const heading = (r: RunRef, i: number): HTMLTableCellElement => {
    const th = runHeading(r, i === state.baseline);
    const actions = h('div', { class: 'run-actions' });
    if (i !== state.baseline) {
      const b = lightButton('Set as baseline', { secondary: true, title: `Make ${r.name} the baseline` });
      on(b, 'click', () => post({ type: 'setBaseline', runId: r.id }));
      actions.append(b);
    }
    const x = iconButton('close', `Remove ${r.name} from the comparison`);
    on(x, 'click', () => post({ type: 'removeRun', runId: r.id }));
    actions.append(x);
    th.append(actions);
    return th;
  };
  const baselineCommit = runs[state.baseline]?.commit ?? null;
  return [
    { label: 'Run', cell: heading },
    { label: 'Format', cell: (r) => td(`${r.format}${r.deleted ? ' (deleted)' : ''}`) },
    { label: 'Status', cell: (r) => h('td', { class: `status status-${r.status}` }, r.status) },
    { label: 'Experiment', cell: (r) => td(r.experiment ?? '') },
    { label: 'Started', cell: (r) => td(r.startTime === null ? '' : dateTime.format(new Date(r.startTime))) },
    { label: 'Duration', cell: (r) => td(formatDuration(r.durationMs)) },
    {
      label: 'Commit',
      cell: (r, i) => {
        if (!r.commit) {
          // A commit inferred from the start time is offered, always labelled as inferred, never as recorded.
          if (!r.inferredCommit) return h('td', { class: 'muted' }, 'no commit');
          return td(
            h('span', { class: 'inferred', title: r.commitDetail ?? 'inferred commit' }, 'inferred '),
            link(r.inferredCommit.slice(0, 7), `Open the inferred commit ${r.inferredCommit}`, () =>
              post({ type: 'openCommit', runId: r.id }),
            ),
          );
        }
        const c = td(
          link(
            `${r.commit.slice(0, 7)}${r.dirty ? '*' : ''}`,
            `Open commit ${r.commit}${r.branch ? ` (${r.branch})` : ''}${r.dirty ? ', uncommitted changes' : ''}`,
            () => post({ type: 'openCommit', runId: r.id }),
          ),
        );
        if (r.commitBadge) {
          // The state in the workspace's repositories: in HEAD, not local, code changed since…
          c.append(
            ' ',
            h(
              'span',
              { class: 'commit-state muted', title: r.commitDetail ?? '' },
              r.commitBadge.replace(/^\S+\s*/, ''),
            ),
          );
        }
        if (state.capabilities.compareCode && i !== state.baseline && baselineCommit && baselineCommit !== r.commit) {
          c.append(
            ' ',
            link('diff vs baseline', 'Compare this run’s code with the baseline’s', () =>
              post({ type: 'compareCode', runId: r.id }),
            ),
          );
        }
        return c;
      },
    },
    {
      label: 'Folder',
      cell: (r) =>
        // A remote source's run has no folder here to reveal: its source, as the Runs view's badge shows it
        r.source
          ? h('td', { title: `${r.source} · ${r.folder}` }, `☁ ${sourceLabel(r.source)}`)
          : td(
              link(r.folder || '(workspace folder)', `Reveal ${r.folder || 'the folder'} in the Explorer`, () =>
                post({ type: 'revealRun', runId: r.id }),
              ),
            ),
    },
  ];
}
