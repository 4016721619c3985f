// Average pooling, N x N windows, stride N (seed eq. 29 with avg). Backward gives each input of a
// window delta / (N*N) (seed 3.3, item 2, corrected in backprop-notes' errata).
import { type DType, type Floats, floats, grow } from '../kernels.ts';
import { type Layer, ParameterFree } from './layer.ts';

export class AvgPool extends ParameterFree implements Layer {
  readonly inShape: number[];
  readonly outShape: number[];
  private y: Floats;
  private dx: Floats;

  constructor(readonly name: string, readonly channels: number, readonly inH: number, readonly inW: number,
    readonly n: number, dtype: DType) {
    super();
    this.inShape = [channels, inH, inW];
    this.outShape = [channels, Math.floor(inH / n), Math.floor(inW / n)];
    this.y = this.dx = floats(dtype, 0);
  }

  forward(x: Floats, batch: number): Floats {
    const { inH, inW, n } = this;
    const [, outH, outW] = this.outShape, maps = batch * this.channels, scale = 1 / (n * n);
    const y = (this.y = grow(this.y, maps * outH * outW));
    let out = 0;
    for (let m = 0; m < maps; m++) {
      const map = m * inH * inW;
      for (let i = 0; i < outH; i++) {
        for (let j = 0; j < outW; j++, out++) {
          let sum = 0;
          for (let a = 0; a < n; a++) {
            for (let b = 0, at = map + (i * n + a) * inW + j * n; b < n; b++, at++) sum += x[at];
          }
          y[out] = sum * scale;
        }
      }
    }
    return y;
  }

  backward(dy: Floats, batch: number, needInputGrad: boolean): Floats | null {
    if (!needInputGrad) return null;
    const { inH, inW, n } = this;
    const [, outH, outW] = this.outShape, maps = batch * this.channels, scale = 1 / (n * n);
    const dx = (this.dx = grow(this.dx, maps * inH * inW));
    dx.fill(0, 0, batch * this.channels * inH * inW); // covers the rows and columns no window reaches when H or W is not a multiple of N
    let out = 0;
    for (let m = 0; m < maps; m++) {
      const map = m * inH * inW;
      for (let i = 0; i < outH; i++) {
        for (let j = 0; j < outW; j++, out++) {
          const g = dy[out] * scale;
          for (let a = 0; a < n; a++) {
            for (let b = 0, at = map + (i * n + a) * inW + j * n; b < n; b++, at++) dx[at] = g;
          }
        }
      }
    }
    return dx;
  }
}
