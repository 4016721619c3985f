// Optimisers on the model's flat parameter vector: one element-wise loop per step, over the whole
// vector or over slices of it (the trainer's workers each update one slice).
// L2 weight decay is added to the gradient first (g' = g + weightDecay * w), so with momentum and
// Adam it goes through the moment estimates too (classic L2, not AdamW's decoupled decay).
// Moment buffers are float32 whatever the parameters' type: training runs in float32, and the
// state then saves into checkpoints as is.
import * as v from 'valibot';
import type { Floats } from './kernels.ts';
import { oneOf } from './validate.ts';

const fraction = (what: string) =>
  v.pipe(v.number(`expected ${what} in [0, 1)`), v.minValue(0, `expected ${what} in [0, 1)`), v.ltValue(1, `expected ${what} in [0, 1)`));
const positive = v.pipe(v.number('expected a positive number'), v.finite('expected a positive number'), v.gtValue(0, 'expected a positive number'));

export const OptimizerConfigSchema = v.strictObject({
  kind: oneOf(['sgd', 'momentum', 'adam']),
  lr: positive,
  momentum: v.optional(fraction('a momentum')),
  beta1: v.optional(fraction('a decay rate')),
  beta2: v.optional(fraction('a decay rate')),
  eps: v.optional(positive),
  weightDecay: v.optional(
    v.pipe(v.number('expected a number >= 0'), v.finite('expected a number >= 0'), v.minValue(0, 'expected a number >= 0')),
  ),
});
export type OptimizerConfig = v.InferOutput<typeof OptimizerConfigSchema>;

export const OPTIMIZER_DEFAULTS = { momentum: 0.9, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };

export interface OptimizerState { t: number; buffers: Float32Array[] }

export interface Optimizer {
  /** Read at every step: change config.lr between steps freely (or replace the object). */
  config: OptimizerConfig;
  /** Steps taken (Adam's bias correction depends on it). */
  t: number;
  /** The moment buffers, updated in place: none for SGD, velocity for momentum, m and v for Adam. */
  readonly buffers: Float32Array[];
  /** One step over all parameters: t + 1, then its update. */
  step(params: Floats, grad: Floats): void;
  /** Step t's update of params[from, to) (t already advanced by the caller, once per step). Every
   *  element's arithmetic is its own, so slices updated apart (by several threads) give the same
   *  values as one update of the whole vector. */
  update(params: Floats, grad: Floats, from: number, to: number): void;
  /** A copy: the step count and the moment buffers. */
  getState(): OptimizerState;
  /** Copies into the existing buffers (which may be shared with other threads). */
  setState(s: OptimizerState): void;
}

/** `buffers`: the moment buffers to use (e.g. on SharedArrayBuffers); new zeroed ones by default. */
export function createOptimizer(config: OptimizerConfig, size: number, buffers = optimizerBuffers(config.kind, size)): Optimizer {
  if (buffers.length !== bufferCount(config.kind) || buffers.some((b) => b.length !== size)) {
    throw new RangeError(`optimizer buffers do not fit ${config.kind} over ${size} parameters`);
  }

  function update(params: Floats, grad: Floats, from: number, to: number): void {
    if (params.length !== size || grad.length !== size) {
      throw new RangeError(`optimizer for ${size} parameters got ${params.length} parameters and ${grad.length} gradients`);
    }
    const { config } = optimizer;
    const { lr } = config;
    const wd = config.weightDecay ?? OPTIMIZER_DEFAULTS.weightDecay;
    if (config.kind === 'sgd') {
      for (let i = from; i < to; i++) params[i] -= lr * (grad[i] + wd * params[i]);
    } else if (config.kind === 'momentum') {
      // Heavy ball in PyTorch's form: v = mu v + g; w -= lr v (lr outside the velocity, so a
      // change of lr takes effect at once instead of fading in).
      const mu = config.momentum ?? OPTIMIZER_DEFAULTS.momentum;
      const [vel] = buffers;
      for (let i = from; i < to; i++) {
        vel[i] = mu * vel[i] + grad[i] + wd * params[i];
        params[i] -= lr * vel[i];
      }
    } else {
      // Adam (Kingma & Ba 2015, Algorithm 1): bias-corrected first and second moments,
      // eps added to sqrt(v-hat) as in the paper.
      const b1 = config.beta1 ?? OPTIMIZER_DEFAULTS.beta1;
      const b2 = config.beta2 ?? OPTIMIZER_DEFAULTS.beta2;
      const eps = config.eps ?? OPTIMIZER_DEFAULTS.eps;
      const c1 = 1 / (1 - b1 ** optimizer.t);
      const c2 = 1 / (1 - b2 ** optimizer.t);
      const [m, s] = buffers;
      for (let i = from; i < to; i++) {
        const g = grad[i] + wd * params[i];
        m[i] = b1 * m[i] + (1 - b1) * g;
        s[i] = b2 * s[i] + (1 - b2) * g * g;
        params[i] -= (lr * m[i] * c1) / (Math.sqrt(s[i] * c2) + eps);
      }
    }
  }

  const optimizer: Optimizer = {
    config,
    t: 0,
    buffers,
    step(params, grad) {
      optimizer.t++;
      update(params, grad, 0, size);
    },
    update,
    getState: () => ({ t: optimizer.t, buffers: buffers.map((b) => b.slice()) }),
    setState(state) {
      if (!Number.isInteger(state.t) || state.t < 0 || state.buffers.length !== buffers.length || state.buffers.some((b) => b.length !== size)) {
        throw new RangeError(`optimizer state does not fit ${config.kind} over ${size} parameters`);
      }
      optimizer.t = state.t;
      state.buffers.forEach((b, i) => buffers[i].set(b));
    },
  };
  return optimizer;
}

export function bufferCount(kind: OptimizerConfig['kind']): number {
  return { sgd: 0, momentum: 1, adam: 2 }[kind];
}

function optimizerBuffers(kind: OptimizerConfig['kind'], size: number): Float32Array[] {
  return Array.from({ length: bufferCount(kind) }, () => new Float32Array(size));
}
