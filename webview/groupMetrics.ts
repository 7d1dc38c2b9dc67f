// The metrics tab's group table, above the runs' table when the runs form groups: per metric each group's mean ± std
// of its runs' last values (n), and each group's delta to the baseline's group, said to be beyond the seed noise or
// not by the host's test (core/groups/groupDiff: Welch's t-test), named in the caption and every verdict.
import { formatDelta, formatNumber, formatPct } from '../src/core/compare/format';
import type { CompareGroups, CompareState, GroupMetricRow } from '../src/protocol';
import { h, matchesFilter, replace } from './dom';
import { swatch } from './header';

export class GroupMetricsView {
  readonly element = h('section', { class: 'group-metrics', 'aria-label': 'Groups' });

  render(state: CompareState, opts: { filter: string }): void {
    const g = state.groups;
    this.element.hidden = !g;
    if (!g) {
      replace(this.element);
      return;
    }
    const rows = g.metrics.filter((m) => matchesFilter(m.key, opts.filter));
    const base = g.list[g.baseline]!;
    const aliases = new Map(state.metrics.map((m) => [m.key, m.aliases ?? []]));
    replace(
      this.element,
      h(
        'table',
        { class: 'group-table' },
        h(
          'caption',
          null,
          `Groups: mean ± std of each run’s last value (n runs). Δ against ${base.label}; `,
          h('strong', null, 'beyond noise'),
          ` when ${g.test} gives p < ${g.alpha}.`,
        ),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            h('th', { scope: 'col' }, 'Metric'),
            ...g.list.map((x, i) =>
              h(
                'th',
                {
                  scope: 'col',
                  title: `${x.runIds.length} runs${x.seeds.some(Boolean) ? `: ${x.seeds.join('; ')}` : ''}`,
                },
                swatch(x.color),
                x.label,
                i === g.baseline ? h('span', { class: 'muted' }, ' (baseline)') : null,
              ),
            ),
          ),
        ),
        h('tbody', null, ...rows.map((m) => row(m, g, aliases.get(m.key) ?? []))),
      ),
    );
  }
}

function row(m: GroupMetricRow, g: CompareGroups, aliases: readonly string[]): HTMLElement {
  const name = aliases.length ? `${m.key} (${aliases.join(', ')})` : m.key;
  return h(
    'tr',
    { 'data-key': m.key },
    h(
      'th',
      { scope: 'row', title: name },
      m.key,
      aliases.length ? h('div', { class: 'muted alias' }, aliases.join(', ')) : null,
    ),
    ...m.cells.map((c, i) => {
      const d = m.deltas[i];
      const value =
        c.mean === null
          ? '—'
          : `${formatNumber(c.mean)}${c.std !== null ? ` ± ${formatNumber(Number(c.std.toPrecision(2)))}` : ''}`;
      let verdict: HTMLElement | null = null;
      if (d) {
        const better = m.direction && d.delta !== 0 ? (m.direction === 'lower') === d.delta < 0 : undefined;
        const noise =
          d.beyondNoise === null
            ? { text: 'no test (n < 2)', cls: 'untested', title: `${g.test} needs two runs or more on each side` }
            : d.beyondNoise
              ? { text: 'beyond noise', cls: 'beyond', title: `${g.test}: p = ${formatP(d.p)} < ${g.alpha}` }
              : { text: 'within noise', cls: 'within', title: `${g.test}: p = ${formatP(d.p)} ≥ ${g.alpha}` };
        verdict = h(
          'div',
          {
            class:
              `delta noise-${noise.cls} ${better === undefined || !d.beyondNoise ? '' : better ? 'better' : 'worse'}`.trim(),
            title: noise.title,
            'data-beyond-noise': String(d.beyondNoise),
            'data-p': d.p === null ? '' : String(d.p),
          },
          `Δ ${formatDelta(d.delta)}${d.pct !== null ? ` (${formatPct(d.pct)})` : ''} · ${noise.text}${d.p !== null ? ` (${g.test}, p = ${formatP(d.p)})` : ''}`,
        );
      }
      return h(
        'td',
        { class: `metric${i === g.baseline ? ' baseline' : ''}`, 'data-n': String(c.n) },
        h('div', { class: 'last' }, value, h('span', { class: 'muted' }, ` (n=${c.n})`)),
        verdict,
      );
    }),
  );
}

function formatP(p: number | null): string {
  if (p === null) return '—';
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}
