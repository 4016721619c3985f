import { describe, expect, it } from 'vitest';
import { digitInput } from '../../../renderer/src/lib/predict.ts';
import { boundingBox, type Gray } from '../../../renderer/src/lib/digit.ts';

const stroke: Gray = (() => {
  const data = new Float32Array(100 * 100);
  for (let y = 20; y < 80; y++) for (let x = 45; x < 55; x++) data[y * 100 + x] = 1;
  return { width: 100, height: 100, data };
})();

describe('digitInput', () => {
  it('gives 784 values in the dataset pixel scale for a 28x28 MLP', () => {
    const row = digitInput(stroke, 28, 28, 784, 255);
    expect(row.length).toBe(784);
    expect(Math.max(...row)).toBeCloseTo(255, 3);
  });

  it('pads the 28x28 digit to 32x32 for LeNet-5, two blank pixels each side', () => {
    const row = digitInput(stroke, 28, 28, 1024, 1);
    expect(row.length).toBe(1024);
    const box = boundingBox({ width: 32, height: 32, data: row })!;
    expect(box.height).toBe(20);
    expect(box.y).toBeGreaterThanOrEqual(2 + 4); // 20 px tall centred in 28 starts at 4, plus the pad
    for (let i = 0; i < 32; i++) expect(row[i] + row[32 + i] + row[31 * 32 + i]).toBe(0);
  });
});
