// How a tensor is shown: numbers while a reader can take them in, colours beyond. Pure, so the
// choices are unit-tested and the components only lay them out.

/** Matrices up to this many rows and columns are numeric grids; vectors show this many values first. */
export const FEW = 12;

export type TensorDisplay = 'scalar' | 'vector' | 'grid' | 'heatmap' | 'maps' | 'kernels';

/** [] a number; [n] or [C, 1, 1] (C5's maps) a vector; [r, c] a grid or, past FEW, a heatmap;
 *  [C, H, W] one image per channel; [O, I, H, W] a grid of kernel images, or past 16 rows of
 *  them (C5's 120) a heatmap of O rows, tiles that small being more gap than kernel. */
export function displayOf(shape: number[]): TensorDisplay {
  if (shape.length === 0) return 'scalar';
  if (shape.length === 1 || (shape.length === 3 && shape[1] * shape[2] === 1)) return 'vector';
  if (shape.length === 2) return shape[0] <= FEW && shape[1] <= FEW ? 'grid' : 'heatmap';
  if (shape.length === 3) return 'maps';
  return shape[0] <= 16 ? 'kernels' : 'heatmap';
}

/** The smallest and largest value (0 and 0 for none). */
export function extent(values: ArrayLike<number>): { min: number; max: number } {
  if (values.length === 0) return { min: 0, max: 0 };
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
  }
  return { min, max };
}

/** The largest whole zoom (at most `most`) at which a width x height image fits the box; at least 1
 *  (a wider image is shrunk to its panel's width by PixelImage). */
export function fitZoom(width: number, height: number, box = { width: 640, height: 400 }, most = 4): number {
  return Math.max(1, Math.min(most, Math.floor(box.width / width), Math.floor(box.height / height)));
}
