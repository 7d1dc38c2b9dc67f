import { defaultWorkerCount } from '../index/readPool';
import type { Series } from '../model';
import type { BandColumns, Curve } from './curve';
import type { StepSeries } from './aggregate';
import type { BandOptions } from './aggregateBand';
import { CurvePool, type CurveOptions } from './curvePool';

/** Full-resolution series kept in memory across requests (points; 24 bytes each). Beyond it, re-read from disk. */
const CACHE_POINTS = 4_000_000;

/** Where series come from (the index's readSeries). */
export interface SeriesReader {
  readSeries(runId: string, keys?: readonly string[], smoothing?: number): Promise<Series[]>;
  /** A fast sample of curves that are slow to read whole (remote runs), marked `partial` (WorkspaceIndex's). */
  readSampledSeries?(runIds: readonly string[], keys: readonly string[], smoothing?: number): Promise<Series[]>;
}

/**
 * Where a curve's finite extremes are, and their values: a remote source's run has no min/max in its summary until
 * its curve is read (docs/sources.md), so the compare view takes them from here then.
 */
export interface CurveExtremes {
  min: number | null;
  max: number | null;
  minStep: number | null;
  maxStep: number | null;
}

/**
 * Reads series on demand and keeps recent ones (bounded by points); also remembers where each metric peaks.
 * Curves slow to read whole (a tracking server's runs) are drawn first from a sample, marked `partial`, while the
 * whole curve is read; `onCompleted` tells when it is there, for the view to ask again.
 */
export class CurveSource {
  private readonly cache = new Map<string, Series>();
  private cachedPoints = 0;
  private readonly extremesByRun = new Map<string, Map<string, CurveExtremes>>();
  /** Samples drawn while their whole curve is read, by cacheKey (few: a chart's width of points each). */
  private readonly partial = new Map<string, Series>();
  /** Whole-curve reads under way for those samples, by cacheKey. */
  private readonly completing = new Map<string, Promise<void>>();
  /** Per run, counts invalidations: a whole curve read before the last one is stale and not kept. */
  private readonly epochs = new Map<string, number>();
  private readonly completedListeners: Array<(runId: string) => void> = [];

  /** Downsampling and smoothing off the extension host's thread (50 M points take ~300 ms of CPU). */
  private readonly pool = new CurvePool(defaultWorkerCount());

  constructor(
    private readonly index: SeriesReader,
    /** The smoothing weight to summarise as series are read: the one new panels start with. */
    private readonly smoothing: () => number | undefined = () => undefined,
    private readonly budget = CACHE_POINTS,
  ) {}

  /**
   * Curves of these runs and keys as the chart draws them, run by run, each run's keys in key order. A curve not read
   * yet whose source can sample it comes from a sample first (`partial: true`); see onCompleted.
   */
  async curves(runIds: readonly string[], keys: readonly string[], options: CurveOptions): Promise<Curve[]> {
    await this.sample(runIds, keys);
    const series: Series[] = [];
    for (const runId of runIds) series.push(...(await this.lookup(runId, keys, true)));
    const curves = await this.pool.curves(series, options);
    const sampled = new Set(series.filter((s) => s.partial).map((s) => cacheKey(s.runId, s.key)));
    return sampled.size
      ? curves.map((c) => (sampled.has(cacheKey(c.runId, c.key)) ? { ...c, partial: true } : c))
      : curves;
  }

  /** Called with a run's id when a curve of it drawn from a sample has been read whole (ask for its curves again). */
  onCompleted(listener: (runId: string) => void): void {
    this.completedListeners.push(listener);
  }

  /** Each group's band (compare/aggregateBand), on the pool's workers. */
  bands(groups: readonly StepSeries[][], options: BandOptions): Promise<BandColumns[]> {
    return this.pool.bands(groups, options);
  }

  warm(): void {
    this.pool.warm();
  }

  dispose(): void {
    this.pool.dispose();
  }

  invalidate(runIds: ReadonlySet<string>): void {
    for (const [k, s] of this.cache) {
      if (runIds.has(s.runId)) {
        this.cache.delete(k);
        this.cachedPoints -= s.values.length;
      }
    }
    for (const [k, s] of this.partial) if (runIds.has(s.runId)) this.partial.delete(k);
    for (const id of runIds) {
      this.extremesByRun.delete(id);
      this.epochs.set(id, (this.epochs.get(id) ?? 0) + 1);
    }
  }

  extremes(runId: string): Map<string, CurveExtremes> | undefined {
    return this.extremesByRun.get(runId);
  }

  setNoExtremes(runId: string): void {
    this.extremesByRun.set(runId, new Map());
  }

  /**
   * Finds where each curve of a run peaks. Given the run's metric keys, a curve kept (or being read whole after its
   * sample) is not read again: a tracking server's history is slow, and was read twice before.
   */
  async computeExtremes(runId: string, keys?: readonly string[]): Promise<void> {
    let all: Series[];
    if (keys === undefined) all = await this.index.readSeries(runId, undefined, this.smoothing());
    else {
      await Promise.all(keys.map((k) => this.completing.get(cacheKey(runId, k))));
      all = await this.lookup(runId, keys, false);
    }
    const m = new Map<string, CurveExtremes>();
    for (const s of all) {
      let lo = -1;
      let hi = -1;
      for (let i = 0; i < s.values.length; i++) {
        const v = s.values[i]!;
        if (!Number.isFinite(v)) continue;
        if (lo < 0 || v < s.values[lo]!) lo = i;
        if (hi < 0 || v > s.values[hi]!) hi = i;
      }
      const step = (i: number): number | null => (i >= 0 && Number.isFinite(s.steps[i]!) ? s.steps[i]! : null);
      m.set(s.key, {
        min: lo >= 0 ? s.values[lo]! : null,
        max: hi >= 0 ? s.values[hi]! : null,
        minStep: step(lo),
        maxStep: step(hi),
      });
      this.remember(s);
    }
    this.extremesByRun.set(runId, m);
  }

  /** The whole series of these keys of a run (read when not kept). */
  series(runId: string, keys: readonly string[]): Promise<Series[]> {
    return this.lookup(runId, keys, false);
  }

  /** Kept series of these keys, the others read whole; with `sampled`, a sample kept while its whole is read will do. */
  private async lookup(runId: string, keys: readonly string[], sampled: boolean): Promise<Series[]> {
    const usable = (k: string): boolean =>
      this.cache.has(cacheKey(runId, k)) || (sampled && this.partial.has(cacheKey(runId, k)));
    const missing = keys.filter((k) => !usable(k));
    if (missing.length) for (const s of await this.index.readSeries(runId, missing, this.smoothing())) this.remember(s);
    return keys.flatMap((k) => {
      const s = this.cache.get(cacheKey(runId, k));
      if (!s) {
        const part = sampled ? this.partial.get(cacheKey(runId, k)) : undefined;
        return part ? [part] : [];
      }
      // Map order is insertion order: re-insert to mark as recently used.
      this.cache.delete(cacheKey(runId, k));
      this.cache.set(cacheKey(runId, k), s);
      return [s];
    });
  }

  /**
   * Asks the index for samples of the curves not kept (one call for many runs where the source allows), keeps them
   * and starts reading each whole. A failed sample is no loss: the whole read after it says what is wrong.
   */
  private async sample(runIds: readonly string[], keys: readonly string[]): Promise<void> {
    if (!this.index.readSampledSeries) return;
    const absent = (id: string, k: string): boolean =>
      !this.cache.has(cacheKey(id, k)) && !this.partial.has(cacheKey(id, k));
    const want = runIds.filter((id) => keys.some((k) => absent(id, k)));
    if (!want.length) return;
    let samples: Series[];
    try {
      samples = await this.index.readSampledSeries(want, keys, this.smoothing());
    } catch {
      return;
    }
    for (const s of samples) {
      if (!absent(s.runId, s.key)) continue;
      if (!s.partial) this.remember(s);
      else {
        this.partial.set(cacheKey(s.runId, s.key), s);
        this.complete(s.runId, s.key);
      }
    }
  }

  /** Reads a sampled curve whole in the background; then the sample goes and the listeners hear of the run. */
  private complete(runId: string, key: string): void {
    const k = cacheKey(runId, key);
    if (this.completing.has(k)) return;
    const epoch = this.epochs.get(runId) ?? 0;
    const current = (): boolean => (this.epochs.get(runId) ?? 0) === epoch;
    const done = this.index
      .readSeries(runId, [key], this.smoothing())
      .then(
        (whole) => {
          if (current()) for (const s of whole) this.remember(s);
        },
        // Failed: the sample goes too, so the next request reads the curve whole and shows why it cannot.
        () => undefined,
      )
      .finally(() => {
        this.completing.delete(k);
        if (!current()) return;
        this.partial.delete(k);
        for (const l of this.completedListeners) l(runId);
      });
    // computeExtremes waits on it; a listener's throw is the listener's to report, not a failed read.
    this.completing.set(
      k,
      done.then(
        () => undefined,
        () => undefined,
      ),
    );
  }

  private remember(s: Series): void {
    const k = cacheKey(s.runId, s.key);
    const old = this.cache.get(k);
    if (old) {
      this.cache.delete(k);
      this.cachedPoints -= old.values.length;
    }
    this.cache.set(k, s);
    this.cachedPoints += s.values.length;
    for (const [key, v] of this.cache) {
      if (this.cachedPoints <= this.budget || key === k) break;
      this.cache.delete(key);
      this.cachedPoints -= v.values.length;
    }
  }
}

function cacheKey(runId: string, key: string): string {
  return `${runId}\u0000${key}`;
}
