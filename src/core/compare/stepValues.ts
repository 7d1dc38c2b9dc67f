// Step-aligned readings of a drawn line (TensorBoard's scalar data table): the value at a step, and over a step range
// the start, end, change, min, max and the step of the max. DOM-free; the compare page uses it under each chart.
import { lowerBound, upperBound } from './bisect';

/** A line's columns: x ascending, y NaN (or null) where there is no finite value. */
export interface LineColumns {
  x: ArrayLike<number>;
  y: ArrayLike<number | null>;
}

/** The line's value at `step`: its last finite point at or before it; null before the line starts or after it ends. */
export function valueAtStep(c: LineColumns, step: number): { x: number; y: number; i: number } | null {
  const n = c.x.length;
  if (!n || step < c.x[0]! || step > c.x[n - 1]!) return null;
  for (let i = upperBound(c.x, step) - 1; i >= 0; i--) {
    const v = c.y[i];
    if (v !== null && v !== undefined && v === v) return { x: c.x[i]!, y: v, i };
  }
  return null;
}

/** Over the finite points with from ≤ x ≤ to. */
export interface RangeStats {
  start: number;
  startStep: number;
  end: number;
  endStep: number;
  /** end − start. */
  change: number;
  min: number;
  minStep: number;
  max: number;
  /** The first step where the max is reached. */
  maxStep: number;
  points: number;
}

/** Start, end, change, min, max and step of max of the line's finite points inside [from, to]; null without any. */
export function rangeStats(c: LineColumns, from: number, to: number): RangeStats | null {
  const lo = Math.min(from, to);
  const hi = Math.max(from, to);
  let r: RangeStats | null = null;
  for (let i = lowerBound(c.x, lo); i < c.x.length && c.x[i]! <= hi; i++) {
    const v = c.y[i];
    if (v === null || v === undefined || v - v !== 0) continue;
    const x = c.x[i]!;
    if (!r) {
      r = { start: v, startStep: x, end: v, endStep: x, change: 0, min: v, minStep: x, max: v, maxStep: x, points: 0 };
    }
    r.points++;
    r.end = v;
    r.endStep = x;
    if (v < r.min) {
      r.min = v;
      r.minStep = x;
    }
    if (v > r.max) {
      r.max = v;
      r.maxStep = x;
    }
  }
  if (r) r.change = r.end - r.start;
  return r;
}
