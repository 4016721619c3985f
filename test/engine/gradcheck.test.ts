import { describe, expect, it } from 'vitest';
import { gradCheck, gradCheckLayer, relativeError } from '../../engine/gradcheck.ts';
import type { Floats } from '../../engine/kernels.ts';
import { Dense } from '../../engine/layers/dense.ts';
import { Model } from '../../engine/model.ts';
import { PRESETS } from '../../engine/spec.ts';
import { uniform } from './helpers.ts';

/** A dense layer whose bias gradient is 1 % too large: the kind of slip a gradient check is for. */
class SlightlyWrongDense extends Dense {
  backward(dy: Floats, batch: number, needInputGrad: boolean): Floats | null {
    const dx = super.backward(dy, batch, needInputGrad);
    const grads = (this as unknown as { dBias: Floats }).dBias;
    for (let r = 0; r < batch; r++) for (let i = 0; i < this.outputs; i++) grads[i] += 0.01 * dy[r * this.outputs + i];
    return dx;
  }
}

describe('gradient checking', () => {
  it('measures |a - n| / max(1e-8, |a| + |n|)', () => {
    expect(relativeError(1, 1)).toBe(0);
    expect(relativeError(1, 0)).toBe(1);
    expect(relativeError(0, 0)).toBe(0);
    expect(relativeError(1e-9, 0)).toBeCloseTo(0.1, 12);
    expect(relativeError(1.01, 0.99)).toBeCloseTo(0.01, 12);
  });

  it('catches a wrong gradient in one tensor and passes the others', () => {
    const layer = new SlightlyWrongDense('fc', 4, 3, 'float64');
    const results = gradCheckLayer(layer, uniform(15, 1), uniform(2 * 4, 2), 2);
    const error = Object.fromEntries(results.map((r) => [r.tensor, r.maxRelError]));
    expect(error['fc.bias']).toBeGreaterThan(1e-3);
    expect(error['fc.weight']).toBeLessThan(1e-6);
    expect(error['fc.input']).toBeLessThan(1e-6);
  });

  it('checks small tensors whole and samples large ones, the same positions for the same seed', () => {
    const spec = { ...PRESETS.mlp, inputs: 30, hidden: [20], classes: 3 };
    const model = Model.create(spec);
    model.init(1);
    const x = uniform(2 * 30, 3);
    const run = (seed: number) => gradCheck(spec, model.params, x, [0, 2], 2, { samples: 10, wholeUpTo: 60, seed });
    expect(run(1).map((r) => [r.tensor, r.checked])).toEqual([
      ['hidden.weight', 10], ['hidden.bias', 20], ['output.weight', 60], ['output.bias', 3],
    ]);
    expect(run(1)).toEqual(run(1));
    expect(run(1)[0].maxRelError).not.toBe(run(2)[0].maxRelError);
  });
});
