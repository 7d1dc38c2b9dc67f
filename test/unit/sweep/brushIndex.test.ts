import assert from 'node:assert/strict';
import { brushBetween, selectRuns, type Brush } from '../../../src/core/sweep/brush';
import { BrushIndex } from '../../../src/core/sweep/brushIndex';
import { prng } from '../../helpers/writers/tabular';

/** The runs inside every range, by a plain loop over the positions (no sorting, no counters). */
function inside(positions: Float64Array[], n: number, brushes: readonly Brush[]): number[] {
  const last = new Map(brushes.map((b) => [b.axis, b]));
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let ok = true;
    for (const b of last.values()) {
      const p = positions[b.axis]![i]!;
      if (!(p >= Math.min(b.lo, b.hi) && p <= Math.max(b.lo, b.hi))) ok = false;
    }
    if (ok) out.push(i);
  }
  return out;
}

describe('sweep: incremental brushing (sorted axes, per-run counters) selects exactly the runs inside every range', () => {
  const rand = prng(11);
  const n = 3000;
  const axes = 5;
  // Continuous, few-valued (ties: categories, a grid of integers) and sparse (missing values) axes.
  const positions = Array.from({ length: axes }, (_, a) =>
    Float64Array.from({ length: n }, (_, i) => {
      if (a === 3 && i % 7 === 0) return NaN;
      if (a === 1) return Math.floor(rand() * 4) / 3;
      if (a === 2) return Math.floor(rand() * 11) / 10;
      return rand();
    }),
  );
  const ids = (mask: Uint8Array): number[] => [...mask.keys()].filter((i) => mask[i]);

  it('a random sequence of drags, moves, new axes and cleared axes matches an independent filter after every step', () => {
    const index = new BrushIndex(positions, n);
    const shadow = new Uint8Array(n).fill(1); // replayed from the flips alone
    let brushes: Brush[] = [];
    for (let step = 0; step < 400; step++) {
      const r = rand();
      if (r < 0.1 && brushes.length) brushes = brushes.slice(1);
      else {
        const axis = Math.floor(rand() * axes);
        const old = brushes.find((b) => b.axis === axis);
        // mostly small moves of one end (a drag), sometimes a brush anywhere, sometimes an exact tie value
        const b =
          old && r < 0.7
            ? brushBetween(axis, old.lo, old.hi + (rand() - 0.5) * 0.1)
            : brushBetween(axis, rand(), rand());
        if (r > 0.95) b.lo = b.hi = 2 / 3;
        brushes = [...brushes.filter((x) => x.axis !== axis), b];
      }
      index.set(brushes, (run, selected) => {
        assert.equal(shadow[run], selected ? 0 : 1, 'a flip reports a change');
        shadow[run] = selected ? 1 : 0;
      });
      const want = inside(positions, n, brushes);
      assert.deepEqual(ids(index.mask), want, `step ${step}`);
      assert.equal(index.count, want.length);
      assert.deepEqual(ids(shadow), want);
      assert.deepEqual(ids(selectRuns(positions, n, brushes).mask), want);
    }
  });

  it('a run without a value on an axis is outside any brush there, and back in when the brush goes', () => {
    const index = new BrushIndex(positions, n);
    index.set([brushBetween(3, 0, 1)]);
    const missing = [...positions[3]!.keys()].filter((i) => Number.isNaN(positions[3]![i]!));
    assert.ok(missing.length > 0);
    for (const i of missing) assert.equal(index.mask[i], 0);
    assert.equal(index.count, n - missing.length);
    index.set([]);
    assert.equal(index.count, n);
  });

  it('a small move of one end flips only the runs between the old and the new end', () => {
    const index = new BrushIndex(positions, n);
    index.set([brushBetween(0, 0.2, 0.6)]);
    let flips = 0;
    index.set([brushBetween(0, 0.2, 0.61)], () => flips++);
    const between = [...positions[0]!].filter((p) => p > 0.6 && p <= 0.61).length;
    assert.equal(flips, between);
    assert.ok(between > 0 && between < n / 50);
  });
});
