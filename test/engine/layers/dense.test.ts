import { describe, expect, it } from 'vitest';
import { gradCheckLayer } from '../../../engine/gradcheck.ts';
import { Dense } from '../../../engine/layers/dense.ts';
import { expectGradientsMatch, uniform } from '../helpers.ts';

describe('Dense', () => {
  const [inputs, outputs, batch] = [5, 4, 3];
  const make = () => {
    const layer = new Dense('fc', inputs, outputs, 'float64');
    const params = uniform(outputs * inputs + outputs, 1);
    layer.bind(params, new Float64Array(params.length), 0);
    return { layer, params };
  };

  it('computes o = W x + b for every row', () => {
    const { layer, params } = make();
    const x = uniform(batch * inputs, 2);
    const y = layer.forward(x, batch);
    for (let r = 0; r < batch; r++) {
      for (let i = 0; i < outputs; i++) {
        let o = params[outputs * inputs + i];
        for (let j = 0; j < inputs; j++) o += params[i * inputs + j] * x[r * inputs + j];
        expect(y[r * outputs + i]).toBeCloseTo(o, 12);
      }
    }
  });

  it('has weight, bias and input gradients that match central differences', () => {
    const { layer, params } = make();
    const results = gradCheckLayer(layer, params, uniform(batch * inputs, 3), batch, { wholeUpTo: 1000 });
    expect(results.map((r) => [r.tensor, r.checked])).toEqual([['fc.weight', 20], ['fc.bias', 4], ['fc.input', 15]]);
    expectGradientsMatch(results);
  });

  it('writes the gradient whatever the views held (no zeroing pass needed), and skips dx when not needed', () => {
    const { layer, params } = make();
    const grads = new Float64Array(params.length);
    layer.bind(params, grads, 0);
    const x = uniform(batch * inputs, 4), dy = uniform(batch * outputs, 5);
    layer.forward(x, batch);
    expect(layer.backward(dy, batch, false)).toBeNull();
    const once = grads.slice();
    expect(once.some((g) => g !== 0)).toBe(true);
    grads.fill(7);
    layer.backward(dy, batch, false);
    expect(Array.from(grads)).toEqual(Array.from(once));
  });
});
