import assert from 'node:assert/strict';
import { PointGrid } from '../../../src/core/sweep/nearest';
import { prng } from '../../helpers/writers/tabular';

/** The nearest point within the radius by a scan of every point (ties to the lower index). */
function scan(xs: Float64Array, ys: Float64Array, x: number, y: number, radius: number): number {
  let best = -1;
  let bestD = radius * radius;
  for (let i = 0; i < xs.length; i++) {
    if (Number.isNaN(xs[i]!) || Number.isNaN(ys[i]!)) continue;
    const d = (xs[i]! - x) ** 2 + (ys[i]! - y) ** 2;
    if (d < bestD || (d === bestD && best < 0)) {
      best = i;
      bestD = d;
    }
  }
  return best;
}

describe('sweep: the scatter point nearest the pointer (a grid of cells)', () => {
  const rand = prng(5);
  const n = 10_000;
  const W = 600;
  const H = 300;
  // clustered points (many runs on one category) and points not drawn (NaN)
  const xs = Float64Array.from({ length: n }, (_, i) => (i % 17 === 0 ? NaN : i % 3 ? rand() * W : 100 + rand() * 4));
  const ys = Float64Array.from({ length: n }, () => rand() * H);
  const grid = new PointGrid(xs, ys, 12, W, H);

  it('finds what a scan of every point finds, at random spots, radii and the edges', () => {
    for (let k = 0; k < 3000; k++) {
      const x = rand() * (W + 40) - 20;
      const y = rand() * (H + 40) - 20;
      const radius = [3, 8, 12, 30][k % 4]!;
      assert.equal(grid.nearest(x, y, radius), scan(xs, ys, x, y, radius), `at ${x}, ${y} within ${radius}`);
    }
  });

  it('finds nothing far from every point, and never a point not drawn', () => {
    const lone = new PointGrid(Float64Array.of(10, NaN), Float64Array.of(10, 50), 12, 100, 100);
    assert.equal(lone.nearest(50, 50, 8), -1);
    assert.equal(lone.nearest(12, 11, 8), 0);
  });
});
