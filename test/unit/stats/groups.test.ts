import assert from 'node:assert/strict';
import { seedMatcher } from '../../../src/core/compare/seeds';
import {
  logGamma,
  regularizedIncompleteBeta,
  studentTCdf,
  summarize,
  welchTTest,
} from '../../../src/core/stats/groups';

const close = (actual: number, expected: number, tol: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (± ${tol})`);

describe('stats: group summaries and Welch’s t-test', () => {
  it('summarises a group: mean, sample std (n − 1), standard error, min, max, n; non-finite values counted apart', () => {
    const s = summarize([2, 4, 4, 4, 5, 5, 7, 9, NaN]);
    assert.equal(s.n, 8);
    assert.equal(s.mean, 5);
    close(s.std!, Math.sqrt(32 / 7), 1e-12, 'std');
    close(s.stderr!, Math.sqrt(32 / 7) / Math.sqrt(8), 1e-12, 'stderr');
    assert.deepEqual([s.min, s.max, s.nonFinite], [2, 9, 1]);
    assert.deepEqual(summarize([3]), { n: 1, mean: 3, std: null, stderr: null, min: 3, max: 3, nonFinite: 0 });
    assert.equal(summarize([]).mean, null);
  });

  it('ln Γ and the regularized incomplete beta match closed forms', () => {
    close(logGamma(5), Math.log(24), 1e-13, 'lnΓ(5)');
    close(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-13, 'lnΓ(1/2)');
    // I_x(1, b) = 1 − (1 − x)^b and I_x(a, 1) = x^a
    close(regularizedIncompleteBeta(0.3, 1, 4), 1 - 0.7 ** 4, 1e-14, 'I_0.3(1,4)');
    close(regularizedIncompleteBeta(0.8, 3, 1), 0.8 ** 3, 1e-14, 'I_0.8(3,1)');
    close(regularizedIncompleteBeta(0.5, 7, 7), 0.5, 1e-14, 'symmetry');
  });

  it('the t distribution’s CDF gives the textbook table’s critical values', () => {
    // Two-sided 5 % critical values of Student's t (any statistics textbook's table, e.g. NIST/SEMATECH e-Handbook
    // §1.3.6.7.2): df 1 → 12.706, 2 → 4.303, 5 → 2.571, 10 → 2.228, 30 → 2.042; one-sided 5 %, df 5 → 2.015.
    for (const [df, t] of [
      [1, 12.706],
      [2, 4.303],
      [5, 2.571],
      [10, 2.228],
      [30, 2.042],
    ] as const)
      close(studentTCdf(t, df), 0.975, 5e-5, `t(${df})`);
    close(studentTCdf(2.015, 5), 0.95, 5e-5, 't(5) one-sided');
    close(studentTCdf(-2.228, 10), 0.025, 5e-5, 'lower tail');
    // df = 1 is the Cauchy distribution: F(t) = 1/2 + atan(t)/π exactly.
    close(studentTCdf(0.7, 1), 0.5 + Math.atan(0.7) / Math.PI, 1e-13, 'Cauchy');
  });

  it('Welch’s t-test reproduces R’s worked example (t.test, Welch Two Sample t-test)', () => {
    // R: ts1 = c(11,9,10,11,10,12,9,11,12,9); ts2 = c(11,13,10,13,12,9,11,12,12,11); t.test(ts1, ts2)
    //    t = -1.8325, df = 17.9, p-value = 0.08356
    const a = summarize([11, 9, 10, 11, 10, 12, 9, 11, 12, 9]);
    const b = summarize([11, 13, 10, 13, 12, 9, 11, 12, 12, 11]);
    const w = welchTTest(b, a)!; // R tests x − y with x = ts1: mean(ts1) − mean(ts2); ours is second − first
    close(w.t, -1.8325, 5e-5, 't');
    close(w.df, 17.9, 0.05, 'df');
    close(w.p, 0.08356, 5e-6, 'p');
  });

  it('Welch’s t-test reproduces Minitab’s worked example from summary statistics', () => {
    // Minitab two-sample T (Welch): n 50, mean 100.0, sd 27.5 vs n 60, mean 108.1, sd 24.3 → T = −1.62, P = 0.108, DF = 98
    const w = welchTTest({ n: 60, mean: 108.1, std: 24.3 }, { n: 50, mean: 100.0, std: 27.5 })!;
    close(w.t, -1.62, 0.005, 't');
    assert.equal(Math.floor(w.df), 98, 'Minitab truncates the df');
    close(w.p, 0.108, 0.0005, 'p');
  });

  it('needs two values a side; zero variance gives a certain or no difference', () => {
    assert.equal(welchTTest(summarize([1]), summarize([1, 2])), null);
    assert.equal(welchTTest(summarize([1, 1]), summarize([1, 1]))!.p, 1);
    assert.equal(welchTTest(summarize([1, 1]), summarize([2, 2]))!.p, 0);
  });

  it('seed-like params: seed, random_seed, *_seed, rng*, nested keys; configurable', () => {
    const isSeed = seedMatcher();
    for (const k of ['seed', 'SEED', 'random_seed', 'data_seed', 'trainer.seed', 'model/init_seed', 'rng', 'rng_state'])
      assert.ok(isSeed(k), k);
    for (const k of ['seeds_used', 'lr', 'seedling', 'strong']) assert.ok(!isSeed(k), k);
    assert.ok(seedMatcher(['fold'])('fold') && !seedMatcher(['fold'])('seed'));
  });
});
