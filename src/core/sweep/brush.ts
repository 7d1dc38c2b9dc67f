// Brushing on the parallel coordinates: a range on an axis keeps the runs whose value lies in it; ranges on several
// axes keep the runs inside all of them. Positions are the axes' 0 … 1 (core/sweep/axes.ts); DOM-free, so the page
// runs it on every mouse move and the unit tests check it against the run values.

/** A range on one axis, in positions (0 bottom … 1 top), ends included, lo ≤ hi. */
export interface Brush {
  axis: number;
  lo: number;
  hi: number;
}

/**
 * Which runs lie inside every brush: `positions[axis][run]` (NaN = the run has no value there, so it is outside any
 * brush on that axis). Returns a mask (1 = selected) and the count. No brush selects every run.
 */
export function selectRuns(
  positions: readonly ArrayLike<number>[],
  runCount: number,
  brushes: readonly Brush[],
  into: Uint8Array = new Uint8Array(runCount),
): { mask: Uint8Array; count: number } {
  into.fill(1, 0, runCount);
  let count = runCount;
  for (const b of brushes) {
    const col = positions[b.axis];
    if (!col) continue;
    const lo = Math.min(b.lo, b.hi);
    const hi = Math.max(b.lo, b.hi);
    for (let i = 0; i < runCount; i++) {
      if (!into[i]) continue;
      const p = col[i]!;
      // `!(p >= lo && p <= hi)` is true for NaN: a run without a value is outside
      if (!(p >= lo && p <= hi)) {
        into[i] = 0;
        count--;
      }
    }
  }
  return { mask: into, count };
}

/** A brush made from a drag between two positions, clamped to the axis. */
export function brushBetween(axis: number, a: number, b: number): Brush {
  const clamp = (p: number): number => Math.min(1, Math.max(0, p));
  return { axis, lo: clamp(Math.min(a, b)), hi: clamp(Math.max(a, b)) };
}
