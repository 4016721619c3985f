// Chart data that only grows: column arrays in uPlot's layout ([x, y1, y2, ...]), appended to in
// place so a chart update hands uPlot the same arrays rather than rebuilding them.

export interface LineStyle {
  label: string;
  color: string;
  dash?: number[];
  points?: boolean; // markers, for sparse series such as one value per epoch
}

export class Columns {
  readonly data: (number | null)[][];

  constructor(ys: number) {
    this.data = Array.from({ length: ys + 1 }, () => []);
  }

  get length(): number {
    return this.data[0].length;
  }

  /** One row: x then each y (null leaves a gap, e.g. validation loss between epoch ends). */
  push(x: number, ...ys: (number | null)[]): void {
    this.data[0].push(x);
    for (let i = 1; i < this.data.length; i++) this.data[i].push(ys[i - 1] ?? null);
  }

  /** Replaces the last row's y values if its x is `x` (a late value for the same step). */
  setLast(x: number, column: number, y: number): boolean {
    const n = this.length;
    if (n === 0 || this.data[0][n - 1] !== x) return false;
    this.data[column][n - 1] = y;
    return true;
  }

  clear(): void {
    for (const column of this.data) column.length = 0;
  }
}
