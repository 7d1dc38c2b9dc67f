// Helpers for a series as the index reads it (before any drawing): its columns, and what is known about their order.
import type { Series } from './model';
import { blockExtremes } from './compare/blocks';

/** Columns for a series of n points in one SharedArrayBuffer, so curve workers read them without a copy. */
export function sharedColumns(n: number): { steps: Float64Array; values: Float64Array; times: Float64Array } {
  const buf = new SharedArrayBuffer(n * 24);
  return {
    steps: new Float64Array(buf, 0, n),
    values: new Float64Array(buf, n * 8, n),
    times: new Float64Array(buf, n * 16, n),
  };
}

/**
 * Whether each x column is finite and ascending, and the values' block extremes, found when a series is read (its
 * columns are being copied then, and are in cache) so that drawing does not pay a pass over every point for them.
 * Given the smoothing weight the panels start with, the block extremes summarise the smoothing at it too.
 */
export function withOrder(s: Series, smoothing?: number): Series {
  s.ascending = { steps: ascendingFinite(s.steps), times: ascendingFinite(s.times) };
  s.stepEvery = s.ascending.steps ? evenInterval(s.steps) : undefined;
  s.extremes = blockExtremes(s.values, undefined, smoothing);
  return s;
}

/** d when every x[i] === x[0] + i * d (computed so, in doubles), else undefined. x finite and ascending. */
export function evenInterval(x: Float64Array): number | undefined {
  if (x.length < 2) return undefined;
  const x0 = x[0]!;
  const d = x[1]! - x0;
  for (let i = 2; i < x.length; i++) if (x[i] !== x0 + i * d) return undefined;
  return d;
}

/** Whether every value is finite and none is below the one before. */
export function ascendingFinite(x: Float64Array): boolean {
  let prev = -Infinity;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    // v - v !== 0: NaN or ±Infinity
    if (v - v !== 0 || v < prev) return false;
    prev = v;
  }
  return true;
}
