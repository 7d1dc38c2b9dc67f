// Parallel coordinates on a canvas: one vertical axis per param that varies plus the metric, one polyline per run
// coloured by the metric. Lines are batched into one path per colour (16 strokes, not one per run); while brushing,
// the unselected lines come from a cached layer drawn once, so a redraw strokes only the selected runs.
import { axisTicks, valueAt } from '../../src/core/sweep/axes';
import { brushBetween, selectRuns, type Brush } from '../../src/core/sweep/brush';
import type { SweepAxis } from '../../src/protocol';
import { formatNumber } from '../../src/core/compare/format';
import { h, on } from '../dom';
import { mutedColor, RAMP, rampIndex } from './colors';
import { fillRgb, line, parseColor, type Rgb } from './raster';

const HEIGHT = 380;
const PAD = { top: 16, bottom: 28, left: 48, right: 64 };
/** How far from an axis (px) a press still starts a brush on it. */
const GRAB = 14;

export interface PcModel {
  axes: SweepAxis[];
  n: number;
  /** pos[axis][run], 0 … 1, NaN when missing. */
  pos: Float64Array[];
}

export class ParallelView {
  readonly root: HTMLElement;
  private readonly canvas = h('canvas', { class: 'pc-canvas', 'aria-label': 'Parallel coordinates' });
  private readonly titles = h('div', { class: 'pc-titles' });
  private model: PcModel | undefined;
  private colorOf = new Uint8Array(0);
  brushes: Brush[] = [];
  mask = new Uint8Array(0);
  count = 0;
  /** Every line faint over the background, device pixels: what a brushing redraw starts from. */
  private layer: Uint8ClampedArray | undefined;
  private image: ImageData | undefined;
  private drag: { axis: number; from: number } | undefined;
  private width = 0;

  constructor(
    private readonly onBrush: (live: boolean) => void,
    private readonly onTitle: (axis: SweepAxis) => void,
  ) {
    this.root = h('div', { class: 'pc' }, this.titles, this.canvas);
    on(this.canvas, 'mousedown', (e) => this.press(e));
    on(window, 'mousemove', (e) => this.move(e));
    on(window, 'mouseup', (e) => this.release(e));
    new ResizeObserver(() => this.canvas.isConnected && this.root.clientWidth !== this.width && this.draw()).observe(
      this.root,
    );
  }

  setModel(m: PcModel): void {
    // A new set of axes keeps brushes only on axes of the same key and scale.
    const old = this.model;
    this.brushes = this.brushes.flatMap((b) => {
      const a = old?.axes[b.axis];
      const i = m.axes.findIndex((x) => a && x.key === a.key && x.scale === a.scale && x.kind === a.kind);
      return i >= 0 ? [{ ...b, axis: i }] : [];
    });
    this.model = m;
    const metric = m.axes.length - 1;
    this.colorOf = new Uint8Array(m.n);
    for (let i = 0; i < m.n; i++) this.colorOf[i] = rampIndex(m.pos[metric]?.[i] ?? NaN);
    this.mask = new Uint8Array(m.n);
    this.layer = undefined;
    this.select();
    this.renderTitles();
    this.draw();
  }

  /** The theme changed: the cached layer holds the old background and line colours. */
  themeChanged(): void {
    this.layer = undefined;
    this.draw();
  }

  clearBrushes(): void {
    this.brushes = [];
    this.select();
    this.draw();
    this.onBrush(false);
  }

  private select(): void {
    const m = this.model;
    if (!m) return;
    this.count = selectRuns(m.pos, m.n, this.brushes, this.mask).count;
  }

  private x(axis: number): number {
    const n = this.model?.axes.length ?? 1;
    const w = this.width - PAD.left - PAD.right;
    return PAD.left + (n <= 1 ? w / 2 : (axis * w) / (n - 1));
  }

  private y(p: number): number {
    return PAD.top + (1 - p) * (HEIGHT - PAD.top - PAD.bottom);
  }

  private p(y: number): number {
    return 1 - (y - PAD.top) / (HEIGHT - PAD.top - PAD.bottom);
  }

  private renderTitles(): void {
    const m = this.model;
    this.titles.replaceChildren(
      ...(m?.axes ?? []).map((a, i) => {
        const b = h(
          'button',
          {
            class: `axis-title ${a.kind}`,
            'data-axis': i,
            'data-key': a.key,
            'data-scale': a.scale,
            title:
              a.kind === 'param'
                ? `${a.key} (${a.scale} scale): click to open it in its config file`
                : `${a.key} (${a.scale} scale): the metric, lines coloured by it`,
          },
          a.key,
          a.scale === 'log' ? h('span', { class: 'scale' }, ' log') : null,
        );
        if (a.kind === 'param') on(b, 'click', () => this.onTitle(a));
        return b;
      }),
    );
  }

  /** Positions the titles and draws everything. Synchronous: brushing redraws in the mouse event itself. */
  draw(): void {
    const t0 = performance.now();
    const m = this.model;
    this.width = Math.max(320, this.root.clientWidth);
    const dpr = window.devicePixelRatio || 1;
    if (this.canvas.width !== Math.round(this.width * dpr) || this.canvas.height !== Math.round(HEIGHT * dpr)) {
      this.canvas.width = Math.round(this.width * dpr);
      this.canvas.height = Math.round(HEIGHT * dpr);
      this.canvas.style.width = `${this.width}px`;
      this.canvas.style.height = `${HEIGHT}px`;
      this.layer = undefined;
    }
    const ctx = this.canvas.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.width, HEIGHT);
    if (!m || m.axes.length === 0) return;
    this.titles.querySelectorAll<HTMLElement>('.axis-title').forEach((t, i) => {
      t.style.left = `${this.x(i)}px`;
    });
    const muted = mutedColor();
    const W = this.canvas.width;
    const H = this.canvas.height;
    if (!this.image || this.image.width !== W || this.image.height !== H) this.image = ctx.createImageData(W, H);
    const px = this.image.data;
    const bg = parseColor(
      getComputedStyle(document.body).getPropertyValue('--vscode-editor-background').trim() || '#1f1f1f',
    );
    if (this.brushes.length) {
      if (!this.layer || this.layer.length !== px.length) {
        fillRgb(px, bg);
        this.rasterLines(px, undefined, () => parseColor(muted), 40, dpr);
        this.layer = px.slice();
      } else px.set(this.layer);
    } else fillRgb(px, bg);
    const colors = [...RAMP, muted].map((c) => parseColor(c));
    const alpha = m.n > 2000 ? 90 : m.n > 200 ? 150 : 230;
    this.rasterLines(px, this.brushes.length ? this.mask : undefined, (c) => colors[c]!, alpha, dpr);
    ctx.putImageData(this.image, 0, 0);
    this.drawAxes(ctx, muted);
    this.canvas.dataset['drawMs'] = (performance.now() - t0).toFixed(2);
    this.canvas.dataset['selected'] = String(this.count);
  }

  /** The runs' lines (all, or those in `only`) into the buffer, in device pixels. */
  private rasterLines(
    px: Uint8ClampedArray,
    only: Uint8Array | undefined,
    color: (bucket: number) => Rgb,
    alpha: number,
    dpr: number,
  ): void {
    const m = this.model!;
    const W = this.canvas.width;
    const H = this.canvas.height;
    const u32 = new Uint32Array(px.buffer, px.byteOffset, px.byteLength >> 2);
    const xs = m.axes.map((_, a) => this.x(a) * dpr);
    const top = PAD.top * dpr;
    const span = (HEIGHT - PAD.top - PAD.bottom) * dpr;
    const rgb = Array.from({ length: RAMP.length + 1 }, (_, c) => color(c));
    for (let i = 0; i < m.n; i++) {
      if (only && !only[i]) continue;
      const c = rgb[this.colorOf[i]!]!;
      let px0 = NaN;
      let py0 = NaN;
      for (let a = 0; a < xs.length; a++) {
        const p = m.pos[a]![i]!;
        if (Number.isNaN(p)) {
          px0 = NaN; // a missing value breaks the line
          continue;
        }
        const x = xs[a]!;
        const y = top + (1 - p) * span;
        if (!Number.isNaN(px0)) line(u32, W, H, px0, py0, x, y, c, alpha);
        px0 = x;
        py0 = y;
      }
    }
  }

  private drawAxes(ctx: CanvasRenderingContext2D, muted: string): void {
    const m = this.model!;
    const fg = getComputedStyle(document.body).getPropertyValue('--vscode-foreground').trim() || '#cccccc';
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    m.axes.forEach((axis, a) => {
      const x = this.x(a);
      ctx.strokeStyle = fg;
      ctx.globalAlpha = 0.7;
      ctx.beginPath();
      ctx.moveTo(x + 0.5, this.y(1));
      ctx.lineTo(x + 0.5, this.y(0));
      ctx.stroke();
      ctx.globalAlpha = 1;
      ctx.fillStyle = muted;
      ctx.textAlign = a === m.axes.length - 1 ? 'left' : 'right';
      const ticks = axisTicks(axis);
      const every = Math.max(1, Math.ceil(ticks.length / 12));
      ticks.forEach((t, i) => {
        if (i % every) return;
        const label = t.label.length > 14 ? `${t.label.slice(0, 13)}…` : t.label;
        ctx.fillText(label, a === m.axes.length - 1 ? x + 6 : x - 5, this.y(t.position));
      });
    });
    for (const b of this.brushes) {
      const x = this.x(b.axis);
      ctx.fillStyle = 'rgba(128,128,128,0.25)';
      ctx.strokeStyle = fg;
      ctx.fillRect(x - 7, this.y(b.hi), 14, this.y(b.lo) - this.y(b.hi));
      ctx.strokeRect(x - 7 + 0.5, this.y(b.hi) + 0.5, 13, this.y(b.lo) - this.y(b.hi));
      const axis = m.axes[b.axis]!;
      if (axis.scale !== 'category') {
        ctx.fillStyle = fg;
        ctx.textAlign = 'left';
        ctx.fillText(formatNumber(Number(valueAt(axis, b.hi).toPrecision(3))), x + 9, this.y(b.hi));
        ctx.fillText(formatNumber(Number(valueAt(axis, b.lo).toPrecision(3))), x + 9, this.y(b.lo));
      }
    }
  }

  private local(e: MouseEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  private press(e: MouseEvent): void {
    const m = this.model;
    if (!m || e.button !== 0) return;
    const { x, y } = this.local(e);
    let axis = -1;
    for (let a = 0; a < m.axes.length; a++) if (Math.abs(this.x(a) - x) <= GRAB) axis = a;
    if (axis < 0) return;
    e.preventDefault();
    this.drag = { axis, from: this.p(y) };
  }

  private move(e: MouseEvent): void {
    if (!this.drag) return;
    const to = this.p(this.local(e).y);
    if (Math.abs(this.y(to) - this.y(this.drag.from)) < 3) return;
    this.setBrush(brushBetween(this.drag.axis, this.drag.from, to));
  }

  private release(e: MouseEvent): void {
    if (!this.drag) return;
    const { axis, from } = this.drag;
    this.drag = undefined;
    const to = this.p(this.local(e).y);
    // a click without a drag clears the axis's brush
    if (Math.abs(this.y(to) - this.y(from)) < 3) {
      this.brushes = this.brushes.filter((b) => b.axis !== axis);
      this.select();
      this.draw();
    } else this.setBrush(brushBetween(axis, from, to));
    this.onBrush(false);
  }

  private setBrush(b: Brush): void {
    this.brushes = [...this.brushes.filter((x) => x.axis !== b.axis), b];
    this.select();
    this.draw();
    this.onBrush(true);
  }
}
