// A Chart.js line controller that draws straight from columns (Float64Array x/y, NaN = gap) instead of one
// PointElement per point. Chart.js keeps axes, ticks, tooltip, zoom and pan; this draws the lines. The host already
// sent min/max-decimated points (about 2 per pixel column), so there is nothing left to parse, decimate or animate:
// with 50 runs × 2 lines × 1,200 points per chart, Chart.js's per-point elements cost ~10× a bare lineTo loop.
import { LineController, type Scale } from 'chart.js';
import { lowerBound, upperBound } from '../src/core/compare/bisect';

/** One line: x ascending, y null (or NaN) where there is no finite value. The host's arrays as they arrive. */
export interface Columns {
  x: ArrayLike<number>;
  y: ArrayLike<number | null>;
}

declare module 'chart.js' {
  interface ChartTypeRegistry {
    columnLine: ChartTypeRegistry['line'];
  }
}

/** One run's lines in a chart. */
export interface RunLine {
  /** The line drawn in the run's colour: smoothed when smoothing, else the raw values. */
  columns: Columns;
  /** The raw line drawn faintly under every run's main line (same x as columns), when smoothing. */
  raw?: Columns;
  color: string;
  rawColor: string;
  width: number;
  /** A group's band around its mean line (same x as columns), filled under every line, and the runs counted per point. */
  band?: { lo: ArrayLike<number>; hi: ArrayLike<number>; fill: string };
  n?: ArrayLike<number>;
}

/**
 * What a columnLine dataset carries: the lines of every run shown. A chart has one Chart.js dataset, not one per run:
 * Chart.js's work per dataset (a controller, its resolved options, plugin hooks, a clip per draw) was ~40 % of creating
 * a 50-run chart, and the runs' own legend, hiding and colours live outside Chart.js anyway.
 */
export interface ColumnDataset {
  lines: RunLine[];
}

/**
 * What a columnLine dataset sets besides its lines and its own (empty) data array — Chart.js hooks each dataset's
 * array, so none is shared: no clip by Chart.js (draw clips to whole pixels itself).
 */
export const COLUMN_DATASET = { type: 'columnLine', clip: false } as const;

/** A point of a dataset as Chart.js sees it (tooltip items, active elements): line and index in one number. */
const STRIDE = 2 ** 24;

export function pointIndex(line: number, i: number): number {
  return line * STRIDE + i;
}

export function splitPointIndex(index: number): { line: number; i: number } {
  const line = Math.floor(index / STRIDE);
  return { line, i: index - line * STRIDE };
}

/** Tooltip/hover stand-in for a point element: Chart.js only asks it for a position. */
export interface ColumnPoint {
  x: number;
  y: number;
  active: boolean;
  options: { radius: number; borderWidth: number };
  hasValue(): boolean;
  tooltipPosition(): { x: number; y: number };
  getProps(props: string[]): Record<string, number>;
}

export class ColumnLineController extends LineController {
  static override id = 'columnLine';

  get lines(): readonly RunLine[] {
    return (this.getDataset() as unknown as Partial<ColumnDataset>).lines ?? [];
  }

  override update(): void {
    // nothing per point: draw() reads the columns
  }

  override getParsed(index: number): { x: number; y: number } {
    const { line, i } = splitPointIndex(index);
    const c = this.lines[line]?.columns ?? EMPTY;
    return { x: c.x[i] ?? NaN, y: c.y[i] ?? NaN };
  }

  override getLabelAndValue(index: number): { label: string; value: string } {
    const p = this.getParsed(index);
    return { label: String(p.x), value: String(p.y) };
  }

  /** Data range on one axis; y over the x range in view when x is zoomed (as Chart.js does), log axes positive only. */
  override getMinMax(scale: Scale): { min: number; max: number } {
    const r = { min: Infinity, max: -Infinity };
    const b = scale.axis === 'x' ? undefined : this.chart.scales.x?.getUserBounds();
    const positive = scale.type === 'logarithmic';
    for (const line of this.lines) {
      const c = line.columns;
      const n = c.x.length;
      if (!n) continue;
      if (scale.axis === 'x') {
        r.min = Math.min(r.min, c.x[0]!);
        r.max = Math.max(r.max, c.x[n - 1]!);
        continue;
      }
      const lo = b?.minDefined ? lowerBound(c.x, b.min) : 0;
      const hi = b?.maxDefined ? upperBound(c.x, b.max) : n;
      extend(r, c.y, lo, hi, positive);
      if (line.raw) extend(r, line.raw.y, lo, hi, positive);
      if (line.band) {
        extend(r, line.band.lo, lo, hi, positive);
        extend(r, line.band.hi, lo, hi, positive);
      }
    }
    return r;
  }

  override setHoverStyle(): void {}
  override removeHoverStyle(): void {}

  /**
   * Every raw line first, faint, then every main line: raw lines drawn in between would veil other runs' lines.
   * Clipped to the plot area widened to whole pixels (the dataset asks Chart.js for no clip of its own, see
   * COLUMN_DATASET): Chart.js clips to its fractional plot area, and Skia then rasterises every line through an
   * anti-aliased clip mask, ~1.5× the cost of the lines themselves.
   */
  override draw(): void {
    const meta = this._cachedMeta;
    const xs = meta.xScale;
    const ys = meta.yScale;
    if (!xs || !ys) return;
    const ctx = this.chart.ctx;
    const lines = this.lines;
    const area = this.chart.chartArea;
    const left = Math.floor(area.left);
    const top = Math.floor(area.top);
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, Math.ceil(area.right) - left, Math.ceil(area.bottom) - top);
    ctx.clip();
    for (const line of lines) if (line.band) fillBand(ctx, line.columns.x, line.band, xs, ys);
    for (const line of lines) if (line.raw) strokeColumns(ctx, line.raw, line.rawColor, 1, xs, ys);
    for (const line of lines) strokeColumns(ctx, line.columns, line.color, line.width, xs, ys);
    // hovered points (the tooltip's active elements)
    for (const e of this.chart.getActiveElements()) {
      if (e.datasetIndex !== this.index) continue;
      ctx.fillStyle = lines[splitPointIndex(e.index).line]?.color ?? '#888';
      ctx.beginPath();
      ctx.arc(e.element.x, e.element.y, 3, 0, Math.PI * 2);
      ctx.fill();
    }
    ctx.restore();
  }

  /** The point element Chart.js's tooltip needs for `index` (pixel position from the scales). */
  pointAt(index: number): ColumnPoint | undefined {
    const meta = this._cachedMeta;
    const { line, i } = splitPointIndex(index);
    const c = this.lines[line]?.columns;
    const v = c?.y[i];
    if (!c || !meta.xScale || !meta.yScale || v === undefined || v === null || v !== v) return undefined;
    const x = meta.xScale.getPixelForValue(c.x[i]!);
    const y = meta.yScale.getPixelForValue(v);
    return {
      x,
      y,
      active: false,
      options: { radius: 3, borderWidth: 1 },
      hasValue: () => true,
      tooltipPosition: () => ({ x, y }),
      getProps: () => ({ x, y }),
    };
  }
}

/** Strokes one line from its columns: pixels from the scales' affine maps, at most four points per pixel column. */
function strokeColumns(
  ctx: CanvasRenderingContext2D,
  c: Columns,
  color: string,
  width: number,
  xs: Scale,
  ys: Scale,
): void {
  if (!c.x.length) return;
  // Pixel = a + b·v on a linear axis, a + b·log10(v) on a log one: two reference pixels give both.
  const lx = affine(xs);
  const ly = affine(ys);
  const logY = ys.type === 'logarithmic';
  const n = c.x.length;
  // one point beyond each edge so the line reaches the border of the (clipped) plot area
  const first = Math.max(0, lowerBound(c.x, xs.min) - 1);
  const last = Math.min(n, upperBound(c.x, xs.max) + 1);
  const x = c.x;
  const y = c.y;
  ctx.save();
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.lineJoin = 'round';
  ctx.beginPath();
  // Per pixel column only the first, lowest, highest and last point (M4): the same pixels as every point, and
  // stroke cost (wide lines are ~10× hairlines in Skia) bounded by the chart's width, not by the points sent.
  let col = NaN;
  let lo = 0;
  let hi = 0;
  let loI = 0;
  let hiI = 0;
  let lastX = 0;
  let lastY = 0;
  let lastI = -1;
  let firstI = -1;
  let pen = false;
  for (let i = first; i < last; i++) {
    const v = y[i]!;
    if (v === null || v !== v || (logY && v <= 0)) {
      if (firstI >= 0) finishColumn(ctx, col, lo, hi, loI, hiI, firstI, lastI, lastX, lastY);
      firstI = -1;
      pen = false;
      continue;
    }
    const px = lx.a + lx.b * x[i]!;
    const py = ly.a + ly.b * (logY ? Math.log10(v) : v);
    const cx = Math.round(px);
    if (cx === col && firstI >= 0) {
      if (py < lo) {
        lo = py;
        loI = i;
      } else if (py > hi) {
        hi = py;
        hiI = i;
      }
      lastX = px;
      lastY = py;
      lastI = i;
      continue;
    }
    if (firstI >= 0) finishColumn(ctx, col, lo, hi, loI, hiI, firstI, lastI, lastX, lastY);
    col = cx;
    if (pen) ctx.lineTo(px, py);
    else {
      ctx.moveTo(px, py);
      pen = true;
    }
    lo = hi = py;
    loI = hiI = firstI = lastI = i;
    lastX = px;
    lastY = py;
  }
  if (firstI >= 0) finishColumn(ctx, col, lo, hi, loI, hiI, firstI, lastI, lastX, lastY);
  ctx.stroke();
  ctx.restore();
}

/**
 * Fills a band between its lower and upper edges: each stretch of finite points is one polygon (the upper edge
 * forward, the lower edge back), so a gap in the group's data leaves a gap in the band. The host sends ~2 points per
 * pixel column, each carrying its bucket's extremes; each edge keeps one vertex per pixel column, the column's
 * outermost value (its highest upper edge, its lowest lower edge): the same pixels, half the vertices to build and
 * for Skia to fill (20 bands of 1,200 points were the chart's costliest part of drawing).
 */
function fillBand(
  ctx: CanvasRenderingContext2D,
  x: ArrayLike<number>,
  band: NonNullable<RunLine['band']>,
  xs: Scale,
  ys: Scale,
): void {
  const lx = affine(xs);
  const ly = affine(ys);
  const logY = ys.type === 'logarithmic';
  const py = (v: number): number => ly.a + ly.b * (logY ? Math.log10(Math.max(v, Number.MIN_VALUE)) : v);
  const n = x.length;
  const first = Math.max(0, lowerBound(x, xs.min) - 1);
  const last = Math.min(n, upperBound(x, xs.max) + 1);
  if (last <= first) return;
  // the lower edge's vertices of the current stretch, drawn back when it ends
  const backX = new Float64Array(last - first);
  const backLo = new Float64Array(last - first);
  let k = 0;
  let col = NaN;
  let colX = 0;
  let colLo = 0;
  let colHi = 0;
  let open = false;
  const vertex = (): void => {
    if (k === 0) ctx.moveTo(colX, py(colHi));
    else ctx.lineTo(colX, py(colHi));
    backX[k] = colX;
    backLo[k++] = colLo;
  };
  const close = (): void => {
    if (open) vertex();
    for (let j = k - 1; j >= 0; j--) ctx.lineTo(backX[j]!, py(backLo[j]!));
    if (k) ctx.closePath();
    k = 0;
    open = false;
  };
  ctx.save();
  ctx.fillStyle = band.fill;
  ctx.beginPath();
  for (let i = first; i < last; i++) {
    const lo = band.lo[i]!;
    const hi = band.hi[i]!;
    if (!(lo === lo && hi === hi && !(logY && lo <= 0))) {
      close();
      continue;
    }
    const px = lx.a + lx.b * x[i]!;
    const cx = Math.round(px);
    if (open && cx === col) {
      if (hi > colHi) colHi = hi;
      if (lo < colLo) colLo = lo;
      continue;
    }
    if (open) vertex();
    open = true;
    col = cx;
    colX = px;
    colLo = lo;
    colHi = hi;
  }
  close();
  ctx.fill();
  ctx.restore();
}

/** Widens r by the finite values of y[lo, hi) (positive ones only on a log axis). */
function extend(
  r: { min: number; max: number },
  y: ArrayLike<number | null>,
  lo: number,
  hi: number,
  positive: boolean,
): void {
  // Locals, not r's fields, in the loop (half the time: 100 lines of ~850 points per chart); compares that fail for
  // NaN; null, a gap in merged columns, would pass them as 0.
  let min = r.min;
  let max = r.max;
  const floor = positive ? 0 : -Infinity;
  for (let i = lo; i < hi; i++) {
    const v = y[i]!;
    if (v !== null && v > floor && v < Infinity) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  r.min = min;
  r.max = max;
}

/** The rest of a pixel column after its first point: lowest and highest in the order they came, then the last. */
function finishColumn(
  ctx: CanvasRenderingContext2D,
  cx: number,
  lo: number,
  hi: number,
  loI: number,
  hiI: number,
  firstI: number,
  lastI: number,
  lastX: number,
  lastY: number,
): void {
  // a column whose points span less than a pixel is drawn by its first point alone
  if (hi - lo < 1) return;
  const hasLo = loI !== firstI && loI !== lastI;
  const hasHi = hiI !== firstI && hiI !== lastI;
  if (hasLo && hasHi) {
    if (loI < hiI) {
      ctx.lineTo(cx, lo);
      ctx.lineTo(cx, hi);
    } else {
      ctx.lineTo(cx, hi);
      ctx.lineTo(cx, lo);
    }
  } else if (hasLo) ctx.lineTo(cx, lo);
  else if (hasHi) ctx.lineTo(cx, hi);
  if (lastI !== firstI) ctx.lineTo(lastX, lastY);
}

const EMPTY: Columns = { x: [], y: [] };

function affine(scale: Scale): { a: number; b: number } {
  const log = scale.type === 'logarithmic';
  // two values inside the axis range; on a log axis they must be positive
  const v0 = log ? Math.max(scale.min, Number.MIN_VALUE) : scale.min;
  const v1 = log ? Math.max(scale.max, v0 * 10) : scale.max === scale.min ? scale.min + 1 : scale.max;
  const p0 = scale.getPixelForValue(v0);
  const p1 = scale.getPixelForValue(v1);
  const t0 = log ? Math.log10(v0) : v0;
  const t1 = log ? Math.log10(v1) : v1;
  const b = t1 === t0 ? 0 : (p1 - p0) / (t1 - t0);
  return { a: p0 - b * t0, b };
}
