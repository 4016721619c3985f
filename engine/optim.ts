// Optimisers on the model's flat parameter vector: one element-wise kernel per step (engine/kernels.ts
// holds the arithmetic), over the whole vector or over slices of it (the trainer's workers each
// update one slice). SGD, momentum in PyTorch's form, Adam as in Kingma & Ba.
// L2 weight decay is added to the gradient first (g' = g + weightDecay * w), so with momentum and
// Adam it goes through the moment estimates too (classic L2, not AdamW's decoupled decay).
// Moment buffers are float32 whatever the parameters' type: training runs in float32, and the
// state then saves into checkpoints as is.
import * as v from 'valibot';
import { type Floats, floats, optimizerKernels } from './kernels.ts';
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

/** Where an update writes: parameters and moment buffers shaped as the ones it reads. */
export interface OptimizerTarget { params: Floats; buffers: Float32Array[] }

export interface Optimizer {
  /** Read at every step: change config.lr between steps freely (or replace the object). */
  config: OptimizerConfig;
  /** Steps taken (Adam's bias correction depends on it). */
  t: number;
  /** The moment buffers, updated in place: none for SGD, velocity for momentum, m and v for Adam. */
  readonly buffers: Float32Array[];
  /** One step over all parameters: t + 1, then its update; false if a parameter became non-finite. */
  step(params: Floats, grad: Floats): boolean;
  /** Step t's update of params[from, to) (t already advanced by the caller, once per step): in place,
   *  or written into `next` (another copy of the parameters and of the moment buffers, e.g. the
   *  trainer's next version), which leaves these as they were. Every element's arithmetic is its
   *  own, so slices updated apart (by several threads) give the same values as one update of the
   *  whole vector. False if a parameter of the slice became non-finite. */
  update(params: Floats, grad: Floats, from: number, to: number, next?: OptimizerTarget): boolean;
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

  function update(params: Floats, grad: Floats, from: number, to: number, next: OptimizerTarget = { params, buffers }): boolean {
    if (params.length !== size || grad.length !== size || next.params.length !== size) {
      throw new RangeError(`optimizer for ${size} parameters got ${params.length} parameters, ${grad.length} gradients and ${next.params.length} to write`);
    }
    if (next.buffers.length !== buffers.length || next.buffers.some((b) => b.length !== size)) {
      throw new RangeError(`optimizer buffers to write do not fit ${optimizer.config.kind} over ${size} parameters`);
    }
    const { config, t } = optimizer;
    const { lr } = config;
    const wd = config.weightDecay ?? OPTIMIZER_DEFAULTS.weightDecay;
    const w = params.subarray(from, to), g = grad.subarray(from, to), n = to - from, wOut = next.params.subarray(from, to);
    const [m, s] = buffers.map((b) => b.subarray(from, to));
    const [mOut, sOut] = next.buffers.map((b) => b.subarray(from, to));
    const kernels = optimizerKernels(params);
    if (config.kind === 'sgd') return kernels.sgd(w, g, n, lr, wd, wOut);
    if (config.kind === 'momentum') return kernels.momentum(w, g, m, n, lr, config.momentum ?? OPTIMIZER_DEFAULTS.momentum, wd, wOut, mOut);
    const b1 = config.beta1 ?? OPTIMIZER_DEFAULTS.beta1;
    const b2 = config.beta2 ?? OPTIMIZER_DEFAULTS.beta2;
    const eps = config.eps ?? OPTIMIZER_DEFAULTS.eps;
    return kernels.adam(w, g, m, s, n, lr, b1, b2, eps, 1 / (1 - b1 ** t), 1 / (1 - b2 ** t), wd, wOut, mOut, sOut);
  }

  const optimizer: Optimizer = {
    config,
    t: 0,
    buffers,
    step(params, grad) {
      optimizer.t++;
      return update(params, grad, 0, size);
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
  return Array.from({ length: bufferCount(kind) }, () => floats('float32', size) as Float32Array);
}
