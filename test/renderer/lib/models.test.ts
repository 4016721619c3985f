import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, ARCHITECTURES, buildSpec, CONV_ACTIVATIONS, PAIRINGS, type ModelChoices } from '../../../renderer/src/lib/models.ts';
import { parseSpec, PRESETS } from '../../../engine/spec.ts';

const defaults: ModelChoices = { architecture: 'mlp', hidden: [128], activation: 'sigmoid', convActivation: 'relu', pooling: 'max', pairing: 0 };

describe('buildSpec', () => {
  it('makes the seed network from the default choices on MNIST', () => {
    expect(buildSpec(defaults, 784, 10)).toEqual(PRESETS.mlp);
  });

  it('makes the LeNet-5 presets', () => {
    expect(buildSpec({ ...defaults, architecture: 'lenet5' }, 784, 10)).toEqual(PRESETS.lenet5);
    expect(buildSpec({ ...defaults, architecture: 'lenet5-classic', convActivation: 'scaled-tanh' }, 784, 10)).toEqual(PRESETS['lenet5-classic']);
  });

  it('offers only combinations the engine accepts', () => {
    let count = 0;
    for (const a of ARCHITECTURES) {
      const activations = a.value === 'mlp' ? ACTIVATIONS : CONV_ACTIVATIONS;
      for (const act of activations) {
        for (let pairing = 0; pairing < PAIRINGS.length; pairing++) {
          for (const pooling of ['max', 'avg'] as const) {
            const choices = { ...defaults, architecture: a.value, hidden: [16, 8], pairing, pooling, activation: act.value, convActivation: act.value } as ModelChoices;
            expect(() => parseSpec(buildSpec(choices, 784, 10))).not.toThrow();
            count++;
          }
        }
      }
    }
    expect(count).toBe((3 + 4 + 4) * PAIRINGS.length * 2);
  });

  it('copies the hidden widths, so later edits to the choices do not change a sent spec', () => {
    const hidden = [4];
    const spec = buildSpec({ ...defaults, hidden }, 2, 2);
    hidden[0] = 99;
    expect(spec.type === 'mlp' && spec.hidden).toEqual([4]);
  });
});
