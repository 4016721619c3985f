// Fully connected layer: o = W x + b, W stored [out][in] (backprop-notes "MLP, complete").
// Over a batch X[batch][in]: O = X W^T + b.
import { type DType, type Floats, floats, gemm, grow } from '../kernels.ts';
import type { Rng } from '../rng.ts';
import { type InitScheme, type Layer, initWeights } from './layer.ts';

export class Dense implements Layer {
  readonly inShape: number[];
  readonly outShape: number[];
  readonly params;
  weight!: Floats;
  bias!: Floats;
  private dWeight!: Floats;
  private dBias!: Floats;
  private x!: Floats;
  private y: Floats;
  private dx: Floats;

  constructor(readonly name: string, readonly inputs: number, readonly outputs: number, dtype: DType) {
    this.inShape = [inputs];
    this.outShape = [outputs];
    this.params = [{ name: 'weight', shape: [outputs, inputs] }, { name: 'bias', shape: [outputs] }];
    this.y = floats(dtype, 0);
    this.dx = floats(dtype, 0);
  }

  bind(params: Floats, grads: Floats, offset: number): void {
    const w = this.outputs * this.inputs, end = offset + w + this.outputs;
    this.weight = params.subarray(offset, offset + w);
    this.bias = params.subarray(offset + w, end);
    this.dWeight = grads.subarray(offset, offset + w);
    this.dBias = grads.subarray(offset + w, end);
  }

  init(rng: Rng, scheme: InitScheme): void {
    initWeights(this.weight, rng, scheme, this.inputs, this.outputs);
    this.bias.fill(0);
  }

  forward(x: Floats, batch: number): Floats {
    const { inputs, outputs, bias } = this;
    const y = (this.y = grow(this.y, batch * outputs));
    gemm(false, true, batch, outputs, inputs, x, this.weight, y, false); // eq. 1 / eq. 3
    for (let r = 0; r < batch; r++) {
      for (let i = 0, o = r * outputs; i < outputs; i++) y[o + i] += bias[i];
    }
    this.x = x;
    return y;
  }

  backward(dy: Floats, batch: number, needInputGrad: boolean): Floats | null {
    const { inputs, outputs, dBias } = this;
    // dW = delta x^T summed over the batch (eq. 5 / eq. 7 with delta = dL/do)
    gemm(true, false, outputs, inputs, batch, dy, this.x, this.dWeight, false);
    // db = delta summed over the batch (eq. 6 / eq. 8, corrected in backprop-notes' errata)
    dBias.fill(0);
    for (let r = 0; r < batch; r++) {
      for (let i = 0, o = r * outputs; i < outputs; i++) dBias[i] += dy[o + i];
    }
    if (!needInputGrad) return null;
    // dL/dx = W^T delta (the sum over i of eq. 7-8)
    const dx = (this.dx = grow(this.dx, batch * inputs));
    gemm(false, false, batch, inputs, outputs, dy, this.weight, dx, false);
    return dx;
  }
}
