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

/** Reads series on demand and keeps recent ones (bounded by points); also remembers where each metric peaks. */
export class CurveSource {
  private readonly cache = new Map<string, Series>();
  private cachedPoints = 0;
  private readonly extremesByRun = new Map<string, Map<string, CurveExtremes>>();

  /** Downsampling and smoothing off the extension host's thread (50 M points take ~300 ms of CPU). */
  private readonly pool = new CurvePool(defaultWorkerCount());

  constructor(
    private readonly index: SeriesReader,
    /** The smoothing weight to summarise as series are read: the one new panels start with. */
    private readonly smoothing: () => number | undefined = () => undefined,
    private readonly budget = CACHE_POINTS,
  ) {}

  /** Curves of these runs and keys as the chart draws them, run by run, each run's keys in key order. */
  async curves(runIds: readonly string[], keys: readonly string[], options: CurveOptions): Promise<Curve[]> {
    const series: Series[] = [];
    for (const runId of runIds) series.push(...(await this.series(runId, keys)));
    return this.pool.curves(series, options);
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
    for (const id of runIds) this.extremesByRun.delete(id);
  }

  extremes(runId: string): Map<string, CurveExtremes> | undefined {
    return this.extremesByRun.get(runId);
  }

  setNoExtremes(runId: string): void {
    this.extremesByRun.set(runId, new Map());
  }

  async computeExtremes(runId: string): Promise<void> {
    const all = await this.index.readSeries(runId, undefined, this.smoothing());
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

  async series(runId: string, keys: readonly string[]): Promise<Series[]> {
    const missing = keys.filter((k) => !this.cache.has(cacheKey(runId, k)));
    if (missing.length) for (const s of await this.index.readSeries(runId, missing, this.smoothing())) this.remember(s);
    return keys.flatMap((k) => {
      const s = this.cache.get(cacheKey(runId, k));
      if (!s) return [];
      // Map order is insertion order: re-insert to mark as recently used.
      this.cache.delete(cacheKey(runId, k));
      this.cache.set(cacheKey(runId, k), s);
      return [s];
    });
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
