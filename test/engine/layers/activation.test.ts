import { describe, expect, it } from 'vitest';
import { gradCheckLayer } from '../../../engine/gradcheck.ts';
import { Activation, type ActivationKind } from '../../../engine/layers/activation.ts';
import { awayFromZero, expectGradientsMatch } from '../helpers.ts';

const definitions: Record<ActivationKind, (x: number) => number> = {
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: (x) => (Math.exp(x) - Math.exp(-x)) / (Math.exp(x) + Math.exp(-x)),
  relu: (x) => Math.max(0, x),
  'scaled-tanh': (x) => 1.7159 * Math.tanh((2 * x) / 3),
};

describe('Activation', () => {
  for (const kind of Object.keys(definitions) as ActivationKind[]) {
    describe(kind, () => {
      const x = awayFromZero(3 * 7, 1).map((v) => 3 * v); // |x| in [0.3, 3)

      it('applies its definition element-wise', () => {
        const y = new Activation('a', kind, [7], 'float64').forward(x, 3);
        x.forEach((v, i) => expect(y[i]).toBeCloseTo(definitions[kind](v), 12));
      });

      it('has an input gradient that matches central differences', () => {
        const results = gradCheckLayer(new Activation('a', kind, [7], 'float64'), new Float64Array(0), x, 3);
        expect(results.map((r) => [r.tensor, r.checked])).toEqual([['a.input', 21]]);
        expectGradientsMatch(results);
      });
    });
  }

  it('keeps sigmoid finite far out', () => {
    const y = new Activation('a', 'sigmoid', [2], 'float64').forward(Float64Array.from([-1000, 1000]), 1);
    expect(Array.from(y)).toEqual([0, 1]);
  });
});
