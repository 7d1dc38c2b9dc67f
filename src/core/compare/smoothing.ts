// The curve smoothing weight (TensorBoard's debiased EMA), its default and its bounds, written once: the setting
// (package.json declares the same default and maximum), the compare view's slider and the host's requests use these.

/** The weight panels start with when the user has not chosen one. */
export const SMOOTHING_DEFAULT = 0.6;
/** The highest weight offered: at 0.99 a curve already averages ~100 points; the EMA is defined below 1. */
export const SMOOTHING_MAX = 0.99;

/** A weight from a setting or a message (untrusted): a number in [0, SMOOTHING_MAX], 0 for anything else. */
export function clampSmoothing(v: unknown): number {
  return Math.min(Math.max(Number(v) || 0, 0), SMOOTHING_MAX);
}
