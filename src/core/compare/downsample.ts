import type { BlockExtremes, Series } from '../model';
import type { Curve, XAxis } from './curve';
import {
  BLOCK,
  extremesByPoint,
  extremesBySummaries,
  smoothedAt,
  smoothedRange,
  type Scan,
  type SmoothedScan,
} from './blocks';
import { ascendingFinite } from '../series';
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
export function downsampleMinMax(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  maxPoints: number,
  range?: XRange,
): Uint32Array {
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
  // Each non-empty bucket's first index (its pixel column's edge), then the end; the edges moved by snapEdge.
  const edges: number[] = [lo + 1];
  let cur = Math.min(buckets - 1, Math.floor((x[lo + 1]! - x0) * scale));
  for (let i = lo + 2; i < hi - 1; i++) {
    const bucket = Math.min(buckets - 1, Math.floor((x[i]! - x0) * scale));
    if (bucket !== cur) edges.push(i);
    cur = bucket;
  }
  edges.push(hi - 1);
  const starts = edges.map((e, j) =>
    j === 0 || j === edges.length - 1 ? e : snapEdge(edges[j - 1]!, e, edges[j + 1]!),
  );
  const picks: number[] = [];
  for (let j = 0; j + 1 < starts.length; j++) {
    let minI = -1;
    let maxI = -1;
    let badI = -1;
    for (let i = starts[j]!; i < starts[j + 1]!; i++) {
      const v = y[i]!;
      if (v - v !== 0) {
        // NaN or ±Infinity
        if (badI < 0) badI = i;
        continue;
      }
      if (minI < 0 || v < y[minI]!) minI = i;
      if (maxI < 0 || v > y[maxI]!) maxI = i;
    }
    picks.length = 0;
    if (minI >= 0) picks.push(minI);
    if (maxI >= 0 && maxI !== minI) picks.push(maxI);
    if (badI >= 0) picks.push(badI);
    picks.sort((p, q) => p - q);
    for (const p of picks) out[k++] = p;
  }
  out[k++] = hi - 1;
  return out.subarray(0, k);
}

/**
 * Where the bucket edge `edge` (the first index of a pixel column) is read from, given the first index of the bucket
 * before it (left) and the end of the bucket after it (right): the nearest multiple of BLOCK when both buckets hold
 * two blocks or more, else the edge itself. Whole buckets are then whole blocks, read from the block extremes noted
 * when the series was read, with no ragged ends to scan point by point (scanning them was most of the curve workers'
 * time). A point moves at most half a block (a quarter of the smaller bucket) into the next column; it is still drawn
 * at its own x, and every bucket keeps its exact min and max, so spikes and extremes stay. Buckets split the data's
 * x range in CSS pixels, while the axis spans rounder bounds in device pixels: they were never exact columns anyway.
 */
export function snapEdge(left: number, edge: number, right: number): number {
  return edge - left >= 2 * BLOCK && right - edge >= 2 * BLOCK ? Math.round(edge / BLOCK) * BLOCK : edge;
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

/** Picked indices (as downsampleMinMax picks them), the smoothed value and the raw value at each. */
export interface SmoothedPicks {
  idx: Uint32Array;
  smooth: Float64Array;
  /** y at each pick, as found while picking (reading y again at the picks missed the cache). */
  raw: Float64Array;
}

/**
 * downsampleMinMax and smoothEmaAt bucket by bucket and without per-point allocations: each bucket's min and max
 * are found first (from y's block extremes when given), then the EMA runs over the bucket's points (TensorBoard
 * smooths the whole series, whatever is drawn), noting its state at the two picks; the smoothed value is computed only
 * for the picks. Same indices as downsampleMinMax and the same values as smoothEma at them up to rounding (tested).
 * With smoothing summaries at this weight in the block extremes (see blockExtremes), the EMA does not run over the
 * points at all: each pick's smoothed value is its block's (or is run from its block's start), exactly smoothEma's.
 * x must be finite and non-decreasing.
 */
// One function on purpose: the measured hot loop of drawing (bench/webview.js); split into helpers, its loop state
// would be captured or passed around per bucket.
// eslint-disable-next-line max-lines-per-function
export function downsampleSmoothed(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  maxPoints: number,
  weight: number,
  range?: XRange,
  extremes?: BlockExtremes,
  stepEvery?: number,
): SmoothedPicks {
  // No closures over the loop state: V8 would keep captured variables in a heap context (≈4× slower here).
  const n = Math.min(x.length, y.length);
  let lo = 0;
  let hi = n;
  if (range) {
    lo = lowerBound(x, range.min, n);
    hi = upperBound(x, range.max, n);
    if (lo > 0) lo--;
    if (hi < n) hi++;
  }
  const count = Math.max(hi - lo, 0);
  const budget = Math.max(4, Math.floor(maxPoints));
  const w = Number.isFinite(weight) ? Math.min(Math.max(weight, 0), 1) : 0;
  const smoothing = w > 0 && !isConstant(y, n);
  if (count <= budget) {
    const idx = new Uint32Array(count);
    for (let i = 0; i < count; i++) idx[i] = lo + i;
    const raw = rawAt(y, idx);
    // every point of the range (a zoomed-in view): the EMA from the range's block when summarised, else from the start
    const summarised = smoothing && count > 0 && extremes?.smoothed?.weight === w ? extremes.smoothed : undefined;
    return {
      idx,
      smooth: summarised
        ? smoothedRange(y, extremes!, summarised, lo, lo + count)
        : smoothing
          ? smoothEmaAt(y, w, idx)
          : raw,
      raw,
    };
  }
  const buckets = Math.max(1, Math.floor((budget - 2) / 2));
  const x0 = x[lo]!;
  const span = x[hi - 1]! - x0;
  const scale = span > 0 ? buckets / span : 0;
  const out: Picks = {
    idx: new Uint32Array(3 * buckets + 2),
    smooth: new Float64Array(3 * buckets + 2),
    raw: new Float64Array(3 * buckets + 2),
    k: 0,
    w,
  };
  const scan: SmoothedScan = { minV: 0, maxV: 0, minI: -1, maxI: -1, badI: -1, minS: NaN, maxS: NaN };
  // Smoothing summaries at this weight (noted when the series was read): no EMA pass over the points at all.
  const summary = smoothing && extremes?.smoothed?.weight === w ? extremes.smoothed : undefined;
  // EMA state (see smoothEma): last, and w^(finite points so far) flushed to 0 once tiny.
  let last = 0;
  let wPow = 1;
  const w1 = 1 - w;
  const ema = emaState(w);
  if (smoothing && !summary) {
    for (let i = 0; i <= lo; i++) {
      const v = y[i]!;
      if (v - v !== 0) continue;
      last = last * w + w1 * v;
      wPow = wPow > 1e-300 ? wPow * w : 0;
    }
  }
  const first = y[lo]!;
  pushPick(
    out,
    lo,
    smoothing && first - first === 0
      ? summary
        ? smoothedAt(y, extremes!, summary, lo)
        : emaValue(last, wPow, w)
      : first,
    first,
  );
  const end = hi - 1;
  // x[i] = first0 + i · every exactly when the steps are evenly spaced (see Series.stepEvery); NaN: read x.
  const every = stepEvery !== undefined && n > 0 ? stepEvery : NaN;
  const first0 = n > 0 ? x[0]! : 0;
  // The bucket of a point, min(buckets - 1, floor((x - x0) * scale)), never decreases with i (x is sorted, rounding
  // is monotonic), so each bucket's end is found by binary search and the hot loop reads y only. A bucket is read
  // over [from, a): its edges as snapEdge moves them, which needs the end of the bucket after it (looked up ahead).
  let from = lo + 1;
  let edge = from;
  let next =
    from < end
      ? bucketEnd(
          x,
          from,
          end,
          bucketAt(x, from, x0, scale, buckets, first0, every),
          x0,
          scale,
          buckets,
          1,
          first0,
          every,
        )
      : end;
  let after = end;
  let a = end;
  for (; from < end; from = a, edge = next, next = after) {
    after =
      next < end
        ? bucketEnd(
            x,
            next,
            end,
            bucketAt(x, next, x0, scale, buckets, first0, every),
            x0,
            scale,
            buckets,
            next - edge,
            first0,
            every,
          )
        : end;
    a = next < end ? snapEdge(edge, next, after) : end;
    if (summary) {
      scan.minV = Infinity;
      scan.maxV = -Infinity;
      scan.minI = scan.maxI = scan.badI = -1;
      extremesBySummaries(y, from, a, extremes!, summary, scan);
      const { minI, maxI } = scan;
      const minS = minI < 0 || scan.minS === scan.minS ? scan.minS : smoothedAt(y, extremes!, summary, minI);
      const maxS = maxI < 0 || scan.maxS === scan.maxS ? scan.maxS : smoothedAt(y, extremes!, summary, maxI);
      pushBucket(out, minI, scan.minV, minS, maxI, scan.maxV, maxS, scan.badI, scan.badI >= 0 ? y[scan.badI]! : 0);
      continue;
    }
    if (smoothing && wPow === 0) {
      // The common case past the first points (w^n flushed to 0): one streaming pass finds the extremes and runs the
      // EMA (reading y once, in order, beats the block summaries plus a second pass, whose scattered reads missed
      // the cache). A bucket with a non-finite value leaves the EMA non-finite and takes the careful path below.
      ema[LAST] = last;
      fusedBucket(y, from, a, ema);
      const after = ema[LAST]!;
      if (after - after === 0) {
        last = after;
        const fMinI = firstEqual(y, ema[MIN_G]!, a, ema[MIN_V]!);
        const fMaxI = firstEqual(y, ema[MAX_G]!, a, ema[MAX_V]!);
        pushBucket(
          out,
          fMinI,
          ema[MIN_V]!,
          emaFrom(y, ema[MIN_G]!, fMinI, ema[MIN_S]!, w),
          fMaxI,
          ema[MAX_V]!,
          emaFrom(y, ema[MAX_G]!, fMaxI, ema[MAX_S]!, w),
          -1,
          0,
        );
        continue;
      }
    }
    // Pass A: the bucket's first lowest and highest finite value and its first non-finite one.
    scan.minV = Infinity;
    scan.maxV = -Infinity;
    scan.minI = scan.maxI = scan.badI = -1;
    if (extremes) extremesByBlock(y, from, a, extremes, scan);
    else extremesByPoint(y, from, a, scan);
    const minI = scan.minI;
    const maxI = scan.maxI;
    const badI = scan.badI;
    let minS = scan.minV;
    let maxS = scan.maxV;
    if (smoothing && minI >= 0) {
      // Pass B: the EMA up to each pick, point by point (this bucket has a gap, or w^n is not 0 yet).
      let minL = 0;
      let minP = 0;
      let maxL = 0;
      let maxP = 0;
      for (let i = from; i < a; i++) {
        const v = y[i]!;
        // NaN or ±Infinity: drawn as a gap, does not move the average
        if (v - v !== 0) continue;
        last = last * w + w1 * v;
        wPow = wPow > 1e-300 ? wPow * w : 0;
        if (i === minI) {
          minL = last;
          minP = wPow;
        }
        if (i === maxI) {
          maxL = last;
          maxP = wPow;
        }
      }
      minS = emaValue(minL, minP, w);
      maxS = emaValue(maxL, maxP, w);
    }
    const badV = badI >= 0 ? y[badI]! : 0;
    pushBucket(out, minI, scan.minV, minS, maxI, scan.maxV, maxS, badI, badV);
  }
  const lastV = y[end]!;
  if (smoothing && !summary && lastV - lastV === 0) {
    last = last * w + w1 * lastV;
    wPow = wPow > 1e-300 ? wPow * w : 0;
  }
  pushPick(
    out,
    end,
    smoothing && lastV - lastV === 0
      ? summary
        ? smoothedAt(y, extremes!, summary, end)
        : emaValue(last, wPow, w)
      : lastV,
    lastV,
  );
  return { idx: out.idx.subarray(0, out.k), smooth: out.smooth.subarray(0, out.k), raw: out.raw.subarray(0, out.k) };
}

/**
 * The first index in (from, end) whose bucket is past `cur`, else end. Searched from a guess (the previous bucket's
 * length: equal-width buckets of evenly logged steps are alike) outwards, not by bisecting the whole rest: x is read
 * only near the bucket's end, where a bisection's first probes each missed the cache (a third of the time taken to
 * downsample 50 M points without smoothing).
 */
function bucketEnd(
  x: ArrayLike<number>,
  from: number,
  end: number,
  cur: number,
  x0: number,
  scale: number,
  buckets: number,
  guess: number,
  first0: number,
  every: number,
): number {
  // Invariant: x[lo] is in a bucket <= cur; hi === end or x[hi] is in a later one.
  let lo = from;
  let hi = from + guess;
  if (hi >= end) hi = end;
  else if (Math.min(buckets - 1, ((xAt(x, hi, first0, every) - x0) * scale) | 0) <= cur) {
    // guess too short: gallop forward
    let stride = guess;
    for (;;) {
      lo = hi;
      stride *= 2;
      hi = lo + stride;
      if (hi >= end) {
        hi = end;
        break;
      }
      if (Math.min(buckets - 1, ((xAt(x, hi, first0, every) - x0) * scale) | 0) > cur) break;
    }
  } else if (hi - 1 === lo || Math.min(buckets - 1, ((xAt(x, hi - 1, first0, every) - x0) * scale) | 0) <= cur)
    return hi;
  while (lo + 1 < hi) {
    const m = (lo + hi) >>> 1;
    if (Math.min(buckets - 1, ((xAt(x, m, first0, every) - x0) * scale) | 0) <= cur) lo = m;
    else hi = m;
  }
  return hi;
}

/** The bucket of point i. */
function bucketAt(
  x: ArrayLike<number>,
  i: number,
  x0: number,
  scale: number,
  buckets: number,
  first0: number,
  every: number,
): number {
  return Math.min(buckets - 1, ((xAt(x, i, first0, every) - x0) * scale) | 0);
}

/**
 * x[i]; computed, not read, when x is evenly spaced (every is its interval, NaN otherwise): the reads near each
 * bucket's end were cache misses, ~20 % of downsampling 50 M points.
 */
function xAt(x: ArrayLike<number>, i: number, first0: number, every: number): number {
  return every === every ? first0 + i * every : x[i]!;
}

/**
 * extremesByPoint for y[from, to) using y's block extremes: whole blocks without gaps by their summary (in index
 * order with strict compares, so the first of equal extremes still wins), ragged ends and blocks with gaps point by
 * point. The same picks as extremesByPoint (tested).
 */
function extremesByBlock(y: ArrayLike<number>, from: number, to: number, e: BlockExtremes, s: Scan): void {
  const size = e.size;
  const first = Math.ceil(from / size);
  const end = Math.floor(to / size);
  if (end <= first) {
    extremesByPoint(y, from, to, s);
    return;
  }
  extremesByPoint(y, from, first * size, s);
  for (let b = first; b < end; b++) {
    if (e.gaps[b]) {
      extremesByPoint(y, b * size, (b + 1) * size, s);
      continue;
    }
    if (e.min[b]! < s.minV) {
      s.minV = e.min[b]!;
      s.minI = e.minAt[b]!;
    }
    if (e.max[b]! > s.maxV) {
      s.maxV = e.max[b]!;
      s.maxI = e.maxAt[b]!;
    }
  }
  extremesByPoint(y, end * size, to, s);
}

interface Picks {
  idx: Uint32Array;
  smooth: Float64Array;
  raw: Float64Array;
  k: number;
  w: number;
}

function pushPick(o: Picks, i: number, s: number, v: number): void {
  o.idx[o.k] = i;
  o.raw[o.k] = v;
  o.smooth[o.k++] = s;
}

/**
 * A bucket's picks in index order: its min, its max (when another point) and its first non-finite point, each with
 * its raw value and its smoothed one (a non-finite point keeps its raw value).
 */
function pushBucket(
  o: Picks,
  minI: number,
  minV: number,
  minS: number,
  maxI: number,
  maxV: number,
  maxS: number,
  badI: number,
  badV: number,
): void {
  if (minI < 0) {
    if (badI >= 0) pushPick(o, badI, badV, badV);
    return;
  }
  let p = minI;
  let sp = minS;
  let vp = minV;
  let q = maxI !== minI ? maxI : -1;
  let sq = maxS;
  let vq = maxV;
  if (q >= 0 && q < p) {
    p = maxI;
    sp = maxS;
    vp = maxV;
    q = minI;
    sq = minS;
    vq = minV;
  }
  if (badI >= 0 && badI < p) pushPick(o, badI, badV, badV);
  pushPick(o, p, sp, vp);
  if (q >= 0) {
    if (badI > p && badI < q) pushPick(o, badI, badV, badV);
    pushPick(o, q, sq, vq);
    if (badI > q) pushPick(o, badI, badV, badV);
  } else if (badI > p) pushPick(o, badI, badV, badV);
}

// fusedBucket's state, in a Float64Array so that no double is boxed crossing the call (the call is not inlined into
// downsampleSmoothed, and boxing doubles several times per bucket cost more than the EMA itself).
const LAST = 0;
const W = 3;
const W1 = 4;
const W2 = 5;
const W3 = 6;
const W4 = 7;
// fusedBucket's findings: the lowest and highest value, the start of the group of points holding each, and the
// EMA state just before that group.
const MIN_V = 8;
const MAX_V = 9;
const MIN_G = 10;
const MAX_G = 11;
const MIN_S = 12;
const MAX_S = 13;

function emaState(w: number): Float64Array {
  const e = new Float64Array(14);
  e[W] = w;
  e[W1] = 1 - w;
  e[W2] = w * w;
  e[W3] = w * w * w;
  e[W4] = w * w * (w * w);
  return e;
}

/**
 * Runs the EMA state e[LAST] over y[from, a) (w^n already 0) four points per step, noting the bucket's lowest and
 * highest value with the group of four they are in and the state before that group (see firstEqual, emaFrom). Any
 * non-finite value leaves e[LAST] non-finite, and the caller starts the bucket again the careful way.
 */
function fusedBucket(y: ArrayLike<number>, from: number, a: number, e: Float64Array): void {
  const w = e[W]!;
  const w1 = e[W1]!;
  const w2 = e[W2]!;
  const w3 = e[W3]!;
  const w4 = e[W4]!;
  let last = e[LAST]!;
  let minV = Infinity;
  let maxV = -Infinity;
  let minG = from;
  let maxG = from;
  let minS = last;
  let maxS = last;
  let i = from;
  for (; i + 3 < a; i += 4) {
    const v0 = y[i]!;
    const v1 = y[i + 1]!;
    const v2 = y[i + 2]!;
    const v3 = y[i + 3]!;
    // Point by point with strict compares, so an earlier point holding an equal extreme keeps it. (Math.min/max of
    // the four were 2.5× slower: V8's versions handle NaN and -0 with branches of their own.)
    if (v0 < minV) {
      minV = v0;
      minG = i;
      minS = last;
    }
    if (v0 > maxV) {
      maxV = v0;
      maxG = i;
      maxS = last;
    }
    if (v1 < minV) {
      minV = v1;
      minG = i;
      minS = last;
    }
    if (v1 > maxV) {
      maxV = v1;
      maxG = i;
      maxS = last;
    }
    if (v2 < minV) {
      minV = v2;
      minG = i;
      minS = last;
    }
    if (v2 > maxV) {
      maxV = v2;
      maxG = i;
      maxS = last;
    }
    if (v3 < minV) {
      minV = v3;
      minG = i;
      minS = last;
    }
    if (v3 > maxV) {
      maxV = v3;
      maxG = i;
      maxS = last;
    }
    last = last * w4 + w1 * (v0 * w3 + v1 * w2 + v2 * w + v3);
  }
  for (; i < a; i++) {
    const v = y[i]!;
    if (v < minV) {
      minV = v;
      minG = i;
      minS = last;
    }
    if (v > maxV) {
      maxV = v;
      maxG = i;
      maxS = last;
    }
    last = last * w + (1 - w) * v;
  }
  e[LAST] = last;
  e[MIN_V] = minV;
  e[MAX_V] = maxV;
  e[MIN_G] = minG;
  e[MAX_G] = maxG;
  e[MIN_S] = minS;
  e[MAX_S] = maxS;
}

/** The first index from g (before a) holding v: the pick inside the group fusedBucket noted. */
function firstEqual(y: ArrayLike<number>, g: number, a: number, v: number): number {
  let i = g;
  while (i + 1 < a && y[i] !== v) i++;
  return i;
}

/** The EMA after point i, from the state before point g (g <= i), one point per step; w^n is 0 here. */
function emaFrom(y: ArrayLike<number>, g: number, i: number, state: number, w: number): number {
  let s = state;
  for (let j = g; j <= i; j++) s = s * w + (1 - w) * y[j]!;
  return s;
}

/** TensorBoard's debiased value; at w = 1 it divides by 1, not by 1 - w^n. */
function emaValue(last: number, wPow: number, w: number): number {
  return last / (w === 1 ? 1 : 1 - wPow);
}

/** TensorBoard leaves a constant series as it is (compared with ==, so a NaN makes it non-constant). */
function isConstant(y: ArrayLike<number>, n: number): boolean {
  if (n === 0) return true;
  const first = y[0]!;
  for (let i = 1; i < n; i++) if (y[i] !== first) return false;
  return first === first;
}

function rawAt(y: ArrayLike<number>, idx: Uint32Array): Float64Array {
  const out = new Float64Array(idx.length);
  for (let j = 0; j < idx.length; j++) out[j] = y[idx[j]!]!;
  return out;
}

/**
 * One series as the chart draws it: x in the requested unit (points without one dropped, sorted), the smoothed
 * column computed over the whole series, both sampled at the min/max-preserving indices. Columns are Float64Arrays
 * (NaN where a value is not finite) so they cross to the webview as bytes, not as JSON numbers.
 */
export function curveFor(
  s: Series,
  o: { xAxis: XAxis; maxPoints: number; smoothing: number; range?: { min: number; max: number } },
): Curve {
  const n = s.values.length;
  let x: Float64Array;
  let y: Float64Array = s.values;
  const src = o.xAxis === 'step' ? s.steps : s.times;
  if (isAscending(s, o.xAxis === 'step' ? 'steps' : 'times')) x = src;
  else {
    const order: number[] = [];
    for (let i = 0; i < n; i++) if (Number.isFinite(src[i]!)) order.push(i);
    order.sort((a, b) => src[a]! - src[b]! || a - b);
    x = Float64Array.from(order, (i) => src[i]!);
    y = Float64Array.from(order, (i) => s.values[i]!);
  }
  const origin = o.xAxis === 'relative' && x.length ? x[0]! : 0;
  const scale = o.xAxis === 'relative' ? 1 / 1000 : 1;
  const range =
    o.range && o.xAxis === 'relative'
      ? { min: o.range.min / scale + origin, max: o.range.max / scale + origin }
      : o.range;
  const stepEvery = x === s.steps ? s.stepEvery : undefined;
  const every = stepEvery ?? NaN;
  const { idx, smooth, raw } = downsampleSmoothed(
    x,
    y,
    o.maxPoints,
    o.smoothing,
    range,
    y === s.values ? s.extremes : undefined,
    stepEvery,
  );
  const first0 = x.length ? x[0]! : 0;
  const m = idx.length;
  const c: Curve = {
    runId: s.runId,
    key: s.key,
    x: new Float64Array(m),
    y: new Float64Array(m),
    s: new Float64Array(m),
    total: range ? countIn(x, range) : x.length,
  };
  for (let j = 0; j < m; j++) {
    const yi = raw[j]!;
    const si = smooth[j]!;
    c.x[j] = (xAt(x, idx[j]!, first0, every) - origin) * scale;
    c.y[j] = yi - yi === 0 ? yi : NaN;
    c.s[j] = si - si === 0 ? si : NaN;
  }
  return c;
}

/**
 * Whether curveFor reads a series' buckets from its block summaries alone (no pass over its points): its x column is
 * in order as read, and the request is unsmoothed or at the weight its smoothing was summarised at (see withOrder).
 */
export function readFromSummaries(s: Series, o: { xAxis: XAxis; smoothing: number }): boolean {
  const e = s.extremes;
  if (!e || !s.ascending?.[o.xAxis === 'step' ? 'steps' : 'times']) return false;
  const w = Number.isFinite(o.smoothing) ? Math.min(Math.max(o.smoothing, 0), 1) : 0;
  return w === 0 || e.smoothed?.weight === w;
}

/**
 * Curves with their columns copied into one ArrayBuffer: VS Code sends each buffer of a webview message as bytes
 * (and looks each one up in a list), so one buffer per answer instead of three per curve.
 */
export function packCurves(curves: readonly Curve[]): Curve[] {
  let total = 0;
  for (const c of curves) total += c.x.length * 3;
  const all = new Float64Array(total);
  let at = 0;
  const view = (col: Float64Array): Float64Array => {
    const v = all.subarray(at, at + col.length);
    v.set(col);
    at += col.length;
    return v;
  };
  return curves.map((c) => ({ ...c, x: view(c.x), y: view(c.y), s: view(c.s) }));
}

/** Series that did not come through withOrder are checked on first use and remembered per array. */
const checked = new WeakMap<Float64Array, boolean>();
function isAscending(s: Series, col: 'steps' | 'times'): boolean {
  if (s.ascending) return s.ascending[col];
  const x = s[col];
  let ok = checked.get(x);
  if (ok === undefined) checked.set(x, (ok = ascendingFinite(x)));
  return ok;
}

/** Points with x in r (x sorted). */
function countIn(x: Float64Array, r: { min: number; max: number }): number {
  return Math.max(0, upperBound(x, r.max, x.length) - lowerBound(x, r.min, x.length));
}
