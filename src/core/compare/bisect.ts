// Binary searches over ascending steps, shared by the host's aggregation and step values and the page's charts.

/** First index with x[i] >= v (x ascending). */
export function lowerBound(x: ArrayLike<number>, v: number): number {
  let a = 0;
  let b = x.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (x[m]! < v) a = m + 1;
    else b = m;
  }
  return a;
}

/** First index with x[i] > v (x ascending). */
export function upperBound(x: ArrayLike<number>, v: number): number {
  let a = 0;
  let b = x.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (x[m]! <= v) a = m + 1;
    else b = m;
  }
  return a;
}
