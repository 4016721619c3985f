import { describe, expect, it } from 'vitest';
import { trainingRows } from '../../../renderer/src/lib/epochs.ts';

describe('training rows', () => {
  it('counts the rows that train: the split taken off, all with a separate file, at most the limit', () => {
    expect(trainingRows(150, 0.2, false, null)).toBe(120);
    expect(trainingRows(10_000, 0.2, false, null)).toBe(8000);
    expect(trainingRows(10_000, 0.2, true, null)).toBe(10_000);
    expect(trainingRows(10_000, 0.2, false, 3000)).toBe(3000);
    expect(trainingRows(150, 0.2, false, 3000)).toBe(120);
  });
});
