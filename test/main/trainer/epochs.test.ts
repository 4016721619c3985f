import { describe, expect, it } from 'vitest';
import { defaultEpochs } from '../../../main/trainer/epochs.ts';

describe('default epochs', () => {
  it('gives a small set enough epochs for 1,000 steps, and a big one the least asked', () => {
    expect(defaultEpochs(120, 32, 3)).toBe(250); // Iris: 4 steps an epoch
    expect(defaultEpochs(240, 32, 3)).toBe(125); // a toy 2-D set of 300 rows: 8 steps an epoch
    expect(defaultEpochs(240, 8, 3)).toBe(34); // 30 steps an epoch: 34 x 30 = 1,020
    expect(defaultEpochs(8000, 32, 3)).toBe(4); // MNIST's built-in 10,000: 250 steps an epoch
    expect(defaultEpochs(8000, 32, 5)).toBe(5); // the same in the CLI, whose least is 5
    expect(defaultEpochs(48_000, 32, 3)).toBe(3); // 1,500 steps an epoch: the least
    expect(defaultEpochs(5, 32, 3)).toBe(1000); // one step an epoch: 1,000, the field's largest
    expect(defaultEpochs(120, 32, 3, 100)).toBe(25); // fewer steps asked
  });
});
