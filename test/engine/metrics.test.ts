import { describe, expect, it } from 'vitest';
import { confusionMatrix } from '../../engine/metrics.ts';

describe('confusionMatrix', () => {
  it('counts true class by predicted class, with per-class accuracy worked by hand', () => {
    // true:      0 0 0 1 1 2 2 2 2   (class 3 absent)
    // predicted: 0 1 0 1 2 2 2 0 2
    const truth = [0, 0, 0, 1, 1, 2, 2, 2, 2];
    const predicted = Int32Array.from([0, 1, 0, 1, 2, 2, 2, 0, 2]);
    const { confusion, perClassAccuracy } = confusionMatrix(4, truth.length, (i) => truth[i], predicted);
    expect(confusion).toEqual([
      [2, 1, 0, 0],
      [0, 1, 1, 0],
      [1, 0, 3, 0],
      [0, 0, 0, 0],
    ]);
    expect(perClassAccuracy).toEqual([2 / 3, 1 / 2, 3 / 4, 0]);
  });
});
