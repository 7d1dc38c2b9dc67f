import type { Series } from '../model';
import type { Curve, XAxis } from '../../protocol';
import { smoothEmaAt } from './smooth';

/** A closed x interval. */
export interface XRange {
  min: number;
  max: number;
}

/**
 * Picks the points of a curve worth drawing: for each of about maxPoints/2 equal-width x buckets (pixel columns)
 * the minimum and the maximum y, plus the first and last point of the range and the first non-finite point of a
 * bucket (so gaps stay gaps). Spikes and extremes survive at any zoom; a line through the picked points covers
 * the same pixels as one through all of them (uPlot/M4-style). Returns ascending indices into x/y.
 *
 * x must be finite and non-decreasing. With a range, one point beyond each end is kept so lines reach the edges.
 */
export function downsampleMinMax(x: ArrayLike<number>, y: ArrayLike<number>, maxPoints: number, range?: XRange): Uint32Array {
  const n = Math.min(x.length, y.length);
  let lo = 0;
  let hi = n;
  if (range) {
    lo = lowerBound(x, range.min, n);
    hi = upperBound(x, range.max, n);
    if (lo > 0) lo--;
    if (hi < n) hi++;
  }
  const count = hi - lo;
  const budget = Math.max(4, Math.floor(maxPoints));
  if (count <= budget) {
    const all = new Uint32Array(Math.max(count, 0));
    for (let i = 0; i < count; i++) all[i] = lo + i;
    return all;
  }
  const buckets = Math.max(1, Math.floor((budget - 2) / 2));
  const x0 = x[lo]!;
  const span = x[hi - 1]! - x0;
  const scale = span > 0 ? buckets / span : 0;
  const out = new Uint32Array(3 * buckets + 2);
  let k = 0;
  out[k++] = lo;
  let cur = -1;
  let minI = -1;
  let maxI = -1;
  let badI = -1;
  const picks: number[] = [];
  const flush = (): void => {
    picks.length = 0;
    if (minI >= 0) picks.push(minI);
    if (maxI >= 0 && maxI !== minI) picks.push(maxI);
    if (badI >= 0) picks.push(badI);
    picks.sort((p, q) => p - q);
    for (const p of picks) out[k++] = p;
  };
  for (let i = lo + 1; i < hi - 1; i++) {
    const bucket = Math.min(buckets - 1, Math.floor((x[i]! - x0) * scale));
    if (bucket !== cur) {
      if (cur >= 0) flush();
      cur = bucket;
      minI = maxI = badI = -1;
    }
    const v = y[i]!;
    if (v - v !== 0) {
      // NaN or ±Infinity
      if (badI < 0) badI = i;
      continue;
    }
    if (minI < 0 || v < y[minI]!) minI = i;
    if (maxI < 0 || v > y[maxI]!) maxI = i;
  }
  if (cur >= 0) flush();
  out[k++] = hi - 1;
  return out.subarray(0, k);
}

/** First index with x[i] >= v. */
function lowerBound(x: ArrayLike<number>, v: number, n: number): number {
  let a = 0;
  let b = n;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (x[m]! < v) a = m + 1;
    else b = m;
  }
  return a;
}

/** First index with x[i] > v. */
function upperBound(x: ArrayLike<number>, v: number, n: number): number {
  let a = 0;
  let b = n;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (x[m]! <= v) a = m + 1;
    else b = m;
  }
  return a;
}

/**
 * One series as the chart draws it: x in the requested unit (points without one dropped, sorted), the smoothed
 * column computed over the whole series, both sampled at the min/max-preserving indices.
 */
export function curveFor(s: Series, o: { xAxis: XAxis; maxPoints: number; smoothing: number; range?: { min: number; max: number } }): Curve {
  const n = s.values.length;
  let x: Float64Array;
  let y: Float64Array = s.values;
  const src = o.xAxis === 'step' ? s.steps : s.times;
  let ok = true;
  for (let i = 0; i < n; i++) {
    const v = src[i]!;
    if (!Number.isFinite(v) || (i > 0 && v < src[i - 1]!)) {
      ok = false;
      break;
    }
  }
  if (ok) x = src;
  else {
    const order: number[] = [];
    for (let i = 0; i < n; i++) if (Number.isFinite(src[i]!)) order.push(i);
    order.sort((a, b) => src[a]! - src[b]! || a - b);
    x = Float64Array.from(order, (i) => src[i]!);
    y = Float64Array.from(order, (i) => s.values[i]!);
  }
  const origin = o.xAxis === 'relative' && x.length ? x[0]! : 0;
  const scale = o.xAxis === 'relative' ? 1 / 1000 : 1;
  const range = o.range && o.xAxis === 'relative' ? { min: o.range.min / scale + origin, max: o.range.max / scale + origin } : o.range;
  const idx = downsampleMinMax(x, y, o.maxPoints, range);
  const smooth = smoothEmaAt(y, o.smoothing, idx);
  const c: Curve = { runId: s.runId, key: s.key, x: new Array(idx.length), y: new Array(idx.length), s: new Array(idx.length), total: range ? countIn(x, range) : x.length };
  for (let j = 0; j < idx.length; j++) {
    const i = idx[j]!;
    c.x[j] = (x[i]! - origin) * scale;
    c.y[j] = finiteOrNull(y[i]!);
    c.s[j] = finiteOrNull(smooth[j]!);
  }
  return c;
}

function countIn(x: Float64Array, r: { min: number; max: number }): number {
  let c = 0;
  for (let i = 0; i < x.length; i++) if (x[i]! >= r.min && x[i]! <= r.max) c++;
  return c;
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
