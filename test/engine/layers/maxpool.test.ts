import { describe, expect, it } from 'vitest';
import { gradCheckLayer } from '../../../engine/gradcheck.ts';
import { MaxPool } from '../../../engine/layers/maxpool.ts';
import { expectGradientsMatch, uniform } from '../helpers.ts';

describe('MaxPool 2x2', () => {
  it('takes each window maximum and sends the gradient to it alone', () => {
    const layer = new MaxPool('pool', 1, 2, 4, 2, 'float64');
    // one map 2 x 4: windows [1 5 / 3 2] and [-1 -4 / -2 -3]
    const x = Float64Array.from([1, 5, -1, -4, 3, 2, -2, -3]);
    expect(Array.from(layer.forward(x, 1))).toEqual([5, -1]);
    expect(Array.from(layer.backward(Float64Array.from([10, 20]), 1, true)!)).toEqual([0, 10, 20, 0, 0, 0, 0, 0]);
  });

  it('breaks ties by the first position in scan order', () => {
    const layer = new MaxPool('pool', 1, 2, 2, 2, 'float64');
    layer.forward(Float64Array.from([1, 7, 7, 7]), 1);
    expect(Array.from(layer.backward(Float64Array.from([3]), 1, true)!)).toEqual([0, 3, 0, 0]);
  });

  it('has input gradients that match central differences (no ties in the data)', () => {
    const layer = new MaxPool('pool', 3, 6, 4, 2, 'float64');
    expect(layer.outShape).toEqual([3, 3, 2]);
    const results = gradCheckLayer(layer, new Float64Array(0), uniform(2 * 3 * 6 * 4, 1), 2, { wholeUpTo: 1000 });
    expect(results.map((r) => [r.tensor, r.checked])).toEqual([['pool.input', 144]]);
    expectGradientsMatch(results);
  });
});
