// Classic LeNet-5 trainable subsampling (S2, S4): s = coef[d] * sum(N x N window) + bias[d], stride N
// (backprop-notes "Pooling"); the activation is a separate layer after it. Backward:
// dcoef[d] = sum delta_s * sum(window), dbias[d] = sum delta_s, each window input gets coef[d] * delta_s.
import { type DType, type Floats, floats, grow } from '../kernels.ts';
import type { Rng } from '../rng.ts';
import { type InitScheme, type Layer, initWeights } from './layer.ts';

export class Subsample implements Layer {
  readonly inShape: number[];
  readonly outShape: number[];
  readonly params;
  coef!: Floats;
  bias!: Floats;
  private dCoef!: Floats;
  private dBias!: Floats;
  private windowSum: Floats; // per output, kept for dcoef
  private y: Floats;
  private dx: Floats;

  constructor(readonly name: string, readonly channels: number, readonly inH: number, readonly inW: number,
    readonly n: number, dtype: DType) {
    this.inShape = [channels, inH, inW];
    this.outShape = [channels, Math.floor(inH / n), Math.floor(inW / n)];
    this.params = [{ name: 'coef', shape: [channels] }, { name: 'bias', shape: [channels] }];
    this.windowSum = this.y = this.dx = floats(dtype, 0);
  }

  bind(params: Floats, grads: Floats, offset: number): void {
    const C = this.channels;
    this.coef = params.subarray(offset, offset + C);
    this.bias = params.subarray(offset + C, offset + 2 * C);
    this.dCoef = grads.subarray(offset, offset + C);
    this.dBias = grads.subarray(offset + C, offset + 2 * C);
  }

  init(rng: Rng, scheme: InitScheme): void {
    initWeights(this.coef, rng, scheme, this.n * this.n, 1);
    this.bias.fill(0);
  }

  forward(x: Floats, batch: number): Floats {
    const { channels: C, inH, inW, n, coef, bias } = this;
    const [, outH, outW] = this.outShape;
    const y = (this.y = grow(this.y, batch * C * outH * outW));
    const windowSum = (this.windowSum = grow(this.windowSum, y.length));
    let out = 0;
    for (let m = 0; m < batch * C; m++) {
      const map = m * inH * inW, d = m % C;
      for (let i = 0; i < outH; i++) {
        for (let j = 0; j < outW; j++, out++) {
          let sum = 0;
          for (let a = 0; a < n; a++) {
            for (let b = 0, at = map + (i * n + a) * inW + j * n; b < n; b++, at++) sum += x[at];
          }
          windowSum[out] = sum;
          y[out] = coef[d] * sum + bias[d];
        }
      }
    }
    return y;
  }

  backward(dy: Floats, batch: number, needInputGrad: boolean): Floats | null {
    const { channels: C, inH, inW, n, coef, dCoef, dBias, windowSum } = this;
    const [, outH, outW] = this.outShape, P = outH * outW;
    dCoef.fill(0);
    dBias.fill(0);
    for (let m = 0, out = 0; m < batch * C; m++) {
      const d = m % C;
      for (let p = 0; p < P; p++, out++) {
        dCoef[d] += dy[out] * windowSum[out];
        dBias[d] += dy[out];
      }
    }
    if (!needInputGrad) return null;
    const dx = (this.dx = grow(this.dx, batch * C * inH * inW));
    dx.fill(0, 0, batch * this.channels * inH * inW); // covers the rows and columns no window reaches when H or W is not a multiple of N
    let out = 0;
    for (let m = 0; m < batch * C; m++) {
      const map = m * inH * inW, d = m % C;
      for (let i = 0; i < outH; i++) {
        for (let j = 0; j < outW; j++, out++) {
          const g = coef[d] * dy[out];
          for (let a = 0; a < n; a++) {
            for (let b = 0, at = map + (i * n + a) * inW + j * n; b < n; b++, at++) dx[at] = g;
          }
        }
      }
    }
    return dx;
  }
}
