// The decision boundary of a 2-D model: a grid of points over the data's range, predicted in one request.

export interface Range2d { xMin: number; xMax: number; yMin: number; yMax: number }

/** The points' range widened by `margin` of its size on every side (a flat axis gets ±1). */
export function paddedRange(xs: ArrayLike<number>, ys: ArrayLike<number>, margin = 0.1): Range2d {
  let xMin = Infinity, xMax = -Infinity, yMin = Infinity, yMax = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    xMin = Math.min(xMin, xs[i]); xMax = Math.max(xMax, xs[i]);
    yMin = Math.min(yMin, ys[i]); yMax = Math.max(yMax, ys[i]);
  }
  const widen = (lo: number, hi: number): [number, number] => {
    if (!(hi > lo)) return [lo - 1, lo + 1];
    const d = (hi - lo) * margin;
    return [lo - d, hi + d];
  };
  const [x0, x1] = widen(xMin, xMax), [y0, y1] = widen(yMin, yMax);
  return { xMin: x0, xMax: x1, yMin: y0, yMax: y1 };
}

/**
 * The centres of an n x n grid of cells covering the range, row by row from the TOP (largest y)
 * so that row r of the result is row r of the canvas: rows of [x, y].
 */
export function gridRows(range: Range2d, n: number): number[][] {
  const rows: number[][] = [];
  const dx = (range.xMax - range.xMin) / n, dy = (range.yMax - range.yMin) / n;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) rows.push([range.xMin + (c + 0.5) * dx, range.yMax - (r + 0.5) * dy]);
  }
  return rows;
}
