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
}
