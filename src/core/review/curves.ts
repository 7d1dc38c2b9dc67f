import type { Series } from '../model';

/** A group's curve on a shared grid of steps: what sparklines and the charts draw. */
export interface GroupCurve {
  steps: number[];
  /** Mean over the group's runs at each step (null where no run has a finite value). */
  values: Array<number | null>;
}

/** `n` evenly spaced steps over the range every series covers together. */
export function stepGrid(series: readonly Series[], n: number): number[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.values.length; i++) {
      const x = xAt(s, i);
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  }
  if (!(hi >= lo)) return [];
  if (hi === lo) return [lo];
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

/**
 * The mean curve of a group's runs on `grid`: each run's curve is interpolated linearly between its points and
 * held flat past its ends (a shorter run keeps its last value), then the runs are averaged point by point.
 */
export function groupCurve(series: readonly Series[], grid: readonly number[]): GroupCurve {
  const sums = new Float64Array(grid.length);
  const counts = new Uint32Array(grid.length);
  for (const s of series) {
    const pts: Array<[number, number]> = [];
    for (let i = 0; i < s.values.length; i++) if (Number.isFinite(s.values[i]!)) pts.push([xAt(s, i), s.values[i]!]);
    if (!pts.length) continue;
    pts.sort((a, b) => a[0] - b[0]);
    let j = 0;
    grid.forEach((x, g) => {
      while (j + 1 < pts.length && pts[j + 1]![0] <= x) j++;
      const [x0, y0] = pts[j]!;
      const next = pts[j + 1];
      const y = x <= x0 || !next ? (x < x0 ? pts[0]![1] : y0) : y0 + ((next[1] - y0) * (x - x0)) / (next[0] - x0);
      sums[g] += y;
      counts[g]++;
    });
  }
  return { steps: [...grid], values: grid.map((_, g) => (counts[g] ? sums[g]! / counts[g]! : null)) };
}

/** The step of point i, or its index for data without steps. */
function xAt(s: Series, i: number): number {
  const x = s.steps[i]!;
  return Number.isFinite(x) ? x : i;
}

const BLOCKS = '▁▂▃▄▅▆▇█';

/** A Unicode-block sparkline of values; `lo`/`hi` fix the scale (to draw two curves on one). Gaps are spaces. */
export function sparkline(values: ReadonlyArray<number | null>, lo?: number, hi?: number): string {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (!finite.length) return '';
  const min = lo ?? Math.min(...finite);
  const max = hi ?? Math.max(...finite);
  return values
    .map((v) => {
      if (v === null || !Number.isFinite(v)) return ' ';
      if (max === min) return BLOCKS[3];
      const k = Math.round(((v - min) / (max - min)) * (BLOCKS.length - 1));
      return BLOCKS[Math.min(BLOCKS.length - 1, Math.max(0, k))];
    })
    .join('');
}
