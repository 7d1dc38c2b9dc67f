// A review above the comparison ("Review Against Base Branch…"): the verdict, the failed gates, the noise test, and
// each paired group's metrics, head against base. Every string is the host's text (run names, refs, metric names
// from run files among them): it goes through text nodes only.
import type { ReviewHeader, ReviewHeaderRow, ReviewHeaderSide } from '../src/protocol';
import { h } from './dom';
import { codicon } from './toolkit';

const VERDICT = {
  pass: { icon: 'pass-filled', cls: 'pass', word: 'passed' },
  fail: { icon: 'error', cls: 'fail', word: 'failed' },
  'no-baseline': { icon: 'warning', cls: 'none', word: 'no baseline' },
} as const;

export function renderReview(r: ReviewHeader): HTMLElement {
  const v = VERDICT[r.verdict];
  const heading = h(
    'div',
    { class: `review-verdict ${v.cls}` },
    codicon(v.icon),
    h('span', { class: 'review-title' }, `Review ${v.word}: ${r.title}`),
    h('span', { class: 'review-commits' }, sideRef('base', r.base), ' → ', sideRef('head', r.head)),
  );
  const lines: HTMLElement[] = [];
  if (r.failed.length) lines.push(line('error', 'Failed gates: ', r.failed.join(', ')));
  lines.push(
    line(
      'pulse',
      'Noise: ',
      `${r.noise.test} between the seed groups, beyond noise when p < ${r.noise.alpha}; ${
        r.noise.gateOnlyBeyondNoise
          ? 'gates fail only on deltas beyond the noise'
          : 'gates fail on the threshold alone (not --beyond-noise)'
      }`,
    ),
  );
  for (const s of [r.base, r.head])
    if (s) lines.push(line('git-commit', `${s === r.base ? 'Base' : 'Head'}: `, found(s)));
  for (const n of r.notes) lines.push(line('info', '', n));
  return h(
    'section',
    { class: 'review', 'aria-label': 'Review' },
    heading,
    ...lines,
    r.rows.length ? groupsTable(r.rows) : null,
    r.rowsLeftOut ? h('div', { class: 'muted' }, `${r.rowsLeftOut} more metrics in the Metrics tab.`) : null,
  );
}

function sideRef(label: string, s: ReviewHeaderSide | null): string {
  if (!s) return `${label}: none`;
  return `${label} ${s.commit ? s.commit.slice(0, 7) : 'runs'}${s.ref && s.ref !== 'runs' ? ` (${s.ref})` : ''}`;
}

function found(s: ReviewHeaderSide): string {
  return `${s.subject ? `“${s.subject}” · ` : ''}${s.found}`;
}

function line(icon: string, label: string, text: string): HTMLElement {
  return h('div', { class: 'review-line' }, codicon(icon), h('span', { class: 'review-label' }, label), text);
}

/** One table, a heading row per group (a group's name can be long: it gets the table's width, not a column). */
function groupsTable(rows: readonly ReviewHeaderRow[]): HTMLElement {
  const cols = ['Metric', 'Base', 'Head', 'Δ', '%', 'Gate', 'Verdict', 'Noise'];
  const num = new Set(['Base', 'Head', 'Δ', '%']);
  const body: HTMLTableRowElement[] = [];
  let group: string | undefined;
  for (const r of rows) {
    if (r.group !== group) {
      group = r.group;
      body.push(
        h('tr', { class: 'group-row' }, h('th', { scope: 'rowgroup', colspan: cols.length, title: r.group }, r.group)),
      );
    }
    body.push(
      h(
        'tr',
        { class: r.verdict === 'fail' ? 'failed' : null },
        h('th', { scope: 'row' }, r.metric),
        h('td', { class: 'num' }, r.base),
        h('td', { class: 'num' }, r.head),
        h('td', { class: 'num' }, r.delta),
        h('td', { class: 'num' }, r.pct),
        h('td', null, r.gate ?? ''),
        verdictCell(r),
        h('td', { class: r.beyondNoise ? 'noise beyond' : 'noise' }, r.noise),
      ),
    );
  }
  return h(
    'div',
    {
      class: 'table-scroll review-scroll',
      role: 'region',
      'aria-label': 'Review: groups, head against base',
      tabindex: 0,
    },
    h(
      'table',
      { class: 'grid review-groups' },
      h(
        'thead',
        null,
        h('tr', null, ...cols.map((c) => h('th', { scope: 'col', class: num.has(c) ? 'num' : null }, c))),
      ),
      h('tbody', null, ...body),
    ),
  );
}

function verdictCell(r: ReviewHeaderRow): HTMLTableCellElement {
  if (r.verdict === 'ungated') return h('td', { class: 'muted' }, 'not gated');
  const v = VERDICT[r.verdict];
  return h(
    'td',
    { class: `verdict ${v.cls}` },
    codicon(v.icon),
    ` ${r.verdict}`,
    r.note ? h('span', { class: 'muted' }, ` (${r.note})`) : null,
  );
}
