import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimFloats, createKernelMemory, createWasmKernels, installWasmKernels } from '../../engine/kernels-wasm.ts';
import { gemm, setKernels, tsKernels, type Kernels } from '../../engine/kernels.ts';
import { Model } from '../../engine/model.ts';
import { PRESETS } from '../../engine/spec.ts';
import { Rng } from '../../engine/rng.ts';
import { buildWasm } from '../../scripts/build-wasm.ts';

// Tolerance: any order of summing K float32 products is within K * 2^-24 * sum_k |a_ik b_kj| of the
// exact value (the standard bound gamma_K), so the wasm and TypeScript kernels, which sum in different
// orders (blocks of 256, four lanes), may differ by twice that. A wrong index or a lost block is off
// by the size of a whole product.
const U = 2 ** -24;

let bytes: Uint8Array<ArrayBuffer>;
let wasm: Kernels;
beforeAll(async () => {
  bytes = readFileSync(await buildWasm());
  wasm = createWasmKernels(bytes);
});
afterAll(() => setKernels(tsKernels));

function random(rng: Rng, n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.next() * 2 - 1;
  return x;
}

/** sum_k |op(A)(i,k)| |op(B)(k,j)| for every (i, j): the scale of each entry's rounding error. */
function magnitudes(tA: boolean, tB: boolean, M: number, N: number, K: number, A: Float32Array, B: Float32Array) {
  const s = new Float64Array(M * N);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let t = 0;
    for (let k = 0; k < K; k++) t += Math.abs(tA ? A[k * M + i] : A[i * K + k]) * Math.abs(tB ? B[j * K + k] : B[k * N + j]);
    s[i * N + j] = t;
  }
  return s;
}

function compare(tA: boolean, tB: boolean, M: number, N: number, K: number, accumulate: boolean, seed: number) {
  const rng = new Rng(seed);
  // Longer than needed, as the contract allows: the kernel must read only the leading elements.
  const A = random(rng, M * K + 3), B = random(rng, K * N + 5);
  const C0 = random(rng, M * N + 7);
  const expected = C0.slice(), actual = C0.slice();
  tsKernels.gemm(tA, tB, M, N, K, A, B, expected, accumulate);
  wasm.gemm(tA, tB, M, N, K, A, B, actual, accumulate);
  const scale = magnitudes(tA, tB, M, N, K, A, B);
  let worst = 0;
  for (let i = 0; i < M * N; i++) {
    const allowed = 2 * (K + 1) * U * (scale[i] + (accumulate ? Math.abs(C0[i]) : 0)) + 1e-30;
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / allowed);
  }
  expect(worst, `${tA ? 'T' : 'N'}${tB ? 'T' : 'N'} ${M}x${N}x${K}`).toBeLessThanOrEqual(1);
  // Past the product, C is untouched.
  expect(Array.from(actual.subarray(M * N))).toEqual(Array.from(C0.subarray(M * N)));
}

describe('wasm SIMD gemm matches the TypeScript gemm (float32)', () => {
  // Edges of the 4x8 micro-tile (1, 3, 5, 7, 9 ...) and of the packed blocks (MC 64, KC 256, NC 1024).
  const shapes: [number, number, number][] = [
    [1, 1, 1], [1, 9, 3], [3, 1, 7], [4, 8, 1], [5, 7, 2], [7, 9, 13], [9, 17, 31], [13, 23, 255],
    [4, 8, 256], [5, 9, 257], [6, 784, 25], [16, 100, 150], [16, 150, 100], [150, 100, 16],
    [67, 70, 300], [6, 25, 3136], [3, 1030, 5], [65, 1025, 9],
    [7, 13, 1001], [1, 5, 603], [2, 4, 400], [16, 150, 1203], // depth > 8 max(M, N): A B^T as dot products
  ];
  for (const tA of [false, true]) for (const tB of [false, true]) {
    it(`${tA ? 'A^T' : 'A'} ${tB ? 'B^T' : 'B'}, assigning and accumulating`, () => {
      let seed = 1;
      for (const [M, N, K] of shapes) {
        compare(tA, tB, M, N, K, false, seed++);
        compare(tA, tB, M, N, K, true, seed++);
      }
    });
  }

  it('hand-worked 2x3 times 3x2, and K = 0', () => {
    const A = new Float32Array([1, 2, 3, 4, 5, 6]); // [[1,2,3],[4,5,6]]
    const B = new Float32Array([7, 8, 9, 10, 11, 12]); // [[7,8],[9,10],[11,12]]
    const C = new Float32Array(4);
    wasm.gemm(false, false, 2, 2, 3, A, B, C, false);
    expect(Array.from(C)).toEqual([58, 64, 139, 154]);
    wasm.gemm(true, true, 2, 2, 3, new Float32Array([1, 4, 2, 5, 3, 6]), new Float32Array([7, 9, 11, 8, 10, 12]), C, true);
    expect(Array.from(C)).toEqual([116, 128, 278, 308]);
    wasm.gemm(false, false, 2, 2, 0, A, B, C, true);
    expect(Array.from(C)).toEqual([116, 128, 278, 308]);
    wasm.gemm(false, false, 2, 2, 0, A, B, C, false);
    expect(Array.from(C)).toEqual([0, 0, 0, 0]);
  });

  it('computes in place on the arrays it placed, which stay valid as its memory grows', () => {
    const k = createWasmKernels(bytes);
    const a = k.floats!(6), b = k.floats!(6), c = k.floats!(4);
    expect(Array.from(a)).toEqual([0, 0, 0, 0, 0, 0]); // zeroed
    a.set([1, 2, 3, 4, 5, 6]);
    b.set([7, 8, 9, 10, 11, 12]);
    k.gemm(false, false, 2, 2, 3, a, b, c, false);
    expect(Array.from(c)).toEqual([58, 64, 139, 154]);
    const n = 600, big = new Float32Array(n * n).fill(1), out = new Float32Array(n * n);
    k.gemm(false, false, n, n, n, big, big, out, false); // copies ~4 MiB in: the memory grows
    expect(out[n * n - 1]).toBe(n);
    k.gemm(true, true, 2, 2, 3, a, b, c, true); // A^T B^T of [[1,3,5],[2,4,6]] and B's transpose, added
    expect(Array.from(c)).toEqual([58 + 76, 64 + 103, 139 + 100, 154 + 136]);
    const later = k.floats!(3); // placed after the growth, where the big call's copies were: zeroed
    expect(Array.from(later)).toEqual([0, 0, 0]);
    expect(Array.from(a)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('survives its memory growing between calls (views are refreshed)', () => {
    const k = createWasmKernels(new WebAssembly.Module(bytes));
    const small = new Float32Array([2]), out = new Float32Array(1);
    k.gemm(false, false, 1, 1, 1, small, small, out, false);
    expect(out[0]).toBe(4);
    const n = 600, A = new Float32Array(n * n).fill(1), C = new Float32Array(n * n);
    k.gemm(false, false, n, n, n, A, A, C, false); // ~4 MiB of operands: grows the memory
    expect(C[0]).toBe(n);
    expect(C[n * n - 1]).toBe(n);
    k.gemm(false, false, 1, 1, 1, small, small, out, true);
    expect(out[0]).toBe(8);
  });
});

describe('wasm im2col and col2im match the TypeScript ones exactly', () => {
  // im2col only copies; col2im adds the same terms in the same order, and a float32 sum of two floats
  // is the same whether rounded once (wasm) or via float64 (TypeScript): bit-identical results.
  const shapes: [number, number, number, number, number][] = [ // batch, C, H, W, k
    [3, 1, 32, 32, 5], [2, 6, 14, 14, 5], [1, 16, 5, 5, 5], [2, 2, 7, 9, 3], [1, 3, 4, 6, 1], [2, 1, 6, 5, 6],
  ];
  for (const [batch, C, H, W, k] of shapes) {
    it(`batch ${batch}, ${C}x${H}x${W}, k ${k}`, () => {
      const rng = new Rng(batch * 1000 + H);
      const inputs = batch * C * H * W, cols = C * k * k * batch * (H - k + 1) * (W - k + 1);
      const x = random(rng, inputs), col = random(rng, cols);
      const expectedCol = new Float32Array(cols + 2), actualCol = expectedCol.slice();
      tsKernels.im2col(x, batch, C, H, W, k, expectedCol);
      wasm.im2col(x, batch, C, H, W, k, actualCol);
      expect(Array.from(actualCol)).toEqual(Array.from(expectedCol));
      const expectedDx = random(rng, inputs), actualDx = expectedDx.slice(); // stale values must be overwritten
      tsKernels.col2im(col, batch, C, H, W, k, expectedDx);
      wasm.col2im(col, batch, C, H, W, k, actualDx);
      expect(Array.from(actualDx)).toEqual(Array.from(expectedDx));
    });
  }
});

describe('wasm ReLU and max pooling match the TypeScript ones exactly', () => {
  it('relu and its backward, on lengths that are not multiples of four, with -0, NaN and ties at 0', () => {
    const rng = new Rng(5);
    for (const n of [1, 3, 4, 7, 4704 * 3 + 2]) {
      const x = random(rng, n), dy = random(rng, n);
      if (n > 4) { x[0] = -0; x[1] = Number.NaN; x[2] = 0; dy[3] = -0; }
      const expected = random(rng, n + 1), actual = expected.slice();
      tsKernels.relu(x, expected, n);
      wasm.relu(x, actual, n);
      expect(Array.from(actual)).toEqual(Array.from(expected)); // toEqual tells +0 from -0
      tsKernels.reluBackward(x, dy, expected, n);
      wasm.reluBackward(x, dy, actual, n);
      expect(Array.from(actual)).toEqual(Array.from(expected));
    }
  });

  // e^x by Cephes' polynomial, then a division (and a subtraction for tanh): a few units in the last
  // place, a difference below the smallest normal float counting as one (sigmoid(-200) may be 6e-39,
  // not 0); a wrong constant or a lost lane is off by far more.
  const ulps = (got: number, want: number) => Math.abs(got - want) / Math.max(Math.abs(want) * 2 ** -23, 2 ** -126);
  for (const [name, a, s] of [['tanh', 1, 1], ['scaled tanh', 1.7159, 2 / 3]] as const) {
    it(`sigmoid and ${name} within 4 units in the last place of TypeScript's, special values as in TypeScript`, () => {
      const n = 4003, x = new Float32Array(n);
      for (let i = 0; i < n; i++) x[i] = ((i / n) - 0.5) * (i % 3 ? 60 : 3); // +-30, and finely near 0
      x.set([0, NaN, Infinity, -Infinity, 1e-30, -200, 200, 0.625, -0.625], 0);
      for (const kernel of ['sigmoid', 'tanh'] as const) {
        const ts = new Float32Array(n), simd = new Float32Array(n);
        if (kernel === 'sigmoid') { tsKernels.sigmoid(x, ts, n); wasm.sigmoid(x, simd, n); } else { tsKernels.tanh(x, ts, n, a, s); wasm.tanh(x, simd, n, a, s); }
        let worst = 0;
        for (let i = 0; i < n; i++) {
          if (Number.isNaN(ts[i])) expect(simd[i], `${kernel}(${x[i]})`).toBeNaN();
          else worst = Math.max(worst, ulps(simd[i], ts[i]));
        }
        expect(worst, kernel).toBeLessThanOrEqual(4);
        const tail = new Float32Array(7);
        if (kernel === 'sigmoid') wasm.sigmoid(x.subarray(n - 7), tail, 7); else wasm.tanh(x.subarray(n - 7), tail, 7, a, s);
        expect(tail).toEqual(simd.subarray(n - 7)); // the ragged end: the lanes' arithmetic
      }
    });
  }

  it('max pooling: maxima and winners, with ties, on ragged map sizes', () => {
    const rng = new Rng(6);
    for (const [maps, H, W, n] of [[3 * 6, 28, 28, 2], [2 * 16, 10, 10, 2], [2, 7, 9, 2], [3, 9, 6, 3], [1, 5, 5, 1]]) {
      // quarter steps in [-1, 1]: many ties, which must go to the first position in scan order
      const x = Float32Array.from({ length: maps * H * W }, () => Math.round(rng.next() * 8 - 4) / 4);
      const outputs = maps * Math.floor(H / n) * Math.floor(W / n);
      const expected = random(rng, outputs), actual = expected.slice();
      const expectedWinner = new Int32Array(outputs), actualWinner = new Int32Array(outputs);
      tsKernels.maxPool(x, maps, H, W, n, expected, expectedWinner);
      wasm.maxPool(x, maps, H, W, n, actual, actualWinner);
      expect(Array.from(actual)).toEqual(Array.from(expected));
      expect(Array.from(actualWinner)).toEqual(Array.from(expectedWinner));
      // backward: each output's gradient lands on its winner, everything else (incl. the ragged
      // rows and columns no window reaches) is 0, whatever dx held
      const inputs = maps * H * W, dy = random(rng, outputs);
      const [dxTs, dxWasm] = [new Float32Array(inputs).fill(7), new Float32Array(inputs).fill(7)];
      tsKernels.maxPoolBackward(dy, expectedWinner, outputs, dxTs, inputs);
      wasm.maxPoolBackward(dy, actualWinner, outputs, dxWasm, inputs);
      expect(dxWasm).toEqual(dxTs);
      const direct = new Float32Array(inputs);
      expectedWinner.forEach((w, o) => (direct[w] = dy[o]));
      expect(dxTs).toEqual(direct);
    }
  });
});

describe('wasm convolution layouts', () => {
  // P = 7: one vector of four and a tail of three per map row
  for (const [D, batch, P] of [[3, 2, 7], [6, 8, 784], [1, 1, 1]]) {
    it(`mapsToSamples and samplesToMaps, D ${D}, batch ${batch}, P ${P}: as TypeScript`, () => {
      const rng = new Rng(D * 100 + P), n = D * batch * P;
      const rows = random(rng, n), bias = random(rng, D), dy = random(rng, n);
      const [yTs, yWasm] = [new Float32Array(n), new Float32Array(n)];
      tsKernels.mapsToSamples(rows, D, batch, P, bias, yTs);
      wasm.mapsToSamples(rows, D, batch, P, bias, yWasm);
      expect(yWasm).toEqual(yTs); // one float32 add each
      expect(yTs[((batch - 1) * D + D - 1) * P + P - 1]).toBe(Math.fround(rows[((D - 1) * batch + batch - 1) * P + P - 1] + bias[D - 1]));
      const [deltaTs, deltaWasm] = [new Float32Array(n), new Float32Array(n)];
      const [dbTs, dbWasm] = [new Float32Array(D).fill(7), new Float32Array(D).fill(7)]; // written, not added to
      tsKernels.samplesToMaps(dy, D, batch, P, deltaTs, dbTs);
      wasm.samplesToMaps(dy, D, batch, P, deltaWasm, dbWasm);
      expect(deltaWasm).toEqual(deltaTs);
      for (let d = 0; d < D; d++) {
        let exact = 0, scale = 0;
        for (let b = 0; b < batch; b++) for (let p = 0; p < P; p++) { exact += dy[(b * D + d) * P + p]; scale += Math.abs(dy[(b * D + d) * P + p]); }
        expect(Math.abs(dbTs[d] - exact)).toBeLessThan(1e-6 * scale);
        expect(Math.abs(dbWasm[d] - exact)).toBeLessThan(1e-6 * scale);
      }
      // the two layouts are each other's transpose: delta back through mapsToSamples (no bias) is dy
      const back = new Float32Array(n);
      wasm.mapsToSamples(deltaWasm, D, batch, P, new Float32Array(D), back);
      expect(back).toEqual(dy);
    });
  }
});

describe('wasm optimiser steps and shard means', () => {
  const n = 103; // 25 vectors of four and a tail of three
  const slices = [[0, 41], [41, 42], [42, 103]]; // boundaries inside vectors: lanes and tail must agree

  it('meanOfSlots: the same bits as TypeScript (in slot order, float32 adds and a division), per slice too', () => {
    const rng = new Rng(11), count = 3, stride = 110;
    const slots = random(rng, count * stride);
    const ts = new Float32Array(n), whole = new Float32Array(n), sliced = new Float32Array(n);
    expect(tsKernels.meanOfSlots(slots, count, stride, n, 48, ts)).toBe(true);
    expect(wasm.meanOfSlots(slots, count, stride, n, 48, whole)).toBe(true);
    for (const [a, b] of slices) wasm.meanOfSlots(slots.subarray(a), count, stride, b - a, 48, sliced.subarray(a, b));
    expect(whole).toEqual(ts);
    expect(sliced).toEqual(ts);
    expect(whole[5]).toBe(Math.fround(Math.fround(Math.fround(slots[5] + slots[115]) + slots[225]) / 48));
  });

  it('meanOfSlots: reports a non-finite mean, in the vector part and in the tail', () => {
    for (const [at, bad] of [[6, NaN], [101, Infinity], [50, -Infinity]] as const) {
      const slots = new Float32Array(2 * n).fill(1);
      slots[n + at] = bad;
      expect(wasm.meanOfSlots(slots, 2, n, n, 2, new Float32Array(n))).toBe(false);
    }
    const huge = new Float32Array(2 * n).fill(3e38); // finite slots whose sum overflows float32
    expect(wasm.meanOfSlots(huge, 2, n, n, 2, new Float32Array(n))).toBe(false);
  });

  it('sumOfSquares: in double, so large float32 values do not overflow; vector part and tail', () => {
    const x = random(new Rng(12), n);
    const exact = Array.from(x).reduce((sum, v) => sum + v * v, 0);
    expect(Math.abs(wasm.sumOfSquares(x, n) - exact)).toBeLessThan(1e-14 * exact);
    expect(Math.abs(tsKernels.sumOfSquares(x, n) - exact)).toBeLessThan(1e-14 * exact);
    expect(wasm.sumOfSquares(x, 2)).toBe(x[0] * x[0] + x[1] * x[1]); // the tail alone
    expect(wasm.sumOfSquares(new Float32Array(n).fill(3e38), n)).toBeCloseTo(n * Math.fround(3e38) ** 2, -70);
    expect(wasm.sumOfSquares(new Float32Array([1, 2, NaN, 4, 5]), 5)).toBeNaN();
  });

  // An optimiser's state: parameters and moments (unused ones ride along).
  type State = { w: Float32Array; m: Float32Array; s: Float32Array };
  /** One step from state `a` into state `b` (the same object: in place). */
  type Step = (k: Kernels, a: State, g: Float32Array, n: number, b: State) => boolean;
  const steps: [string, Step][] = [
    ['sgd', (k, a, g, n, b) => k.sgd(a.w, g, n, 0.1, 0.01, b.w)],
    ['momentum', (k, a, g, n, b) => k.momentum(a.w, g, a.m, n, 0.1, 0.9, 0.01, b.w, b.m)],
    ['adam', (k, a, g, n, b) => k.adam(a.w, g, a.m, a.s, n, 0.01, 0.9, 0.999, 1e-8, 1 / (1 - 0.9 ** 3), 1 / (1 - 0.999 ** 3), 0.01, b.w, b.m, b.s)],
  ];
  const part = (x: State, a: number, b: number): State => ({ w: x.w.subarray(a, b), m: x.m.subarray(a, b), s: x.s.subarray(a, b) });
  const copy = (x: State, make: (n: number) => Float32Array = (n) => new Float32Array(n)): State => {
    const to = (v: Float32Array) => { const c = make(v.length); c.set(v); return c; };
    return { w: to(x.w), m: to(x.m), s: to(x.s) };
  };
  for (const [name, step] of steps) {
    const rng = new Rng(12);
    const start: State = { w: random(rng, n), m: random(rng, n), s: random(rng, n).map(Math.abs) };
    const g = random(rng, n);
    /** Three steps in place on a copy of `start`, each over the slices `parts`. */
    const inPlace = (k: Kernels, parts: number[][]) => {
      const x = copy(start);
      for (let t = 0; t < 3; t++) for (const [a, b] of parts) expect(step(k, part(x, a, b), g.subarray(a, b), b - a, part(x, a, b))).toBe(true);
      return x;
    };

    it(`${name}: within float32 rounding of TypeScript's double arithmetic, and bit-identical by slices`, () => {
      const ts = inPlace(tsKernels, [[0, n]]), whole = inPlace(wasm, [[0, n]]), sliced = inPlace(wasm, slices);
      expect(sliced).toEqual(whole);
      for (const key of ['w', 'm', 's'] as const) {
        const expected = ts[key];
        for (let j = 0; j < n; j++) expect(Math.abs(whole[key][j] - expected[j])).toBeLessThanOrEqual(64 * U * (1 + Math.abs(expected[j])));
      }
      let moved = 0;
      for (let j = 0; j < n; j++) moved = Math.max(moved, Math.abs(whole.w[j] - start.w[j]));
      expect(moved).toBeGreaterThan(1e-3); // the steps did something
    });

    it(`${name}: out of place, the same bits as in place, and the state read stays as it was`, () => {
      // Arrays of the kernels' own memory (the trainer's copies, operands in place) and from elsewhere
      // (copied in and out); TypeScript's too.
      const placed = createWasmKernels(bytes);
      for (const [k, make] of [[wasm, undefined], [placed, placed.floats], [tsKernels, undefined]] as const) {
        const a = copy(start, make), b = copy({ w: g, m: g, s: g }, make); // b: garbage to overwrite
        expect(step(k, a, g, n, b)).toBe(true);
        expect(a).toEqual(start);
        const x = copy(start);
        step(k, x, g, n, x);
        for (const key of ['w', 'm', 's'] as const) {
          if (name === 'sgd' && key !== 'w') continue; // its moments are not written
          if (name === 'momentum' && key === 's') continue;
          expect(Array.from(b[key])).toEqual(Array.from(x[key]));
        }
      }
    });

    it(`${name}: reports a parameter made non-finite, in the vector part and in the tail`, () => {
      for (const at of [9, 102]) {
        const x: State = { w: new Float32Array(n).fill(1), m: new Float32Array(n), s: new Float32Array(n).fill(1) };
        const bad = new Float32Array(n);
        bad[at] = NaN;
        expect(step(wasm, x, bad, n, x)).toBe(false);
      }
    });
  }
});

describe('one memory shared by several instances (as the trainer\'s workers share one)', () => {
  it('gives each instance its own space, and arrays claimed on it are operands in place for all', () => {
    const memory = createKernelMemory();
    const one = createWasmKernels(bytes, memory), two = createWasmKernels(bytes, memory);
    const shared = claimFloats(memory, 4);
    const a = one.floats(6), b = two.floats(6);
    expect(a.buffer === b.buffer || a.byteOffset + a.byteLength <= b.byteOffset || b.byteOffset + b.byteLength <= a.byteOffset).toBe(true);
    a.set([1, 2, 3, 4, 5, 6]);
    b.set([7, 8, 9, 10, 11, 12]);
    one.gemm(false, false, 2, 2, 3, a, one.view(b), one.view(shared), false); // b and shared: another instance's, and claimed
    expect(Array.from(shared)).toEqual([58, 64, 139, 154]); // written in place, seen through the claiming array
    const big = new Float32Array(300 * 300).fill(1), out = new Float32Array(300 * 300);
    two.gemm(false, false, 300, 300, 300, big, big, out, false); // packs through two's workspace, grows the memory
    expect(out[300 * 300 - 1]).toBe(300);
    expect(Array.from(a)).toEqual([1, 2, 3, 4, 5, 6]); // nothing of one's was overwritten
    one.gemm(false, false, 2, 2, 3, a, one.view(b), one.view(shared), true);
    expect(Array.from(shared)).toEqual([116, 128, 278, 308]);
  });
});

describe('installing the wasm kernels', () => {
  it('refuses a module that lacks a kernel (a stale build) with a message that says what to run', () => {
    // the smallest valid module: no exports at all
    const empty = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    expect(() => createWasmKernels(empty)).toThrow(/lack workspaceBytes, setWorkspace, sgemm, .*adam: .*npm run build:wasm/);
  });

  it('routes float32 products to wasm and leaves float64 on the TypeScript kernels', () => {
    const rng = new Rng(7);
    const M = 5, N = 11, K = 300; // past one packed block (256): wasm then sums in another order
    const a = Array.from({ length: M * K }, () => rng.next() - 0.5), b = Array.from({ length: K * N }, () => rng.next() - 0.5);
    installWasmKernels(bytes);
    const c64 = new Float64Array(M * N), ref64 = new Float64Array(M * N);
    gemm(false, true, M, N, K, new Float64Array(a), new Float64Array(b), c64, false);
    tsKernels.gemm(false, true, M, N, K, new Float64Array(a), new Float64Array(b), ref64, false);
    expect(Array.from(c64)).toEqual(Array.from(ref64)); // bit-identical: same code
    // float32 goes through wasm: same as calling it directly, bit for bit
    const c32 = new Float32Array(M * N), direct = new Float32Array(M * N);
    gemm(false, true, M, N, K, new Float32Array(a), new Float32Array(b), c32, false);
    wasm.gemm(false, true, M, N, K, new Float32Array(a), new Float32Array(b), direct, false);
    expect(Array.from(c32)).toEqual(Array.from(direct));
    const viaTs = new Float32Array(M * N);
    tsKernels.gemm(false, true, M, N, K, new Float32Array(a), new Float32Array(b), viaTs, false);
    expect(Array.from(c32)).not.toEqual(Array.from(viaTs));
    setKernels(tsKernels);
  });
});

describe('whole models: gradSum with the wasm kernels matches the TypeScript kernels', () => {
  // Only the order of float32 sums differs, so each tensor's gradient agrees to about 1e-7 relative
  // (measured 1e-7 .. 1e-6); the tolerance is 1e-5 per tensor, in the L2 norm.
  for (const preset of ['lenet5', 'lenet5-classic', 'mlp'] as const) {
    it(preset, () => {
      const model = Model.create(PRESETS[preset]);
      model.init(3);
      const rows = 7, rng = new Rng(11);
      const x = new Float32Array(rows * model.inputSize).map(() => rng.next());
      const labels = Array.from({ length: rows }, (_, i) => i % 10);
      setKernels(tsKernels);
      const expected = model.gradSum(x, labels, rows), expectedGrads = model.grads.slice();
      installWasmKernels(bytes);
      const actual = model.gradSum(x, labels, rows);
      // and a model built while they are installed, whose buffers the kernels use in place
      const placed = Model.create(PRESETS[preset]);
      placed.params.set(model.params);
      const again = placed.gradSum(x, labels, rows);
      setKernels(tsKernels);
      expect(again.lossSum).toBe(actual.lossSum);
      expect(Array.from(placed.grads)).toEqual(Array.from(model.grads));
      expect(actual.correct).toBe(expected.correct);
      expect(Math.abs(actual.lossSum - expected.lossSum)).toBeLessThan(1e-6 * expected.lossSum);
      for (const t of model.tensors) {
        let diff = 0, norm = 0;
        for (let i = t.offset; i < t.offset + t.size; i++) {
          diff += (model.grads[i] - expectedGrads[i]) ** 2;
          norm += expectedGrads[i] ** 2;
        }
        expect(Math.sqrt(diff), t.name).toBeLessThanOrEqual(1e-5 * Math.sqrt(norm));
      }
    });
  }
});
