// The scatter: a param (or another metric) against the chosen metric, one point per run coloured by its group
// (configuration with the seeds left out). A category param spreads its runs a little around its value (jitter
// from the run's index, so the picture is the same on every draw). Brushed runs stay bright, the others fade.
// Hovering a point (the nearest within a few pixels, found through a grid: core/sweep/nearest.ts) shows its run;
// with the canvas focused, the arrow keys walk the points left to right. Run strings go in as text only.
import { formatNumber } from '../../src/core/compare/format';
import { axisTicks, position } from '../../src/core/sweep/axes';
import { PointGrid } from '../../src/core/sweep/nearest';
import type { SweepAxis } from '../../src/protocol';
import { h, on, replace } from '../dom';
import { GROUP_COLORS, mutedColor } from './colors';

const HEIGHT = 340;
const PAD = { top: 12, bottom: 36, left: 64, right: 20 };
/** How far (px) from a point the pointer still shows it. */
const REACH = 8;

/** Who the points are: run i's name and group (an index into `groups`). */
export interface ScatterRuns {
  runs: ReadonlyArray<{ name: string; group: number }>;
  groups: readonly string[];
}

interface Drawn {
  x: SweepAxis;
  y: SweepAxis;
  who: ScatterRuns;
  /** Each run's point in CSS pixels, NaN when it has no point. */
  xs: Float64Array;
  ys: Float64Array;
  grid: PointGrid;
  /** The drawn runs left to right (the keyboard's order). */
  order: Int32Array;
}

export class ScatterView {
  readonly canvas = h('canvas', {
    class: 'scatter-canvas',
    tabindex: 0,
    'aria-label': 'Scatter: hover a point, or use the arrow keys, to see its run',
    'aria-describedby': 'scatter-tip',
  });
  private readonly mark = h('div', { class: 'scatter-mark', hidden: true });
  private readonly tip = h('div', { class: 'scatter-tip', id: 'scatter-tip', role: 'tooltip', hidden: true });
  readonly root = h('div', { class: 'scatter-box' }, this.canvas, this.mark, this.tip);
  private drawn: Drawn | undefined;
  /** The run shown, and its place in `order` when the keyboard chose it. */
  private shown = -1;
  private step = -1;

  constructor() {
    on(this.canvas, 'mousemove', (e) => {
      const r = this.canvas.getBoundingClientRect();
      const i = this.drawn?.grid.nearest(e.clientX - r.left, e.clientY - r.top, REACH) ?? -1;
      if (i !== this.shown) this.show(i);
    });
    on(this.canvas, 'mouseleave', () => this.show(-1));
    on(this.canvas, 'blur', () => this.show(-1));
    on(this.canvas, 'keydown', (e) => this.key(e));
  }

  /** Draws `x` against `y`; `mask` (when some runs are brushed) keeps the brushed bright. Returns the points drawn. */
  draw(x: SweepAxis, y: SweepAxis, who: ScatterRuns, mask: Uint8Array | undefined): number {
    const width = Math.max(320, this.root.clientWidth || 600);
    const ctx = this.fit(width);
    const w = width - PAD.left - PAD.right;
    const ht = HEIGHT - PAD.top - PAD.bottom;
    const muted = mutedColor();
    this.drawFrame(ctx, x, y, width, muted);
    const n = who.runs.length;
    const xs = new Float64Array(n).fill(NaN);
    const ys = new Float64Array(n).fill(NaN);
    for (let i = 0; i < n; i++) {
      const xv = x.values[i];
      const yv = y.values[i];
      if (xv === null || xv === undefined || yv === null || yv === undefined) continue;
      let p = position(x, xv);
      const q = position(y, yv);
      if (Number.isNaN(p) || Number.isNaN(q)) continue;
      if (x.scale === 'category') p += jitter(i) / Math.max(2, x.categories.length * 3);
      xs[i] = PAD.left + p * w;
      ys[i] = PAD.top + (1 - q) * ht;
    }
    const fg = getComputedStyle(document.body).getPropertyValue('--vscode-foreground').trim() || '#cccccc';
    let drawn = 0;
    // faded first, brushed on top; one fillStyle per group
    for (const pass of mask ? [0, 1] : [1]) {
      ctx.globalAlpha = pass ? 0.85 : 0.15;
      for (let g = 0; g < GROUP_COLORS.length; g++) {
        ctx.fillStyle = pass ? GROUP_COLORS[g]! : fg;
        for (let i = 0; i < n; i++) {
          if (Number.isNaN(xs[i]!) || who.runs[i]!.group % GROUP_COLORS.length !== g || (mask && mask[i] !== pass))
            continue;
          ctx.fillRect(xs[i]! - 2, ys[i]! - 2, 4, 4);
          if (pass) drawn++;
        }
      }
    }
    ctx.globalAlpha = 1;
    const order = Int32Array.from(xs.keys())
      .filter((i) => !Number.isNaN(xs[i]!))
      .sort((a, b) => xs[a]! - xs[b]! || ys[a]! - ys[b]! || a - b);
    this.drawn = { x, y, who, xs, ys, grid: new PointGrid(xs, ys, REACH * 2, width, HEIGHT), order };
    this.step = -1;
    this.show(-1);
    this.canvas.dataset['points'] = String(drawn);
    return drawn;
  }

  /** Sizes the canvas for `width` CSS pixels at the screen's pixel ratio. */
  private fit(width: number): CanvasRenderingContext2D {
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(width * dpr);
    this.canvas.height = Math.round(HEIGHT * dpr);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${HEIGHT}px`;
    const ctx = this.canvas.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    return ctx;
  }

  /** The plot's box and both axes' tick labels. */
  private drawFrame(ctx: CanvasRenderingContext2D, x: SweepAxis, y: SweepAxis, width: number, muted: string): void {
    const w = width - PAD.left - PAD.right;
    const ht = HEIGHT - PAD.top - PAD.bottom;
    ctx.strokeStyle = muted;
    ctx.strokeRect(PAD.left + 0.5, PAD.top + 0.5, w, ht);
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = muted;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const xt = axisTicks(x);
    const every = Math.max(1, Math.ceil(xt.length / 10));
    xt.forEach((t, i) => i % every || ctx.fillText(clip(t.label), PAD.left + t.position * w, HEIGHT - PAD.bottom + 4));
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const t of axisTicks(y)) ctx.fillText(clip(t.label), PAD.left - 5, PAD.top + (1 - t.position) * ht);
  }

  /** Arrow keys walk the points by x (Home/End: the ends); Escape hides the tooltip. */
  private key(e: KeyboardEvent): void {
    const d = this.drawn;
    if (!d || d.order.length === 0) return;
    const last = d.order.length - 1;
    const to: Record<string, number> = {
      ArrowRight: Math.min(last, this.step + 1),
      ArrowDown: Math.min(last, this.step + 1),
      ArrowLeft: Math.max(0, this.step < 0 ? 0 : this.step - 1),
      ArrowUp: Math.max(0, this.step < 0 ? 0 : this.step - 1),
      Home: 0,
      End: last,
    };
    if (e.key === 'Escape') {
      this.step = -1;
      this.show(-1);
    } else if (e.key in to) {
      this.step = to[e.key]!;
      this.show(d.order[this.step]!);
    } else return;
    e.preventDefault();
  }

  /** Shows run i's point and tooltip (−1 hides them). */
  private show(i: number): void {
    this.shown = i;
    const d = this.drawn;
    if (!d || i < 0) {
      this.mark.hidden = this.tip.hidden = true;
      delete this.canvas.dataset['shown'];
      return;
    }
    const run = d.who.runs[i]!;
    replace(
      this.tip,
      h('div', { class: 'tip-name' }, run.name),
      h('div', { class: 'tip-group' }, d.who.groups[run.group] || '(no params)'),
      h('div', null, `${d.x.key}: ${valueText(d.x, d.x.values[i])}`),
      h('div', null, `${d.y.key}: ${valueText(d.y, d.y.values[i])}`),
    );
    const px = d.xs[i]!;
    const py = d.ys[i]!;
    this.mark.style.left = `${px}px`;
    this.mark.style.top = `${py}px`;
    this.mark.hidden = this.tip.hidden = false;
    // beside the point, on the side with room
    const box = this.root.clientWidth || 600;
    const tw = this.tip.offsetWidth;
    this.tip.style.left = `${px + 12 + tw > box ? Math.max(0, px - 12 - tw) : px + 12}px`;
    this.tip.style.top = `${Math.max(0, py - 12)}px`;
    this.canvas.dataset['shown'] = String(i);
  }
}

/** A value as its axis shows it: a category's text, else the number. */
function valueText(axis: SweepAxis, v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  return axis.scale === 'category' ? (axis.categories[v] ?? '—') : formatNumber(v);
}

function clip(s: string): string {
  return s.length > 14 ? `${s.slice(0, 13)}…` : s;
}

/** −0.5 … 0.5, fixed per run index. */
function jitter(i: number): number {
  const s = Math.sin(i * 12.9898) * 43758.5453;
  return s - Math.floor(s) - 0.5;
}
