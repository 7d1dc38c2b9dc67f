import { breathe } from '../breathe';
import type { Series } from '../model';
import { aggregateRuns, downsampleBand } from './aggregate';
import type { BandKind, GroupCurve } from './curve';

/** Where full-resolution series come from (CurveSource.series: cached, read on demand). */
export interface GroupSeriesSource {
  series(runId: string, keys: readonly string[]): Promise<Series[]>;
}

export interface GroupCurveOptions {
  band: BandKind;
  maxPoints: number;
  smoothing: number;
  range?: { min: number; max: number };
  /** The name each run logged a key under, when an alias renamed it (run id → canonical → original). */
  original?(runId: string, key: string): string;
}

/**
 * Each group's aggregated curve of each key: every run's full series (not its downsampled curve: downsampled runs
 * no longer share steps) aligned by step, smoothed run by run, summarised and downsampled keeping the band's extremes.
 * A group none of whose runs has the key gives no curve.
 */
export async function groupCurves(
  source: GroupSeriesSource,
  groups: ReadonlyArray<{ id: string; runIds: readonly string[] }>,
  keys: readonly string[],
  opts: GroupCurveOptions,
): Promise<GroupCurve[]> {
  const out: GroupCurve[] = [];
  for (const key of keys) {
    for (const g of groups) {
      const series: Series[] = [];
      for (const runId of g.runIds) series.push(...(await source.series(runId, [opts.original?.(runId, key) ?? key])));
      if (!series.length) continue;
      // One group per turn of the event loop: this runs on the extension host's thread (not the curve pool's
      // workers), and 20 groups of 5 × 100,000 points must not hold it in one piece.
      await breathe();
      const agg = aggregateRuns(series, opts.smoothing);
      const band = downsampleBand(agg, opts.band, opts.maxPoints, opts.range);
      out.push({ groupId: g.id, key, ...band });
    }
  }
  return out;
}
