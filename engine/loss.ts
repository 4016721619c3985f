// The output function y = g(o) and the loss, fused where that makes the derivative simple and the
// computation stable (backprop-notes Gap 1):
//   softmax + CE (eq. 15)     L = -log y_t = logsumexp(o) - o_t               delta = y - t
//   sigmoid + binary CE       L = sum_i softplus(o_i) - t_i o_i                 delta = y - t
//   L2 (eq. 9), any output    L = 1/2 sum_i (y_i - t_i)^2                        delta = J_g^T (y - t)
// where t is the one-hot label and J_g the output function's Jacobian dy_i/do_k: diagonal g'(o) =
// y(1-y) (eq. 22) or 1 for sigmoid and identity (eq. 10-14), y_i (delta_ik - y_k) for softmax
// (Gap 1). Losses are computed from o (log-sum-exp, softplus), never as log(y), so no log(0) can occur.
// Cross-entropy with the identity output has no meaning; Model.create refuses that pairing once,
// so these per-step functions do not check it again.
import type { Floats } from './kernels.ts';
import type { LossKind, OutputFn } from './spec.ts';

/** y = g(o) for `rows` rows of `classes` outputs. */
export function applyOutput(output: OutputFn, o: Floats, y: Floats, rows: number, classes: number): void {
  const n = rows * classes;
  if (output === 'identity') y.set(o.subarray(0, n));
  else if (output === 'sigmoid') for (let i = 0; i < n; i++) y[i] = 1 / (1 + Math.exp(-o[i]));
  else {
    for (let r = 0; r < n; r += classes) {
      let max = -Infinity;
      for (let i = r; i < r + classes; i++) if (o[i] > max) max = o[i];
      let sum = 0;
      for (let i = r; i < r + classes; i++) sum += (y[i] = Math.exp(o[i] - max));
      for (let i = r; i < r + classes; i++) y[i] /= sum;
    }
  }
}

const softplus = (v: number): number => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));

/** SUM over the rows of the per-sample loss, given the pre-output o and y = g(o). */
export function lossSum(output: OutputFn, loss: LossKind, o: Floats, y: Floats, labels: ArrayLike<number>,
  rows: number, classes: number): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * classes, label = labelOf(labels, r, classes);
    if (loss === 'l2') {
      for (let i = 0; i < classes; i++) {
        const e = y[base + i] - (i === label ? 1 : 0);
        total += 0.5 * e * e;
      }
    } else if (output === 'softmax') {
      let max = -Infinity;
      for (let i = 0; i < classes; i++) if (o[base + i] > max) max = o[base + i];
      let sum = 0;
      for (let i = 0; i < classes; i++) sum += Math.exp(o[base + i] - max);
      total += max + Math.log(sum) - o[base + label];
    } else {
      for (let i = 0; i < classes; i++) total += softplus(o[base + i]) - (i === label ? o[base + i] : 0);
    }
  }
  return total;
}

/** delta = dL/do for each row, given y = g(o) (the table above). */
export function outputDelta(output: OutputFn, loss: LossKind, y: Floats, labels: ArrayLike<number>,
  rows: number, classes: number, delta: Floats): void {
  for (let r = 0; r < rows; r++) {
    const base = r * classes, label = labelOf(labels, r, classes);
    for (let i = 0; i < classes; i++) delta[base + i] = y[base + i] - (i === label ? 1 : 0);
    if (loss === 'cross-entropy' || output === 'identity') continue;
    if (output === 'sigmoid') {
      for (let i = base; i < base + classes; i++) delta[i] *= y[i] * (1 - y[i]);
    } else {
      // softmax: delta_k = sum_i e_i y_i (delta_ik - y_k) = y_k (e_k - sum_i e_i y_i)
      let dot = 0;
      for (let i = base; i < base + classes; i++) dot += delta[i] * y[i];
      for (let i = base; i < base + classes; i++) delta[i] = y[i] * (delta[i] - dot);
    }
  }
}

function labelOf(labels: ArrayLike<number>, r: number, classes: number): number {
  const label = labels[r];
  if (!(Number.isInteger(label) && label >= 0 && label < classes)) {
    throw new RangeError(`label of row ${r} must be a class index in 0..${classes - 1}, got ${label}`);
  }
  return label;
}
