// What every layer is: a forward and a backward over a whole mini-batch that mirror each other.
// Samples are stored one after another, each flattened row-major in its shape ([C][H][W] for maps).
import type { Floats } from '../kernels.ts';
import type { Rng } from '../rng.ts';

export interface ParamInfo { name: string; shape: number[] }

/** He (normal, std sqrt(2/fan_in)) for ReLU nets, Xavier/Glorot (uniform, ±sqrt(6/(fan_in+fan_out)))
 *  for sigmoid/tanh ones, LeCun 1998 (uniform ±2.4/fan_in) for the classic LeNet-5. */
export type InitScheme = 'he' | 'xavier' | 'lecun';

export interface Layer {
  /** Prefix of its tensors' names in weights-format.md (e.g. 'c1'), or a descriptive name. */
  readonly name: string;
  readonly inShape: number[];
  readonly outShape: number[];
  /** Its tensors, in the order they are laid out in the flat vectors. */
  readonly params: ParamInfo[];
  /** Makes its tensors views of the flat parameter and gradient vectors, starting at offset. */
  bind(params: Floats, grads: Floats, offset: number): void;
  init(rng: Rng, scheme: InitScheme): void;
  /** Output for `batch` samples; the returned buffer is the layer's own, valid until its next
   *  forward. The layer keeps what its backward needs (x itself must stay unchanged until then). */
  forward(x: Floats, batch: number): Floats;
  /** Given dL/dy of the last forward, WRITES the batch's parameter gradients (summed over its
   *  samples) into the bound gradient views, whatever they held, and returns dL/dx (null when not
   *  needInputGrad, e.g. for the first layer). Writing rather than adding spares a pass that zeroes
   *  them and the products' reading them back. */
  backward(dy: Floats, batch: number, needInputGrad: boolean): Floats | null;
  /** Layers with kinks (ReLU, max pooling): folds which side of each kink its last forward over
   *  `batch` samples took (its "winners") into the running hash h with foldKink. Gradient checking
   *  only; nothing on the training path calls it. */
  kinks?(batch: number, h: number): number;
}

/** One step of the kink hash (FNV-1a style): for each v a bijection of h, so two sequences of
 *  winners that differ in exactly one place never hash alike (more differences: 2^-32 odds). */
export const foldKink = (h: number, v: number): number => Math.imul(h ^ v, 16777619);

export const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** Fills weights drawn by `scheme`. */
export function initWeights(w: Floats, rng: Rng, scheme: InitScheme, fanIn: number, fanOut: number): void {
  if (scheme === 'he') {
    const std = Math.sqrt(2 / fanIn);
    for (let i = 0; i < w.length; i++) w[i] = std * rng.normal();
    return;
  }
  const limit = scheme === 'xavier' ? Math.sqrt(6 / (fanIn + fanOut)) : 2.4 / fanIn;
  for (let i = 0; i < w.length; i++) w[i] = limit * (2 * rng.next() - 1);
}

/** Base for layers without parameters. */
export abstract class ParameterFree {
  readonly params: ParamInfo[] = [];
  bind(): void {}
  init(): void {}
}
