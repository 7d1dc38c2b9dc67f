// The Sweep view's data as it crosses postMessage (src/protocol.ts) and the CLI's JSON: JSON-safe, missing is null.
// Types only, so the webview may import it.
import type { AxisDomain } from './axes';

export interface SweepAxis extends AxisDomain {
  key: string;
  kind: 'param' | 'metric';
  /** Per run, in `SweepData.runs` order: the number (a category's index on a category axis), null when missing. */
  values: Array<number | null>;
}

export interface SweepRank {
  key: string;
  /** Spearman's ρ with the metric; null when it is undefined (a constant side, or fewer than two runs with both). */
  rho: number | null;
  /** Runs with both a value of the param and of the metric. */
  n: number;
}

export interface SweepData {
  /** The metric on the last axis and the scatter's y; null when the runs have none. */
  metric: string | null;
  /** Every metric of the runs (the metric picker). */
  metrics: string[];
  runs: Array<{ id: string; name: string; group: number }>;
  /** Group labels ("lr=0.001, opt=adam"), indexed by a run's `group`. */
  groups: string[];
  /** The parallel coordinates' axes: the params that vary (by key), then the metric. */
  axes: SweepAxis[];
  /** Other metrics, for the scatter's x. */
  otherMetrics: SweepAxis[];
  /** Numeric and true/false params by |ρ|, strongest first (undefined ρ last). */
  ranking: SweepRank[];
  /** Text params: no order, so no rank correlation. */
  unranked: string[];
  /** Params that vary but got no axis (too many distinct texts, or over MAX_PARAM_AXES). */
  dropped: string[];
}
