import { describe, expect, it } from 'vitest';
import { gradCheckLayer } from '../../../engine/gradcheck.ts';
import { Subsample } from '../../../engine/layers/subsample.ts';
import { expectGradientsMatch, uniform } from '../helpers.ts';

describe('Subsample (classic LeNet-5 S2/S4)', () => {
  it('computes coef * sum(window) + bias per map', () => {
    const layer = new Subsample('s2', 2, 2, 2, 2, 'float64');
    const params = Float64Array.from([0.5, -2, 1, 3]); // coef [0.5, -2], bias [1, 3]
    layer.bind(params, new Float64Array(4), 0);
    const y = layer.forward(Float64Array.from([1, 2, 3, 4, 1, 1, 1, -1]), 1);
    expect(Array.from(y)).toEqual([0.5 * 10 + 1, -2 * 2 + 3]);
  });

  it('has coef, bias and input gradients that match central differences', () => {
    const layer = new Subsample('s2', 3, 4, 6, 2, 'float64');
    const results = gradCheckLayer(layer, uniform(6, 1), uniform(2 * 3 * 4 * 6, 2), 2, { wholeUpTo: 1000 });
    expect(results.map((r) => [r.tensor, r.checked])).toEqual([['s2.coef', 3], ['s2.bias', 3], ['s2.input', 144]]);
    expectGradientsMatch(results);
  });
});
