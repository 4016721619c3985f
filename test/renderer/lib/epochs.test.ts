import { describe, expect, it } from 'vitest';
import { defaultEpochs, trainingRows } from '../../../renderer/src/lib/epochs.ts';

describe('default epochs', () => {
  it('counts the rows that train: the split taken off, all with a separate file, at most the limit', () => {
    expect(trainingRows(150, 0.2, false, null)).toBe(120);
    expect(trainingRows(10_000, 0.2, false, null)).toBe(8000);
    expect(trainingRows(10_000, 0.2, true, null)).toBe(10_000);
    expect(trainingRows(10_000, 0.2, false, 3000)).toBe(3000);
    expect(trainingRows(150, 0.2, false, 3000)).toBe(120);
  });

  it('gives a small set enough epochs for 1,000 steps, and a big one at least 3', () => {
    expect(defaultEpochs(120, 32)).toBe(250); // Iris: 4 steps an epoch
    expect(defaultEpochs(240, 32)).toBe(125); // a toy 2-D set of 300 rows: 8 steps an epoch
    expect(defaultEpochs(240, 8)).toBe(34); // 30 steps an epoch: 34 x 30 = 1,020
    expect(defaultEpochs(8000, 32)).toBe(4); // MNIST's built-in 10,000: 250 steps an epoch
    expect(defaultEpochs(48_000, 32)).toBe(3); // 1,500 steps an epoch: the least
    expect(defaultEpochs(5, 32)).toBe(1000); // one step an epoch: 1,000, the field's largest
  });
});
