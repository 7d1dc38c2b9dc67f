import type { BlockExtremes } from '../model';

/** Points per block: small enough that a pixel bucket of a 100k-point series spans several blocks. */
export const BLOCK = 64;

/**
 * The first lowest and first highest finite value of every BLOCK points, and whether the block holds a non-finite
 * value, computed once when a series is read. Finding a pixel bucket's extremes then reads the summaries of its whole
 * blocks and scans only its ragged ends and blocks with gaps (~40% of the points for 100k points in 600 buckets, not
 * all): with the EMA's grouped steps, smoothing 50 M points for a panel takes ~165 ms on one core instead of ~250.
 * Kept in one SharedArrayBuffer, like the columns, so curve workers read it without a copy.
 */
export function blockExtremes(values: Float64Array, size = BLOCK): BlockExtremes {
  const n = values.length;
  const blocks = Math.ceil(n / size);
  const buf = new SharedArrayBuffer(blocks * 25);
  const out: BlockExtremes = {
    size,
    min: new Float64Array(buf, 0, blocks),
    max: new Float64Array(buf, blocks * 8, blocks),
    minAt: new Int32Array(buf, blocks * 16, blocks),
    maxAt: new Int32Array(buf, blocks * 20, blocks),
    gaps: new Uint8Array(buf, blocks * 24, blocks),
  };
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

