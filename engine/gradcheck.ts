// Gradient checking: the hand-derived gradients against central finite differences
// (L(w + e) - L(w - e)) / 2e, in float64 (backprop-notes "How to know a gradient is right").
// Product code: the UI's "Gradient check" panel runs gradCheck on the current model; the tests use
// it and gradCheckLayer, which also checks the gradient with respect to a layer's input.
// At a kink (ReLU at 0, a max pooling tie) the quotient straddles two one-sided derivatives and is
// neither (CS231n, "Kinks in the objective"): when the forwards at w + e and w - e took different
// sides of any kink (Layer.kinks), the value is skipped, not compared.
import type { Floats } from './kernels.ts';
import { type Layer, size } from './layers/layer.ts';
import { Model } from './model.ts';
import { Rng } from './rng.ts';
import type { ModelSpec } from './spec.ts';

export interface GradCheckOptions {
  /** Finite-difference step (default 1e-5). */
  epsilon?: number;
  /** Tensors with at most `wholeUpTo` values (default 128: every bias) are checked whole, larger
   *  ones at `samples` positions (default 40) drawn with `seed` (default 1). */
  wholeUpTo?: number;
  samples?: number;
  seed?: number;
}

/** Per tensor: `checked` values, of which `skipped` straddled a kink; maxRelError over the others
 *  (null when all were skipped). */
export interface GradCheckResult { tensor: string; checked: number; skipped: number; maxRelError: number | null }

/** |a - n| / max(1e-8, |a| + |n|): near 0 when they agree, 1 when one is 0 and the other not. */
export function relativeError(analytic: number, numeric: number): number {
  return Math.abs(analytic - numeric) / Math.max(1e-8, Math.abs(analytic) + Math.abs(numeric));
}

/** Checks dL/dw of L = the SUM of the per-sample losses over `rows` rows of x, for every tensor. */
export function gradCheck(spec: ModelSpec, params: ArrayLike<number>, x: ArrayLike<number>,
  labels: ArrayLike<number>, rows: number, opts: GradCheckOptions = {}): GradCheckResult[] {
  const model = Model.create(spec, { params: Float64Array.from(params) });
  const input = Float64Array.from(x);
  model.gradSum(input, labels, rows);
  const analytic = model.grads.slice();
  const loss = () => model.evaluate(input, labels, rows).lossSum;
  const kinks = () => model.kinks();
  return model.tensors.map((t) => compare(t.name, model.params.subarray(t.offset, t.offset + t.size),
    analytic.subarray(t.offset, t.offset + t.size), loss, kinks, opts));
}

/** Checks one float64 layer, parameters and input, on L = sum(r * y) with a fixed random r.
 *  Binds the layer to `params` (laid out as its `params` list says). */
export function gradCheckLayer(layer: Layer, params: Float64Array, x: Float64Array, batch: number,
  opts: GradCheckOptions = {}): GradCheckResult[] {
  const grads = new Float64Array(params.length);
  layer.bind(params, grads, 0);
  const rng = new Rng(opts.seed ?? 1);
  const outputs = batch * size(layer.outShape);
  const r = Float64Array.from({ length: outputs }, () => 2 * rng.next() - 1);
  const loss = () => {
    const y = layer.forward(x, batch);
    let sum = 0;
    for (let i = 0; i < outputs; i++) sum += r[i] * y[i];
    return sum;
  };
  const kinks = () => layer.kinks?.(batch, 0) ?? 0;
  loss();
  const dx = layer.backward(r, batch, true);
  if (!dx) throw new Error(`layer ${layer.name} returned no input gradient`);
  const dInput = dx.slice(0, x.length);
  const results: GradCheckResult[] = [];
  let offset = 0;
  for (const p of layer.params) {
    const n = size(p.shape);
    results.push(compare(`${layer.name}.${p.name}`, params.subarray(offset, offset + n), grads.subarray(offset, offset + n), loss, kinks, opts));
    offset += n;
  }
  results.push(compare(`${layer.name}.input`, x, dInput, loss, kinks, opts));
  return results;
}

/** Perturbs values of `w` in place (restoring each) and compares the change of `loss` with `analytic`,
 *  skipping a value when `kinks` (read after each loss) differs between its two ends. */
function compare(tensor: string, w: Floats, analytic: Floats, loss: () => number, kinks: () => number,
  opts: GradCheckOptions): GradCheckResult {
  const e = opts.epsilon ?? 1e-5, samples = opts.samples ?? 40;
  const rng = new Rng(opts.seed ?? 1);
  const positions = w.length <= Math.max(samples, opts.wholeUpTo ?? 128)
    ? Array.from({ length: w.length }, (_, i) => i)
    : Array.from({ length: samples }, () => rng.int(w.length));
  let maxRelError: number | null = null, skipped = 0;
  for (const i of positions) {
    const saved = w[i];
    w[i] = saved + e;
    const plus = loss(), plusKinks = kinks();
    w[i] = saved - e;
    const minus = loss(), crossed = kinks() !== plusKinks;
    w[i] = saved;
    if (crossed) skipped++;
    else maxRelError = Math.max(maxRelError ?? 0, relativeError(analytic[i], (plus - minus) / (2 * e)));
  }
  return { tensor, checked: positions.length, skipped, maxRelError };
}
