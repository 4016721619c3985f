// Max pooling, N x N windows, stride N (seed eq. 29). Forward remembers each window's winner (the
// first maximum in scan order on ties); backward sends the whole gradient to it (seed 3.3, item 1).
import { type DType, type Floats, floats, grow, maxPool, maxPoolBackward } from '../kernels.ts';
import { type Layer, ParameterFree, foldKink } from './layer.ts';

export class MaxPool extends ParameterFree implements Layer {
  readonly inShape: number[];
  readonly outShape: number[];
  private y: Floats;
  private dx: Floats;
  private winner = new Int32Array(0); // per output: index of its input in the batch buffer

  constructor(readonly name: string, readonly channels: number, readonly inH: number, readonly inW: number,
    readonly n: number, dtype: DType) {
    super();
    this.inShape = [channels, inH, inW];
    this.outShape = [channels, Math.floor(inH / n), Math.floor(inW / n)];
    this.y = this.dx = floats(dtype, 0);
  }

  forward(x: Floats, batch: number): Floats {
    const [, outH, outW] = this.outShape, maps = batch * this.channels;
    const y = (this.y = grow(this.y, maps * outH * outW));
    if (this.winner.length < y.length) this.winner = new Int32Array(y.length);
    maxPool(x, maps, this.inH, this.inW, this.n, y, this.winner);
    return y;
  }

  backward(dy: Floats, batch: number, needInputGrad: boolean): Floats | null {
    if (!needInputGrad) return null;
    const outputs = batch * this.channels * this.outShape[1] * this.outShape[2], inputs = batch * this.channels * this.inH * this.inW;
    const dx = (this.dx = grow(this.dx, inputs));
    maxPoolBackward(dy, this.winner, outputs, dx, inputs);
    return dx;
  }

  /** Its winners: each window's argmax. */
  kinks(batch: number, h: number): number {
    const outputs = batch * this.channels * this.outShape[1] * this.outShape[2];
    for (let o = 0; o < outputs; o++) h = foldKink(h, this.winner[o]);
    return h;
  }
}
