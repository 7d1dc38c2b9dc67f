import type { Series } from '../model';
import type { StepSeries } from './aggregate';
import type { BandOptions } from './aggregateBand';
import { bandsHere } from './curvePool';
import type { BandColumns, BandKind, GroupCurve } from './curve';

/** Where full-resolution series come from (CurveSource.series: cached, read on demand). */
export interface GroupSeriesSource {
  series(runId: string, keys: readonly string[]): Promise<Series[]>;
  /** Each group's band, computed off this thread (CurveSource: the curve pool's workers); else here, group by group. */
  bands?(groups: readonly StepSeries[][], options: BandOptions): Promise<BandColumns[]>;
}

export interface GroupCurveOptions {
  /** Steps (default) or elapsed seconds on a common grid (timeGrid.ts). Wall-clock time has no common origin. */
  xAxis?: 'step' | 'relative';
  band: BandKind;
  maxPoints: number;
  smoothing: number;
  range?: { min: number; max: number };
  /** The name each run logged a key under, when an alias renamed it (run id → canonical → original). */
  original?(runId: string, key: string): string;
}

/**
 * Each group's aggregated curve of each key: every run's full series (not its downsampled curve: downsampled runs
 * no longer share steps) aligned by step (or elapsed time), smoothed run by run, summarised and downsampled keeping
 * the band's extremes (aggregateBand). A group none of whose runs has the key gives no curve.
 */
export async function groupCurves(
  source: GroupSeriesSource,
  groups: ReadonlyArray<{ id: string; runIds: readonly string[] }>,
  keys: readonly string[],
  opts: GroupCurveOptions,
): Promise<GroupCurve[]> {
  const wanted: Array<{ groupId: string; key: string; series: Series[] }> = [];
  for (const key of keys) {
    for (const g of groups) {
      const series: Series[] = [];
      for (const runId of g.runIds) series.push(...(await source.series(runId, [opts.original?.(runId, key) ?? key])));
      if (series.length) wanted.push({ groupId: g.id, key, series });
    }
  }
  const options: BandOptions = {
    xAxis: opts.xAxis,
    band: opts.band,
    maxPoints: opts.maxPoints,
    smoothing: opts.smoothing,
    range: opts.range,
  };
  const all = wanted.map((w) => w.series);
  // Without workers, one group per turn of the event loop: 20 groups of 5 × 100,000 points must not hold the
  // thread in one piece.
  const bands = source.bands ? await source.bands(all, options) : await bandsHere(all, options);
  return wanted.map((w, i) => ({ groupId: w.groupId, key: w.key, ...bands[i]! }));
}
