/**
 * TensorBoard's scalar smoothing: a debiased exponential moving average ("classicSmoothing" in
 * tensorboard/webapp/widgets/line_chart_v2/data_transformer.ts, same as vz_line_chart2 before it):
 *   last = last * w + (1 - w) * value;  smoothed = last / (1 - w^numAccum)
 * with `last` starting at 0 and numAccum counting finite points only. Non-finite points keep their raw value and do
 * not move the average. A constant series is returned unchanged (TensorBoard #786: the division drifts by an ulp).
 * The weight is clamped to [0, 1]; a non-finite weight means no smoothing.
 */
export function smoothEma(values: ArrayLike<number>, weight: number, out = new Float64Array(values.length)): Float64Array {
  const w = Number.isFinite(weight) ? Math.min(Math.max(weight, 0), 1) : 0;
  const n = values.length;
  if (isConstant(values)) {
    for (let i = 0; i < n; i++) out[i] = values[i]!;
    return out;
  }
  let last = 0;
  let wPow = 1;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * w + (1 - w) * v;
    // w^numAccum (finite points so far) as a running product: equal to Math.pow within rounding, and a third of
    // the cost on the 50-run × 100k-point path; past ~2^-53 it stops mattering.
    wPow *= w;
    const debias = w === 1 ? 1 : 1 - wPow;
    out[i] = last / debias;
  }
  return out;
}

function isConstant(values: ArrayLike<number>): boolean {
  if (values.length === 0) return true;
  const first = values[0]!;
  // TensorBoard compares with ==, so a NaN-containing series is never constant.
  for (let i = 1; i < values.length; i++) if (values[i] !== first) return false;
  return first === first;
}
