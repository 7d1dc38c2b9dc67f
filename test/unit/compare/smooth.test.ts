import * as assert from 'node:assert/strict';
import { smoothEma, smoothEmaAt } from '../../../src/core/compare/smooth';

/** TensorBoard's classicSmoothing, transcribed literally as the reference. */
function reference(values: number[], w: number): number[] {
  let last = 0;
  let numAccum = 0;
  if (values.every((v) => v == values[0])) return values;
  return values.map((v) => {
    if (!Number.isFinite(v)) return v;
    last = last * w + (1 - w) * v;
    numAccum++;
    return last / (w === 1 ? 1 : 1 - Math.pow(w, numAccum));
  });
}

const close = (actual: ArrayLike<number>, expected: number[], eps = 1e-12): void => {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e)) assert.ok(Number.isNaN(a), `[${i}] ${a} is not NaN`);
    else if (!Number.isFinite(e)) assert.equal(a, e, `[${i}]`);
    else assert.ok(Math.abs(a - e) <= eps * Math.max(1, Math.abs(e)), `[${i}] ${a} != ${e}`);
  }
};

describe('smoothEma (TensorBoard debiased EMA)', () => {
  it('matches hand-computed values for 1,2,3,4 at weight 0.5', () => {
    // last: 0.5, 1.25, 2.125, 3.0625; debias: 0.5, 0.75, 0.875, 0.9375
    close(smoothEma([1, 2, 3, 4], 0.5), [1, 1.25 / 0.75, 2.125 / 0.875, 3.0625 / 0.9375]);
  });

  it('starts at the first value (debiasing) and is the identity at weight 0', () => {
    assert.equal(smoothEma([7, 1, 9], 0.9)[0], 7);
    close(smoothEma([3, -1, 4, 1.5], 0), [3, -1, 4, 1.5]);
  });

  it('skips non-finite points: they keep their raw value and do not count', () => {
    const out = smoothEma([1, NaN, 3, Infinity, -Infinity, 5], 0.5);
    // after 1: last 0.5; after 3: last 1.75, debias 0.75; after 5: last 3.375, debias 0.875
    close(out, [1, NaN, 1.75 / 0.75, Infinity, -Infinity, 3.375 / 0.875]);
  });

  it('returns a constant series unchanged (TensorBoard #786)', () => {
    const v = [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1];
    assert.deepEqual([...smoothEma(v, 0.99)], v);
  });

  it('agrees with the reference on a long noisy series at several weights', () => {
    let seed = 42;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const v = Array.from({ length: 5000 }, (_, i) => Math.exp(-i / 1000) + 0.1 * rnd() + (i % 777 === 0 ? NaN : 0));
    for (const w of [0, 0.3, 0.6, 0.9, 0.99]) close(smoothEma(v, w), reference(v, w), 1e-13);
  });

  it('clamps the weight to [0, 1] and treats a non-finite weight as 0', () => {
    close(smoothEma([1, 3], -2), [1, 3]);
    close(smoothEma([1, 3], NaN), [1, 3]);
    // weight 1: TensorBoard's debias is 1 and the average never leaves 0.
    close(smoothEma([1, 3], 5), [0, 0]);
  });

  it('handles empty input', () => {
    assert.equal(smoothEma([], 0.6).length, 0);
  });

  it('smoothEmaAt equals smoothEma at the picked indices (incl. non-finite, constant, weight 0)', () => {
    const v = [3, 1, NaN, 4, 1, 5, Infinity, 9, 2, 6];
    const idx = [0, 2, 3, 6, 9];
    for (const w of [0, 0.5, 0.95])
      close(
        smoothEmaAt(v, w, idx),
        idx.map((i) => smoothEma(v, w)[i]!),
        0,
      );
    close(smoothEmaAt([2, 2, 2], 0.9, [1, 2]), [2, 2]);
    assert.equal(smoothEmaAt(v, 0.5, []).length, 0);
  });
});
