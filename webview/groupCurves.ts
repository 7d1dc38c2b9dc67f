// Groups in the curves tab: the controls (groups on/off, which band, the runs too), the groups' legend, and a group's
// mean line with its band as the chart draws it. The maths is the host's (core/compare/aggregate.ts).
import type { BandKind, CompareGroup, CompareState, GroupCurve, UiState } from '../src/protocol';
import type { RunLine } from './columnLine';
import { h, on } from './dom';
import { swatch } from './header';
import { checkbox, dropdown } from './toolkit';

/** A group standing where a run stands in a chart's lines (tooltip, step table). */
export interface GroupLineRef {
  group: true;
  id: string;
  name: string;
  color: string;
  bandLabel: string;
}

const BAND_LABEL: Record<BandKind, string> = { std: '± std', stderr: '± stderr', minmax: 'min–max' };

export function groupRef(g: CompareGroup, band: BandKind): GroupLineRef {
  return { group: true, id: g.id, name: g.label, color: g.color, bandLabel: BAND_LABEL[band] };
}

/** The group's mean in its colour, a little wider than runs, over its band filled faintly. */
export function groupLine(g: CompareGroup, c: GroupCurve): RunLine {
  return {
    columns: { x: c.x, y: c.mean },
    band: { lo: c.lo, hi: c.hi, fill: `${g.color}33` },
    n: c.n,
    color: g.color,
    rawColor: g.color,
    width: 2,
  };
}

/** Groups on/off, the band, the runs under the means; `changed` after the ui is updated. */
export function groupControls(ui: UiState, changed: () => void): HTMLElement {
  const grouped = checkbox('Group seeds', ui.grouped !== false);
  grouped.setAttribute('title', 'One line per configuration: the mean over its runs (seeds), with a band');
  on(grouped, 'change', () => {
    ui.grouped = grouped.checked;
    changed();
  });
  const band = dropdown(
    [
      { value: 'std', label: '± std' },
      { value: 'stderr', label: '± std error' },
      { value: 'minmax', label: 'min – max' },
    ],
    ui.band ?? 'std',
    'Band around each group’s mean',
  );
  on(band, 'change', () => {
    ui.band = band.value === 'stderr' || band.value === 'minmax' ? band.value : 'std';
    changed();
  });
  const runs = checkbox('Show runs', ui.showRuns === true);
  runs.setAttribute('title', 'Draw each run faintly under its group’s mean');
  on(runs, 'change', () => {
    ui.showRuns = runs.checked;
    changed();
  });
  return h(
    'div',
    { class: 'controls group-controls', role: 'toolbar', 'aria-label': 'Group options' },
    grouped,
    h('label', null, 'Band ', band),
    runs,
    h('span', { class: 'muted hint group-hint', role: 'status' }, groupHint(ui)),
  );
}

/** How the groups are aligned on the chosen x axis, or why they are not drawn on it. */
export function groupHint(ui: UiState): string {
  if (ui.grouped === false) return 'One line per run.';
  if (ui.xAxis === 'wall')
    return 'Groups are not drawn on wall time: seeds ran at different times, so a mean across them means nothing. One line per run; pick Step or Relative time for the groups’ means.';
  const on = ui.xAxis === 'relative' ? 'elapsed seconds (a common time grid)' : 'step';
  return `Runs aligned by ${on}; each run smoothed (TensorBoard’s EMA) before the mean. n = runs counted at each x.`;
}

/** The groups drawn: colour, key, runs and seeds. */
export function groupLegend(state: CompareState, groups: readonly CompareGroup[], showRuns: boolean): HTMLElement {
  const names = new Map(state.runs.map((r) => [r.id, r.name]));
  return h(
    'div',
    { class: 'group-legend' },
    ...groups.map((g) => {
      const seeds = g.seeds.filter(Boolean);
      const title = [
        Object.entries(g.key)
          .map(([k, v]) => `${k}=${v}`)
          .join(', '),
        ...g.runIds.map((id, i) => `${names.get(id) ?? id}${seeds.length ? ` (${g.seeds[i]})` : ''}`),
      ].join('\n');
      return h(
        'span',
        { class: 'legend-item group-item', title },
        swatch(g.color),
        h('span', null, g.label),
        h('span', { class: 'muted' }, `\u00a0· ${g.runIds.length} run${g.runIds.length === 1 ? '' : 's'}`),
      );
    }),
    showRuns ? h('span', { class: 'muted' }, ' · runs drawn faintly') : null,
  );
}
