import { describe, expect, it } from 'vitest';
import { gradCheckLayer } from '../../../engine/gradcheck.ts';
import { Rbf } from '../../../engine/layers/rbf.ts';
import { Rng } from '../../../engine/rng.ts';
import { expectGradientsMatch, uniform } from '../helpers.ts';

describe('Rbf (classic LeNet-5 output units)', () => {
  it('outputs minus the squared distance to each class code', () => {
    const layer = new Rbf('output', 2, 3, 'float64');
    const centers = Float64Array.from([1, 1, -1, 1, 0, -2]);
    layer.bind(centers, new Float64Array(6), 0);
    // x = (1, 2): distances^2 to (1,1), (-1,1), (0,-2) are 1, 4 + 1, 1 + 16
    expect(Array.from(layer.forward(Float64Array.from([1, 2]), 1))).toEqual([-1, -5, -17]);
  });

  it('has center and input gradients that match central differences', () => {
    const layer = new Rbf('output', 6, 4, 'float64');
    const results = gradCheckLayer(layer, uniform(24, 1), uniform(3 * 6, 2), 3, { wholeUpTo: 1000 });
    expect(results.map((r) => [r.tensor, r.checked])).toEqual([['output.centers', 24], ['output.input', 18]]);
    expectGradientsMatch(results);
  });

  it('starts from seeded codes of +-1', () => {
    const layer = new Rbf('output', 84, 10, 'float64');
    const centers = new Float64Array(840);
    layer.bind(centers, new Float64Array(840), 0);
    layer.init(new Rng(1));
    expect(centers.every((v) => v === 1 || v === -1)).toBe(true);
    expect(centers.filter((v) => v === 1).length).toBeGreaterThan(840 * 0.4);
    expect(centers.filter((v) => v === 1).length).toBeLessThan(840 * 0.6);
  });
});
