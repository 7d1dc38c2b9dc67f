// The axes of the Sweep view's parallel coordinates and scatter: which scale a key gets and where a value sits on
// it (0 = bottom, 1 = top). Pure and DOM-free: the webview bundles it to draw and brush, the host to build state.
import { formatNumber } from '../compare/format';

export type AxisScale = 'linear' | 'log' | 'category';

/** The largest / smallest ratio from which a positive numeric axis is drawn on a log scale (1e-4 … 1e-2 is 100). */
export const LOG_RATIO = 20;

/** What an axis needs to place a value: its scale, numeric domain and (category scale) its labels in order. */
export interface AxisDomain {
  scale: AxisScale;
  /** Numeric domain (for a category axis: 0 … categories.length − 1). */
  min: number;
  max: number;
  categories: string[];
}

/** The scale for numeric values: log when all are positive and span at least LOG_RATIO, else linear. */
export function numericDomain(values: readonly number[]): AxisDomain {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min > max) return { scale: 'linear', min: 0, max: 1, categories: [] };
  const scale = min > 0 && max / min >= LOG_RATIO ? 'log' : 'linear';
  return { scale, min, max, categories: [] };
}

/**
 * Where a value sits on an axis, 0 … 1; NaN for a missing value (or one a log axis cannot show). A category axis
 * takes the category's index; a one-valued axis puts everything in the middle.
 */
export function position(d: AxisDomain, v: number): number {
  if (!Number.isFinite(v)) return NaN;
  if (d.scale === 'log') {
    if (v <= 0) return NaN;
    const lo = Math.log(d.min);
    const span = Math.log(d.max) - lo;
    return span > 0 ? (Math.log(v) - lo) / span : 0.5;
  }
  const span = d.max - d.min;
  return span > 0 ? (v - d.min) / span : 0.5;
}

/** The value at a position (the inverse of `position`), for the brush's labels. */
export function valueAt(d: AxisDomain, p: number): number {
  if (d.scale === 'log') return Math.exp(Math.log(d.min) + p * (Math.log(d.max) - Math.log(d.min)));
  return d.min + p * (d.max - d.min);
}

export interface Tick {
  position: number;
  label: string;
}

/** Labels along an axis: each category; the powers of ten of a log axis; five steps of a linear one. */
export function axisTicks(d: AxisDomain): Tick[] {
  if (d.scale === 'category') return d.categories.map((label, i) => ({ position: position(d, i), label }));
  if (d.scale === 'log') {
    const ticks: Tick[] = [];
    for (let e = Math.ceil(Math.log10(d.min) - 1e-9); e <= Math.floor(Math.log10(d.max) + 1e-9); e++)
      ticks.push({ position: position(d, 10 ** e), label: formatNumber(Number((10 ** e).toPrecision(1))) });
    if (ticks.length >= 2) return ticks;
  }
  if (d.max === d.min) return [{ position: 0.5, label: formatNumber(d.min) }];
  return [0, 0.25, 0.5, 0.75, 1].map((p) => ({
    position: p,
    label: formatNumber(Number(valueAt(d, p).toPrecision(3))),
  }));
}
