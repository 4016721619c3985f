import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { createOptimizer, OptimizerConfigSchema } from '../../engine/optim.ts';

// Two parameters w = [1, -2], gradients worked out by hand below. The moment buffers are float32
// (the optimiser state's type), so results with buffers agree to about 7 significant digits.
const w0 = () => Float64Array.of(1, -2);
const g = Float64Array.of(0.5, 0.25);

function expectClose(actual: ArrayLike<number>, expected: number[], digits = 9): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i], digits);
}

describe('SGD', () => {
  it('w -= lr g', () => {
    const w = w0();
    createOptimizer({ kind: 'sgd', lr: 0.1 }, 2).step(w, g);
    expectClose(w, [1 - 0.05, -2 - 0.025]);
  });

  it('adds L2 weight decay to the gradient: g + wd w', () => {
    const w = w0();
    createOptimizer({ kind: 'sgd', lr: 0.1, weightDecay: 0.01 }, 2).step(w, g);
    // g' = [0.5 + 0.01, 0.25 - 0.02] = [0.51, 0.23]
    expectClose(w, [1 - 0.051, -2 - 0.023]);
  });

  it('reads config.lr at every step', () => {
    const w = w0();
    const opt = createOptimizer({ kind: 'sgd', lr: 0.1 }, 2);
    opt.step(w, g);
    opt.config.lr = 1;
    opt.step(w, g);
    expectClose(w, [0.95 - 0.5, -2.025 - 0.25]);
  });

  it('works on float32 vectors', () => {
    const w = Float32Array.of(1, -2);
    createOptimizer({ kind: 'sgd', lr: 0.1 }, 2).step(w, Float32Array.of(0.5, 0.25));
    expect(Array.from(w)).toEqual([Math.fround(0.95), Math.fround(-2.025)]);
  });

  it('says whether the parameters stayed finite', () => {
    const opt = createOptimizer({ kind: 'sgd', lr: 1e30 }, 2);
    expect(opt.step(w0(), g)).toBe(true);
    expect(opt.step(Float32Array.of(1, -2), Float32Array.of(1e10, 0))).toBe(false); // float32 overflows
    expect(opt.update(Float64Array.of(1, NaN), g, 0, 1)).toBe(true); // the slice only
    expect(opt.update(Float64Array.of(1, NaN), g, 1, 2)).toBe(false);
  });
});

describe('momentum (heavy ball: v = mu v + g; w -= lr v)', () => {
  it('accumulates velocity', () => {
    const w = w0();
    const opt = createOptimizer({ kind: 'momentum', lr: 0.1, momentum: 0.9 }, 2);
    opt.step(w, g); // v = [0.5, 0.25]; w = [0.95, -2.025]
    expectClose(w, [0.95, -2.025]);
    opt.step(w, g); // v = 0.9 [0.5, 0.25] + [0.5, 0.25] = [0.95, 0.475]; w -= 0.1 v
    expectClose(w, [0.855, -2.0725], 7);
  });

  it('defaults to mu = 0.9 and decays through the velocity', () => {
    const w = w0();
    const opt = createOptimizer({ kind: 'momentum', lr: 0.1, weightDecay: 0.01 }, 2);
    opt.step(w, g); // v = g' = [0.51, 0.23]; w = [0.949, -2.023]
    opt.step(w, g); // g' = [0.5 + 0.00949, 0.25 - 0.02023] = [0.50949, 0.22977]; v = [0.459 + 0.50949, 0.207 + 0.22977]
    expectClose(w, [0.949 - 0.096849, -2.023 - 0.043677], 7);
  });
});

describe('Adam (bias-corrected)', () => {
  it('matches two steps worked by hand', () => {
    const w = w0();
    const opt = createOptimizer({ kind: 'adam', lr: 0.1 }, 2); // beta1 0.9, beta2 0.999, eps 1e-8
    opt.step(w, g);
    // t=1: m = 0.1 g, v = 0.001 g^2; m^ = g, v^ = g^2: w -= 0.1 g / (|g| + 1e-8)
    // = [1 - 0.1 * 0.5/0.50000001, -2 - 0.1 * 0.25/0.25000001]
    expectClose(w, [0.900000002, -2.099999996], 7);
    opt.step(w, Float64Array.of(0.1, 0.25));
    // t=2: m = 0.9 [0.05, 0.025] + 0.1 [0.1, 0.25] = [0.055, 0.0475], m^ = m / 0.19 = [0.289473684, 0.25]
    //      v = 0.999 [0.00025, 0.0000625] + 0.001 [0.01, 0.0625] = [0.00025975, 0.0001249375]
    //      v^ = v / 0.001999 = [0.129939970, 0.0625], sqrt = [0.360471871, 0.25]
    //      w -= 0.1 m^ / (sqrt(v^) + 1e-8) = [0.080303938, 0.099999996]
    expectClose(w, [0.819696064, -2.199999992], 6);
  });

  it('the first step moves every weight by lr, whatever the gradient scale (bias correction)', () => {
    const w = Float64Array.of(0, 0, 0);
    createOptimizer({ kind: 'adam', lr: 0.01 }, 3).step(w, Float64Array.of(1e-3, -50, 7));
    expectClose(w, [-0.01, 0.01, -0.01], 6);
  });
});

describe('state', () => {
  it('getState/setState resumes a run exactly', () => {
    for (const kind of ['sgd', 'momentum', 'adam'] as const) {
      const a = createOptimizer({ kind, lr: 0.05 }, 2);
      const wa = w0();
      a.step(wa, g);
      a.step(wa, Float64Array.of(-0.3, 0.7));
      const saved = a.getState();
      expect(saved.t).toBe(2);
      expect(saved.buffers.length).toBe({ sgd: 0, momentum: 1, adam: 2 }[kind]);
      const wb = wa.slice();
      const b = createOptimizer({ kind, lr: 0.05 }, 2);
      b.setState(saved);
      a.step(wa, g);
      saved.buffers.forEach((buf) => buf.fill(123)); // the state given is copied, not kept
      b.step(wb, g);
      expect(Array.from(wb)).toEqual(Array.from(wa));
    }
  });

  it('updates slices, on buffers it is given, to the bits of a whole step', () => {
    for (const kind of ['sgd', 'momentum', 'adam'] as const) {
      const config = { kind, lr: 0.05, weightDecay: 0.01 };
      const grads = [Float32Array.of(0.5, -0.25, 3, 1e-3, -7), Float32Array.of(-0.3, 0.7, 0.1, 2, 0.5)];
      const whole = createOptimizer({ ...config }, 5);
      const wa = Float32Array.of(1, -2, 0.5, 3, -0.125);
      const moments = Array.from({ length: whole.buffers.length }, () => new Float32Array(new SharedArrayBuffer(20)));
      const sliced = createOptimizer({ ...config }, 5, moments);
      const wb = wa.slice();
      for (const grad of grads) {
        whole.step(wa, grad);
        sliced.t++;
        sliced.update(wb, grad, 3, 5); // slices in any order
        sliced.update(wb, grad, 0, 3);
      }
      expect(Array.from(wb)).toEqual(Array.from(wa));
      expect(sliced.buffers).toBe(moments);
      expect(moments.map((m) => Array.from(m))).toEqual(whole.buffers.map((m) => Array.from(m)));
    }
  });

  it('writes an update into another copy of the state, leaving the one it read as it was', () => {
    for (const kind of ['sgd', 'momentum', 'adam'] as const) {
      const grad = Float32Array.of(0.5, -0.25, 3, 1e-3, -7);
      const inPlace = createOptimizer({ kind, lr: 0.05 }, 5), apart = createOptimizer({ kind, lr: 0.05 }, 5);
      const w = Float32Array.of(1, -2, 0.5, 3, -0.125), before = w.slice();
      const next = { params: new Float32Array(5).fill(9), buffers: apart.buffers.map(() => new Float32Array(5).fill(9)) };
      inPlace.step(w, grad); // two steps, so that the moments read are not zero
      apart.step(before, grad);
      const read = before.slice(), moments = apart.buffers.map((b) => b.slice());
      inPlace.step(w, grad);
      apart.t++;
      expect(apart.update(before, grad, 0, 2, next)).toBe(true);
      expect(apart.update(before, grad, 2, 5, next)).toBe(true);
      expect(Array.from(next.params)).toEqual(Array.from(w));
      expect(next.buffers.map((b) => Array.from(b))).toEqual(inPlace.buffers.map((b) => Array.from(b)));
      expect(Array.from(before)).toEqual(Array.from(read));
      expect(apart.buffers).toEqual(moments);
      expect(() => apart.update(before, grad, 0, 5, { params: new Float32Array(4), buffers: next.buffers })).toThrow(RangeError);
      if (kind !== 'sgd') expect(() => apart.update(before, grad, 0, 5, { params: next.params, buffers: [] })).toThrow(RangeError);
    }
  });

  it('rejects a state of the wrong shape', () => {
    const opt = createOptimizer({ kind: 'adam', lr: 0.1 }, 2);
    expect(() => opt.setState({ t: 1, buffers: [new Float32Array(2)] })).toThrow(/does not fit adam over 2 parameters/);
    expect(() => opt.setState({ t: 1, buffers: [new Float32Array(2), new Float32Array(3)] })).toThrow(RangeError);
    expect(() => opt.step(new Float64Array(3), new Float64Array(3))).toThrow(RangeError);
    expect(() => createOptimizer({ kind: 'momentum', lr: 0.1 }, 2, [new Float32Array(3)])).toThrow(/buffers do not fit momentum over 2/);
  });
});

describe('OptimizerConfigSchema', () => {
  it('accepts configs, including the weights-format.md example', () => {
    expect(v.is(OptimizerConfigSchema, { kind: 'sgd', lr: 0.1, momentum: 0.9 })).toBe(true);
    expect(v.is(OptimizerConfigSchema, { kind: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 5e-4 })).toBe(true);
  });

  it('rejects nonsense', () => {
    for (const bad of [
      { kind: 'rmsprop', lr: 0.1 }, { kind: 'sgd', lr: 0 }, { kind: 'sgd', lr: -1 }, { kind: 'sgd' },
      { kind: 'momentum', lr: 0.1, momentum: 1 }, { kind: 'adam', lr: 0.1, beta2: -0.1 },
      { kind: 'sgd', lr: 0.1, weightDecay: -1 }, { kind: 'sgd', lr: 0.1, learningRate: 0.1 },
    ]) expect(v.is(OptimizerConfigSchema, bad)).toBe(false);
  });
});
