import { describe, expect, it } from 'vitest';
import { col2im, gemm, im2col } from '../../engine/kernels.ts';
import { uniform } from './helpers.ts';

/** op(A) op(B) by the definition, in float64. */
function product(transA: boolean, transB: boolean, M: number, N: number, K: number, A: ArrayLike<number>, B: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += A[transA ? k * M + i : i * K + k] * B[transB ? j * K + k : k * N + j];
      out.push(s);
    }
  }
  return out;
}

describe('gemm (TypeScript kernels)', () => {
  // M = 7 exercises both the 4-row blocks and the leftover rows
  const [M, N, K] = [7, 5, 3];
  for (const Type of [Float64Array, Float32Array]) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        it(`${Type.name}, transA ${transA}, transB ${transB}: C = op(A) op(B), then C += op(A) op(B)`, () => {
          const A = Type.from(uniform(M * K, 1)), B = Type.from(uniform(K * N, 2));
          const C = Type.from(uniform(M * N + 3, 3)); // longer than needed: the tail stays untouched
          const tail = Array.from(C.subarray(M * N));
          const expected = product(transA, transB, M, N, K, A, B);
          const digits = Type === Float64Array ? 12 : 5;
          gemm(transA, transB, M, N, K, A, B, C, false);
          expected.forEach((v, i) => expect(C[i]).toBeCloseTo(v, digits));
          gemm(transA, transB, M, N, K, A, B, C, true);
          expected.forEach((v, i) => expect(C[i]).toBeCloseTo(2 * v, digits));
          expect(Array.from(C.subarray(M * N))).toEqual(tail);
        });
      }
    }
  }
});

describe('im2col and col2im', () => {
  const [batch, C, H, W, k] = [2, 3, 5, 4, 3];
  const [Ho, Wo] = [H - k + 1, W - k + 1];

  it('lays out in[c][i+m][j+n] at row (c*k+m)*k+n, column b*Ho*Wo + i*Wo + j', () => {
    const x = uniform(batch * C * H * W, 1), col = new Float64Array(C * k * k * batch * Ho * Wo);
    im2col(x, batch, C, H, W, k, col);
    const cols = batch * Ho * Wo;
    for (let b = 0; b < batch; b++) for (let c = 0; c < C; c++) for (let m = 0; m < k; m++) for (let n = 0; n < k; n++) {
      for (let i = 0; i < Ho; i++) for (let j = 0; j < Wo; j++) {
        expect(col[((c * k + m) * k + n) * cols + b * Ho * Wo + i * Wo + j]).toBe(x[((b * C + c) * H + i + m) * W + j + n]);
      }
    }
  });

  it('col2im is the adjoint of im2col: <col2im(g), x> = <g, im2col(x)>', () => {
    const x = uniform(batch * C * H * W, 2), g = uniform(C * k * k * batch * Ho * Wo, 3);
    const col = new Float64Array(g.length), dx = uniform(x.length, 4); // dx starts dirty: col2im overwrites
    im2col(x, batch, C, H, W, k, col);
    col2im(g, batch, C, H, W, k, dx);
    const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i], 0);
    expect(dot(dx, x)).toBeCloseTo(dot(g, col), 12);
  });
});
