/**
 * Group summaries and the noise test: groups of numbers in, summaries and test results out. Used by review (seed
 * groups of runs), and meant for compare and grouping views too; knows nothing about runs.
 */

/** Summary of one group of numbers (non-finite values are left out and counted apart). */
export interface GroupSummary {
  /** Finite values summarised. */
  n: number;
  mean: number | null;
  /** Sample standard deviation (n − 1 in the denominator); null below two values. */
  std: number | null;
  /** Standard error of the mean, std / √n; null below two values. */
  stderr: number | null;
  min: number | null;
  max: number | null;
  /** Values left out because they were NaN or ±Infinity (a diverged seed must not vanish silently). */
  nonFinite: number;
}

/** Mean, sample std, standard error, min and max of the finite values; Welford's update keeps it stable. */
export function summarize(values: Iterable<number>): GroupSummary {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  let min = Infinity;
  let max = -Infinity;
  let nonFinite = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    n++;
    const d = v - mean;
    mean += d / n;
    m2 += d * (v - mean);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (n === 0) return { n, mean: null, std: null, stderr: null, min: null, max: null, nonFinite };
  const std = n >= 2 ? Math.sqrt(m2 / (n - 1)) : null;
  return { n, mean, std, stderr: std === null ? null : std / Math.sqrt(n), min, max, nonFinite };
}

/** The result of Welch's unequal-variances t-test of two groups' means. */
export interface WelchResult {
  /** (mean b − mean a) / √(s²a/na + s²b/nb). */
  t: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number;
  /** Two-sided p-value from Student's t distribution with df degrees of freedom. */
  p: number;
}

/**
 * Welch's t-test (Welch 1947) of `a` against `b`, from their summaries. Null when either group has fewer than two
 * values (no variance to speak of). Both variances zero: the means are equal (p = 1) or the difference is
 * certain (p = 0).
 */
export function welchTTest(
  a: Pick<GroupSummary, 'n' | 'mean' | 'std'>,
  b: Pick<GroupSummary, 'n' | 'mean' | 'std'>,
): WelchResult | null {
  if (a.n < 2 || b.n < 2 || a.mean === null || b.mean === null || a.std === null || b.std === null) return null;
  const va = (a.std * a.std) / a.n;
  const vb = (b.std * b.std) / b.n;
  const diff = b.mean - a.mean;
  const se2 = va + vb;
  if (se2 === 0)
    return diff === 0
      ? { t: 0, df: a.n + b.n - 2, p: 1 }
      : { t: diff > 0 ? Infinity : -Infinity, df: a.n + b.n - 2, p: 0 };
  const t = diff / Math.sqrt(se2);
  const df = (se2 * se2) / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  return { t, df, p: studentTTwoSided(t, df) };
}

/** P(|T| ≥ |t|) for Student's t with `df` degrees of freedom: I_{df/(df+t²)}(df/2, 1/2). */
export function studentTTwoSided(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (!Number.isFinite(t)) return 0;
  return regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** The CDF of Student's t distribution with `df` degrees of freedom at `t`. */
export function studentTCdf(t: number, df: number): number {
  const tail = studentTTwoSided(t, df) / 2;
  return t >= 0 ? 1 - tail : tail;
}

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7, n = 9: about 15 significant digits). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * The regularized incomplete beta function I_x(a, b), by its continued fraction (modified Lentz), using the
 * symmetry I_x(a, b) = 1 − I_{1−x}(b, a) where the fraction converges slowly (Numerical Recipes §6.4).
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (Number.isNaN(x) || !(a > 0) || !(b > 0)) return NaN;
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaFraction(x, a, b)) / a;
  return 1 - (Math.exp(lnFront) * betaFraction(1 - x, b, a)) / b;
}

function betaFraction(x: number, a: number, b: number): number {
  const TINY = 1e-300;
  const EPS = 1e-15;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 500; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}
