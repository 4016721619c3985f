// How many epochs a run has when the user does not say (the studio until its field is set, `train`
// without --epochs): a count that suits MNIST (250 steps an epoch) stops a toy set of 150 rows
// (4 steps an epoch) long before it has learnt anything, so small sets get enough for `steps` steps.

/** At least `least` epochs, and as many as make `steps` mini-batch steps on a small dataset, up to
 *  1,000 (the studio's epochs field's largest). */
export function defaultEpochs(trainRows: number, batchSize: number, least: number, steps = 1000): number {
  const stepsPerEpoch = Math.max(1, Math.ceil(trainRows / batchSize));
  return Math.min(1000, Math.max(least, Math.ceil(steps / stepsPerEpoch)));
}
