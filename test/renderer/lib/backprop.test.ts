// The backprop view's rows: the right quantity under the right equation. The MLP's values are
// checked against the notes' equations computed here by hand from the weights and the sample, so a
// row that showed one quantity under another's equation would fail.
import { describe, expect, it } from 'vitest';
import { Model } from '../../../engine/model.ts';
import type { ModelSpec } from '../../../engine/spec.ts';
import type { BackpropTrace } from '../../../main/api/contract.ts';
import { mathParts, oneHot, passOf, plainText, type Pass } from '../../../renderer/src/lib/backprop.ts';
import { displayOf, extent, fitZoom } from '../../../renderer/src/lib/tensors.ts';
import { formatSignificant } from '../../../renderer/src/lib/format.ts';

/** A trace as the services send it (Float32 buffers), of a float64 model with seeded weights. */
function traced(spec: ModelSpec, x: ArrayLike<number>, label: number): { trace: BackpropTrace; weights: (name: string) => Float64Array } {
  const model = Model.create(spec, { dtype: 'float64' });
  model.init(7);
  const t = model.trace(Float64Array.from(x), label);
  const data = (a: ArrayLike<number>) => Float32Array.from(a).buffer as ArrayBuffer;
  const trace: BackpropTrace = {
    index: 0, set: 'validation', count: 1, label, predicted: t.predicted, loss: t.loss,
    input: { name: 'input', shape: model.layers[0].inShape, data: data(x) },
    probabilities: Array.from(t.probabilities),
    stages: t.stages.map((s) => ({
      name: s.name, kind: s.kind,
      output: { name: s.name, shape: s.shape, data: data(s.output) },
      delta: { name: s.name, shape: s.shape, data: data(s.delta) },
      grads: s.tensors.map((g) => ({ name: g.name, shape: g.shape, data: data(t.grads.subarray(g.offset, g.offset + g.size)) })),
    })),
  };
  const weights = (name: string) => {
    const info = model.tensors.find((i) => i.name === name)!;
    return model.params.subarray(info.offset, info.offset + info.size) as Float64Array;
  };
  return { trace, weights };
}

function row(pass: Pass, key: string) {
  const q = [...pass.forward, ...pass.backward].find((r) => r.key === key);
  if (!q) throw new Error(`no row ${key}`);
  return q;
}
const values = (pass: Pass, key: string) => Array.from(row(pass, key).values);
const matVec = (w: ArrayLike<number>, v: number[], rows: number) => Array.from({ length: rows }, (_, i) => v.reduce((s, x, j) => s + w[i * v.length + j] * x, 0));
const matTVec = (w: ArrayLike<number>, d: number[], cols: number) => Array.from({ length: cols }, (_, j) => d.reduce((s, x, i) => s + w[i * cols + j] * x, 0));
const outer = (a: number[], b: number[]) => a.flatMap((ai) => b.map((bj) => ai * bj));

function expectClose(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - expected[i]), `at ${i}: ${a} vs ${expected[i]}`).toBeLessThan(1e-6 + 1e-5 * Math.abs(expected[i])));
}

const mlp = (output: ModelSpec['output'], loss: ModelSpec['loss'], hidden = [4]): ModelSpec =>
  ({ type: 'mlp', inputs: 3, hidden, classes: 3, activation: 'sigmoid', output, loss });
const X = [0.5, -1.2, 2];

describe('the MLP pass, row by row', () => {
  const { trace, weights } = traced(mlp('softmax', 'cross-entropy'), X, 2);
  const pass = passOf(trace, mlp('softmax', 'cross-entropy'));

  it('lists the forward pass top down, then the backward pass from the loss back to the first layer', () => {
    expect(pass.forward.map((q) => q.key)).toEqual(['x', 'forward:hidden', 'forward:hidden.sigmoid', 'forward:output', 'y', 'loss']);
    expect(pass.backward.map((q) => q.key)).toEqual([
      'delta:output', 'grad:output.weight', 'grad:output.bias', 'delta:hidden.sigmoid', 'delta:hidden', 'grad:hidden.weight', 'grad:hidden.bias',
    ]);
  });

  it('writes each row in the notes\' symbols ("MLP, complete", Gap 1)', () => {
    const eq = (key: string) => plainText(row(pass, key).equation);
    expect(eq('forward:hidden')).toBe('o_1 = W_1 x + b_1');
    expect(eq('forward:hidden.sigmoid')).toBe('h = σ(o_1) = 1 / (1 + exp(−o_1))');
    expect(eq('forward:output')).toBe('o_2 = W_2 h + b_2');
    expect(eq('loss')).toBe('L = −Σ_i t[i] ln y[i] = −ln y[2]');
    expect(eq('delta:output')).toBe('δ_2 = ∂L/∂o_2 = y − t');
    expect(row(pass, 'delta:output').source).toBe('Gap 1');
    expect(eq('grad:output.weight')).toBe('∂L/∂W_2 = δ_2 hᵀ');
    expect(eq('delta:hidden.sigmoid')).toBe('∂L/∂h = W_2ᵀ δ_2');
    expect(eq('delta:hidden')).toBe('δ_1 = ∂L/∂o_1 = ∂L/∂h ⊙ h (1 − h)');
    expect(eq('grad:hidden.weight')).toBe('∂L/∂W_1 = δ_1 xᵀ');
    expect(eq('grad:hidden.bias')).toBe('∂L/∂b_1 = δ_1');
    expect(row(pass, 'grad:hidden.weight').shape).toEqual([4, 3]);
  });

  it('cites with each row the seed\'s equation number where the seed has one (with the notes\' corrections)', () => {
    const sources = Object.fromEntries([...pass.forward, ...pass.backward].map((q) => [q.key, q.source]));
    expect(sources).toEqual({
      x: '',
      'forward:hidden': 'MLP, complete; eq. 1',
      'forward:hidden.sigmoid': 'eq. 2, 21',
      'forward:output': 'MLP, complete; eq. 3',
      y: 'Gap 1: output function',
      loss: 'Gap 1; eq. 15',
      'delta:output': 'Gap 1',
      'grad:output.weight': 'MLP, complete; eq. 5',
      'grad:output.bias': 'MLP, complete; eq. 6, corrected',
      'delta:hidden.sigmoid': 'MLP, complete; the sum over i in eq. 7, 8',
      'delta:hidden': 'MLP, complete; eq. 22',
      'grad:hidden.weight': 'MLP, complete; eq. 7',
      'grad:hidden.bias': 'MLP, complete; eq. 8, corrected',
    });
  });

  it('shows under each equation the values that equation gives, computed here from the weights', () => {
    const [W1, b1, W2, b2] = ['hidden.weight', 'hidden.bias', 'output.weight', 'output.bias'].map(weights);
    const o1 = matVec(W1, X, 4).map((v, i) => v + b1[i]);
    const h = o1.map((v) => 1 / (1 + Math.exp(-v)));
    const o2 = matVec(W2, h, 3).map((v, i) => v + b2[i]);
    const e = o2.map((v) => Math.exp(v)), sum = e.reduce((a, b) => a + b);
    const y = e.map((v) => v / sum), t = oneHot(2, 3);
    const delta2 = y.map((v, i) => v - t[i]);
    const dh = matTVec(W2, delta2, 4);
    const delta1 = dh.map((v, j) => v * h[j] * (1 - h[j]));
    expectClose(values(pass, 'x'), X);
    expectClose(values(pass, 'forward:hidden'), o1);
    expectClose(values(pass, 'forward:hidden.sigmoid'), h);
    expectClose(values(pass, 'forward:output'), o2);
    expectClose(values(pass, 'y'), y);
    expectClose(values(pass, 'loss'), [-Math.log(y[2])]);
    expectClose(values(pass, 'delta:output'), delta2);
    expectClose(values(pass, 'grad:output.weight'), outer(delta2, h));
    expectClose(values(pass, 'grad:output.bias'), delta2);
    expectClose(values(pass, 'delta:hidden.sigmoid'), dh);
    expectClose(values(pass, 'delta:hidden'), delta1);
    expectClose(values(pass, 'grad:hidden.weight'), outer(delta1, X));
    expectClose(values(pass, 'grad:hidden.bias'), delta1);
  });

  it('gives L2\'s output delta its output function\'s derivative (Gap 1 table)', () => {
    for (const output of ['sigmoid', 'softmax'] as const) {
      const spec = mlp(output, 'l2');
      const p = passOf(traced(spec, X, 0).trace, spec);
      const y = values(p, 'y'), t = oneHot(0, 3), e = y.map((v, i) => v - t[i]);
      const dot = e.reduce((s, v, i) => s + v * y[i], 0);
      const expected = output === 'sigmoid' ? e.map((v, i) => v * y[i] * (1 - y[i])) : y.map((v, k) => v * (e[k] - dot));
      expectClose(values(p, 'delta:output'), expected);
      expect(plainText(row(p, 'loss').equation)).toBe('L = ½ Σ_i (t[i] − y[i])²');
      expect(plainText(row(p, 'delta:output').equation)).toContain(output === 'sigmoid' ? '(y − t) ⊙ y (1 − y)' : 'y[k] ((y[k] − t[k]) − Σ_i (y[i] − t[i]) y[i])');
      expect(row(p, 'delta:output').source).toBe(output === 'sigmoid' ? 'Gap 1; eq. 10-14, 22' : 'Gap 1: the softmax Jacobian');
    }
  });

  it('numbers the layers of a deeper MLP', () => {
    const spec = mlp('sigmoid', 'cross-entropy', [4, 3]);
    const p = passOf(traced(spec, X, 1).trace, spec);
    expect(p.forward.map((q) => plainText(q.symbol))).toEqual(['x', 'o_1', 'h_1', 'o_2', 'h_2', 'o_3', 'y', 'L']);
    expect(plainText(row(p, 'delta:hidden2.sigmoid').equation)).toBe('∂L/∂h_2 = W_3ᵀ δ_3');
    expect(plainText(row(p, 'delta:output').equation)).toBe('δ_3 = ∂L/∂o_3 = y − t');
    expect(row(p, 'y').source).toBe('eq. 4, 21; Gap 1'); // y = a(o) with the sigmoid
  });
});

describe('the LeNet-5 pass', () => {
  const image = Array.from({ length: 32 * 32 }, (_, i) => Math.sin(i * 0.37));

  it('follows eq. 26, 30, 31, Gap 2 and the pooling rules, layer by layer', () => {
    const spec: ModelSpec = { type: 'lenet5', variant: 'modern', inputShape: [1, 32, 32], classes: 10, activation: 'tanh', pooling: 'avg', output: 'softmax', loss: 'cross-entropy' };
    const p = passOf(traced(spec, image, 3).trace, spec);
    expect(p.forward.map((q) => q.name)).toEqual(['input', 'c1', 'c1.tanh', 's2', 'c3', 'c3.tanh', 's4', 'c5', 'c5.tanh', 'f6', 'f6.tanh', 'output', 'probabilities', 'loss']);
    expect(row(p, 'forward:c1').source).toBe('eq. 26');
    expect(plainText(row(p, 'forward:c1').equation)).toBe('z_c1[d,i,j] = b_c1[d] + Σ_c,m,n K_c1[d,c,m,n] x[c,i+m,j+n]');
    expect(row(p, 'grad:c3.weight').source).toBe('eq. 30, corrected');
    expect(row(p, 'grad:c3.bias').source).toBe('eq. 31');
    expect(row(p, 'delta:s4').source).toBe('Gap 2'); // through C5 back to S4
    expect(row(p, 'delta:c3.tanh').source).toBe('Pooling: average; §3.3, corrected'); // 1/(N*N), the seed's erratum
    expect(row(p, 'forward:s2').source).toBe('Pooling: average; eq. 29 with avg');
    expect(row(p, 'forward:c1.tanh').source).toBe('eq. 28; MLP, complete: tanh'); // o = a(x), the function from the notes' list
    expect(row(p, 'forward:f6.tanh').source).toBe('eq. 2; MLP, complete: tanh');
    expect(plainText(row(p, 'delta:f6.tanh').equation)).toBe('∂L/∂a_f6 = W_outᵀ δ_out');
    expect(plainText(row(p, 'delta:c5').equation)).toBe('δ_c5 = ∂L/∂z_c5 = ∂L/∂a_c5 ⊙ (1 − a_c5²)'); // 1x1 maps: a vector
    expect(row(p, 'delta:c5').source).toBe('Convolution, complete');
    // element-wise through an activation: as the notes write it, delta = dL/dx = dL/dout * f'(x), no index
    expect(plainText(row(p, 'delta:c1').equation)).toBe('δ_c1 = ∂L/∂z_c1 = ∂L/∂a_c1 ⊙ (1 − a_c1²)');
    // Gap 2 with its range: the terms whose delta index falls inside C3's output map
    expect(plainText(row(p, 'delta:s2').equation)).toBe('∂L/∂a_s2[c,p,q] = Σ_d,m,n δ_c3[d,p−m,q−n] K_c3[d,c,m,n], only terms with 0 ≤ p−m < H_out, 0 ≤ q−n < W_out: the full convolution with the kernels turned 180°');
    expect(row(p, 'delta:f6').source).toBe('MLP, complete');
    // eq. 31: each map's bias gradient is the sum of its delta
    const d = values(p, 'delta:c1'), db = values(p, 'grad:c1.bias');
    expectClose(db, db.map((_, m) => d.slice(m * 784, (m + 1) * 784).reduce((a, b) => a + b, 0)));
    // average pooling: each input of a window gets a quarter of its output's delta
    const ds4 = values(p, 'delta:s4'), dc3 = values(p, 'delta:c3.tanh');
    expectClose(dc3, dc3.map((_, k) => {
      const c = Math.floor(k / 100), pp = Math.floor((k % 100) / 10), q = k % 10;
      return ds4[c * 25 + Math.floor(pp / 2) * 5 + Math.floor(q / 2)] / 4;
    }));
  });

  it('shows under eq. 26, eq. 30, Gap 2 and max pooling the values they give, computed here from the weights', () => {
    const spec: ModelSpec = { type: 'lenet5', variant: 'modern', inputShape: [1, 32, 32], classes: 10, activation: 'tanh', pooling: 'max', output: 'softmax', loss: 'cross-entropy' };
    const { trace, weights } = traced(spec, image, 3);
    const p = passOf(trace, spec);
    expect(plainText(row(p, 'forward:c3').equation)).toBe('z_c3[d,i,j] = b_c3[d] + Σ_c,m,n K_c3[d,c,m,n] a_s2[c,i+m,j+n]');
    // eq. 26 for C3, from S2's shown output: 16 maps of 10x10 from 6 of 14x14, 5x5 kernels
    const K = weights('c3.weight'), b = weights('c3.bias'), a = values(p, 'forward:s2'), dz = values(p, 'delta:c3');
    const at = (c: number, i: number, j: number) => a[c * 196 + i * 14 + j];
    const kernel = (d: number, c: number, m: number, n: number) => K[((d * 6 + c) * 5 + m) * 5 + n];
    const each = (n: number) => Array.from({ length: n }, (_, i) => i);
    const z = each(1600).map((k) => {
      const d = Math.floor(k / 100), i = Math.floor((k % 100) / 10), j = k % 10;
      let sum = b[d];
      for (const c of each(6)) for (const m of each(5)) for (const n of each(5)) sum += kernel(d, c, m, n) * at(c, i + m, j + n);
      return sum;
    });
    expectClose(values(p, 'forward:c3'), z);
    // eq. 30, corrected: dK[d,c,m,n] = sum_ij delta[d,i,j] in[c,i+m,j+n]
    expectClose(values(p, 'grad:c3.weight'), each(16 * 6 * 25).map((k) => {
      const d = Math.floor(k / 150), c = Math.floor((k % 150) / 25), m = Math.floor((k % 25) / 5), n = k % 5;
      let sum = 0;
      for (const i of each(10)) for (const j of each(10)) sum += dz[d * 100 + i * 10 + j] * at(c, i + m, j + n);
      return sum;
    }));
    // Gap 2: dIn[c,p,q] = sum_dmn delta[d,p-m,q-n] K[d,c,m,n], only where p-m, q-n fall inside the 10x10 map
    expectClose(values(p, 'delta:s2'), each(6 * 196).map((k) => {
      const c = Math.floor(k / 196), pp = Math.floor((k % 196) / 14), q = k % 14;
      let sum = 0;
      for (const d of each(16)) for (const m of each(5)) for (const n of each(5)) {
        const i = pp - m, j = q - n;
        if (i >= 0 && i < 10 && j >= 0 && j < 10) sum += dz[d * 100 + i * 10 + j] * kernel(d, c, m, n);
      }
      return sum;
    }));
    // max pooling: the whole delta to the window's (first) maximum, 0 elsewhere
    expect(row(p, 'delta:c1.tanh').source).toBe('Pooling: max; §3.3');
    const a1 = values(p, 'forward:c1.tanh'), ds2 = values(p, 'delta:s2');
    expectClose(values(p, 'delta:c1.tanh'), each(6 * 784).map((k) => {
      const c = Math.floor(k / 784), pp = Math.floor((k % 784) / 28), q = k % 28;
      const top = 2 * Math.floor(pp / 2), left = 2 * Math.floor(q / 2);
      const window = [0, 1, 2, 3].map((w) => c * 784 + (top + (w >> 1)) * 28 + left + (w & 1));
      const winner = window.reduce((best, w) => (a1[w] > a1[best] ? w : best));
      return winner === k ? ds2[c * 196 + Math.floor(pp / 2) * 14 + Math.floor(q / 2)] : 0;
    }));
    // delta = dL/dout * f'(x) through the tanh
    const dA1 = values(p, 'delta:c1.tanh');
    expectClose(values(p, 'delta:c1'), dA1.map((g, k) => g * (1 - a1[k] * a1[k])));
  });

  it('names the classic net\'s subsampling, C3 table and RBF output', () => {
    const spec: ModelSpec = { type: 'lenet5', variant: 'classic', inputShape: [1, 32, 32], classes: 10, activation: 'scaled-tanh', output: 'softmax', loss: 'cross-entropy', rbf: true };
    const p = passOf(traced(spec, image, 3).trace, spec);
    expect(row(p, 'forward:c3').source).toContain('Table I');
    expect(plainText(row(p, 'forward:output').equation)).toBe('o[i] = −Σ_j (a_f6[j] − w[i,j])²');
    expect(plainText(row(p, 'grad:s2.coef').symbol)).toBe('∂L/∂coef_s2');
    expect(plainText(row(p, 'grad:output.centers').equation)).toBe('∂L/∂w[i,j] = 2 δ_out[i] (a_f6[j] − w[i,j])');
    expect(row(p, 'delta:f6.scaled-tanh').source).toBe('LeNet-5: RBF output');
    // an index on the left wherever the right side has a free one: j here
    expect(plainText(row(p, 'delta:f6.scaled-tanh').equation)).toBe('∂L/∂a_f6[j] = −2 Σ_i δ_out[i] (a_f6[j] − w[i,j])');
    expect(plainText(row(p, 'delta:c1.scaled-tanh').equation)).toBe('∂L/∂a_c1[c,p,q] = coef_s2[c] δ_s2[c,⌊p/2⌋,⌊q/2⌋]');
    // and the values are what those rows say, from the shown values and the weights
    const { trace, weights } = traced(spec, image, 3);
    const q = passOf(trace, spec);
    const w = weights('output.centers'), a6 = values(q, 'forward:f6.scaled-tanh'), dOut = values(q, 'delta:output');
    const byClass = (f: (i: number) => number) => dOut.reduce((sum, _, i) => sum + f(i), 0);
    expectClose(values(q, 'forward:output'), dOut.map((_, i) => -a6.reduce((sum, v, j) => sum + (v - w[i * 84 + j]) ** 2, 0)));
    expectClose(values(q, 'delta:f6.scaled-tanh'), a6.map((v, j) => byClass((i) => -2 * dOut[i] * (v - w[i * 84 + j]))));
    expectClose(values(q, 'grad:output.centers'), Array.from(w, (wij, k) => 2 * dOut[Math.floor(k / 84)] * (a6[k % 84] - wij)));
    // S2: dcoef[d] = sum delta_s * sum(window), dbias[d] = sum delta_s, each input gets coef[d] * delta_s
    const a1 = values(q, 'forward:c1.scaled-tanh'), ds2 = values(q, 'delta:s2'), coef = weights('s2.coef');
    const windowSum = (c: number, i: number, j: number) => [0, 1, 2, 3].reduce((sum, k) => sum + a1[c * 784 + (2 * i + (k >> 1)) * 28 + 2 * j + (k & 1)], 0);
    const perMap = (f: (c: number, i: number, j: number) => number) => [0, 1, 2, 3, 4, 5].map((c) => {
      let sum = 0;
      for (let i = 0; i < 14; i++) for (let j = 0; j < 14; j++) sum += f(c, i, j);
      return sum;
    });
    expectClose(values(q, 'grad:s2.coef'), perMap((c, i, j) => ds2[c * 196 + i * 14 + j] * windowSum(c, i, j)));
    expectClose(values(q, 'grad:s2.bias'), perMap((c, i, j) => ds2[c * 196 + i * 14 + j]));
    expectClose(values(q, 'delta:c1.scaled-tanh'), a1.map((_, k) => {
      const c = Math.floor(k / 784), pp = Math.floor((k % 784) / 28), qq = k % 28;
      return coef[c] * ds2[c * 196 + Math.floor(pp / 2) * 14 + Math.floor(qq / 2)];
    }));
    // S2's delta through its own activation: the notes give it under classic subsampling, not convolution
    expect(row(p, 'delta:s2').source).toBe('Pooling: classic subsampling');
  });
});

describe('display helpers', () => {
  it('splits subscripts out of the markup', () => {
    expect(mathParts('W_{2}ᵀ δ_{2}')).toEqual([{ text: 'W', sub: false }, { text: '2', sub: true }, { text: 'ᵀ δ', sub: false }, { text: '2', sub: true }]);
    expect(plainText('∂L/∂K_{c1}[d]')).toBe('∂L/∂K_c1[d]');
    expect(oneHot(1, 3)).toEqual([0, 1, 0]);
  });

  it('chooses numbers, grids, heatmaps or images by shape', () => {
    expect(displayOf([])).toBe('scalar');
    expect(displayOf([84])).toBe('vector');
    expect(displayOf([120, 1, 1])).toBe('vector');
    expect(displayOf([12, 12])).toBe('grid');
    expect(displayOf([13, 2])).toBe('heatmap');
    expect(displayOf([6, 28, 28])).toBe('maps');
    expect(displayOf([16, 6, 5, 5])).toBe('kernels');
    expect(displayOf([120, 16, 5, 5])).toBe('heatmap');
  });

  it('fits an image in its box at a whole zoom, never below 1', () => {
    expect(fitZoom(28, 28)).toBe(4);
    expect(fitZoom(175, 10)).toBe(3);
    expect(fitZoom(784, 128)).toBe(1);
    expect(fitZoom(96, 719)).toBe(1);
    expect(extent([3, -2, 0.5])).toEqual({ min: -2, max: 3 });
    expect(extent([])).toEqual({ min: 0, max: 0 });
  });

  it('formats values at 4 significant digits', () => {
    expect(formatSignificant(-0.026904)).toBe('-0.02690');
    expect(formatSignificant(0.5)).toBe('0.5000');
    expect(formatSignificant(123.456)).toBe('123.5');
    expect(formatSignificant(2.345e-7)).toBe('2.345e-7');
    expect(formatSignificant(-0)).toBe('0');
    expect(formatSignificant(NaN)).toBe('NaN');
  });
});
