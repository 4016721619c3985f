import { describe, expect, it } from 'vitest';
import { inputSize, outputLossPairingError, parseSpec, PRESETS } from '../../engine/spec.ts';
import { errorOf } from './helpers.ts';

const mlp = PRESETS.mlp;
const modern = PRESETS.lenet5;
const classic = PRESETS['lenet5-classic'];

const messageOf = (value: unknown, source?: string) => errorOf(() => parseSpec(value, source));

describe('parseSpec', () => {
  it('accepts the presets and the examples of weights-format.md unchanged', () => {
    for (const p of Object.values(PRESETS)) expect(parseSpec(structuredClone(p))).toEqual(p);
    const iris = { type: 'mlp', inputs: 4, hidden: [8], classes: 3, activation: 'sigmoid', output: 'softmax', loss: 'cross-entropy' };
    expect(parseSpec(iris)).toEqual(iris);
    const deep = { ...iris, hidden: [16, 8, 4], activation: 'relu', output: 'identity', loss: 'l2' };
    expect(parseSpec(deep)).toEqual(deep);
    const avg = { ...modern, pooling: 'avg', activation: 'tanh', output: 'sigmoid', loss: 'l2' };
    expect(parseSpec(avg)).toEqual(avg);
    expect(parseSpec({ ...classic, rbf: true })).toEqual({ ...classic, rbf: true });
  });

  it.each([
    [{ ...mlp, hidden: [-3] }, 'model: hidden[0]: expected a positive integer, got -3'],
    [{ ...mlp, hidden: [128, 0] }, 'model: hidden[1]: expected a positive integer, got 0'],
    [{ ...mlp, hidden: [] }, 'model: hidden: expected at least one hidden layer width, got 0'],
    [{ ...mlp, hidden: 128 }, 'model: hidden: expected an array of layer widths, got 128'],
    [{ ...mlp, inputs: 2.5 }, 'model: inputs: expected a positive integer, got 2.5'],
    [{ ...mlp, inputs: '784' }, 'model: inputs: expected a positive integer, got "784"'],
    [{ ...mlp, inputs: undefined }, 'model: inputs: expected a positive integer, got nothing'],
    [(({ classes: _, ...rest }) => rest)(mlp), 'model: missing field "classes"'],
    [{ ...mlp, classes: 1 }, 'model: classes: expected an integer >= 2, got 1'],
    [{ ...mlp, activation: 'selu' }, 'model: activation: expected one of "sigmoid", "tanh", "relu", got "selu"'],
    [{ ...mlp, activation: 'scaled-tanh' }, 'model: activation: expected one of "sigmoid", "tanh", "relu", got "scaled-tanh"'],
    [{ ...mlp, loss: 'mse' }, 'model: loss: expected one of "cross-entropy", "l2", got "mse"'],
    [{ ...mlp, activaton: 'relu' }, 'model: unexpected field "activaton"'],
    [{ ...mlp, type: 'cnn' }, 'model: type: expected a model spec with "type" "mlp" or "lenet5", got "cnn"'],
    [[1, 2], 'model: type: expected a model spec with "type" "mlp" or "lenet5", got nothing'],
    [null, 'model: expected a model spec with "type" "mlp" or "lenet5", got null'],
    [{ ...modern, inputShape: [1, 28, 28] }, 'model: inputShape[1]: expected 32, got 28'],
    [{ ...modern, inputShape: 1024 }, 'model: inputShape: expected [1, 32, 32], got 1024'],
    [{ ...modern, variant: 'v2' }, 'model: variant: expected one of "modern", "classic", got "v2"'],
    [{ ...modern, pooling: 'min' }, 'model: pooling: expected one of "max", "avg", got "min"'],
    [{ ...modern, rbf: 'yes' }, 'model: rbf: expected true or false, got "yes"'],
  ])('rejects %j', (value, message) => {
    expect(messageOf(value)).toBe(message);
  });

  it('rejects nonsensical combinations and says why', () => {
    expect(messageOf({ ...mlp, output: 'identity' })).toBe(
      'model: output "identity" with loss "cross-entropy": cross-entropy needs probabilities, and the identity output gives unbounded values: use output "softmax" or "sigmoid", or loss "l2"',
    );
    expect(messageOf({ ...classic, pooling: 'max' })).toMatch(/^model: pooling: the classic variant uses trainable subsampling/);
    expect(messageOf({ ...modern, rbf: false })).toMatch(/^model: rbf: the RBF output belongs to the classic variant/);
    // (784+1)*100000 + (100000+1)*100000 + (100000+1)*10 parameters
    expect(messageOf({ ...mlp, hidden: [100000, 100000] })).toBe(
      'model: too large: 10079600010 parameters (at most 67108864); use narrower layers',
    );
  });

  it('names the source it is given', () => {
    expect(messageOf({ ...mlp, hidden: [-1] }, 'spec.json')).toBe('spec.json: hidden[0]: expected a positive integer, got -1');
  });

  it('a __proto__ key is an unexpected field, and pollutes nothing', () => {
    const value = JSON.parse('{"type":"mlp","inputs":4,"hidden":[8],"classes":3,"activation":"relu","output":"softmax","loss":"l2","__proto__":{"polluted":1}}');
    expect(messageOf(value)).toBe('model: unexpected field "__proto__"');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('outputLossPairingError', () => {
  it('allows every pairing but cross-entropy with identity', () => {
    for (const output of ['softmax', 'sigmoid', 'identity'] as const) {
      for (const loss of ['cross-entropy', 'l2'] as const) {
        const error = outputLossPairingError(output, loss);
        if (output === 'identity' && loss === 'cross-entropy') expect(error).toMatch(/needs probabilities/);
        else expect(error).toBeNull();
      }
    }
  });
});

describe('inputSize', () => {
  it('is inputs for the MLP and 1x32x32 for LeNet-5', () => {
    expect(inputSize(PRESETS.mlp)).toBe(784);
    expect(inputSize({ ...PRESETS.mlp, inputs: 4 })).toBe(4);
    expect(inputSize(modern)).toBe(1024);
    expect(inputSize(classic)).toBe(1024);
  });
});
