// A curve as drawn: what the compare maths (downsample.ts) produce from a series and the compare view draws.

/** The x axis of a curve: the step, seconds since the run's first point, or wall-clock time. */
export type XAxis = 'step' | 'relative' | 'wall';

/**
 * One run's curve of one metric, downsampled by the host for drawing. Columns have equal length; they are typed
 * arrays, which webview messages carry as bytes (an answer's columns share one buffer).
 */
export interface Curve {
  runId: string;
  key: string;
  /** Step, seconds since the run's first point (relative), or ms since the epoch (wall). Ascending. */
  x: Float64Array;
  /** Raw value; NaN where it is not finite. */
  y: Float64Array;
  /** TensorBoard-smoothed value computed on the full series, sampled at the same points; NaN where not finite. */
  s: Float64Array;
  /** Points in the requested range before downsampling. */
  total: number;
  /** Drawn from a sample of the curve while the whole is read (a tracking server's run): the page marks it. */
  partial?: boolean;
}

/** The band drawn around a group's mean: ± sample std, ± standard error of the mean, or the runs' min–max. */
export type BandKind = 'std' | 'stderr' | 'minmax';

/**
 * One group's curve of one metric (compare/aggregate.ts): per aligned step the mean over the group's runs (each run
 * smoothed first when smoothing), the band's edges, and how many runs had a value there. Downsampled for drawing.
 */
export interface GroupCurve extends BandColumns {
  groupId: string;
  key: string;
}

/** A group's curve as drawn: the mean and the band's edges at the same x, and n per point (the fewest in a bucket). */
export interface BandColumns {
  x: Float64Array;
  /** Mean of the runs' (smoothed) values; NaN where no run has one. */
  mean: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
  /** Runs counted at the point (the fewest of its bucket when downsampled). */
  n: Float64Array;
  /** Aligned steps in the requested range before downsampling. */
  total: number;
}
