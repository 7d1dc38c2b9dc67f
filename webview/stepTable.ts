// Under each chart: every shown line's value at the hovered (or clicked, pinned) step, and over the brushed (zoomed)
// step range its start, end, change, min, max and step of max — TensorBoard's scalar data table.
import { formatDelta, formatNumber } from '../src/core/compare/format';
import { rangeStats, valueAtStep, type LineColumns } from '../src/core/compare/stepValues';
import { h, replace } from './dom';
import { swatch } from './header';

/** One line of a chart as the table reads it: a run or a group (its mean), drawn in `color`. */
export interface StepLine {
  name: string;
  color: string;
  columns: LineColumns;
  /** Runs counted per point (groups). */
  n?: ArrayLike<number>;
}

export class StepTable {
  readonly element = h('div', { class: 'step-values', 'aria-live': 'polite' });
  private lines: StepLine[] = [];
  private hovered: number | null = null;
  private pinned: number | null = null;
  private range: { min: number; max: number } | null = null;
  private shownKey = '';

  constructor(private readonly stepLabel: (x: number) => string) {}

  setLines(lines: StepLine[]): void {
    this.lines = lines;
    this.render(true);
  }

  /** The step under the pointer; null (the pointer left the plot) keeps the last one. */
  hover(x: number | null): void {
    if (x === null || x === this.hovered) return;
    this.hovered = x;
    this.render();
  }

  /** A click on the chart: pins the hovered step (the table stays there while the pointer moves); again unpins. */
  pin(): void {
    this.pinned = this.pinned !== null ? null : this.hovered;
    this.render();
  }

  setRange(range: { min: number; max: number } | null): void {
    this.range = range;
    this.render(true);
  }

  private render(force = false): void {
    const step = this.pinned ?? this.hovered;
    const idle = step === null && !this.range;
    const key = idle
      ? 'hint'
      : `${step}|${this.pinned !== null}|${this.range?.min}|${this.range?.max}|${this.lines.length}`;
    // Nothing hovered or brushed: the hint stays as it is (a redraw of the chart changes nothing here).
    if ((!force || idle) && key === this.shownKey) return;
    this.shownKey = key;
    const parts: HTMLElement[] = [];
    if (step !== null && this.lines.length) parts.push(this.atStep(step));
    if (this.range && this.lines.length) parts.push(this.overRange(this.range));
    if (!parts.length)
      parts.push(
        h(
          'p',
          { class: 'muted step-hint' },
          'Hover the chart for each line’s value at a step; click to pin the step; drag to see a range.',
        ),
      );
    replace(this.element, ...parts);
  }

  private atStep(step: number): HTMLElement {
    const rows = this.lines.map((l) => {
      const v = valueAtStep(l.columns, step);
      const n = v && l.n ? l.n[v.i] : undefined;
      return h(
        'tr',
        null,
        h('th', { scope: 'row' }, swatch(l.color), h('span', null, l.name)),
        h('td', { class: 'num', 'data-value': v ? String(v.y) : '' }, v ? formatNumber(v.y) : '—'),
        h('td', { class: 'num muted' }, v ? this.stepLabel(v.x) : ''),
        h('td', { class: 'num muted' }, n !== undefined ? `n=${n}` : ''),
      );
    });
    return h(
      'table',
      { class: 'at-step', 'data-step': String(step) },
      h(
        'caption',
        null,
        this.pinned !== null
          ? `Pinned at ${this.stepLabel(step)} (click the chart to unpin)`
          : `At ${this.stepLabel(step)}`,
      ),
      h('thead', null, h('tr', null, th('Line'), th('Value'), th('Logged at'), th(''))),
      h('tbody', null, ...rows),
    );
  }

  private overRange(r: { min: number; max: number }): HTMLElement {
    const rows = this.lines.map((l) => {
      const s = rangeStats(l.columns, r.min, r.max);
      const cells = s
        ? [
            formatNumber(s.start),
            formatNumber(s.end),
            formatDelta(s.change),
            formatNumber(s.min),
            formatNumber(s.max),
            this.stepLabel(s.maxStep),
          ]
        : ['—', '—', '—', '—', '—', '—'];
      return h(
        'tr',
        {
          'data-change': s ? String(s.change) : '',
          'data-max': s ? String(s.max) : '',
          'data-max-step': s ? String(s.maxStep) : '',
        },
        h('th', { scope: 'row' }, swatch(l.color), h('span', null, l.name)),
        ...cells.map((c) => h('td', { class: 'num' }, c)),
      );
    });
    return h(
      'table',
      { class: 'over-range', 'data-from': String(r.min), 'data-to': String(r.max) },
      h('caption', null, `From ${this.stepLabel(r.min)} to ${this.stepLabel(r.max)} (the drawn points)`),
      h(
        'thead',
        null,
        h('tr', null, th('Line'), th('Start'), th('End'), th('Change'), th('Min'), th('Max'), th('Max at')),
      ),
      h('tbody', null, ...rows),
    );
  }
}

function th(text: string): HTMLElement {
  return h('th', { scope: 'col' }, text);
}
