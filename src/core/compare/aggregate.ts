// Aggregated curves of a group of runs (seeds of one configuration): per step the mean, sample std, standard error,
// min, max and n over the runs, and a downsampling for drawing that keeps the band's extremes. DOM-free; the compare
// view's host computes these from full-resolution series and sends only the downsampled columns.
import type { BandColumns, BandKind } from './curve';

export type { BandColumns } from './curve';
import { smoothEma } from './smooth';
import { lowerBound, upperBound } from './bisect';

export type { BandKind };
export const BAND_KINDS: readonly BandKind[] = ['std', 'stderr', 'minmax'];

/** One run's series as aggregation reads it: steps and values of equal length. */
export interface StepSeries {
  steps: ArrayLike<number>;
  values: ArrayLike<number>;
  /** Wall-clock ms of each point: read only to align on relative time (timeGrid.ts). */
  times?: ArrayLike<number>;
  /** Known when the series was read (withOrder): steps finite and ascending, and logged at a fixed interval. */
  ascending?: { steps: boolean };
  stepEvery?: number;
}

/** Per aligned step (ascending, the union of the runs' steps): the runs' statistics; NaN where n is too small. */
export interface Aggregate {
  x: Float64Array;
  mean: Float64Array;
  /** Sample standard deviation (n − 1); NaN below two runs. */
  std: Float64Array;
  /** std / √n; NaN below two runs. */
  stderr: Float64Array;
  min: Float64Array;
  max: Float64Array;
  /** Runs with a finite value at the step. */
  n: Float64Array;
}

/**
 * Aligns runs on their steps and summarises them step by step. Each run is first smoothed on its own points with
 * TensorBoard's debiased EMA (`smoothing`, as TensorBoard and W&B smooth each run before a group's mean is taken),
 * then counted at every step of the union from its first to its last step: at a step it logged, its value there
 * (the last one when a step was logged twice); between its own steps, its latest value before (runs logging at other
 * intervals still meet). Past its last step a run is not counted: n drops where runs end. Non-finite values are not
 * counted either.
 */
export function aggregateRuns(runs: readonly StepSeries[], smoothing = 0): Aggregate {
  const prepared = prepareRuns(runs, smoothing);
  const longest = alignedSteps(prepared);
  if (longest) return aggregateAligned(prepared, longest);
  const x = unionSteps(prepared.map((r) => r.steps));
  const len = x.length;
  const n = new Float64Array(len);
  // Sums of (value − shift), shift = the first value counted at the step: the textbook sum-of-squares formula
  // without its cancellation when runs share a large offset (a loss near 1e4 with seeds a hair apart), and without
  // Welford's division per point.
  const shift = new Float64Array(len);
  const sum = new Float64Array(len);
  const sq = new Float64Array(len);
  const min = new Float64Array(len).fill(Infinity);
  const max = new Float64Array(len).fill(-Infinity);
  for (const r of prepared) {
    const s = r.steps;
    const v = r.values;
    const last = s.length - 1;
    let j = 0;
    let u = lowerBound(x, s[0]!);
    const end = s[last]!;
    for (; u < len && x[u]! <= end; u++) {
      const xu = x[u]!;
      while (j < last && s[j + 1]! <= xu) j++;
      const val = v[j]!;
      if (val - val !== 0) continue; // NaN or ±Infinity
      if (n[u] === 0) shift[u] = val;
      n[u]++;
      const d = val - shift[u]!;
      sum[u] += d;
      sq[u] += d * d;
      if (val < min[u]!) min[u] = val;
      if (val > max[u]!) max[u] = val;
    }
  }
  const mean = new Float64Array(len);
  const std = new Float64Array(len);
  const stderr = new Float64Array(len);
  for (let u = 0; u < len; u++) {
    const k = n[u]!;
    if (k === 0) {
      mean[u] = min[u] = max[u] = std[u] = stderr[u] = NaN;
      continue;
    }
    const d = sum[u]! / k;
    mean[u] = shift[u]! + d;
    if (k < 2) {
      std[u] = stderr[u] = NaN;
      continue;
    }
    const sd = Math.sqrt(Math.max(0, (sq[u]! - d * sum[u]!) / (k - 1)));
    std[u] = sd;
    stderr[u] = sd / Math.sqrt(k);
  }
  return { x, mean, std, stderr, min, max, n };
}

const EMPTY = new Float64Array(0);

/** Each run's finite steps in ascending order, smoothed (see aggregateRuns); runs without a point left out. */
export function prepareRuns(runs: readonly StepSeries[], smoothing: number): PreparedRun[] {
  return runs.map((r) => prepare(r, smoothing)).filter((r) => r.steps.length > 0);
}

/** A run ready to aggregate: finite ascending steps and its (smoothed) values, of equal length. */
export interface PreparedRun {
  steps: Float64Array;
  values: Float64Array;
  /** The steps' fixed interval (> 0) when the series said so (StepSeries.stepEvery). */
  every?: number;
}

/**
 * The longest run's steps when every run logged a prefix of them (seeds logging the same steps, ragged only at the
 * end) and they are strictly ascending: then a run's value at the i-th aligned step is its i-th value. Else undefined.
 */
export function alignedSteps(prepared: readonly PreparedRun[]): Float64Array | undefined {
  const longest = prepared.reduce<Float64Array>((a, r) => (r.steps.length > a.length ? r.steps : a), EMPTY);
  // Runs logging from one first step at one fixed interval (each step computed as first + i · every, see
  // evenInterval) are prefixes of the longest, which ascends strictly: known without a pass over 10 M steps.
  const first = prepared[0];
  if (first?.every !== undefined && prepared.every((r) => r.every === first.every && r.steps[0] === first.steps[0]))
    return longest;
  return prepared.every((r) => isPrefix(r.steps, longest)) && isStrictlyAscending(longest) ? longest : undefined;
}

/**
 * The usual case, seeds logging the same steps (ragged only at the end): a run's value at the i-th step is its i-th
 * value. Step by step over the runs, as the simplest loop would, with every sum in a local: the per-run pass of the
 * general case goes through nine step-long arrays once per run, and memory, not arithmetic, bounded it (~3× slower).
 */
function aggregateAligned(runs: ReadonlyArray<{ values: Float64Array }>, x: Float64Array): Aggregate {
  const len = x.length;
  const n = new Float64Array(len);
  const mean = new Float64Array(len);
  const std = new Float64Array(len);
  const stderr = new Float64Array(len);
  const min = new Float64Array(len);
  const max = new Float64Array(len);
  const at = new StepStats(runs.map((r) => r.values));
  for (let u = 0; u < len; u++) {
    at.read(u);
    n[u] = at.n;
    mean[u] = at.mean;
    min[u] = at.min;
    max[u] = at.max;
    std[u] = at.sd;
    stderr[u] = at.n < 2 ? NaN : at.sd / Math.sqrt(at.n);
  }
  return { x, mean, std, stderr, min, max, n };
}

/**
 * One aligned step's statistics over runs logging the same steps (a run's value at step u is its u-th value), read
 * into fields rather than a fresh object per step: n (finite values), mean, sample std (NaN below two), min and max
 * (NaN when n is 0). Sums of (value − shift), shift = the first value counted: see aggregateRuns.
 */
export class StepStats {
  n = 0;
  mean = NaN;
  sd = NaN;
  min = NaN;
  max = NaN;
  private readonly lengths: number[];

  constructor(private readonly values: readonly Float64Array[]) {
    this.lengths = values.map((v) => v.length);
  }

  read(u: number): void {
    const values = this.values;
    let k = 0;
    let shift = 0;
    let sum = 0;
    let sq = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let r = 0; r < values.length; r++) {
      if (u >= this.lengths[r]!) continue;
      const val = values[r]![u]!;
      if (val - val !== 0) continue; // NaN or ±Infinity
      if (k === 0) shift = val;
      k++;
      const d = val - shift;
      sum += d;
      sq += d * d;
      if (val < lo) lo = val;
      if (val > hi) hi = val;
    }
    this.n = k;
    if (k === 0) {
      this.mean = this.min = this.max = this.sd = NaN;
      return;
    }
    const d = sum / k;
    this.mean = shift + d;
    this.min = lo;
    this.max = hi;
    this.sd = k < 2 ? NaN : Math.sqrt(Math.max(0, (sq - d * sum) / (k - 1)));
  }
}

function isStrictlyAscending(s: Float64Array): boolean {
  for (let i = 1; i < s.length; i++) if (!(s[i]! > s[i - 1]!)) return false;
  return true;
}

/**
 * The band's edges at every aligned step: mean ± std, mean ± stderr, or min and max. Where the std is undefined (one
 * run) the band closes onto the mean.
 */
export function bandEdges(a: Aggregate, band: BandKind): { lo: Float64Array; hi: Float64Array } {
  if (band === 'minmax') return { lo: a.min, hi: a.max };
  const w = band === 'std' ? a.std : a.stderr;
  const lo = new Float64Array(a.x.length);
  const hi = new Float64Array(a.x.length);
  for (let i = 0; i < lo.length; i++) {
    const m = a.mean[i]!;
    const d = w[i]! === w[i]! ? w[i]! : 0;
    lo[i] = m - d;
    hi[i] = m + d;
  }
  return { lo, hi };
}

/**
 * Downsamples an aggregate for drawing: x is cut into `maxPoints / 2` equal buckets (over `range` when given, with one
 * step beyond each edge so lines reach the border); each bucket keeps the points where the mean is lowest and highest
 * (in step order), and both carry the bucket's lowest lower edge and highest upper edge, so no band extreme is lost,
 * and the fewest runs counted in the bucket. A bucket without a finite mean gives one NaN point (a gap).
 */
export function downsampleBand(
  a: Aggregate,
  band: BandKind,
  maxPoints: number,
  range?: { min: number; max: number },
): BandColumns {
  const { lo, hi } = bandEdges(a, band);
  const x = a.x;
  const mean = a.mean;
  const count = a.n;
  const { from, to } = rangeIndices(x, range);
  const total = Math.max(0, to - from);
  if (total <= maxPoints) {
    return {
      x: x.slice(from, to),
      mean: a.mean.slice(from, to),
      lo: lo.slice(from, to),
      hi: hi.slice(from, to),
      n: a.n.slice(from, to),
      total,
    };
  }
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  const x0 = x[from]!;
  const width = (x[to - 1]! - x0) / buckets || 1;
  const out = new BandBuilder(buckets * 2);
  let i = from;
  while (i < to) {
    const b = Math.min(buckets - 1, Math.floor((x[i]! - x0) / width));
    const bucketEnd = x0 + (b + 1) * width;
    let loI = -1;
    let hiI = -1;
    let bandLo = Infinity;
    let bandHi = -Infinity;
    let fewest = Infinity;
    const start = i;
    // the first point always joins (rounding may put it a hair past its bucket's computed end)
    for (; i < to && (i === start || b === buckets - 1 || x[i]! < bucketEnd); i++) {
      const m = mean[i]!;
      if (m !== m) continue;
      if (loI < 0 || m < mean[loI]!) loI = i;
      if (hiI < 0 || m > mean[hiI]!) hiI = i;
      if (lo[i]! < bandLo) bandLo = lo[i]!;
      if (hi[i]! > bandHi) bandHi = hi[i]!;
      if (count[i]! < fewest) fewest = count[i]!;
    }
    if (loI < 0) {
      out.push(x[start]!, NaN, NaN, NaN, 0);
      continue;
    }
    const first = Math.min(loI, hiI);
    const second = Math.max(loI, hiI);
    out.push(x[first]!, mean[first]!, bandLo, bandHi, fewest);
    if (second !== first) out.push(x[second]!, mean[second]!, bandLo, bandHi, fewest);
  }
  return { ...out.columns(), total };
}

/** The indices of x drawn for a range: the steps inside it and one beyond each edge, so lines reach the border. */
export function rangeIndices(x: Float64Array, range?: { min: number; max: number }): { from: number; to: number } {
  if (!range) return { from: 0, to: x.length };
  return {
    from: Math.max(0, lowerBound(x, range.min) - 1),
    to: Math.min(x.length, upperBound(x, range.max) + 1),
  };
}

export class BandBuilder {
  private k = 0;
  private readonly x: Float64Array;
  private readonly mean: Float64Array;
  private readonly lo: Float64Array;
  private readonly hi: Float64Array;
  private readonly n: Float64Array;
  constructor(capacity: number) {
    this.x = new Float64Array(capacity);
    this.mean = new Float64Array(capacity);
    this.lo = new Float64Array(capacity);
    this.hi = new Float64Array(capacity);
    this.n = new Float64Array(capacity);
  }
  push(x: number, mean: number, lo: number, hi: number, n: number): void {
    if (this.k >= this.x.length) return;
    this.x[this.k] = x;
    this.mean[this.k] = mean;
    this.lo[this.k] = lo;
    this.hi[this.k] = hi;
    this.n[this.k] = n;
    this.k++;
  }
  columns(): Omit<BandColumns, 'total'> {
    const k = this.k;
    return {
      x: this.x.slice(0, k),
      mean: this.mean.slice(0, k),
      lo: this.lo.slice(0, k),
      hi: this.hi.slice(0, k),
      n: this.n.slice(0, k),
    };
  }
}

/** Finite steps in ascending order (stable for equal steps, so the last value logged at a step wins), smoothed. */
function prepare(r: StepSeries, smoothing: number): PreparedRun {
  const len = Math.min(r.steps.length, r.values.length);
  if (r.ascending?.steps === true && r.steps instanceof Float64Array) {
    // checked when the series was read (withOrder)
    const values = asFloat64(r.values, len);
    const every = r.stepEvery !== undefined && r.stepEvery > 0 && len === r.steps.length ? r.stepEvery : undefined;
    return {
      steps: asFloat64(r.steps, len),
      values: smoothing > 0 ? smoothEma(values, smoothing) : values,
      ...(every !== undefined ? { every } : {}),
    };
  }
  let ascending = true;
  let finite = true;
  for (let i = 0; i < len; i++) {
    const s = r.steps[i]!;
    if (s - s !== 0) finite = false;
    else if (i > 0 && s < r.steps[i - 1]!) ascending = false;
  }
  let steps: Float64Array;
  let values: Float64Array;
  if (ascending && finite) {
    // read as they are (never written to): a copy of 100,000 points per run cost more than aggregating them
    steps = asFloat64(r.steps, len);
    values = asFloat64(r.values, len);
  } else {
    const order = [...Array(len).keys()].filter((i) => Number.isFinite(r.steps[i]!));
    order.sort((p, q) => r.steps[p]! - r.steps[q]! || p - q);
    steps = Float64Array.from(order, (i) => r.steps[i]!);
    values = Float64Array.from(order, (i) => r.values[i]!);
  }
  return { steps, values: smoothing > 0 ? smoothEma(values, smoothing) : values };
}

function asFloat64(a: ArrayLike<number>, len: number): Float64Array {
  if (a instanceof Float64Array) return a.length === len ? a : a.subarray(0, len);
  const out = new Float64Array(len);
  for (let i = 0; i < len; i++) out[i] = a[i]!;
  return out;
}

/**
 * The ascending union of ascending step arrays, each step once. Seeds of one configuration usually log the same
 * steps, ragged only at the end: then it is the longest run's steps (checked, not assumed), without a merge.
 */
function unionSteps(all: readonly Float64Array[]): Float64Array {
  if (!all.length) return new Float64Array(0);
  const longest = all.reduce((a, b) => (b.length > a.length ? b : a));
  if (all.every((s) => isPrefix(s, longest))) return dedupe(longest);
  let total = 0;
  for (const s of all) total += s.length;
  const merged = new Float64Array(total);
  let k = 0;
  for (const s of all) {
    merged.set(s, k);
    k += s.length;
  }
  merged.sort();
  return dedupe(merged);
}

function isPrefix(s: Float64Array, of: Float64Array): boolean {
  if (s === of) return true;
  for (let i = 0; i < s.length; i++) if (s[i] !== of[i]) return false;
  return true;
}

function dedupe(s: Float64Array): Float64Array {
  let k = 0;
  const out = new Float64Array(s.length);
  for (let i = 0; i < s.length; i++) if (k === 0 || s[i] !== out[k - 1]) out[k++] = s[i]!;
  return k === s.length ? out : out.slice(0, k);
}
