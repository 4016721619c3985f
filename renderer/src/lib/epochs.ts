// How long a run is unless the user says: a set of 150 rows makes 4 steps an epoch, so a fixed
// epoch count that suits MNIST stops a toy set long before it has learnt anything.

/** Rows that train: the split's share (all of them with a separate validation file), at most `limit`. */
export function trainingRows(rows: number, valSplit: number, separateValidation: boolean, limit: number | null): number {
  const train = separateValidation ? rows : rows - Math.round(rows * valSplit);
  return limit === null ? train : Math.min(limit, train);
}

/** At least `least` epochs, and as many as make `steps` mini-batch steps on a small dataset (the
 *  CLI's train does the same), within the epochs field's 1 to 1,000. */
export function defaultEpochs(trainRows: number, batchSize: number, least = 3, steps = 1000): number {
  const stepsPerEpoch = Math.max(1, Math.ceil(trainRows / batchSize));
  return Math.min(1000, Math.max(least, Math.ceil(steps / stepsPerEpoch)));
}
