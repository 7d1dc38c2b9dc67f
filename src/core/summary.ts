import type { MetricSummary } from './model';

/**
 * A metric summary being accumulated point by point. `lastOrder` breaks step ties: among points at the highest
 * step, the one logged last wins (later files of a run are read later, so their order is higher).
 */
export interface SummaryAcc {
  last: number | null;
  lastStep: number | null;
  min: number | null;
  max: number | null;
  count: number;
  /** Step of `last` as a comparable number: -Infinity for data without steps. */
  bestStep: number;
}

export function emptySummary(): SummaryAcc {
  return { last: null, lastStep: null, min: null, max: null, count: 0, bestStep: -Infinity };
}

/** Adds one point. `step` NaN means "no step": such points win only over other step-less points, by order. */
export function addPoint(acc: SummaryAcc, step: number, value: number): void {
  acc.count++;
  if (Number.isFinite(value)) {
    if (acc.min === null || value < acc.min) acc.min = value;
    if (acc.max === null || value > acc.max) acc.max = value;
  }
  const s = Number.isNaN(step) ? -Infinity : step;
  if (s >= acc.bestStep) {
    acc.bestStep = s;
    acc.last = value;
    acc.lastStep = Number.isNaN(step) ? null : step;
  }
}

/** Folds `b` (read after `a`) into `a`. */
export function mergeSummary(a: SummaryAcc, b: SummaryAcc): void {
  if (b.count === 0) return;
  a.count += b.count;
  if (b.min !== null && (a.min === null || b.min < a.min)) a.min = b.min;
  if (b.max !== null && (a.max === null || b.max > a.max)) a.max = b.max;
  if (b.bestStep >= a.bestStep) {
    a.bestStep = b.bestStep;
    a.last = b.last;
    a.lastStep = b.lastStep;
  }
}

export function cloneSummary(s: SummaryAcc): SummaryAcc {
  return { ...s };
}

/** The public shape (drops the bookkeeping field). */
export function toMetricSummary(s: SummaryAcc): MetricSummary {
  return { last: s.last, lastStep: s.lastStep, min: s.min, max: s.max, count: s.count };
}

/** JSON-safe number: non-finite values become "NaN", "Infinity", "-Infinity" (the index contract). */
export function jsonNumber(v: number | null): number | string | null {
  if (v === null) return null;
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}
