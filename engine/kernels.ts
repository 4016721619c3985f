// The engine's hot loops: every matrix product of every layer goes through `gemm` here, so a faster
// implementation (WebAssembly SIMD, issue 7) can replace the float32 one with `setKernels` without
// touching the layers. Float64 (gradient checks, the `grad` command) always uses the TypeScript code.
//
// The contract of a `Kernels` implementation (keep it small and stable):
//   gemm(transA, transB, M, N, K, A, B, C, accumulate)
//     C[M x N] = op(A)[M x K] * op(B)[K x N]          (accumulate = false)
//     C[M x N] += op(A)[M x K] * op(B)[K x N]         (accumulate = true)
//   All matrices are dense, row-major, starting at index 0 of the given arrays (pass a `subarray`
//   view for an offset), with their natural row lengths: A is [M][K], or [K][M] when transA;
//   B is [K][N], or [N][K] when transB; C is [M][N]. The arrays may be longer than needed; C never
//   overlaps A or B. All three arrays have the same element type (Float32Array for a float32 kernel).
//   im2col(x, batch, C, H, W, k, col) and col2im(col, batch, C, H, W, k, dx): as the functions of
//   those names below, with the same layouts.

export type DType = 'float32' | 'float64';
export type Floats = Float32Array | Float64Array;

export interface Kernels {
  gemm(transA: boolean, transB: boolean, M: number, N: number, K: number,
    A: Floats, B: Floats, C: Floats, accumulate: boolean): void;
  /** As `im2col` and `col2im` below. */
  im2col(x: Floats, batch: number, C: number, H: number, W: number, k: number, col: Floats): void;
  col2im(col: Floats, batch: number, C: number, H: number, W: number, k: number, dx: Floats): void;
}

/** A zeroed vector of the given element type. */
export function floats(dtype: DType, n: number): Floats {
  return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
}

/** `buf` if it holds at least n elements, else a new zeroed one of the same type (per-batch buffers
 *  grow when a larger batch comes, then are reused). */
export function grow<T extends Floats>(buf: T, n: number): T {
  return buf.length >= n ? buf : (new (buf.constructor as new (n: number) => T)(n));
}

/**
 * Plain TypeScript GEMM for both element types. Loop order i-k-j when B is not transposed (the
 * innermost loop streams a row of B into a row of C) and dot products when it is; both work on four
 * rows of C at once so each element of B loaded serves four multiply-adds. No allocation.
 */
function gemmTs(transA: boolean, transB: boolean, M: number, N: number, K: number,
  A: Floats, B: Floats, C: Floats, accumulate: boolean): void {
  if (!accumulate) C.fill(0, 0, M * N);
  // A(i, k) = A[i * rowA + k * colA]
  const rowA = transA ? 1 : K;
  const colA = transA ? M : 1;
  if (transB) {
    // C(i, j) += sum_k A(i, k) * B[j][k]
    let i = 0;
    for (; i + 4 <= M; i += 4) {
      const a0 = i * rowA, a1 = a0 + rowA, a2 = a1 + rowA, a3 = a2 + rowA;
      const c0 = i * N, c1 = c0 + N, c2 = c1 + N, c3 = c2 + N;
      for (let j = 0; j < N; j++) {
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        let kb = j * K;
        for (let k = 0, ka = 0; k < K; k++, ka += colA, kb++) {
          const b = B[kb];
          s0 += A[a0 + ka] * b;
          s1 += A[a1 + ka] * b;
          s2 += A[a2 + ka] * b;
          s3 += A[a3 + ka] * b;
        }
        C[c0 + j] += s0;
        C[c1 + j] += s1;
        C[c2 + j] += s2;
        C[c3 + j] += s3;
      }
    }
    for (; i < M; i++) {
      const a0 = i * rowA, c0 = i * N;
      for (let j = 0; j < N; j++) {
        let s0 = 0;
        let kb = j * K;
        for (let k = 0, ka = 0; k < K; k++, ka += colA, kb++) s0 += A[a0 + ka] * B[kb];
        C[c0 + j] += s0;
      }
    }
    return;
  }
  // C[i][:] += A(i, k) * B[k][:]
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    const a0 = i * rowA, a1 = a0 + rowA, a2 = a1 + rowA, a3 = a2 + rowA;
    const c0 = i * N, c1 = c0 + N, c2 = c1 + N, c3 = c2 + N;
    for (let k = 0, ka = 0; k < K; k++, ka += colA) {
      const x0 = A[a0 + ka], x1 = A[a1 + ka], x2 = A[a2 + ka], x3 = A[a3 + ka];
      const kb = k * N;
      for (let j = 0; j < N; j++) {
        const b = B[kb + j];
        C[c0 + j] += x0 * b;
        C[c1 + j] += x1 * b;
        C[c2 + j] += x2 * b;
        C[c3 + j] += x3 * b;
      }
    }
  }
  for (; i < M; i++) {
    const a0 = i * rowA, c0 = i * N;
    for (let k = 0, ka = 0; k < K; k++, ka += colA) {
      const x0 = A[a0 + ka];
      const kb = k * N;
      for (let j = 0; j < N; j++) C[c0 + j] += x0 * B[kb + j];
    }
  }
}

export const tsKernels: Kernels = { gemm: gemmTs, im2col: im2colTs, col2im: col2imTs };

let float32Kernels: Kernels = tsKernels;

/** Replaces the float32 kernels (e.g. by WebAssembly SIMD ones); `tsKernels` restores the default. */
export function setKernels(k: Kernels): void {
  float32Kernels = k;
}

/** The matrix product every layer calls; dispatches on the element type (see the contract above). */
export function gemm(transA: boolean, transB: boolean, M: number, N: number, K: number,
  A: Floats, B: Floats, C: Floats, accumulate: boolean): void {
  (C instanceof Float32Array ? float32Kernels : tsKernels).gemm(transA, transB, M, N, K, A, B, C, accumulate);
}

/** im2col and col2im as below (im2colTs, col2imTs), dispatched on the element type like gemm. */
export function im2col(x: Floats, batch: number, C: number, H: number, W: number, k: number, col: Floats): void {
  (col instanceof Float32Array ? float32Kernels : tsKernels).im2col(x, batch, C, H, W, k, col);
}

export function col2im(col: Floats, batch: number, C: number, H: number, W: number, k: number, dx: Floats): void {
  (dx instanceof Float32Array ? float32Kernels : tsKernels).col2im(col, batch, C, H, W, k, dx);
}

/**
 * im2col over a whole batch, for a stride-1 "valid" cross-correlation with a k x k kernel:
 * x is [batch][C][H][W]; col becomes [C*k*k][batch*Ho*Wo] with row (c*k + m)*k + n holding
 * in[c][i+m][j+n] at column b*Ho*Wo + i*Wo + j. Then the convolution of the whole batch is one
 * product W[D][C*k*k] * col (seed eq. 26).
 */
function im2colTs(x: Floats, batch: number, C: number, H: number, W: number, k: number, col: Floats): void {
  const Ho = H - k + 1, Wo = W - k + 1, P = Ho * Wo, cols = batch * P;
  for (let c = 0; c < C; c++) {
    for (let m = 0; m < k; m++) {
      for (let n = 0; n < k; n++) {
        const row = ((c * k + m) * k + n) * cols;
        for (let b = 0; b < batch; b++) {
          const src = (b * C + c) * H * W + m * W + n;
          const dst = row + b * P;
          for (let i = 0; i < Ho; i++) {
            const s = src + i * W, d = dst + i * Wo;
            for (let j = 0; j < Wo; j++) col[d + j] = x[s + j];
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: dx = 0, then every col entry is added back to the input position it was
 *  copied from. This is the "full" convolution of delta with the 180-degree rotated kernel
 *  (backprop-notes Gap 2) once col holds W^T * delta. */
function col2imTs(col: Floats, batch: number, C: number, H: number, W: number, k: number, dx: Floats): void {
  const Ho = H - k + 1, Wo = W - k + 1, P = Ho * Wo, cols = batch * P;
  dx.fill(0, 0, batch * C * H * W);
  for (let c = 0; c < C; c++) {
    for (let m = 0; m < k; m++) {
      for (let n = 0; n < k; n++) {
        const row = ((c * k + m) * k + n) * cols;
        for (let b = 0; b < batch; b++) {
          const dst = (b * C + c) * H * W + m * W + n;
          const src = row + b * P;
          for (let i = 0; i < Ho; i++) {
            const d = dst + i * W, s = src + i * Wo;
            for (let j = 0; j < Wo; j++) dx[d + j] += col[s + j];
          }
        }
      }
    }
  }
}
