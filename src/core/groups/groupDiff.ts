import { guessDirection, type Direction } from '../compare/direction';
import type { SummaryName } from '../review/gates';
import { welchTTest, type GroupSummary, type WelchResult } from '../stats/groups';
import type { RunGroup } from './groups';

/** The test behind "beyond noise", named wherever the verdict is shown. */
export const NOISE_TEST = "Welch's t-test";

/** One metric of two groups: their summaries, the delta of the means, and whether it is beyond the seed noise. */
export interface GroupDiffRow {
  metric: string;
  direction: Direction | null;
  a: GroupSummary;
  b: GroupSummary;
  /** mean b − mean a; null without both means. */
  delta: number | null;
  /** delta / |mean a| × 100; null when mean a is 0 or missing. */
  pct: number | null;
  /** Null when either side has fewer than two finite values: no spread, no test. */
  test: WelchResult | null;
  /** p < alpha; null without a test. */
  beyondNoise: boolean | null;
}

export interface GroupDiff {
  a: RunGroup;
  b: RunGroup;
  summary: SummaryName;
  alpha: number;
  rows: GroupDiffRow[];
}

/**
 * Compares group b with group a (the baseline) metric by metric, on one per-run summary: a delta is beyond the seed
 * noise when Welch's t-test of the two groups' values gives p < alpha. Welch's, not Student's: seeds of two
 * configurations need not scatter alike.
 */
export function diffGroups(a: RunGroup, b: RunGroup, opts: { summary?: SummaryName; alpha?: number } = {}): GroupDiff {
  const summary = opts.summary ?? 'last';
  const alpha = opts.alpha ?? 0.05;
  const names = [...new Set([...Object.keys(a.metrics), ...Object.keys(b.metrics)])].sort();
  const rows = names.map((metric): GroupDiffRow => {
    const sa = a.metrics[metric]?.[summary] ?? EMPTY;
    const sb = b.metrics[metric]?.[summary] ?? EMPTY;
    const delta = sa.mean !== null && sb.mean !== null ? sb.mean - sa.mean : null;
    const pct = delta !== null && sa.mean ? (delta / Math.abs(sa.mean)) * 100 : null;
    const test = welchTTest(sa, sb);
    return {
      metric,
      direction: guessDirection(metric) ?? null,
      a: sa,
      b: sb,
      delta,
      pct,
      test,
      beyondNoise: test ? test.p < alpha : null,
    };
  });
  return { a, b, summary, alpha, rows };
}

const EMPTY: GroupSummary = Object.freeze({
  n: 0,
  mean: null,
  std: null,
  stderr: null,
  min: null,
  max: null,
  nonFinite: 0,
});
