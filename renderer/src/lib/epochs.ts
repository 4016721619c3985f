// The rows a run trains on, for the epochs' default (main/trainer/epochs.ts), which the studio
// shows until the user sets the epochs.

/** Rows that train: the split's share (all of them with a separate validation file), at most `limit`. */
export function trainingRows(rows: number, valSplit: number, separateValidation: boolean, limit: number | null): number {
  const train = separateValidation ? rows : rows - Math.round(rows * valSplit);
  return limit === null ? train : Math.min(limit, train);
}
