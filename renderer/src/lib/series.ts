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

  /** Like push, but fills the last row instead if its x is `x` (nulls keep what is there). */
  upsert(x: number, ...ys: (number | null)[]): void {
    const n = this.length;
    if (n === 0 || this.data[0][n - 1] !== x) return this.push(x, ...ys);
    for (let i = 1; i < this.data.length; i++) if (ys[i - 1] != null) this.data[i][n - 1] = ys[i - 1];
  }

  clear(): void {
    for (const column of this.data) column.length = 0;
  }
}
