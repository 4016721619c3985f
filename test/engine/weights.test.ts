import { describe, expect, it } from 'vitest';
import { Model } from '../../engine/model.ts';
import { PRESETS, type ModelSpec } from '../../engine/spec.ts';
import { Rng } from '../../engine/rng.ts';
import { float32ToString, gradientToJson, parseBatch, parseWeights, weightsToJson, type WeightsExtras } from '../../engine/weights.ts';
import { errorOf } from './helpers.ts';
import { contractProblems, readerPredict, type WeightsFile } from './weights-reader.ts';

const tiny: ModelSpec = { type: 'mlp', inputs: 3, hidden: [4], classes: 2, activation: 'tanh', output: 'softmax', loss: 'cross-entropy' };

function tinyModel(): Model {
  const model = Model.create(tiny);
  model.init(5);
  return model;
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('float32ToString', () => {
  it('writes the shortest decimal that reads back as the same float32', () => {
    expect(float32ToString(0.1)).toBe('0.1');
    expect(float32ToString(1 / 3)).toBe('0.33333334');
    expect(float32ToString(16777216)).toBe('16777216');
    expect(float32ToString(2 ** -149)).toBe('1e-45'); // the smallest subnormal
    expect(float32ToString(3.4028234663852886e38)).toBe('3.4028235e+38'); // the largest float32
    expect(float32ToString(-0)).toBe('-0');
    expect(float32ToString(0)).toBe('0');
    expect(float32ToString(-2.5)).toBe('-2.5');
  });

  it('round-trips every float32 bit pattern tried through JSON, bit-exact', () => {
    const rng = new Rng(1);
    const u = new Uint32Array(200_000);
    for (let i = 0; i < u.length; i++) u[i] = rng.nextUint32();
    // edge values: ±0, smallest and largest subnormal, smallest normal, 1 + ulp, largest finite
    u.set([0x00000000, 0x80000000, 0x00000001, 0x807fffff, 0x00800000, 0x3f800001, 0x7f7fffff, 0xff7fffff]);
    const f = new Float32Array(u.buffer).filter((x) => Number.isFinite(x));
    const text = `[${Array.from(f, float32ToString).join(',')}]`;
    const back = Float32Array.from(JSON.parse(text) as number[]);
    expect(bits(back)).toEqual(bits(f));
    // at most 9 significant digits: drop the sign, exponent and point, then leading and trailing zeros
    for (const s of text.slice(1, -1).split(',')) expect(s.replace(/^-|e.*$|\./g, '').replace(/^0+|0+$/g, '').length).toBeLessThanOrEqual(9);
  });
});

describe('weights file', () => {
  it('round-trips a model bit-exact, with its extras', () => {
    const model = tinyModel();
    const edge = [0, -0, 2 ** -149, -(2 ** -140), 1.1754943508222875e-38, 3.4028234663852886e38, -1e-30, 1 + 2 ** -23];
    model.params.set(edge, 3);
    const extras = {
      labels: ['cat', 'dog'],
      normalization: { kind: 'zscore' as const, mean: [0.5, -1, 2], std: [1, 0.25, 3] },
      training: { epochs: 3, seed: 7, optimizer: { kind: 'adam' as const, lr: 0.001 }, metrics: { trainLoss: 0.1, trainAccuracy: 0.9 } },
      createdBy: 'backprop-studio 0.1.0',
      createdAt: '2026-11-28T12:00:00Z',
    };
    const read = parseWeights(weightsToJson(model, extras), 'w.json');
    expect(read.spec).toEqual(tiny);
    expect(bits(read.params)).toEqual(bits(model.params as Float32Array));
    expect(Object.is(read.params[4], -0)).toBe(true);
    expect(read).toMatchObject(extras);
  });

  it('round-trips LeNet-5 (classic) bit-exact', () => {
    const model = Model.create(PRESETS['lenet5-classic']);
    model.init(2);
    const read = parseWeights(weightsToJson(model), 'lenet.json');
    expect(read.spec).toEqual(PRESETS['lenet5-classic']);
    expect(bits(read.params)).toEqual(bits(model.params as Float32Array));
  });

  // weights-format.md: classic "c3.weight keeps the full [16,6,5,5] shape with zeros where the 1998
  // connection table has no link". A reader elsewhere convolves with the full tensor: a non-zero
  // there, which this engine would ignore, would give it other predictions than ours.
  it('refuses a classic c3.weight that is not zero where the connection table has no link', () => {
    const model = Model.create(PRESETS['lenet5-classic']);
    model.init(2);
    const file = JSON.parse(weightsToJson(model));
    const c3 = file.tensors.findIndex((t: { name: string }) => t.name === 'c3.weight');
    // C3 map 0 reads S2 maps 0, 1, 2: its kernel for map 3 starts at (0 * 6 + 3) * 25 = 75.
    expect(file.tensors[c3].data.slice(75, 100)).toEqual(new Array(25).fill(0));
    file.tensors[c3].data[75 + 7] = 0.25;
    expect(errorOf(() => parseWeights(JSON.stringify(file), 'w.json'))).toBe(
      `w.json: tensors[${c3}] (c3.weight): data[82]: expected 0, got 0.25: in the classic variant, C3 map 0 has no link from S2 map 3 (the 1998 connection table)`,
    );
    file.tensors[c3].data[82] = -0; // a zero all the same
    expect(() => parseWeights(JSON.stringify(file), 'w.json')).not.toThrow();
  });

  it('reads a file that starts with a UTF-8 byte order mark, as JSON allows (the studio\'s menu import reads files as they are)', () => {
    const model = tinyModel();
    expect(bits(parseWeights(`\uFEFF${weightsToJson(model)}`, 'w.json').params)).toEqual(bits(model.params as Float32Array));
  });

  it('writes float64 models at float32 precision (the file format)', () => {
    const model = Model.create(tiny, { dtype: 'float64' });
    model.init(5);
    model.params[0] = 0.1;
    const read = parseWeights(weightsToJson(model), 'w.json');
    expect(read.params[0]).toBe(Math.fround(0.1));
  });

  it('writes the same text for the same model and no date unless given', () => {
    expect(weightsToJson(tinyModel())).toBe(weightsToJson(tinyModel()));
    expect(weightsToJson(tinyModel())).not.toMatch(/createdAt/);
  });

  it('reads the tensors in any order, ignores unknown top-level fields and __proto__', () => {
    const model = tinyModel();
    const file = JSON.parse(weightsToJson(model));
    file.tensors.reverse();
    const text = JSON.stringify(file).replace(/^\{/, '{"__proto__": {"polluted": true}, "comment": "hi", ');
    const read = parseWeights(text, 'w.json');
    expect(bits(read.params)).toEqual(bits(model.params as Float32Array));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((read as unknown as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
  });

  // Each malformed file is the valid tiny file changed in one place.
  const valid = () => JSON.parse(weightsToJson(tinyModel())) as Record<string, any>;
  const text = (edit: (f: Record<string, any>) => void) => {
    const f = valid();
    edit(f);
    return JSON.stringify(f, null, 2);
  };

  it.each<[string, string | (() => string), string]>([
    ['a trailing comma', () => weightsToJson(tinyModel()).replace('"version": 1,', '"version": 1,,'), 'w.json: invalid JSON at line 3, column 16: expected a quoted key, got ","'],
    ['a NaN literal', () => weightsToJson(tinyModel()).replace(/("hidden.bias".*?"data": \[)[^,]*/, '$1NaN'), 'w.json: invalid JSON at line 7, column 53: NaN is not a JSON number'],
    ['an empty file', () => '', 'w.json: invalid JSON at line 1, column 1: expected a value, got the end of the file'],
    ['an array', () => '[]', 'w.json: missing field "format"'],
    ['a "NaN" string', () => text((f) => { f.tensors[2].data[5] = 'NaN'; }), 'w.json: tensors[2] (output.weight): data[5]: expected a finite number, got "NaN"'],
    ['a null', () => text((f) => { f.tensors[0].data[11] = null; }), 'w.json: tensors[0] (hidden.weight): data[11]: expected a finite number, got null'],
    ['1e999', () => weightsToJson(tinyModel()).replace(/("output.bias".*?"data": \[)[^,]*/, '$11e999'), 'w.json: tensors[3] (output.bias): data[0]: expected a finite number, got Infinity'],
    ['beyond float32', () => text((f) => { f.tensors[1].data[2] = -1e39; }), 'w.json: tensors[1] (hidden.bias): data[2]: expected a number within float32 range (|x| < 3.4e38), got -1e+39'],
    ['a gradient file', () => text((f) => { f.format = 'backprop-studio.gradient'; }), 'w.json: format: expected "backprop-studio.weights", got "backprop-studio.gradient"'],
    ['version 2', () => text((f) => { f.version = 2; }), 'w.json: version: expected 1 (the only version this app reads), got 2'],
    ['no format', () => text((f) => { delete f.format; }), 'w.json: missing field "format"'],
    ['no version', () => text((f) => { delete f.version; }), 'w.json: missing field "version"'],
    ['no tensors', () => text((f) => { delete f.tensors; }), 'w.json: missing field "tensors"'],
    ['no model', () => text((f) => { delete f.model; }), 'w.json: missing field "model"'],
    ['a bad spec', () => text((f) => { f.model.hidden = [-3]; }), 'w.json: model.hidden[0]: expected a positive integer, got -3'],
    ['a misspelt spec field', () => text((f) => { f.model.activaton = 'relu'; }), 'w.json: model: unexpected field "activaton"'],
    ['identity with cross-entropy', () => text((f) => { f.model.output = 'identity'; }), 'w.json: model: output "identity" with loss "cross-entropy": cross-entropy needs probabilities, and the identity output gives unbounded values: use output "softmax" or "sigmoid", or loss "l2"'],
    ['a tensor without a name', () => text((f) => { delete f.tensors[1].name; }), 'w.json: tensors[1]: missing field "name"'],
    ['a transposed shape', () => text((f) => { f.tensors[2].shape = [4, 2]; }), 'w.json: tensors[2] (output.weight): shape: expected [2,4], got [4,2]'],
    ['a fractional dimension', () => text((f) => { f.tensors[2].shape = [2, 4.5]; }), 'w.json: tensors[2] (output.weight): shape[1]: expected a positive integer, got 4.5'],
    ['short data', () => text((f) => { f.tensors[0].data.pop(); }), 'w.json: tensors[0] (hidden.weight): data: expected 12 numbers (shape [4,3]), got 11'],
    ['a missing tensor', () => text((f) => { f.tensors.splice(1, 1); }), 'w.json: tensors: missing "hidden.bias"'],
    ['an extra tensor', () => text((f) => { f.tensors.push({ name: 'hidden2.weight', shape: [1], data: [0] }); }), 'w.json: tensors[4] (hidden2.weight): no such tensor in this mlp model; it has hidden.weight, hidden.bias, output.weight, output.bias'],
    ['a duplicate tensor', () => text((f) => { f.tensors[3] = f.tensors[1]; }), 'w.json: tensors[3] (hidden.bias): duplicate tensor'],
    ['too few labels', () => text((f) => { f.labels = ['cat']; }), 'w.json: labels: expected 2 class names (the model\'s classes), got 1'],
    ['a label given twice', () => text((f) => { f.labels = ['x', 'x']; }), 'w.json: labels[1]: "x" again (labels[0]); each class needs a name of its own'],
    ['a numeric label', () => text((f) => { f.labels = ['cat', 2]; }), 'w.json: labels[1]: expected a class name, got 2'],
    ['short normalization', () => text((f) => { f.normalization = { kind: 'minmax', min: [0, 0, 0], max: [1, 1] }; }), 'w.json: normalization.max: expected 3 values (the model\'s inputs), got 2'],
    ['a zero std', () => text((f) => { f.normalization = { kind: 'zscore', mean: [0, 0, 0], std: [1, 0, 1] }; }), 'w.json: normalization.std[1]: expected a positive standard deviation, got 0'],
    ['a std that is zero in float32', () => text((f) => { f.normalization = { kind: 'zscore', mean: [0, 0, 0], std: [1, 1, 1e-300] }; }), 'w.json: normalization.std[2]: expected a positive standard deviation, got 1e-300'],
    // Predict would run on ±Infinity inputs: the features are float32.
    ['a mean beyond float32', () => text((f) => { f.normalization = { kind: 'zscore', mean: [0, 0, 1e39], std: [1, 1, 1] }; }), 'w.json: normalization.mean[2]: expected a number within float32 range (|x| < 3.4e38), got 1e+39'],
    ['a std beyond float32', () => text((f) => { f.normalization = { kind: 'zscore', mean: [0, 0, 0], std: [3.5e38, 1, 1] }; }), 'w.json: normalization.std[0]: expected a number within float32 range (|x| < 3.4e38), got 3.5e+38'],
    ['a min beyond float32', () => text((f) => { f.normalization = { kind: 'minmax', min: [0, -1e39, 0], max: [1, 1, 1] }; }), 'w.json: normalization.min[1]: expected a number within float32 range (|x| < 3.4e38), got -1e+39'],
    ['a max beyond float32', () => text((f) => { f.normalization = { kind: 'minmax', min: [0, 0, 0], max: [1, 1, 4e38] }; }), 'w.json: normalization.max[2]: expected a number within float32 range (|x| < 3.4e38), got 4e+38'],
    ['min above max', () => text((f) => { f.normalization = { kind: 'minmax', min: [0, 2, 0], max: [1, 1, 1] }; }), 'w.json: normalization.max[1]: expected at least min[1] (2), got 1'],
    ['an unknown normalization', () => text((f) => { f.normalization = { kind: 'l2' }; }), 'w.json: normalization.kind: expected null or a normalization with "kind" "zscore" or "minmax", got "l2"'],
    ['a bad optimizer', () => text((f) => { f.training = { epochs: 1, seed: 1, optimizer: { kind: 'rmsprop', lr: 0.1 } }; }), 'w.json: training.optimizer.kind: expected one of "sgd", "momentum", "adam", got "rmsprop"'],
    ['an accuracy of 97', () => text((f) => { f.training = { epochs: 1, seed: 1, optimizer: { kind: 'sgd', lr: 0.1 }, metrics: { valAccuracy: 97 } }; }), 'w.json: training.metrics.valAccuracy: expected a number in [0, 1], got 97'],
  ])('rejects %s', (_, make, message) => {
    expect(errorOf(() => parseWeights(typeof make === 'string' ? make : make(), 'w.json'))).toBe(message);
  });

  it('accepts the optimizer of weights-format.md\'s example and null normalization', () => {
    const read = parseWeights(text((f) => {
      f.normalization = null;
      f.training = { epochs: 20, seed: 1, optimizer: { kind: 'sgd', lr: 0.1, momentum: 0.9 },
        metrics: { trainLoss: 0.05, trainAccuracy: 0.99, valLoss: 0.07, valAccuracy: 0.97 } };
    }), 'w.json');
    expect(read.normalization).toBeNull();
    expect(read.training?.optimizer).toEqual({ kind: 'sgd', lr: 0.1, momentum: 0.9 });
  });

  it('accepts a constant feature (max equal to min) and the largest float32', () => {
    // applyNormalization divides a zero range by 1; a training set with a constant feature writes one.
    const largest = 3.4028234663852886e38;
    const normalization = { kind: 'minmax', min: [0, 5, -largest], max: [1, 5, largest] };
    expect(parseWeights(text((f) => { f.normalization = normalization; }), 'w.json').normalization).toEqual(normalization);
  });
});

describe('gradient file', () => {
  it('holds the model grads at full float64 precision, the loss and the row count', () => {
    const model = Model.create(tiny, { dtype: 'float64' });
    const rng = new Rng(9);
    for (let i = 0; i < model.size; i++) model.grads[i] = rng.normal() / 3;
    const file = JSON.parse(gradientToJson(model, 0.123456789012345, 17));
    expect(file.format).toBe('backprop-studio.gradient');
    expect(file.version).toBe(1);
    expect(file.model).toEqual(tiny);
    expect(file.loss).toBe(0.123456789012345);
    expect(file.rows).toBe(17);
    expect(file.tensors.map((t: { name: string }) => t.name)).toEqual(['hidden.weight', 'hidden.bias', 'output.weight', 'output.bias']);
    expect(file.tensors.flatMap((t: { data: number[] }) => t.data)).toEqual(Array.from(model.grads));
  });
});

describe('batch file', () => {
  const model = { inputSize: 3, classes: 2 };
  it('reads inputs and labels', () => {
    expect(parseBatch('{"inputs": [[1, 2, 3], [4, 5, 6.5]], "labels": [1, 0]}', 'b.json', model))
      .toEqual({ inputs: [[1, 2, 3], [4, 5, 6.5]], labels: [1, 0] });
  });

  it.each([
    ['{"inputs": [[1, 2, 3], [4, 5]], "labels": [1, 0]}', 'b.json: inputs[1]: expected 3 numbers (the model\'s input size), got 2'],
    ['{"inputs": [[1, 2, 3]], "labels": [2]}', 'b.json: labels[0]: expected a class index below 2 (the model\'s classes), got 2'],
    ['{"inputs": [[1, 2, 3]], "labels": [0.5]}', 'b.json: labels[0]: expected an integer >= 0, got 0.5'],
    ['{"inputs": [[1, 2, 3]], "labels": [-1]}', 'b.json: labels[0]: expected an integer >= 0, got -1'],
    ['{"inputs": [[1, 2, 3]], "labels": [0, 1]}', 'b.json: labels: expected 1 labels (one per row of inputs), got 2'],
    ['{"inputs": [[1, "2", 3]], "labels": [0]}', 'b.json: inputs[0][1]: expected a finite number, got "2"'],
    ['{"inputs": [], "labels": []}', 'b.json: inputs: expected at least one row, got 0'],
    ['{"inputs": [1, 2, 3], "labels": [0]}', 'b.json: inputs[0]: expected a row: an array of numbers, got 1'],
    ['{"labels": [0]}', 'b.json: missing field "inputs"'],
    ['{"inputs": [[1, 2, 3]]\n "labels": [0]}', 'b.json: invalid JSON at line 2, column 2: expected "," or "}", got "\\""'],
  ])('rejects %s', (batch, message) => {
    expect(errorOf(() => parseBatch(batch, 'b.json', model))).toBe(message);
  });
});

describe('weightsToJson refuses to write what could not be read back', () => {
  it('non-finite parameters and extras', () => {
    const model = tinyModel();
    expect(() => weightsToJson(model, { training: { epochs: 1, seed: 1, optimizer: { kind: 'sgd', lr: 0.1 }, metrics: { trainLoss: NaN } } }))
      .toThrow('weightsToJson: training.metrics.trainLoss: expected a finite number, got NaN');
    expect(() => weightsToJson(model, { normalization: { kind: 'zscore', mean: [0, 0, 0], std: [1, 0, 1] } }))
      .toThrow('weightsToJson: normalization.std[1]: expected a positive standard deviation, got 0');
    model.params[20] = Infinity;
    expect(() => weightsToJson(model)).toThrow('output.weight: data[4] is Infinity; a weights or gradient file holds finite numbers only');
  });
});

// weights-format.md, statement by statement, from the reader's side: a file written by hand from
// the contract loads; every file written keeps the contract's promises; and a reader written from
// the contract alone (./weights-reader.ts, float64, no engine) predicts what the engine predicts.
describe('weights-format.md conformance', () => {
  it('loads a hand-written file of the required fields only (the example\'s model) and predicts the hand-worked numbers', () => {
    const zeros = (n: number, set: Record<number, number>) => Array.from({ length: n }, (_, i) => set[i] ?? 0);
    // Hidden unit 1 reads input 2 with weight 2, bias -1; class 2 reads hidden unit 1 with weight 4, bias -2.
    // Row-major: hidden.weight [8, 4] holds W[1][2] at 1 * 4 + 2, output.weight [3, 8] W[2][1] at 2 * 8 + 1.
    const text = `{
      "format": "backprop-studio.weights",
      "version": 1,
      "model": { "type": "mlp", "inputs": 4, "hidden": [8], "classes": 3,
                 "activation": "sigmoid", "output": "softmax", "loss": "cross-entropy" },
      "tensors": [
        { "name": "hidden.weight", "shape": [8, 4], "data": ${JSON.stringify(zeros(32, { 6: 2 }))} },
        { "name": "hidden.bias",   "shape": [8],    "data": ${JSON.stringify(zeros(8, { 1: -1 }))} },
        { "name": "output.weight", "shape": [3, 8], "data": ${JSON.stringify(zeros(24, { 17: 4 }))} },
        { "name": "output.bias",   "shape": [3],    "data": [0, 0, -2] }
      ]
    }`;
    const read = parseWeights(text, 'hand.json');
    expect(read).toMatchObject({ labels: undefined, normalization: undefined, training: undefined });
    const model = Model.create(read.spec, { params: read.params });
    const rows = [[0, 0, 0.5, 0], [0, 0, 3, 0], [3, 0, 0, 0], [-1, 7, 0, 2]];
    const p = model.predict(Float32Array.from(rows.flat()), rows.length);
    rows.forEach((x, r) => {
      const z2 = 4 / (1 + Math.exp(-(2 * x[2] - 1))) - 2; // the only logit that is not 0
      const expected = [1, 1, Math.exp(z2)].map((e) => e / (2 + Math.exp(z2)));
      expected.forEach((q, k) => expect(p[r * 3 + k], `row ${r}, class ${k}`).toBeCloseTo(q, 6));
    });
    expect(p[0]).toBeCloseTo(1 / 3, 6); // x[2] = 0.5: all three logits 0
    expect(p[5]).toBeGreaterThan(0.7); // x[2] = 3: class 2
  });

  const extras = {
    labels: ['a', 'b', 'c'],
    training: { epochs: 2, seed: 3, optimizer: { kind: 'sgd' as const, lr: 0.1, momentum: 0.9 }, metrics: { trainLoss: 0.5, trainAccuracy: 0.75 } },
    createdBy: 'backprop-studio 0.1.0',
    createdAt: '2026-11-28T12:00:00Z',
  };
  const specs: [string, ModelSpec, WeightsExtras][] = [
    ['MLP, one hidden layer, z-scored', { type: 'mlp', inputs: 4, hidden: [8], classes: 3, activation: 'sigmoid', output: 'softmax', loss: 'cross-entropy' },
      { ...extras, normalization: { kind: 'zscore', mean: [5.8, 3, 3.7, 1.2], std: [0.8, 0.4, 1.7, 0.7] } }],
    ['MLP, two hidden layers, min-max', { type: 'mlp', inputs: 4, hidden: [5, 3], classes: 3, activation: 'relu', output: 'sigmoid', loss: 'l2' },
      { ...extras, normalization: { kind: 'minmax', min: [0, -1, 2, 0], max: [1, 1, 4, 0.5] } }],
    ['MLP, identity output', { type: 'mlp', inputs: 4, hidden: [6], classes: 3, activation: 'tanh', output: 'identity', loss: 'l2' }, {}],
    ['LeNet-5 modern, max pooling', { ...PRESETS.lenet5, classes: 3 }, { labels: ['a', 'b', 'c'], normalization: null }],
    ['LeNet-5 modern, avg pooling, tanh', { ...PRESETS.lenet5, classes: 3, activation: 'tanh', pooling: 'avg' }, {}],
    ['LeNet-5 classic', { ...PRESETS['lenet5-classic'], classes: 3 }, {}],
  ];

  it.each(specs)('an exported file keeps every promise the contract makes to a reader: %s', (_, spec, more) => {
    const model = Model.create(spec);
    model.init(4);
    expect(contractProblems(weightsToJson(model, more))).toEqual([]);
  });

  it.each(specs)('a reader written from the contract alone predicts what the engine does: %s', (_, spec, more) => {
    const model = Model.create(spec);
    model.init(4);
    const rng = new Rng(8);
    // Biases too, and larger weights, so that every tensor and the outputs' spread count.
    for (let i = 0; i < model.size; i++) model.params[i] *= 1.5;
    for (const t of model.tensors) if (t.name.endsWith('.bias')) for (let i = 0; i < t.size; i++) model.params[t.offset + i] = rng.normal() / 4;
    const file = JSON.parse(weightsToJson(model, more)) as WeightsFile;
    const read = parseWeights(JSON.stringify(file), 'w.json');
    const engine = Model.create(read.spec, { params: read.params });
    const rows = Array.from({ length: 3 }, () => Array.from({ length: engine.inputSize }, () => 4 * rng.next() - 1));
    // The engine takes normalised rows: the same formulas, applied here in float32.
    const n = more.normalization;
    const normalised = rows.flat().map((x, i) => {
      const j = i % engine.inputSize;
      if (!n) return x;
      return n.kind === 'zscore' ? (x - n.mean[j]) / n.std[j] : (x - n.min[j]) / (n.max[j] - n.min[j]);
    });
    const p = engine.predict(Float32Array.from(normalised), rows.length);
    const outputs = rows.map((row) => readerPredict(file, row));
    outputs.forEach((y, r) => y.forEach((q, k) => expect(Math.abs(p[r * 3 + k] - q), `row ${r}, class ${k}: ${p[r * 3 + k]} against ${q}`).toBeLessThan(1e-5 * Math.max(1, Math.abs(q)))));
    // The outputs tell the rows apart: a layout mistake would show.
    expect(Math.max(...outputs.map((y) => Math.max(...y) - Math.min(...y)))).toBeGreaterThan(0.05);
  });
});
