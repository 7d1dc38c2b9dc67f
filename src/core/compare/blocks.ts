import type { BlockExtremes, BlockSmoothing } from '../model';

/** Points per block: small enough that a pixel bucket of a 100k-point series spans several blocks. */
export const BLOCK = 64;

/**
 * The first lowest and first highest finite value of every BLOCK points, and whether the block holds a non-finite
 * value, computed once when a series is read. Finding a pixel bucket's extremes then reads the summaries of its whole
 * blocks and scans only ragged ends and blocks with gaps; bucket edges fall on block edges where buckets are wide
 * enough (see snapEdge), so mostly there are no ragged ends: 50 M points into 600 buckets take ~38 ms on one core
 * (~150 ms read point by point). Kept in one SharedArrayBuffer, like the columns, so curve workers read it without
 * a copy.
 *
 * Given a smoothing weight (the one the panels start with), the same pass also runs the EMA and notes it per block
 * (see BlockSmoothing): the pass is bound by its compares, so the EMA costs it nothing measurable, and a request at
 * that weight then runs no EMA over the points (see downsampleSmoothed).
 */
export function blockExtremes(values: Float64Array, size = BLOCK, smoothing?: number): BlockExtremes {
  const n = values.length;
  const blocks = Math.ceil(n / size);
  const w = smoothing !== undefined && Number.isFinite(smoothing) ? Math.min(Math.max(smoothing, 0), 1) : 0;
  // Float64 columns first, so that each starts at a multiple of 8
  const doubles = w > 0 ? 6 : 2;
  const buf = new SharedArrayBuffer(blocks * (doubles * 8 + 9));
  const f64 = (k: number): Float64Array => new Float64Array(buf, k * blocks * 8, blocks);
  const at = doubles * blocks * 8;
  const out: BlockExtremes = {
    size,
    min: f64(0),
    max: f64(1),
    minAt: new Int32Array(buf, at, blocks),
    maxAt: new Int32Array(buf, at + blocks * 4, blocks),
    gaps: new Uint8Array(buf, at + blocks * 8, blocks),
  };
  if (w > 0) {
    out.smoothed = { weight: w, last: f64(2), pow: f64(3), minS: f64(4), maxS: f64(5) };
    smoothedBlocks(values, out, out.smoothed);
    return out;
  }
  const scan: Scan = { minV: 0, maxV: 0, minI: -1, maxI: -1, badI: -1 };
  for (let b = 0; b < blocks; b++) {
    scan.minV = Infinity;
    scan.maxV = -Infinity;
    scan.minI = scan.maxI = scan.badI = -1;
    extremesByPoint(values, b * size, Math.min(n, (b + 1) * size), scan);
    out.min[b] = scan.minV;
    out.max[b] = scan.maxV;
    out.minAt[b] = scan.minI;
    out.maxAt[b] = scan.maxI;
    out.gaps[b] = scan.badI >= 0 ? 1 : 0;
  }
  return out;
}

/**
 * blockExtremes' pass with the EMA run alongside, one point at a time exactly as smoothEma runs it (same operations
 * in the same order, so the values noted are smoothEma's to the last bit).
 */
function smoothedBlocks(values: Float64Array, e: BlockExtremes, sm: BlockSmoothing): void {
  const n = values.length;
  const size = e.size;
  const w = sm.weight;
  let last = 0;
  let wPow = 1;
  for (let b = 0; b * size < n; b++) {
    sm.last[b] = last;
    sm.pow[b] = wPow;
    let minV = Infinity;
    let maxV = -Infinity;
    let minI = -1;
    let maxI = -1;
    let minS = NaN;
    let maxS = NaN;
    let gaps = 0;
    const end = Math.min(n, (b + 1) * size);
    for (let i = b * size; i < end; i++) {
      const v = values[i]!;
      // NaN or ±Infinity: a gap, which does not move the average
      if (v - v !== 0) {
        gaps = 1;
        continue;
      }
      last = last * w + (1 - w) * v;
      wPow = wPow > 1e-300 ? wPow * w : 0;
      if (v < minV) {
        minI = i;
        minV = v;
        minS = last / (w === 1 ? 1 : 1 - wPow);
      }
      if (v > maxV) {
        maxI = i;
        maxV = v;
        maxS = last / (w === 1 ? 1 : 1 - wPow);
      }
    }
    e.min[b] = minV;
    e.max[b] = maxV;
    e.minAt[b] = minI;
    e.maxAt[b] = maxI;
    e.gaps[b] = gaps;
    sm.minS[b] = minS;
    sm.maxS[b] = maxS;
  }
}

/** The EMA's state (last, w^n) before a given point; a module scratch, so no double is boxed crossing calls. */
const state = new Float64Array(2);

/** Fills `state` with the EMA's state just before y[p], run from the state noted before p's block. */
function stateBefore(y: ArrayLike<number>, e: BlockExtremes, sm: BlockSmoothing, p: number): void {
  const w = sm.weight;
  const b = Math.floor(p / e.size);
  let last = sm.last[b]!;
  let wPow = sm.pow[b]!;
  for (let i = b * e.size; i < p; i++) {
    const v = y[i]!;
    if (v - v !== 0) continue;
    last = last * w + (1 - w) * v;
    wPow = wPow > 1e-300 ? wPow * w : 0;
  }
  state[0] = last;
  state[1] = wPow;
}

/**
 * smoothEma's values at y[from, to), run from the EMA state noted before from's block (non-finite points keep their
 * raw value): at most one block of points is run before the range, not every point before it. The same operations as
 * smoothEma, so the same values.
 */
export function smoothedRange(
  y: ArrayLike<number>,
  e: BlockExtremes,
  sm: BlockSmoothing,
  from: number,
  to: number,
): Float64Array {
  const out = new Float64Array(Math.max(0, to - from));
  const w = sm.weight;
  stateBefore(y, e, sm, from);
  let last = state[0]!;
  let wPow = state[1]!;
  for (let i = from; i < to; i++) {
    const v = y[i]!;
    if (v - v !== 0) {
      out[i - from] = v;
      continue;
    }
    last = last * w + (1 - w) * v;
    wPow = wPow > 1e-300 ? wPow * w : 0;
    out[i - from] = last / (w === 1 ? 1 : 1 - wPow);
  }
  return out;
}

/** The smoothed value at y[p] (finite): smoothedRange for one point, without an array. */
export function smoothedAt(y: ArrayLike<number>, e: BlockExtremes, sm: BlockSmoothing, p: number): number {
  const w = sm.weight;
  stateBefore(y, e, sm, p);
  const last = state[0]! * w + (1 - w) * y[p]!;
  const wPow = state[1]! > 1e-300 ? state[1]! * w : 0;
  return last / (w === 1 ? 1 : 1 - wPow);
}

/** A bucket's extremes so far: first lowest and highest finite value, first non-finite index (-1: none yet). */
export interface Scan {
  minV: number;
  maxV: number;
  minI: number;
  maxI: number;
  badI: number;
}

/** Widens `s` by y[from, to), point by point. */
export function extremesByPoint(y: ArrayLike<number>, from: number, to: number, s: Scan): void {
  // locals, not fields, in the loop; sentinel bounds instead of "no pick yet" tests keep it to two compares
  let minV = s.minV;
  let maxV = s.maxV;
  let minI = s.minI;
  let maxI = s.maxI;
  let badI = s.badI;
  for (let i = from; i < to; i++) {
    const v = y[i]!;
    if (v - v !== 0) {
      if (badI < 0) badI = i;
      continue;
    }
    if (v < minV) {
      minI = i;
      minV = v;
    }
    if (v > maxV) {
      maxI = i;
      maxV = v;
    }
  }
  s.minV = minV;
  s.maxV = maxV;
  s.minI = minI;
  s.maxI = maxI;
  s.badI = badI;
}

/** A Scan that also carries the smoothed value at its picks when a block summary gave it (NaN: not known yet). */
export interface SmoothedScan extends Scan {
  minS: number;
  maxS: number;
}

/**
 * extremesByPoint for y[from, to) from blocks with smoothing summaries: whole blocks without gaps by their summary,
 * and a ragged end by its block's summary as well when the block's extreme lies inside it (it is then the end's first
 * extreme too); only what is left is scanned point by point. The same picks as extremesByPoint, in index order with
 * strict compares; s.minS / s.maxS are the smoothed values where a summary gave the pick.
 */
export function extremesBySummaries(
  y: ArrayLike<number>,
  from: number,
  to: number,
  e: BlockExtremes,
  sm: BlockSmoothing,
  s: SmoothedScan,
): void {
  const size = e.size;
  const first = Math.ceil(from / size);
  const end = Math.floor(to / size);
  if (end < first) {
    // inside one block
    partBySummary(y, from, to, e, sm, end, s);
    return;
  }
  if (from < first * size) partBySummary(y, from, first * size, e, sm, first - 1, s);
  for (let b = first; b < end; b++) {
    if (e.gaps[b]) {
      partByPoint(y, b * size, (b + 1) * size, s);
      continue;
    }
    if (e.min[b]! < s.minV) {
      s.minV = e.min[b]!;
      s.minI = e.minAt[b]!;
      s.minS = sm.minS[b]!;
    }
    if (e.max[b]! > s.maxV) {
      s.maxV = e.max[b]!;
      s.maxI = e.maxAt[b]!;
      s.maxS = sm.maxS[b]!;
    }
  }
  if (end * size < to) partBySummary(y, end * size, to, e, sm, end, s);
}

/** y[from, to), a part of block b: by the block's summary where its extreme lies inside, else point by point. */
function partBySummary(
  y: ArrayLike<number>,
  from: number,
  to: number,
  e: BlockExtremes,
  sm: BlockSmoothing,
  b: number,
  s: SmoothedScan,
): void {
  if (e.gaps[b]) {
    partByPoint(y, from, to, s);
    return;
  }
  const minAt = e.minAt[b]!;
  const maxAt = e.maxAt[b]!;
  const minInside = minAt >= from && minAt < to;
  const maxInside = maxAt >= from && maxAt < to;
  if (minInside && e.min[b]! < s.minV) {
    s.minV = e.min[b]!;
    s.minI = minAt;
    s.minS = sm.minS[b]!;
  }
  if (maxInside && e.max[b]! > s.maxV) {
    s.maxV = e.max[b]!;
    s.maxI = maxAt;
    s.maxS = sm.maxS[b]!;
  }
  if (!minInside) {
    const i = firstBeyond(y, from, to, 1, s.minV);
    if (i >= 0) {
      s.minV = y[i]!;
      s.minI = i;
      s.minS = NaN;
    }
  }
  if (!maxInside) {
    const i = firstBeyond(y, from, to, -1, s.maxV);
    if (i >= 0) {
      s.maxV = y[i]!;
      s.maxI = i;
      s.maxS = NaN;
    }
  }
}

/**
 * The first index of y[from, to) (all finite: a block without gaps) lower than bound and than every point before it,
 * or -1; with sign -1, higher (the lowest of -y, negation being exact). One compare per point.
 */
function firstBeyond(y: ArrayLike<number>, from: number, to: number, sign: 1 | -1, bound: number): number {
  let best = sign * bound;
  let at = -1;
  for (let i = from; i < to; i++) {
    const v = sign * y[i]!;
    if (v < best) {
      best = v;
      at = i;
    }
  }
  return at;
}

/** Widens s by y[from, to) point by point (a block with gaps): extremesByPoint, and the smoothed value of a new pick
 * is not known. */
function partByPoint(y: ArrayLike<number>, from: number, to: number, s: SmoothedScan): void {
  const minI = s.minI;
  const maxI = s.maxI;
  extremesByPoint(y, from, to, s);
  if (s.minI !== minI) s.minS = NaN;
  if (s.maxI !== maxI) s.maxS = NaN;
}
