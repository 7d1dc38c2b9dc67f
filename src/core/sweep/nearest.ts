// The point nearest the pointer on the Sweep view's scatter, among up to tens of thousands: the points are bucketed
// once per draw into a grid of square cells, and a lookup reads only the cells within its radius. DOM-free, so the
// unit tests hold it to a plain scan.

export class PointGrid {
  private readonly cols: number;
  private readonly rows: number;
  /** Points of cell c: items[start[c] … start[c + 1]). */
  private readonly start: Int32Array;
  private readonly items: Int32Array;

  /** `xs`, `ys`: the points (NaN = not drawn, never found); `cell`: the cell's side, ≈ the usual lookup radius. */
  constructor(
    private readonly xs: ArrayLike<number>,
    private readonly ys: ArrayLike<number>,
    private readonly cell: number,
    width: number,
    height: number,
  ) {
    this.cols = Math.max(1, Math.ceil(width / cell));
    this.rows = Math.max(1, Math.ceil(height / cell));
    const cellOf = new Int32Array(xs.length).fill(-1);
    const counts = new Int32Array(this.cols * this.rows + 1);
    for (let i = 0; i < xs.length; i++) {
      const c = this.cellAt(xs[i]!, ys[i]!);
      if (c < 0) continue;
      cellOf[i] = c;
      counts[c + 1]!++;
    }
    for (let c = 1; c < counts.length; c++) counts[c]! += counts[c - 1]!;
    this.start = counts.slice();
    this.items = new Int32Array(counts[counts.length - 1]!);
    for (let i = 0; i < xs.length; i++) if (cellOf[i]! >= 0) this.items[counts[cellOf[i]!]!++] = i;
  }

  /** The cell of a point, −1 when it is not a drawn point or lies outside the grid. */
  private cellAt(x: number, y: number): number {
    if (!(x >= 0 && y >= 0)) return -1;
    const cx = Math.floor(x / this.cell);
    const cy = Math.floor(y / this.cell);
    return cx < this.cols && cy < this.rows ? cy * this.cols + cx : -1;
  }

  /** The index of the point nearest (x, y) within `radius`, or −1; ties go to the lower index. */
  nearest(x: number, y: number, radius: number): number {
    const c0 = Math.max(0, Math.floor((x - radius) / this.cell));
    const c1 = Math.min(this.cols - 1, Math.floor((x + radius) / this.cell));
    const r0 = Math.max(0, Math.floor((y - radius) / this.cell));
    const r1 = Math.min(this.rows - 1, Math.floor((y + radius) / this.cell));
    let best = -1;
    let bestD = radius * radius;
    for (let r = r0; r <= r1; r++)
      for (let c = c0; c <= c1; c++) {
        const cell = r * this.cols + c;
        for (let k = this.start[cell]!; k < this.start[cell + 1]!; k++) {
          const i = this.items[k]!;
          const d = (this.xs[i]! - x) ** 2 + (this.ys[i]! - y) ** 2;
          if (d < bestD || (d === bestD && (best < 0 || i < best))) {
            best = i;
            bestD = d;
          }
        }
      }
    return best;
  }
}
