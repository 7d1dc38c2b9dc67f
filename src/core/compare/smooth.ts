/**
 * TensorBoard's scalar smoothing: a debiased exponential moving average ("classicSmoothing" in
 * tensorboard/webapp/widgets/line_chart_v2/data_transformer.ts, same as vz_line_chart2 before it):
 *   last = last * w + (1 - w) * value;  smoothed = last / (1 - w^numAccum)
 * with `last` starting at 0 and numAccum counting finite points only. Non-finite points keep their raw value and do
 * not move the average. A constant series is returned unchanged (TensorBoard #786: the division drifts by an ulp).
 * The weight is clamped to [0, 1]; a non-finite weight means no smoothing.
 */
export function smoothEma(
  values: ArrayLike<number>,
  weight: number,
  out = new Float64Array(values.length),
): Float64Array {
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
    // w^numAccum (finite points so far) as a running product, equal to Math.pow within rounding. Flushed to 0 once
    // tiny: the product otherwise sinks into denormals and sticks at the smallest one (0.6 × 5e-324 rounds back
    // to 5e-324), making every later multiply ~10× slower; below 2^-53 it no longer changes 1 - w^n anyway.
    wPow = wPow > 1e-300 ? wPow * w : 0;
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

/**
 * smoothEma sampled at ascending `indices` only: one pass up to the last index and no full-length output, for the
 * curves the host sends (a few thousand picks out of 100k points). Same values as smoothEma at those indices.
 */
export function smoothEmaAt(values: ArrayLike<number>, weight: number, indices: ArrayLike<number>): Float64Array {
  const out = new Float64Array(indices.length);
  const w = Number.isFinite(weight) ? Math.min(Math.max(weight, 0), 1) : 0;
  if (w === 0 || isConstant(values)) {
    for (let j = 0; j < indices.length; j++) out[j] = values[indices[j]!]!;
    return out;
  }
  let last = 0;
  let wPow = 1;
  let j = 0;
  const end = indices.length ? indices[indices.length - 1]! : -1;
  for (let i = 0; i <= end; i++) {
    const v = values[i]!;
    let s = v;
    if (Number.isFinite(v)) {
      last = last * w + (1 - w) * v;
      wPow = wPow > 1e-300 ? wPow * w : 0;
      s = last / (w === 1 ? 1 : 1 - wPow);
    }
    while (j < indices.length && indices[j] === i) out[j++] = s;
  }
  return out;
}
