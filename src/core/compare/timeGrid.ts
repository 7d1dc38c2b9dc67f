// Group curves on the relative-time axis: seeds log at their own moments, so their points never share an x. Each run
// is put on one grid of elapsed seconds common to the group, then aggregated as seeds logging the same steps are.
import { smoothEma } from './smooth';
import type { StepSeries } from './aggregate';

/** A run's series with wall-clock times (ms since the epoch), as the index reads it. */
export interface TimedSeries {
  times: ArrayLike<number>;
  values: ArrayLike<number>;
}

/** The grid's most points: past it, seconds are binned coarser (a chart draws ~1,000 columns anyway). */
export const TIME_GRID_MAX = 100_000;

/**
 * Puts runs on a common grid of elapsed seconds: 0, w, 2w, … up to the latest run's end, with as many points as the
 * longest run logged (at most TIME_GRID_MAX). A run's elapsed time is counted from its own first point (with a
 * finite time); its value at a grid point is its latest value logged at or before that second (as on the Step axis a
 * run holds its value between its steps), from 0 to its own last point — past it the run is not counted, so n drops
 * where runs end. Each run is smoothed (TensorBoard's EMA) on its own points first, so the grid does not change what
 * smoothing means. The result's steps are grid points in seconds, each run's a prefix of the longest's: they aggregate
 * on the aligned path (aggregateRuns / aggregateBand, with smoothing 0).
 */
export function onElapsedGrid(runs: readonly TimedSeries[], smoothing = 0, maxPoints = TIME_GRID_MAX): StepSeries[] {
  const timed = runs.map(elapsed).filter((r) => r.t.length > 0);
  if (!timed.length) return [];
  let end = 0;
  let most = 0;
  for (const r of timed) {
    end = Math.max(end, r.t[r.t.length - 1]!);
    most = Math.max(most, r.t.length);
  }
  const points = Math.max(1, Math.min(maxPoints, most));
  const w = points > 1 && end > 0 ? end / (points - 1) : 1;
  const grid = Float64Array.from({ length: end > 0 ? points : 1 }, (_, j) => j * w);
  return timed.map((r) => {
    const values = smoothing > 0 ? smoothEma(r.v, smoothing) : r.v;
    const last = r.t[r.t.length - 1]!;
    // grid points at or before the run's last second (j·w can round a hair past the end: the last point counts)
    let count = 0;
    while (count < grid.length && grid[count]! <= last * (1 + 1e-12)) count++;
    const out = new Float64Array(count);
    let i = 0;
    for (let j = 0; j < count; j++) {
      const g = grid[j]!;
      while (i + 1 < r.t.length && r.t[i + 1]! <= g) i++;
      out[j] = values[i]!;
    }
    return { steps: grid.subarray(0, count), values: out };
  });
}

/** A run's points with finite times, ordered by time (stable: the last logged at one moment wins), in seconds since its first. */
function elapsed(r: TimedSeries): { t: Float64Array; v: Float64Array } {
  const len = Math.min(r.times.length, r.values.length);
  const order: number[] = [];
  let sorted = true;
  for (let i = 0; i < len; i++) {
    const t = r.times[i]!;
    if (t - t !== 0) continue;
    if (order.length && t < r.times[order[order.length - 1]!]!) sorted = false;
    order.push(i);
  }
  if (!sorted) order.sort((p, q) => r.times[p]! - r.times[q]! || p - q);
  const t0 = order.length ? r.times[order[0]!]! : 0;
  return {
    t: Float64Array.from(order, (i) => (r.times[i]! - t0) / 1000),
    v: Float64Array.from(order, (i) => r.values[i]!),
  };
}
