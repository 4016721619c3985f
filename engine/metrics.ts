// The confusion matrix of a set of predictions, shared by the trainer's epoch reports and `eval`.

/** Rows: true class, columns: predicted class. Per-class accuracy is the diagonal over the row's
 *  total, 0 for a class with no rows. */
export function confusionMatrix(classes: number, rows: number, trueClass: (i: number) => number,
  predicted: ArrayLike<number>): { confusion: number[][]; perClassAccuracy: number[] } {
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < rows; i++) confusion[trueClass(i)][predicted[i]]++;
  const perClassAccuracy = confusion.map((row, c) => row[c] / Math.max(1, row.reduce((a, b) => a + b, 0)));
  return { confusion, perClassAccuracy };
}
