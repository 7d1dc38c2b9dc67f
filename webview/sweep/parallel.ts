// Parallel coordinates on a canvas: one vertical axis per param that varies plus the metric, one polyline per run
// coloured by the metric, rasterised by hand (raster.ts). Brushing redraws once per animation frame and touches only
// the runs a move changes: BrushIndex (core/sweep/brushIndex.ts) reports the runs entering or leaving the selection,
// their lines are added to or taken from per-pixel sums (LineSums), and the frame composites those sums over a cached
// layer of every line drawn faint. Each run's pixel y per axis is computed once per model or size.
import { axisTicks, valueAt } from '../../src/core/sweep/axes';
import { brushBetween, type Brush } from '../../src/core/sweep/brush';
import { BrushIndex } from '../../src/core/sweep/brushIndex';
import type { SweepAxis } from '../../src/protocol';
import { formatNumber } from '../../src/core/compare/format';
import { h, on } from '../dom';
import { mutedColor, RAMP, rampIndex } from './colors';
import { fillRgb, line, LineSums, parseColor, type Rgb } from './raster';

const HEIGHT = 380;
const PAD = { top: 16, bottom: 28, left: 48, right: 64 };
/** How far from an axis (px) a press still starts a brush on it. */
const GRAB = 14;
/** Alpha (of 256) of the faint unselected lines under a brush. */
const FAINT = 40;

export interface PcModel {
  axes: SweepAxis[];
  n: number;
  /** pos[axis][run], 0 … 1, NaN when missing. */
  pos: Float64Array[];
}

/** Where the lines go, in device pixels: recomputed when the model, the width or the pixel ratio changes. */
interface Geometry {
  width: number;
  height: number;
  xs: number[];
  /** ys[axis][run], NaN when missing. */
  ys: Float32Array[];
  /** Per axis, each run's y as a small id (equal ys, equal ids), when the axis has few distinct ys (a grid, a category). */
  levels: Array<Levels | undefined>;
}

interface Levels {
  ids: Int32Array;
  count: number;
}

/** Over this many distinct ys an axis is continuous: its segments are not merged. */
const MAX_LEVELS = 2048;
/** Merging the segments between two axes needs a table of levels × levels × colours this size at most. */
const MAX_MERGE_CELLS = 1 << 20;

/** The distinct ys of an axis as ids, or undefined past MAX_LEVELS (NaN gets −1). */
function levelsOf(ys: Float32Array): Levels | undefined {
  const seen = new Map<number, number>();
  const ids = new Int32Array(ys.length);
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i]!;
    if (Number.isNaN(y)) {
      ids[i] = -1;
      continue;
    }
    let id = seen.get(y);
    if (id === undefined) {
      if (seen.size >= MAX_LEVELS) return undefined;
      seen.set(y, (id = seen.size));
    }
    ids[i] = id;
  }
  return { ids, count: seen.size };
}

/** The theme's colours, parsed once per theme. */
interface Palette {
  bg: Rgb;
  muted: string;
  /** RAMP's colours, then the muted one (a run without the metric). */
  buckets: Rgb[];
}

export class ParallelView {
  readonly root: HTMLElement;
  private readonly canvas = h('canvas', { class: 'pc-canvas', 'aria-label': 'Parallel coordinates' });
  private readonly titles = h('div', { class: 'pc-titles' });
  private model: PcModel | undefined;
  private colorOf = new Uint8Array(0);
  brushes: Brush[] = [];
  /** Built on the first brush (sorting every axis is no part of the first draw). */
  private index: BrushIndex | undefined;
  private geometry: Geometry | undefined;
  private palette: Palette | undefined;
  /** Every line faint over the background (ABGR words): what a brushing frame starts from. */
  private layer: Uint32Array | undefined;
  /** The selected lines' sums while brushing; undefined when they must be summed again from the mask. */
  private sums: LineSums | undefined;
  private image: ImageData | undefined;
  private drag: { axis: number; from: number } | undefined;
  private width = 0;
  /** A frame is asked for; `live` while every request since the last frame was a drag's move. */
  private frame: { live: boolean } | undefined;
  private idle: number | undefined;

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

  /** 1 = the run is inside every brush (every run when there is none). */
  get mask(): Uint8Array {
    return this.brushIndex().mask;
  }

  get count(): number {
    return this.brushes.length ? this.brushIndex().count : (this.model?.n ?? 0);
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
    this.index = undefined;
    this.geometry = undefined;
    this.renderTitles();
    this.draw();
  }

  /** The theme changed: the cached layer holds the old background and line colours. */
  themeChanged(): void {
    this.palette = undefined;
    this.draw();
  }

  clearBrushes(): void {
    this.brushes = [];
    this.request(false);
  }

  private brushIndex(): BrushIndex {
    const m = this.model;
    if (!this.index || this.index.runCount !== (m?.n ?? 0)) this.index = new BrushIndex(m?.pos ?? [], m?.n ?? 0);
    return this.index;
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

  /** Positions the titles and draws everything now (a new model, size or theme). */
  draw(): void {
    const t0 = performance.now();
    const m = this.model;
    const ctx = this.fitCanvas();
    if (!m || m.axes.length === 0) return;
    this.titles.querySelectorAll<HTMLElement>('.axis-title').forEach((t, i) => {
      t.style.left = `${this.x(i)}px`;
    });
    this.paint(ctx);
    this.canvas.dataset['drawMs'] = (performance.now() - t0).toFixed(2);
  }

  /** Sizes the canvas to the view; a new size drops what was cached in device pixels. */
  private fitCanvas(): CanvasRenderingContext2D {
    this.width = Math.max(320, this.root.clientWidth);
    const dpr = window.devicePixelRatio || 1;
    const W = Math.round(this.width * dpr);
    const H = Math.round(HEIGHT * dpr);
    if (this.canvas.width !== W || this.canvas.height !== H) {
      this.canvas.width = W;
      this.canvas.height = H;
      this.canvas.style.width = `${this.width}px`;
      this.canvas.style.height = `${HEIGHT}px`;
    }
    const g = this.geometry;
    if (!g || g.width !== W || g.height !== H) this.geometry = this.measure(W, H, dpr);
    const ctx = this.canvas.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.width, HEIGHT);
    return ctx;
  }

  /** Every run's pixel y on every axis, once per model and size (a brushing frame only reads them). */
  private measure(W: number, H: number, dpr: number): Geometry {
    const m = this.model;
    this.layer = undefined;
    this.sums = undefined;
    const top = PAD.top * dpr;
    const span = (HEIGHT - PAD.top - PAD.bottom) * dpr;
    const ys = (m?.pos ?? []).map((col) => {
      const y = new Float32Array(col.length);
      for (let i = 0; i < col.length; i++) y[i] = top + (1 - col[i]!) * span;
      return y;
    });
    return { width: W, height: H, xs: (m?.axes ?? []).map((_, a) => this.x(a) * dpr), ys, levels: ys.map(levelsOf) };
  }

  private colors(): Palette {
    if (!this.palette) {
      const muted = mutedColor();
      const probe = document.createElement('canvas');
      const bg = getComputedStyle(document.body).getPropertyValue('--vscode-editor-background').trim() || '#1f1f1f';
      this.palette = {
        bg: parseColor(bg, probe),
        muted,
        buckets: [...RAMP, muted].map((c) => parseColor(c, probe)),
      };
      this.layer = undefined;
      this.sums = undefined;
    }
    return this.palette;
  }

  /** The lines (all coloured, or the brushed ones over the faint layer), then the axes and brushes. */
  private paint(ctx: CanvasRenderingContext2D): void {
    const m = this.model!;
    const g = this.geometry!;
    const pal = this.colors();
    if (!this.image || this.image.width !== g.width || this.image.height !== g.height)
      this.image = ctx.createImageData(g.width, g.height);
    const out = new Uint32Array(this.image.data.buffer);
    const alpha = m.n > 2000 ? 90 : m.n > 200 ? 150 : 230;
    if (this.brushes.length) {
      const index = this.brushIndex();
      this.layer ??= this.faintLayer();
      if (this.sums) {
        const sums = this.sums;
        index.set(this.brushes, (run, selected) => this.sumLine(sums, run, selected ? 1 : -1));
      } else {
        index.set(this.brushes);
        this.sums = new LineSums(g.width, g.height, alpha);
        for (let i = 0; i < m.n; i++) if (index.mask[i]) this.sumLine(this.sums, i, 1);
      }
      this.sums.composite(out, this.layer);
    } else {
      this.index?.set([]);
      this.sums = undefined;
      fillRgb(out, pal.bg);
      this.rasterLines(out, (c) => pal.buckets[c]!, alpha);
      // the faint layer a brush starts from, drawn while the user looks (else the first brush frame waits for it)
      if (!this.layer && !this.idle)
        this.idle = requestIdleCallback(() => {
          this.idle = undefined;
          if (this.model && this.geometry) this.layer ??= this.faintLayer();
        });
    }
    ctx.putImageData(this.image, 0, 0);
    this.drawAxes(ctx, pal.muted);
    this.canvas.dataset['selected'] = String(this.count);
  }

  /** Every line in the muted colour, faint over the background: what brushing frames start from. */
  private faintLayer(): Uint32Array {
    const { width, height } = this.geometry!;
    const pal = this.colors();
    const u32 = new Uint32Array(width * height);
    fillRgb(u32, pal.bg);
    this.rasterLines(u32, () => pal.buckets[RAMP.length]!, FAINT, true);
    return u32;
  }

  /**
   * Every run's line blended into the buffer (ABGR words), in device pixels, axis gap by axis gap. Between two axes
   * with few levels (a grid of values, categories) many runs share a segment: each distinct segment (ends and colour)
   * is drawn once, at the alpha its k copies blended one by one would reach, 1 − (1 − alpha)^k. `oneColor`: every
   * line the same colour (the faint layer), so only the ends tell segments apart.
   */
  private rasterLines(u32: Uint32Array, color: (bucket: number) => Rgb, alpha: number, oneColor = false): void {
    const m = this.model!;
    const { width: W, height: H, xs, ys, levels } = this.geometry!;
    const rgb = Array.from({ length: RAMP.length + 1 }, (_, c) => color(c));
    const colors = oneColor ? 1 : rgb.length;
    const colorOf = oneColor ? new Uint8Array(m.n) : this.colorOf;
    const compound = (k: number): number => Math.min(256, Math.round(256 * (1 - (1 - alpha / 256) ** k)));
    for (let a = 1; a < xs.length; a++) {
      const y0s = ys[a - 1]!;
      const y1s = ys[a]!;
      const x0 = xs[a - 1]!;
      const x1 = xs[a]!;
      const l0 = levels[a - 1];
      const l1 = levels[a];
      const cells = l0 && l1 ? l0.count * l1.count * colors : Infinity;
      if (l0 && l1 && cells <= MAX_MERGE_CELLS) {
        // how many runs share each (start, end, colour), and the first of them (where the segment is drawn)
        const count = new Int32Array(cells);
        const first = new Int32Array(cells);
        for (let i = 0; i < m.n; i++) {
          if (l0.ids[i]! < 0 || l1.ids[i]! < 0) continue;
          const k = (l0.ids[i]! * l1.count + l1.ids[i]!) * colors + colorOf[i]!;
          if (count[k]++ === 0) first[k] = i;
        }
        for (let i = 0; i < m.n; i++) {
          if (l0.ids[i]! < 0 || l1.ids[i]! < 0) continue;
          const k = (l0.ids[i]! * l1.count + l1.ids[i]!) * colors + colorOf[i]!;
          if (first[k] !== i) continue;
          const c = rgb[colorOf[i]!]!;
          line(u32, W, H, x0, y0s[i]!, x1, y1s[i]!, c, count[k] === 1 ? alpha : compound(count[k]!));
        }
        continue;
      }
      for (let i = 0; i < m.n; i++) {
        const y0 = y0s[i]!;
        const y1 = y1s[i]!;
        // a missing value breaks the line
        if (!Number.isNaN(y0) && !Number.isNaN(y1)) line(u32, W, H, x0, y0, x1, y1, rgb[colorOf[i]!]!, alpha);
      }
    }
  }

  /** One run's line added to (1) or taken from (−1) the brushing sums, broken where a value is missing. */
  private sumLine(sums: LineSums, run: number, sign: 1 | -1): void {
    const { xs, ys } = this.geometry!;
    const c = this.palette!.buckets[this.colorOf[run]!]!;
    for (let a = 1; a < xs.length; a++) {
      const y0 = ys[a - 1]![run]!;
      const y1 = ys[a]![run]!;
      if (!Number.isNaN(y0) && !Number.isNaN(y1)) sums.segment(xs[a - 1]!, y0, xs[a]!, y1, c, sign);
    }
  }

  /** Brushes changed: select and redraw once, in the next animation frame (a fast drag sends several moves). */
  private request(live: boolean): void {
    if (this.frame) {
      this.frame.live &&= live;
      return;
    }
    this.frame = { live };
    requestAnimationFrame(() => {
      const f = this.frame!;
      this.frame = undefined;
      if (!this.model || this.model.axes.length === 0) return;
      const t0 = performance.now();
      this.paint(this.fitCanvas());
      this.canvas.dataset['drawMs'] = (performance.now() - t0).toFixed(2);
      this.onBrush(f.live);
    });
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
    if (Math.abs(this.y(to) - this.y(from)) < 3) this.brushes = this.brushes.filter((b) => b.axis !== axis);
    else this.brushes = this.withBrush(brushBetween(axis, from, to));
    this.request(false);
  }

  private withBrush(b: Brush): Brush[] {
    return [...this.brushes.filter((x) => x.axis !== b.axis), b];
  }

  private setBrush(b: Brush): void {
    this.brushes = this.withBrush(b);
    this.request(true);
  }
}
