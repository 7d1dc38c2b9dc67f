// Brushing that touches only the runs a brush move changes: each axis keeps its runs sorted by position, each run
// counts the brushes it is outside of, so moving a brush's end walks just the runs between the old and the new end
// (found by binary search) and reports each run whose selection flipped. The page redraws only those runs' lines;
// `selectRuns` (brush.ts) stays the plain definition the unit tests hold this to. DOM-free.
import { lowerBound, upperBound } from '../compare/bisect';
import type { Brush } from './brush';

/** Called for each run whose selection flipped: `selected` is its new state. */
export type OnFlip = (run: number, selected: boolean) => void;

interface AxisOrder {
  /** Run indices with a value on the axis, by ascending position. */
  runs: Uint32Array;
  /** Their positions, ascending (what the binary searches run on). */
  at: Float64Array;
  /** Runs without a value there: outside any brush on the axis. */
  missing: Uint32Array;
}

function axisOrder(col: ArrayLike<number>, n: number): AxisOrder {
  const have: number[] = [];
  const missing: number[] = [];
  for (let i = 0; i < n; i++) (Number.isNaN(col[i]!) ? missing : have).push(i);
  const runs = Uint32Array.from(have).sort((a, b) => col[a]! - col[b]! || a - b);
  return { runs, at: Float64Array.from(runs, (i) => col[i]!), missing: Uint32Array.from(missing) };
}

/** The slice [from, to) of an axis's sorted runs inside a range (ends included). */
function slice(o: AxisOrder, lo: number, hi: number): { from: number; to: number } {
  return { from: lowerBound(o.at, lo), to: upperBound(o.at, hi) };
}

export class BrushIndex {
  /** 1 = the run is inside every brush. */
  readonly mask: Uint8Array;
  count: number;
  private readonly outside: Uint8Array;
  private readonly orders: AxisOrder[];
  /** The range per axis now applied, undefined where no brush. */
  private ranges: Array<{ lo: number; hi: number } | undefined>;

  /** `positions[axis][run]`, 0 … 1, NaN = missing; no brush at first (every run selected). */
  constructor(
    positions: readonly ArrayLike<number>[],
    readonly runCount: number,
  ) {
    this.orders = positions.map((col) => axisOrder(col, runCount));
    this.ranges = positions.map(() => undefined);
    this.mask = new Uint8Array(runCount).fill(1);
    this.outside = new Uint8Array(runCount);
    this.count = runCount;
  }

  /** Applies a new set of brushes (one per axis; a later one on the same axis wins); `flip` hears each change. */
  set(brushes: readonly Brush[], flip?: OnFlip): void {
    const next: Array<{ lo: number; hi: number } | undefined> = this.orders.map(() => undefined);
    for (const b of brushes)
      if (b.axis >= 0 && b.axis < next.length) next[b.axis] = { lo: Math.min(b.lo, b.hi), hi: Math.max(b.lo, b.hi) };
    next.forEach((r, a) => {
      const was = this.ranges[a];
      if (r?.lo === was?.lo && r?.hi === was?.hi) return;
      this.move(a, was, r, flip);
    });
    this.ranges = next;
  }

  /** One axis's range from `was` to `now` (either may be none): only the runs between the ends change. */
  private move(
    axis: number,
    was: { lo: number; hi: number } | undefined,
    now: { lo: number; hi: number } | undefined,
    flip: OnFlip | undefined,
  ): void {
    const o = this.orders[axis]!;
    const len = o.runs.length;
    // "no brush" is the whole sorted list plus the missing runs
    const a = was ? slice(o, was.lo, was.hi) : { from: 0, to: len };
    const b = now ? slice(o, now.lo, now.hi) : { from: 0, to: len };
    const inA = (k: number): boolean => k >= a.from && k < a.to;
    const inB = (k: number): boolean => k >= b.from && k < b.to;
    const visit = (from: number, to: number): void => {
      for (let k = from; k < to; k++) {
        const wasIn = inA(k);
        if (wasIn !== inB(k)) this.bump(o.runs[k]!, wasIn ? 1 : -1, flip);
      }
    };
    visit(Math.min(a.from, b.from), Math.max(a.from, b.from));
    visit(Math.min(a.to, b.to), Math.max(a.to, b.to));
    if (!was !== !now) for (const i of o.missing) this.bump(i, now ? 1 : -1, flip);
  }

  private bump(run: number, by: 1 | -1, flip: OnFlip | undefined): void {
    const before = this.outside[run]!;
    const after = before + by;
    this.outside[run] = after;
    if (before === 0 && after === 1) {
      this.mask[run] = 0;
      this.count--;
      flip?.(run, false);
    } else if (before === 1 && after === 0) {
      this.mask[run] = 1;
      this.count++;
      flip?.(run, true);
    }
  }
}
