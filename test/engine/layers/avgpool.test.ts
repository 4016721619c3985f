import { describe, expect, it } from 'vitest';
import { gradCheckLayer } from '../../../engine/gradcheck.ts';
import { AvgPool } from '../../../engine/layers/avgpool.ts';
import { expectGradientsMatch, uniform } from '../helpers.ts';

describe('AvgPool 2x2', () => {
  it('averages each window and gives each input a quarter of its gradient', () => {
    // one map 3 x 4: the last row belongs to no window (floor(3 / 2) = 1 row of windows)
    const layer = new AvgPool('pool', 1, 3, 4, 2, 'float64');
    const x = Float64Array.from([1, 5, -1, -4, 3, 2, -2, -3, 9, 9, 9, 9]);
    expect(Array.from(layer.forward(x, 1))).toEqual([11 / 4, -10 / 4]);
    expect(Array.from(layer.backward(Float64Array.from([8, 4]), 1, true)!)).toEqual([2, 2, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0]);
  });

  it('has input gradients that match central differences', () => {
    const layer = new AvgPool('pool', 2, 4, 6, 2, 'float64');
    const results = gradCheckLayer(layer, new Float64Array(0), uniform(3 * 2 * 4 * 6, 1), 3, { wholeUpTo: 1000 });
    expect(results.map((r) => [r.tensor, r.checked])).toEqual([['pool.input', 144]]);
    expectGradientsMatch(results);
  });
});
