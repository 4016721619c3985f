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
//   im2col(x, batch, C, H, W, k, col), col2im(col, batch, C, H, W, k, dx), mapsToSamples(rows, D,
//   batch, P, bias, y), samplesToMaps(dy, D, batch, P, delta, dBias), relu(x, y, n),
//   reluBackward(y, dy, dx, n), sigmoid(x, y, n), tanh(x, y, n, a, s), maxPool(x, maps, H, W, n, y,
//   winner), maxPoolBackward(dy, winner, outputs, dx, inputs), meanOfSlots(...), sumOfSquares(x, n),
//   sgd(...), momentum(...), adam(...): as the functions of those names below, with the same
//   layouts and results (sigmoid's, tanh's, the optimisers' and the bias sums of samplesToMaps
//   within float32 rounding: the TypeScript ones compute in double).

export type DType = 'float32' | 'float64';
export type Floats = Float32Array | Float64Array;

export interface Kernels {
  gemm(transA: boolean, transB: boolean, M: number, N: number, K: number,
    A: Floats, B: Floats, C: Floats, accumulate: boolean): void;
  /** As `im2col` and `col2im` below. */
  im2col(x: Floats, batch: number, C: number, H: number, W: number, k: number, col: Floats): void;
  col2im(col: Floats, batch: number, C: number, H: number, W: number, k: number, dx: Floats): void;
  /** As `mapsToSamples` and `samplesToMaps` below (dBias within float32 rounding of the sums). */
  mapsToSamples(rows: Floats, D: number, batch: number, P: number, bias: Floats, y: Floats): void;
  samplesToMaps(dy: Floats, D: number, batch: number, P: number, delta: Floats, dBias: Floats): void;
  /** As `relu`, `reluBackward`, `maxPool` and `maxPoolBackward` below. */
  relu(x: Floats, y: Floats, n: number): void;
  reluBackward(y: Floats, dy: Floats, dx: Floats, n: number): void;
  /** As `sigmoid` and `tanh` below. */
  sigmoid(x: Floats, y: Floats, n: number): void;
  tanh(x: Floats, y: Floats, n: number, a: number, s: number): void;
  maxPool(x: Floats, maps: number, H: number, W: number, n: number, y: Floats, winner: Int32Array): void;
  maxPoolBackward(dy: Floats, winner: Int32Array, outputs: number, dx: Floats, inputs: number): void;
  /** As `meanOfSlots`, `sgd`, `momentum` and `adam` below: each returns whether all it wrote is finite. */
  meanOfSlots(slots: Floats, count: number, stride: number, n: number, rows: number, out: Floats): boolean;
  /** As `sumOfSquares` below (in double; within double rounding of it). */
  sumOfSquares(x: Floats, n: number): number;
  sgd(w: Floats, g: Floats, n: number, lr: number, wd: number, wOut: Floats): boolean;
  momentum(w: Floats, g: Floats, vel: Float32Array, n: number, lr: number, mu: number, wd: number,
    wOut: Floats, velOut: Float32Array): boolean;
  adam(w: Floats, g: Floats, m: Float32Array, s: Float32Array, n: number,
    lr: number, b1: number, b2: number, eps: number, c1: number, c2: number, wd: number,
    wOut: Floats, mOut: Float32Array, sOut: Float32Array): boolean;
  /** Optional: a zeroed float32 vector placed where these kernels use it without copying it. */
  floats?(n: number): Float32Array;
}

/** A zeroed vector of the given element type (float32 ones from the installed kernels, if they place them). */
export function floats(dtype: DType, n: number): Floats {
  return dtype === 'float32' ? (float32Kernels.floats?.(n) ?? new Float32Array(n)) : new Float64Array(n);
}

/** `buf` if it holds at least n elements, else a new zeroed one of the same type (per-batch buffers
 *  grow when a larger batch comes, then are reused). */
export function grow<T extends Floats>(buf: T, n: number): T {
  return buf.length >= n ? buf : (floats(buf instanceof Float64Array ? 'float64' : 'float32', n) as T);
}

/**
 * Plain TypeScript GEMM for both element types, one loop nest for the four transpose modes (they
 * only change the strides). C is computed in 4 x 4 tiles whose 16 sums stay in registers for the
 * whole k loop: each step loads 4 values of op(A) and 4 of op(B) for 16 multiply-adds (twice as fast
 * here as streaming rows of C through memory). Rows and columns left over at the edges are done in
 * 1 x 4 tiles and single dot products. Sums are accumulated in double precision. No allocation.
 */
function gemmTs(transA: boolean, transB: boolean, M: number, N: number, K: number,
  A: Floats, B: Floats, C: Floats, accumulate: boolean): void {
  if (!accumulate) C.fill(0, 0, M * N);
  // op(A)(i, k) = A[i * ai + k * ak], op(B)(k, j) = B[k * bk + j * bj]
  const ai = transA ? 1 : K, ak = transA ? M : 1;
  const bk = transB ? 1 : N, bj = transB ? K : 1;
  const M4 = M - (M % 4), N4 = N - (N % 4);
  for (let i = 0; i < M4; i += 4) {
    const c0 = i * N, c1 = c0 + N, c2 = c1 + N, c3 = c2 + N;
    for (let j = 0; j < N4; j += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let k = 0, a = i * ai, b = j * bj; k < K; k++, a += ak, b += bk) {
        const x0 = A[a], x1 = A[a + ai], x2 = A[a + 2 * ai], x3 = A[a + 3 * ai];
        const y0 = B[b], y1 = B[b + bj], y2 = B[b + 2 * bj], y3 = B[b + 3 * bj];
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
        s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
        s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
      }
      C[c0 + j] += s00; C[c0 + j + 1] += s01; C[c0 + j + 2] += s02; C[c0 + j + 3] += s03;
      C[c1 + j] += s10; C[c1 + j + 1] += s11; C[c1 + j + 2] += s12; C[c1 + j + 3] += s13;
      C[c2 + j] += s20; C[c2 + j + 1] += s21; C[c2 + j + 2] += s22; C[c2 + j + 3] += s23;
      C[c3 + j] += s30; C[c3 + j + 1] += s31; C[c3 + j + 2] += s32; C[c3 + j + 3] += s33;
    }
    for (let j = N4; j < N; j++) {
      for (let r = i; r < i + 4; r++) C[r * N + j] += dot(A, r * ai, ak, B, j * bj, bk, K);
    }
  }
  for (let i = M4; i < M; i++) {
    const c = i * N;
    for (let j = 0; j < N4; j += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0, a = i * ai, b = j * bj; k < K; k++, a += ak, b += bk) {
        const x = A[a];
        s0 += x * B[b]; s1 += x * B[b + bj]; s2 += x * B[b + 2 * bj]; s3 += x * B[b + 3 * bj];
      }
      C[c + j] += s0; C[c + j + 1] += s1; C[c + j + 2] += s2; C[c + j + 3] += s3;
    }
    for (let j = N4; j < N; j++) C[c + j] += dot(A, i * ai, ak, B, j * bj, bk, K);
  }
}

/** sum over k < K of A[a + k * ak] * B[b + k * bk] */
function dot(A: Floats, a: number, ak: number, B: Floats, b: number, bk: number, K: number): number {
  let s = 0;
  for (let k = 0; k < K; k++, a += ak, b += bk) s += A[a] * B[b];
  return s;
}

export const tsKernels: Kernels = {
  gemm: gemmTs, im2col: im2colTs, col2im: col2imTs, mapsToSamples: mapsToSamplesTs, samplesToMaps: samplesToMapsTs,
  relu: reluTs, reluBackward: reluBackwardTs, sigmoid: sigmoidTs, tanh: tanhTs, maxPool: maxPoolTs, maxPoolBackward: maxPoolBackwardTs,
  meanOfSlots: meanOfSlotsTs, sumOfSquares: sumOfSquaresTs, sgd: sgdTs, momentum: momentumTs, adam: adamTs,
};

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

/** A convolution's product [D][batch*P] to the samples' biased maps [batch][D][P], and back (the
 *  adjoint, with the bias gradient); dispatched on the element type like gemm. */
export function mapsToSamples(rows: Floats, D: number, batch: number, P: number, bias: Floats, y: Floats): void {
  (y instanceof Float32Array ? float32Kernels : tsKernels).mapsToSamples(rows, D, batch, P, bias, y);
}

export function samplesToMaps(dy: Floats, D: number, batch: number, P: number, delta: Floats, dBias: Floats): void {
  (delta instanceof Float32Array ? float32Kernels : tsKernels).samplesToMaps(dy, D, batch, P, delta, dBias);
}

export function col2im(col: Floats, batch: number, C: number, H: number, W: number, k: number, dx: Floats): void {
  (dx instanceof Float32Array ? float32Kernels : tsKernels).col2im(col, batch, C, H, W, k, dx);
}

export function relu(x: Floats, y: Floats, n: number): void {
  (y instanceof Float32Array ? float32Kernels : tsKernels).relu(x, y, n);
}

export function reluBackward(y: Floats, dy: Floats, dx: Floats, n: number): void {
  (dx instanceof Float32Array ? float32Kernels : tsKernels).reluBackward(y, dy, dx, n);
}

export function sigmoid(x: Floats, y: Floats, n: number): void {
  (y instanceof Float32Array ? float32Kernels : tsKernels).sigmoid(x, y, n);
}

export function tanh(x: Floats, y: Floats, n: number, a: number, s: number): void {
  (y instanceof Float32Array ? float32Kernels : tsKernels).tanh(x, y, n, a, s);
}

export function maxPool(x: Floats, maps: number, H: number, W: number, n: number, y: Floats, winner: Int32Array): void {
  (y instanceof Float32Array ? float32Kernels : tsKernels).maxPool(x, maps, H, W, n, y, winner);
}

export function maxPoolBackward(dy: Floats, winner: Int32Array, outputs: number, dx: Floats, inputs: number): void {
  (dx instanceof Float32Array ? float32Kernels : tsKernels).maxPoolBackward(dy, winner, outputs, dx, inputs);
}

export function meanOfSlots(slots: Floats, count: number, stride: number, n: number, rows: number, out: Floats): boolean {
  return (out instanceof Float32Array ? float32Kernels : tsKernels).meanOfSlots(slots, count, stride, n, rows, out);
}

/** sum of x[i]^2 over i < n, in double (e.g. a gradient's squared norm, per layer). */
export function sumOfSquares(x: Floats, n: number): number {
  return (x instanceof Float32Array ? float32Kernels : tsKernels).sumOfSquares(x, n);
}

/** The optimisers' kernels: the kind of the parameters picks the implementation. */
export function optimizerKernels(w: Floats): Pick<Kernels, 'sgd' | 'momentum' | 'adam'> {
  return w instanceof Float32Array ? float32Kernels : tsKernels;
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

/** y[b][d][p] = rows[d][b*P + p] + bias[d]: a convolution's product, one row per output map over
 *  the whole batch, to each sample's maps, biased (seed eq. 26's b[d]). */
function mapsToSamplesTs(rows: Floats, D: number, batch: number, P: number, bias: Floats, y: Floats): void {
  for (let b = 0; b < batch; b++) {
    for (let d = 0; d < D; d++) {
      const src = (d * batch + b) * P, dst = (b * D + d) * P, bd = bias[d];
      for (let p = 0; p < P; p++) y[dst + p] = rows[src + p] + bd;
    }
  }
}

/** The adjoint: delta[d][b*P + p] = dy[b][d][p], and dBias[d] = the sum of dy[.][d][.] (eq. 31). */
function samplesToMapsTs(dy: Floats, D: number, batch: number, P: number, delta: Floats, dBias: Floats): void {
  dBias.fill(0, 0, D);
  for (let b = 0; b < batch; b++) {
    for (let d = 0; d < D; d++) {
      const src = (b * D + d) * P, dst = (d * batch + b) * P;
      let sum = 0;
      for (let p = 0; p < P; p++) sum += (delta[dst + p] = dy[src + p]);
      dBias[d] += sum;
    }
  }
}

/** ReLU forward: y = x where x > 0, else 0. */
function reluTs(x: Floats, y: Floats, n: number): void {
  for (let i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0;
}

/** ReLU backward from its output: dx = dy where y > 0, else 0. */
function reluBackwardTs(y: Floats, dy: Floats, dx: Floats, n: number): void {
  for (let i = 0; i < n; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
}

/** Sigmoid (seed eq. 21): y = 1 / (1 + e^-x). */
function sigmoidTs(x: Floats, y: Floats, n: number): void {
  for (let i = 0; i < n; i++) y[i] = 1 / (1 + Math.exp(-x[i]));
}

/** y = a tanh(s x): tanh itself for a = s = 1. */
function tanhTs(x: Floats, y: Floats, n: number, a: number, s: number): void {
  for (let i = 0; i < n; i++) y[i] = a * Math.tanh(s * x[i]);
}

/** Max over n x n windows, stride n, of `maps` H x W maps stored one after another (seed eq. 29):
 *  y gets each window's maximum, winner the index in x of its first maximum in scan order. */
function maxPoolTs(x: Floats, maps: number, H: number, W: number, n: number, y: Floats, winner: Int32Array): void {
  const outH = Math.floor(H / n), outW = Math.floor(W / n);
  let out = 0;
  for (let m = 0; m < maps; m++) {
    const map = m * H * W;
    for (let i = 0; i < outH; i++) {
      for (let j = 0; j < outW; j++, out++) {
        let best = map + i * n * W + j * n;
        for (let a = 0; a < n; a++) {
          for (let b = 0, at = map + (i * n + a) * W + j * n; b < n; b++, at++) if (x[at] > x[best]) best = at;
        }
        winner[out] = best;
        y[out] = x[best];
      }
    }
  }
}

/** The adjoint of maxPool (seed 3.3, item 1): dx = 0 over `inputs`, then each output's gradient
 *  goes to its window's winner. */
function maxPoolBackwardTs(dy: Floats, winner: Int32Array, outputs: number, dx: Floats, inputs: number): void {
  dx.fill(0, 0, inputs);
  for (let o = 0; o < outputs; o++) dx[winner[o]] = dy[o];
}

/** out[j] = (slots[j] + slots[stride + j] + ... + slots[(count - 1) * stride + j]) / rows for j < n:
 *  the mean gradient of a batch from its shards' gradient sums, added in shard order. */
function meanOfSlotsTs(slots: Floats, count: number, stride: number, n: number, rows: number, out: Floats): boolean {
  let finite = true;
  out.set(slots.subarray(0, n));
  for (let k = 1; k < count; k++) addTo(out, slots, k * stride, n);
  for (let j = 0; j < n; j++) {
    out[j] /= rows;
    if (out[j] - out[j] !== 0) finite = false; // NaN or ±Infinity
  }
  return finite;
}

function sumOfSquaresTs(x: Floats, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += x[i] * x[i];
  return sum;
}

// Its own function, so that the JIT optimises the loop on its own.
function addTo(sum: Floats, slots: Floats, offset: number, n: number): void {
  for (let j = 0; j < n; j++) sum[j] += slots[offset + j];
}

function allFinite(a: Floats, n: number): boolean {
  for (let j = 0; j < n; j++) if (a[j] - a[j] !== 0) return false;
  return true;
}

// The optimisers' steps over w[0, n) (engine/optim.ts says which and why). L2 weight decay wd is
// added to the gradient first. They read the state (w and the moments) and write its next values
// to the ...Out arrays, which may be the same ones (in place): each element is read before it is
// written.

/** wOut = w - lr (g + wd w) */
function sgdTs(w: Floats, g: Floats, n: number, lr: number, wd: number, wOut: Floats): boolean {
  for (let i = 0; i < n; i++) wOut[i] = w[i] - lr * (g[i] + wd * w[i]);
  return allFinite(wOut, n);
}

/** Heavy ball in PyTorch's form: vel = mu vel + g; w -= lr vel (lr outside the velocity, so a change
 *  of lr takes effect at once instead of fading in). */
function momentumTs(w: Floats, g: Floats, vel: Float32Array, n: number, lr: number, mu: number, wd: number,
  wOut: Floats, velOut: Float32Array): boolean {
  for (let i = 0; i < n; i++) {
    velOut[i] = mu * vel[i] + g[i] + wd * w[i];
    wOut[i] = w[i] - lr * velOut[i];
  }
  return allFinite(wOut, n);
}

/** Adam (Kingma & Ba 2015, Algorithm 1): first and second moments m and s, bias-corrected by c1 =
 *  1 / (1 - b1^t) and c2 = 1 / (1 - b2^t), eps added to sqrt(s-hat) as in the paper. */
function adamTs(w: Floats, g: Floats, m: Float32Array, s: Float32Array, n: number,
  lr: number, b1: number, b2: number, eps: number, c1: number, c2: number, wd: number,
  wOut: Floats, mOut: Float32Array, sOut: Float32Array): boolean {
  for (let i = 0; i < n; i++) {
    const gi = g[i] + wd * w[i];
    mOut[i] = b1 * m[i] + (1 - b1) * gi;
    sOut[i] = b2 * s[i] + (1 - b2) * gi * gi;
    wOut[i] = w[i] - (lr * mOut[i] * c1) / (Math.sqrt(sOut[i] * c2) + eps);
  }
  return allFinite(wOut, n);
}
