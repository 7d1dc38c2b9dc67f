// A group's curve as drawn, in one pass: what downsampleBand(aggregateRuns(runs)) gives, without the seven step-long
// arrays in between. 20 groups × 5 seeds × 100,000 points spent most of their time writing and re-reading those
// arrays (memory, not arithmetic); here each aligned step's statistics live in locals and go straight into the
// pixel bucket they fall in.
import type { BandColumns, BandKind } from './curve';
import {
  aggregateRuns,
  alignedSteps,
  BandBuilder,
  downsampleBand,
  prepareRuns,
  rangeIndices,
  StepStats,
  type PreparedRun,
  type StepSeries,
} from './aggregate';
import { onElapsedGrid } from './timeGrid';

export interface BandOptions {
  /** Align on steps, or on elapsed seconds (timeGrid.ts; each run needs its times). */
  xAxis?: 'step' | 'relative';
  band: BandKind;
  maxPoints: number;
  smoothing: number;
  range?: { min: number; max: number };
}

/**
 * The group's mean, band edges and n, downsampled for drawing exactly as downsampleBand(aggregateRuns(runs, smoothing),
 * band, maxPoints, range) would (the same floating-point operations, so the same numbers). Runs logging the same steps
 * (ragged at the end) take the one-pass path; others fall back to the general alignment. On relative time, runs are
 * first put on a common grid of elapsed seconds (onElapsedGrid, which smooths each run on its own points).
 */
export function aggregateBand(runs: readonly StepSeries[], o: BandOptions): BandColumns {
  if (o.xAxis === 'relative') {
    const timed = runs.map((r) => ({ times: r.times ?? [], values: r.values }));
    return aggregateBand(onElapsedGrid(timed, o.smoothing), { ...o, xAxis: 'step', smoothing: 0 });
  }
  const prepared = prepareRuns(runs, o.smoothing);
  const x = alignedSteps(prepared);
  if (!x) return downsampleBand(aggregateRuns(runs, o.smoothing), o.band, o.maxPoints, o.range);
  return new AlignedBand(prepared, x, o.band).columns(o.maxPoints, o.range);
}

/** Per aligned step of seeds that log the same steps: the mean, the band's edges and n, computed on demand. */
class AlignedBand {
  private readonly stats: StepStats;
  // The last step's figures (see at): fields, not a fresh object per step.
  mean = NaN;
  lo = NaN;
  hi = NaN;
  n = 0;

  constructor(
    prepared: readonly PreparedRun[],
    readonly x: Float64Array,
    private readonly band: BandKind,
  ) {
    this.stats = new StepStats(prepared.map((r) => r.values));
  }

  /** Computes step u's mean, band edges and n (as aggregateAligned and bandEdges do: the same operations). */
  at(u: number): void {
    const s = this.stats;
    s.read(u);
    this.n = s.n;
    this.mean = s.mean;
    if (this.band === 'minmax') {
      this.lo = s.min;
      this.hi = s.max;
      return;
    }
    const sd = s.sd;
    // the band closes onto the mean where the std is undefined (one run)
    const w = sd !== sd ? 0 : this.band === 'std' ? sd : sd / Math.sqrt(s.n);
    this.lo = s.mean - w;
    this.hi = s.mean + w;
  }

  columns(maxPoints: number, range?: { min: number; max: number }): BandColumns {
    const x = this.x;
    const { from, to } = rangeIndices(x, range);
    const total = Math.max(0, to - from);
    if (total <= maxPoints) {
      const out = new BandBuilder(total);
      for (let u = from; u < to; u++) {
        this.at(u);
        out.push(x[u]!, this.mean, this.lo, this.hi, this.n);
      }
      return { ...out.columns(), total };
    }
    return { ...this.buckets(from, to, maxPoints), total };
  }

  /** downsampleBand's buckets, fed one step at a time (see its comment for what a bucket keeps). */
  private buckets(from: number, to: number, maxPoints: number): Omit<BandColumns, 'total'> {
    const x = this.x;
    const buckets = Math.max(1, Math.floor(maxPoints / 2));
    const x0 = x[from]!;
    const width = (x[to - 1]! - x0) / buckets || 1;
    const out = new BandBuilder(buckets * 2);
    let b = -1;
    let bucketEnd = 0;
    let start = from;
    let loI = -1;
    let hiI = -1;
    let loMean = 0;
    let hiMean = 0;
    let bandLo = Infinity;
    let bandHi = -Infinity;
    let fewest = Infinity;
    const flush = (): void => {
      if (loI < 0) {
        out.push(x[start]!, NaN, NaN, NaN, 0);
        return;
      }
      const first = loI <= hiI ? loI : hiI;
      const second = loI <= hiI ? hiI : loI;
      out.push(x[first]!, first === loI ? loMean : hiMean, bandLo, bandHi, fewest);
      if (second !== first) out.push(x[second]!, second === loI ? loMean : hiMean, bandLo, bandHi, fewest);
    };
    for (let i = from; i < to; i++) {
      // the first point of a bucket always joins it (rounding may put it a hair past its computed end)
      if (b < 0 || (b !== buckets - 1 && x[i]! >= bucketEnd)) {
        if (b >= 0) flush();
        b = Math.min(buckets - 1, Math.floor((x[i]! - x0) / width));
        bucketEnd = x0 + (b + 1) * width;
        start = i;
        loI = hiI = -1;
        bandLo = fewest = Infinity;
        bandHi = -Infinity;
      }
      this.at(i);
      const m = this.mean;
      if (m !== m) continue;
      if (loI < 0 || m < loMean) {
        loI = i;
        loMean = m;
      }
      if (hiI < 0 || m > hiMean) {
        hiI = i;
        hiMean = m;
      }
      if (this.lo < bandLo) bandLo = this.lo;
      if (this.hi > bandHi) bandHi = this.hi;
      if (this.n < fewest) fewest = this.n;
    }
    if (b >= 0) flush();
    return out.columns();
  }
}
