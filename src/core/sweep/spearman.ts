// Spearman's rank correlation, the measure the Sweep view ranks params by: it asks whether a metric moves
// monotonically with a param, so a learning rate on a log grid counts as much as one on a linear grid (Pearson's r
// would weigh the one far value of a log sweep most).

/**
 * Fractional ("1 2.5 2.5 4") ranks, 1-based: tied values share the mean of the ranks they span, which is what
 * Spearman's coefficient with ties is defined on.
 */
export function fractionalRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(n);
  for (let i = 0; i < n;) {
    let j = i + 1;
    while (j < n && values[order[j]!] === values[order[i]!]) j++;
    const rank = (i + 1 + j) / 2; // mean of the ranks i+1 … j
    for (let k = i; k < j; k++) ranks[order[k]!] = rank;
    i = j;
  }
  return ranks;
}

/** Pearson's r of two equally long samples; NaN when either is constant or there are fewer than two pairs. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (n < 2 || y.length !== n) return NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? NaN : sxy / Math.sqrt(sxx * syy);
}

/**
 * Spearman's ρ: Pearson's r of the fractional ranks. Exact with ties (the shortcut 1 − 6Σd²/(n(n²−1)) is not).
 * Pairs where either value is not finite are left out; NaN when fewer than two pairs remain or one side is constant.
 */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): { rho: number; n: number } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (Number.isFinite(x[i]!) && Number.isFinite(y[i]!)) {
      xs.push(x[i]!);
      ys.push(y[i]!);
    }
  }
  return { rho: pearson(fractionalRanks(xs), fractionalRanks(ys)), n: xs.length };
}
