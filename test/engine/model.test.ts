import { describe, expect, it } from 'vitest';
import { gradCheck } from '../../engine/gradcheck.ts';
import { C3_CONNECTIONS, Model } from '../../engine/model.ts';
import { Rng } from '../../engine/rng.ts';
import { type LeNet5Spec, type MlpSpec, type ModelSpec, PRESETS } from '../../engine/spec.ts';
import { expectGradientsMatch, uniform } from './helpers.ts';

const mlp = (over: Partial<MlpSpec> = {}): MlpSpec => ({ ...PRESETS.mlp, inputs: 6, hidden: [5], classes: 4, ...over });
const lenet = (over: Partial<LeNet5Spec> = {}): LeNet5Spec => ({ ...PRESETS.lenet5, ...over });
const classic = (over: Partial<LeNet5Spec> = {}): LeNet5Spec => ({ ...PRESETS['lenet5-classic'], ...over });

/**
 * Parameters for gradient checks: weights uniform with variance gain^2/fan_in, biases and subsampling
 * coefficients non-zero so their paths count. Why not the initialisation: the differences
 * L(w+e) - L(w-e) carry float64 round-off of about ulp(L), so the numeric derivative is only good to
 * ~1e-15/2e = 5e-11 absolute, and a gradient below ~1e-4 cannot pass a 1e-6 RELATIVE bound even when
 * exact. Signals that neither vanish nor saturate keep the sampled gradients above that floor
 * (sigmoid, whose slope is at most 1/4, needs a gain of 2 for that), and RBF codes close enough
 * together that the softmax over them does not saturate (with one wrong class at probability ~1,
 * the F6 gradients of units where its code equals the label's cancel to ~1e-7).
 */
function testParams(model: Model, seed: number): Float64Array {
  const rng = new Rng(seed), params = new Float64Array(model.size);
  const gain = model.spec.activation === 'sigmoid' ? 2 : 1;
  for (const t of model.tensors) {
    const fanIn = t.size / t.shape[0];
    const limit = t.name.endsWith('.weight') ? gain * Math.sqrt(3 / fanIn)
      : t.name.endsWith('.coef') ? 0.8 : t.name.endsWith('.centers') ? 0.2 : 0.1;
    for (let i = t.offset; i < t.offset + t.size; i++) params[i] = limit * (2 * rng.next() - 1);
  }
  return params;
}

const maxDifference = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
};

const sumOfSquares = (v: ArrayLike<number>) => Array.from(v).reduce((s, x) => s + x * x, 0);

function randomLabels(rows: number, classes: number, seed: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: rows }, () => rng.int(classes));
}

describe('Model layout (weights-format.md)', () => {
  it('names and shapes the MLP tensors, one flat vector', () => {
    const model = Model.create(mlp());
    expect(model.tensors).toEqual([
      { name: 'hidden.weight', shape: [5, 6], offset: 0, size: 30 },
      { name: 'hidden.bias', shape: [5], offset: 30, size: 5 },
      { name: 'output.weight', shape: [4, 5], offset: 35, size: 20 },
      { name: 'output.bias', shape: [4], offset: 55, size: 4 },
    ]);
    expect([model.size, model.params.length, model.grads.length, model.inputSize, model.classes]).toEqual([59, 59, 59, 6, 4]);
    expect(model.params).toBeInstanceOf(Float32Array);
    expect(Model.create(mlp({ hidden: [3, 2] })).tensors.map((t) => `${t.name}[${t.shape}]`)).toEqual([
      'hidden1.weight[3,6]', 'hidden1.bias[3]', 'hidden2.weight[2,3]', 'hidden2.bias[2]', 'output.weight[4,2]', 'output.bias[4]',
    ]);
  });

  it('names and shapes LeNet-5 modern (61,706 parameters) and classic', () => {
    const modern = Model.create(lenet());
    expect(modern.tensors.map((t) => `${t.name}[${t.shape}]`)).toEqual([
      'c1.weight[6,1,5,5]', 'c1.bias[6]', 'c3.weight[16,6,5,5]', 'c3.bias[16]', 'c5.weight[120,16,5,5]', 'c5.bias[120]',
      'f6.weight[84,120]', 'f6.bias[84]', 'output.weight[10,84]', 'output.bias[10]',
    ]);
    expect([modern.size, modern.inputSize]).toEqual([61706, 1024]);
    const old = Model.create(classic());
    expect(old.tensors.map((t) => `${t.name}[${t.shape}]`)).toEqual([
      'c1.weight[6,1,5,5]', 'c1.bias[6]', 's2.coef[6]', 's2.bias[6]', 'c3.weight[16,6,5,5]', 'c3.bias[16]',
      's4.coef[16]', 's4.bias[16]', 'c5.weight[120,16,5,5]', 'c5.bias[120]', 'f6.weight[84,120]', 'f6.bias[84]',
      'output.weight[10,84]', 'output.bias[10]',
    ]);
    expect(old.size).toBe(61706 + 12 + 32);
    const rbf = Model.create(classic({ rbf: true }));
    expect(rbf.tensors.map((t) => `${t.name}[${t.shape}]`).slice(-1)).toEqual(['output.centers[10,84]']);
    expect(rbf.size).toBe(old.size - 10);
  });

  it('has the 1998 C3 table: 1,516 trainable C3 parameters', () => {
    expect(C3_CONNECTIONS.reduce((n, maps) => n + maps.length * 25 + 1, 0)).toBe(1516);
  });

  it('uses given parameters as is, and refuses ones that do not fit', () => {
    const shared = new Float32Array(new SharedArrayBuffer(59 * 4));
    const model = Model.create(mlp(), { params: shared });
    model.init(1);
    expect(shared.some((v) => v !== 0)).toBe(true);
    expect(Model.create(mlp(), { params: new Float64Array(59) }).dtype).toBe('float64');
    expect(() => Model.create(mlp(), { params: new Float32Array(58) })).toThrow('parameter vector has 58 values, the model needs 59');
    expect(() => Model.create(mlp(), { params: new Float32Array(59), dtype: 'float64' })).toThrow(/Float32Array/);
    expect(() => Model.create(mlp({ output: 'identity', loss: 'cross-entropy' }))).toThrow(/cross-entropy needs probabilities/);
  });
});

describe('Model.init', () => {
  it('is determined by the seed', () => {
    const [a, b, c] = [1, 1, 2].map((seed) => { const m = Model.create(lenet()); m.init(seed); return m.params; });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('uses He for ReLU, Xavier for sigmoid/tanh, LeCun ±2.4/fan_in for classic; zero biases', () => {
    const tensor = (m: Model, name: string) => { const t = m.tensors.find((x) => x.name === name)!; return m.params.subarray(t.offset, t.offset + t.size); };
    const he = Model.create(lenet()); he.init(3);
    const w = tensor(he, 'c5.weight');
    const std = Math.sqrt(sumOfSquares(w) / w.length);
    expect(std).toBeGreaterThan(0.97 * Math.sqrt(2 / 400));
    expect(std).toBeLessThan(1.03 * Math.sqrt(2 / 400));
    const xavier = Model.create(mlp({ activation: 'tanh' })); xavier.init(3);
    const limit = Math.sqrt(6 / (6 + 5));
    expect(Math.max(...tensor(xavier, 'hidden.weight').map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...tensor(xavier, 'hidden.weight').map(Math.abs))).toBeGreaterThan(0.8 * limit);
    const lecun = Model.create(classic()); lecun.init(3);
    expect(Math.max(...tensor(lecun, 'f6.weight').map(Math.abs))).toBeLessThanOrEqual(2.4 / 120);
    const c3 = tensor(lecun, 'c3.weight');
    C3_CONNECTIONS.forEach((maps, d) => {
      for (let c = 0; c < 6; c++) {
        const kernel = c3.subarray((d * 6 + c) * 25, (d * 6 + c + 1) * 25);
        if (maps.includes(c)) expect(kernel.every((v) => v !== 0 && Math.abs(v) <= 2.4 / (maps.length * 25))).toBe(true);
        else expect(kernel.every((v) => Object.is(v, 0))).toBe(true);
      }
    });
    for (const m of [he, xavier, lecun]) {
      for (const t of m.tensors.filter((x) => x.name.endsWith('.bias'))) expect(tensor(m, t.name).every((v) => v === 0)).toBe(true);
    }
  });
});

describe('a 2-2-2 MLP worked by hand (sigmoid hidden and output, L2)', () => {
  // x = [0.05, 0.10], label 1 (t = [0, 1])
  // W1 = [[0.15, 0.20], [0.25, 0.30]], b1 = [0.35, 0.35]; W2 = [[0.40, 0.45], [0.50, 0.55]], b2 = [0.60, 0.60]
  // o1 = W1 x + b1 = [0.15*0.05 + 0.20*0.10 + 0.35, 0.25*0.05 + 0.30*0.10 + 0.35] = [0.3775, 0.3925]
  // h = s(o1) = [0.593269992, 0.596884378]
  // o2 = W2 h + b2 = [0.40*0.593269992 + 0.45*0.596884378 + 0.60, 0.50*h1 + 0.55*h2 + 0.60] = [1.105905967, 1.224921404]
  // y = s(o2) = [0.751365070, 0.772928465]
  // L = 1/2 ((0.751365070 - 0)^2 + (0.772928465 - 1)^2) = 0.308055475                      (eq. 9)
  // delta2 = (y - t) y (1 - y) = [0.751365070*0.751365070*0.248634930, -0.227071535*0.772928465*0.227071535]
  //        = [0.140366718, -0.039853337]                                                  (eq. 11-12)
  // dW2 = delta2 h^T = [[0.083275361, 0.083782701], [-0.023643789, -0.023787834]],  db2 = delta2
  // delta1 = (W2^T delta2) h (1 - h)
  //        = [(0.40*0.140366718 - 0.50*0.039853337) * 0.593269992*0.406730008,
  //           (0.45*0.140366718 - 0.55*0.039853337) * 0.596884378*0.403115622] = [0.008739916, 0.009924266]  (eq. 13-14)
  // dW1 = delta1 x^T = [[0.000436996, 0.000873992], [0.000496213, 0.000992427]],  db1 = delta1
  const spec: MlpSpec = { type: 'mlp', inputs: 2, hidden: [2], classes: 2, activation: 'sigmoid', output: 'sigmoid', loss: 'l2' };
  const params = Float64Array.from([0.15, 0.20, 0.25, 0.30, 0.35, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60, 0.60]);

  it('gives the hand-computed outputs, loss and gradient', () => {
    const model = Model.create(spec, { params: params.slice() });
    const x = Float64Array.from([0.05, 0.10]);
    const y = model.predict(x, 1);
    expect(y[0]).toBeCloseTo(0.751365070, 9);
    expect(y[1]).toBeCloseTo(0.772928465, 9);
    const { lossSum, correct } = model.gradSum(x, [1], 1);
    expect(lossSum).toBeCloseTo(0.308055475, 9);
    expect(correct).toBe(1); // 0.7729 > 0.7514
    const expected = [
      0.000436996, 0.000873992, 0.000496213, 0.000992427, // dW1
      0.008739916, 0.009924266, // db1
      0.083275361, 0.083782701, -0.023643789, -0.023787834, // dW2
      0.140366718, -0.039853337, // db2
    ];
    expected.forEach((g, i) => expect(model.grads[i], `grads[${i}]`).toBeCloseTo(g, 9));
  });
});

describe('gradients against central differences (float64, relative error < 1e-6)', () => {
  const pairings = [['softmax', 'cross-entropy'], ['sigmoid', 'cross-entropy'], ['sigmoid', 'l2'], ['identity', 'l2'], ['softmax', 'l2']] as const;
  const check = (spec: ModelSpec, rows: number, seed: number) => {
    const model = Model.create(spec, { dtype: 'float64' });
    const x = uniform(rows * model.inputSize, seed);
    const results = gradCheck(spec, testParams(model, seed), x, randomLabels(rows, model.classes, seed), rows, { seed });
    // every tensor, whole up to 128 values (all biases), else at 40 seeded positions
    expect(results.map((r) => [r.tensor, r.checked])).toEqual(model.tensors.map((t) => [t.name, t.size <= 128 ? t.size : 40]));
    return results;
  };

  for (const activation of ['sigmoid', 'tanh', 'relu'] as const) {
    for (const [output, loss] of pairings) {
      it(`MLP, ${activation} hidden, ${output} + ${loss}`, () => {
        expectGradientsMatch(check(mlp({ activation, output, loss }), 3, 11));
      });
    }
  }

  it('MLP with two hidden layers', () => {
    expectGradientsMatch(check(mlp({ hidden: [5, 4], activation: 'tanh' }), 3, 12));
  });

  const lenets: [string, LeNet5Spec][] = [
    ['modern, ReLU, max pooling, softmax + CE', lenet()],
    ['modern, tanh, average pooling, sigmoid + BCE', lenet({ activation: 'tanh', pooling: 'avg', output: 'sigmoid' })],
    ['modern, sigmoid, max pooling, softmax + L2', lenet({ activation: 'sigmoid', loss: 'l2' })],
    ['modern, scaled tanh, average pooling, identity + L2', lenet({ activation: 'scaled-tanh', pooling: 'avg', output: 'identity', loss: 'l2' })],
    ['classic, scaled tanh, softmax + CE', classic()],
    ['classic with RBF output, scaled tanh, softmax + CE', classic({ rbf: true })],
  ];
  lenets.forEach(([name, spec], i) => {
    it(`LeNet-5 ${name}: a seeded sample of every weight tensor, all biases`, () => {
      expectGradientsMatch(check(spec, 2, 20 + i));
    });
  });
});

/** LeNet-5 for one sample written out directly from backprop-notes and weights-format.md, with
 *  no engine code: returns o, the output layer's values before the output function. */
function directLeNet5(spec: LeNet5Spec, model: Model, x: Float64Array): number[] {
  const p = (name: string) => { const t = model.tensors.find((q) => q.name === name)!; return model.params.subarray(t.offset, t.offset + t.size); };
  const f = (v: number) => spec.activation === 'relu' ? Math.max(0, v) : spec.activation === 'sigmoid' ? 1 / (1 + Math.exp(-v))
    : spec.activation === 'tanh' ? Math.tanh(v) : 1.7159 * Math.tanh((2 * v) / 3);
  const conv = (inp: number[], C: number, H: number, name: string, D: number, table?: number[][]) => {
    const K = p(`${name}.weight`), b = p(`${name}.bias`), O = H - 4, out: number[] = [];
    for (let d = 0; d < D; d++) {
      for (let i = 0; i < O; i++) {
        for (let j = 0; j < O; j++) {
          let v = b[d];
          for (let c = 0; c < C; c++) {
            if (table && !table[d].includes(c)) continue;
            for (let m = 0; m < 5; m++) for (let n = 0; n < 5; n++) v += K[((d * C + c) * 5 + m) * 5 + n] * inp[(c * H + i + m) * H + j + n];
          }
          out.push(f(v));
        }
      }
    }
    return out;
  };
  const pool = (inp: number[], C: number, H: number, name: string) => {
    const out: number[] = [];
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < H / 2; i++) {
        for (let j = 0; j < H / 2; j++) {
          const w = [0, 1, H, H + 1].map((o) => inp[c * H * H + 2 * i * H + 2 * j + o]);
          const sum = w.reduce((a, b) => a + b);
          if (spec.variant === 'classic') out.push(f(p(`${name}.coef`)[c] * sum + p(`${name}.bias`)[c]));
          else out.push(spec.pooling === 'avg' ? sum / 4 : Math.max(...w));
        }
      }
    }
    return out;
  };
  const dense = (inp: number[], name: string, outputs: number, activate: boolean) => {
    const W = p(`${name}.weight`), b = p(`${name}.bias`);
    return Array.from({ length: outputs }, (_, i) => {
      const v = inp.reduce((s, xj, j) => s + W[i * inp.length + j] * xj, b[i]);
      return activate ? f(v) : v;
    });
  };
  const table = spec.variant === 'classic' ? C3_CONNECTIONS : undefined;
  const s2 = pool(conv(Array.from(x), 1, 32, 'c1', 6), 6, 28, 's2');
  const s4 = pool(conv(s2, 6, 14, 'c3', 16, table), 16, 10, 's4');
  const f6 = dense(conv(s4, 16, 5, 'c5', 120), 'f6', 84, true);
  if (!spec.rbf) return dense(f6, 'output', spec.classes, false);
  const centers = p('output.centers'); // o_i = -sum_j (x_j - w_ij)^2
  return Array.from({ length: spec.classes }, (_, i) => -f6.reduce((s, xj, j) => s + (xj - centers[i * 84 + j]) ** 2, 0));
}

describe('forward pass, loss and predictions against direct computations', () => {
  const softmax = (o: number[]) => { const e = o.map((v) => Math.exp(v - Math.max(...o))); const s = e.reduce((a, b) => a + b); return e.map((v) => v / s); };

  const nets: [string, LeNet5Spec][] = [
    ['modern, ReLU, max pooling', lenet()],
    ['modern, tanh, average pooling', lenet({ activation: 'tanh', pooling: 'avg' })],
    ['classic', classic()],
    ['classic with RBF output', classic({ rbf: true })],
  ];
  for (const [name, spec] of nets) {
    it(`LeNet-5 ${name}: probabilities, cross-entropy = -log softmax of the label, correct count`, () => {
      const model = Model.create(spec, { dtype: 'float64' });
      model.params.set(testParams(model, 5));
      const rows = 3, x = uniform(rows * 1024, 6), labels = [4, 0, 9];
      const y = model.predict(x, rows);
      let loss = 0, correct = 0;
      for (let r = 0; r < rows; r++) {
        const probabilities = softmax(directLeNet5(spec, model, x.subarray(r * 1024, (r + 1) * 1024)));
        probabilities.forEach((v, i) => expect(y[r * 10 + i]).toBeCloseTo(v, 12));
        loss -= Math.log(probabilities[labels[r]]);
        if (probabilities.indexOf(Math.max(...probabilities)) === labels[r]) correct++;
      }
      const predictions = new Int32Array(rows);
      const result = model.evaluate(x, labels, rows, predictions);
      expect(result.lossSum).toBeCloseTo(loss, 10);
      expect(result.correct).toBe(correct);
      for (let r = 0; r < rows; r++) {
        const row = Array.from(y.subarray(r * 10, (r + 1) * 10));
        expect(predictions[r]).toBe(row.indexOf(Math.max(...row)));
      }
      expect(model.gradSum(x, labels, rows)).toEqual(result);
    });
  }

  it('MLP: sigmoid outputs and binary cross-entropy, from the equations', () => {
    const spec = mlp({ output: 'sigmoid', loss: 'cross-entropy', activation: 'relu' });
    const model = Model.create(spec, { dtype: 'float64' });
    model.params.set(testParams(model, 7));
    const x = uniform(6, 8), W1 = model.params.subarray(0, 30), b1 = model.params.subarray(30, 35);
    const W2 = model.params.subarray(35, 55), b2 = model.params.subarray(55, 59);
    const h = Array.from({ length: 5 }, (_, j) => Math.max(0, x.reduce((s, xk, k) => s + W1[j * 6 + k] * xk, b1[j]))); // eq. 1-2
    const y = Array.from({ length: 4 }, (_, i) => 1 / (1 + Math.exp(-h.reduce((s, hj, j) => s + W2[i * 5 + j] * hj, b2[i])))); // eq. 3-4
    const bce = -y.reduce((s, yi, i) => s + (i === 2 ? Math.log(yi) : Math.log(1 - yi)), 0);
    Array.from(model.predict(x, 1)).forEach((v, i) => expect(v).toBeCloseTo(y[i], 12));
    expect(model.evaluate(x, [2], 1).lossSum).toBeCloseTo(bce, 12);
  });
});

describe('gradSum into another vector (a trainer\'s shard slot)', () => {
  for (const [name, spec] of [['MLP', mlp({ activation: 'tanh' })], ['LeNet-5 modern', lenet()], ['LeNet-5 classic, RBF', classic({ rbf: true })]] as const) {
    it(`${name}: writes exactly what it writes into its own grads, and leaves those alone`, () => {
      const model = Model.create(spec);
      model.init(3);
      const rows = 3, x = Float32Array.from(uniform(rows * model.inputSize, 4)), labels = randomLabels(rows, model.classes, 5);
      const own = model.gradSum(x, labels, rows);
      const expected = Float32Array.from(model.grads);
      const slot = new Float32Array(model.size).fill(7); // old values must not leak in
      expect(model.gradSum(x, labels, rows, slot)).toEqual(own);
      expect(slot).toEqual(expected);
      expect(model.grads).toEqual(expected); // untouched by the second call
      model.grads.fill(0);
      model.gradSum(x, labels, rows); // back to its own vector
      expect(model.grads).toEqual(expected);
      expect(() => model.gradSum(x, labels, rows, new Float64Array(model.size))).toThrow(/float32 of/);
      expect(() => model.gradSum(x, labels, rows, new Float32Array(model.size - 1))).toThrow(/float32 of/);
    });
  }
});

describe('shard additivity (backprop-notes "Data-parallel mini-batches")', () => {
  const rows = 7;
  for (const [name, spec] of [['MLP', mlp({ activation: 'tanh' })], ['LeNet-5 modern', lenet()], ['LeNet-5 classic', classic()]] as const) {
    for (const dtype of ['float64', 'float32'] as const) {
      it(`${name}, ${dtype}: gradSum over a batch = the sum of gradSums over any split of it`, () => {
        const model = Model.create(spec, { dtype });
        model.init(3);
        const x = Float64Array.from(uniform(rows * model.inputSize, 4)), labels = randomLabels(rows, model.classes, 5);
        const whole = model.gradSum(x, labels, rows);
        const wholeGrads = Float64Array.from(model.grads);
        const scale = maxDifference(wholeGrads, new Float64Array(model.size));
        for (const split of [[3, 4], [1, 1, 5], [7]]) {
          const sum = new Float64Array(model.size);
          let loss = 0, correct = 0, start = 0;
          for (const n of split) {
            const shard = model.gradSum(x.subarray(start * model.inputSize), labels.slice(start), n);
            model.grads.forEach((g, i) => { sum[i] += g; });
            loss += shard.lossSum;
            correct += shard.correct;
            start += n;
          }
          const tolerance = dtype === 'float64' ? 1e-13 : 1e-5;
          expect(Math.abs(loss - whole.lossSum)).toBeLessThan(tolerance * Math.max(1, whole.lossSum));
          expect(correct).toBe(whole.correct);
          expect(maxDifference(sum, wholeGrads)).toBeLessThan(tolerance * scale);
        }
      });
    }
  }

  it('float32 gradients agree with float64 ones', () => {
    const [m32, m64] = (['float32', 'float64'] as const).map((dtype) => Model.create(lenet(), { dtype }));
    m64.init(9);
    m32.params.set(m64.params);
    const x = uniform(4 * 1024, 10), labels = [1, 2, 3, 4];
    const r32 = m32.gradSum(Float32Array.from(x), labels, 4), r64 = m64.gradSum(x, labels, 4);
    expect(r32.lossSum).toBeCloseTo(r64.lossSum, 4);
    const scale = maxDifference(m64.grads, new Float64Array(m64.size));
    expect(maxDifference(m32.grads, m64.grads)).toBeLessThan(1e-4 * scale);
  });
});

describe('trace: one row\'s every quantity (backprop-notes "MLP, complete", "Convolution, complete")', () => {
  // The MLP's equations written out by hand, with a(o) = tanh(o).
  const matVec = (W: ArrayLike<number>, v: number[], rows: number) =>
    Array.from({ length: rows }, (_, i) => v.reduce((s, vj, j) => s + W[i * v.length + j] * vj, 0));
  const transposeVec = (W: ArrayLike<number>, d: number[], cols: number) =>
    Array.from({ length: cols }, (_, j) => d.reduce((s, di, i) => s + W[i * cols + j] * di, 0));
  const outer = (a: number[], b: number[]) => a.flatMap((ai) => b.map((bj) => ai * bj));

  for (const [name, over] of [
    ['softmax + cross-entropy: delta2 = y - t', { output: 'softmax', loss: 'cross-entropy' }],
    ['sigmoid + L2: delta2 = (y - t) y (1 - y)', { output: 'sigmoid', loss: 'l2' }],
  ] as const) {
    it(`MLP, ${name}`, () => {
      const model = Model.create(mlp({ activation: 'tanh', ...over }), { dtype: 'float64' });
      model.params.set(testParams(model, 8));
      const x = uniform(6, 9), label = 2, t = [0, 0, 1, 0];
      const at = (name: string) => { const i = model.tensors.find((u) => u.name === name)!; return model.params.subarray(i.offset, i.offset + i.size); };
      const [W1, b1, W2, b2] = ['hidden.weight', 'hidden.bias', 'output.weight', 'output.bias'].map(at);
      const o1 = matVec(W1, Array.from(x), 5).map((v, j) => v + b1[j]);
      const h = o1.map(Math.tanh);
      const o2 = matVec(W2, h, 4).map((v, i) => v + b2[i]);
      let y: number[], loss: number, delta2: number[];
      if (over.output === 'softmax') {
        const e = o2.map((v) => Math.exp(v - Math.max(...o2))), sum = e.reduce((a, b) => a + b);
        y = e.map((v) => v / sum);
        loss = -Math.log(y[label]);
        delta2 = y.map((yi, i) => yi - t[i]);
      } else {
        y = o2.map((v) => 1 / (1 + Math.exp(-v)));
        loss = 0.5 * y.reduce((s, yi, i) => s + (t[i] - yi) ** 2, 0); // eq. 9
        delta2 = y.map((yi, i) => (yi - t[i]) * yi * (1 - yi));
      }
      const dh = transposeVec(W2, delta2, 5); // W2^T delta2
      const delta1 = dh.map((v, j) => v * (1 - h[j] ** 2)); // * a'(o1)

      const trace = model.trace(x, label);
      expect(trace.stages.map((s) => `${s.name}:${s.kind}`)).toEqual(['hidden:dense', 'hidden.tanh:activation', 'output:dense']);
      const close = (actual: ArrayLike<number>, expected: number[]) => expect(maxDifference(actual, expected)).toBeLessThan(1e-12);
      const [hidden, act, output] = trace.stages;
      close(hidden.output, o1);
      close(act.output, h);
      close(output.output, o2);
      close(trace.probabilities, y);
      expect(trace.loss).toBeCloseTo(loss, 12);
      expect(trace.predicted).toBe(y.indexOf(Math.max(...y)));
      close(output.delta, delta2);
      close(act.delta, dh);
      close(hidden.delta, delta1);
      const grad = (name: string) => { const i = model.tensors.find((u) => u.name === name)!; return trace.grads.subarray(i.offset, i.offset + i.size); };
      close(grad('output.weight'), outer(delta2, h)); // dW2 = delta2 h^T
      close(grad('output.bias'), delta2);
      close(grad('hidden.weight'), outer(delta1, Array.from(x))); // dW1 = delta1 x^T
      close(grad('hidden.bias'), delta1);
      expect(hidden.tensors.map((u) => u.name)).toEqual(['hidden.weight', 'hidden.bias']);
      expect(act.tensors).toEqual([]);
    });
  }

  it('LeNet-5: the row\'s gradient is gradSum\'s, and C1\'s follows eq. 30-31 from its delta and input', () => {
    const model = Model.create(lenet(), { dtype: 'float64' });
    model.params.set(testParams(model, 10));
    const x = uniform(1024, 11), label = 7;
    const trace = model.trace(x, label);
    expect(trace.stages.map((s) => s.name)).toEqual(['c1', 'c1.relu', 's2', 'c3', 'c3.relu', 's4', 'c5', 'c5.relu', 'f6', 'f6.relu', 'output']);
    expect(trace.stages.map((s) => s.kind)).toEqual(['conv', 'activation', 'maxpool', 'conv', 'activation', 'maxpool', 'conv', 'activation', 'dense', 'activation', 'dense']);
    expect(Model.create(classic({ rbf: true })).trace(Float32Array.from(x), label).stages.map((s) => s.kind))
      .toEqual(['conv', 'activation', 'subsample', 'activation', 'conv', 'activation', 'subsample', 'activation', 'conv', 'activation', 'dense', 'activation', 'rbf']);
    const sum = model.gradSum(x, [label], 1);
    expect(trace.loss).toBe(sum.lossSum);
    expect(Array.from(trace.grads)).toEqual(Array.from(model.grads));
    const [c1, relu, s2] = trace.stages;
    expect(c1.delta.length).toBe(6 * 28 * 28);
    // max pooling's backward: each 2x2 window's winner (first in scan order) gets the window's delta
    for (let d = 0; d < 6; d++) for (let pi = 0; pi < 14; pi++) for (let pj = 0; pj < 14; pj++) {
      const cells = [0, 1, 2, 3].map((k) => (d * 28 + 2 * pi + (k >> 1)) * 28 + 2 * pj + (k & 1));
      const winner = cells.reduce((best, c) => (relu.output[c] > relu.output[best] ? c : best));
      for (const c of cells) expect(relu.delta[c]).toBe(c === winner ? s2.delta[(d * 14 + pi) * 14 + pj] : 0);
    }
    // ReLU's backward: dL/d(c1) = dL/d(relu out) * [c1 > 0]
    c1.delta.forEach((v, i) => expect(v).toBe(c1.output[i] > 0 ? relu.delta[i] : 0));
    const dK = trace.grads.subarray(0, 150), db = trace.grads.subarray(150, 156);
    for (const [d, m, n] of [[0, 0, 0], [3, 2, 4], [5, 4, 1]]) {
      let expected = 0;
      for (let i = 0; i < 28; i++) for (let j = 0; j < 28; j++) expected += c1.delta[(d * 28 + i) * 28 + j] * x[(i + m) * 32 + j + n];
      expect(dK[(d * 5 + m) * 5 + n]).toBeCloseTo(expected, 12); // eq. 30
    }
    for (let d = 0; d < 6; d++) expect(db[d]).toBeCloseTo(Array.from(c1.delta.subarray(d * 784, (d + 1) * 784)).reduce((a, b) => a + b, 0), 12); // eq. 31
  });
});

describe('featureMaps', () => {
  it('gives the input and each stage\'s output after its activation', () => {
    const model = Model.create(classic(), { dtype: 'float64' });
    model.init(4);
    const x = uniform(1024, 5);
    const maps = model.featureMaps(x);
    expect(maps.map((m) => `${m.name}[${m.shape}]`)).toEqual([
      'input[1,32,32]', 'c1[6,28,28]', 's2[6,14,14]', 'c3[16,10,10]', 's4[16,5,5]', 'c5[120,1,1]', 'f6[84]', 'output[10]',
    ]);
    expect(Array.from(maps[0].data)).toEqual(Array.from(Float32Array.from(x)));
  });
});
