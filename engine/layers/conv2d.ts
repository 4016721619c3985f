// 2-D convolution as in the seed: cross-correlation (eq. 25-26), stride 1, no padding, several
// input and output channels. Maps [C][H][W], kernels [D][C][k][k], output [D][H-k+1][W-k+1].
// The whole batch is one matrix product: col = im2col(x) is [C*k*k][batch*P] (P = output pixels),
// Y = K * col is [D][batch*P], then Y is transposed to the per-sample layout and biased.
//
// An optional connection table (classic LeNet-5's C3) says which input maps feed which output
// maps. The kernel tensor keeps its full [D][C][k][k] shape; unconnected kernels are treated as
// zero in the forward pass whatever they hold, and their gradient is always zero.
import { type DType, type Floats, col2im, floats, gemm, grow, im2col, mapsToSamples, samplesToMaps } from '../kernels.ts';
import type { Rng } from '../rng.ts';
import { type InitScheme, type Layer, initWeights } from './layer.ts';

export class Conv2d implements Layer {
  readonly inShape: number[];
  readonly outShape: number[];
  readonly params;
  weight!: Floats;
  bias!: Floats;
  private dWeight!: Floats;
  private dBias!: Floats;
  private readonly mask: Floats | null; // [D][C*k*k], 1 where connected
  private readonly masked: Floats | null; // weight * mask, what the products use
  private readonly outH: number;
  private readonly outW: number;
  private col: Floats; // im2col of the last forward's input
  private rows: Floats; // [D][batch*P]: Y in forward, delta in backward
  private dCol: Floats;
  private y: Floats;
  private dx: Floats;

  /** connections[d][c]: whether output map d reads input map c (all of them when omitted). */
  constructor(readonly name: string, readonly inChannels: number, readonly inH: number, readonly inW: number,
    readonly outChannels: number, readonly k: number, dtype: DType, connections?: boolean[][]) {
    this.outH = inH - k + 1;
    this.outW = inW - k + 1;
    this.inShape = [inChannels, inH, inW];
    this.outShape = [outChannels, this.outH, this.outW];
    this.params = [{ name: 'weight', shape: [outChannels, inChannels, k, k] }, { name: 'bias', shape: [outChannels] }];
    const kk = k * k, weights = outChannels * inChannels * kk;
    if (connections) {
      this.mask = floats(dtype, weights);
      for (let d = 0; d < outChannels; d++) {
        for (let c = 0; c < inChannels; c++) if (connections[d][c]) this.mask.fill(1, (d * inChannels + c) * kk, (d * inChannels + c + 1) * kk);
      }
      this.masked = floats(dtype, weights);
    } else {
      this.mask = this.masked = null;
    }
    this.col = this.rows = this.dCol = this.y = this.dx = floats(dtype, 0);
  }

  bind(params: Floats, grads: Floats, offset: number): void {
    const n = this.outChannels * this.inChannels * this.k * this.k, end = offset + n + this.outChannels;
    this.weight = params.subarray(offset, offset + n);
    this.bias = params.subarray(offset + n, end);
    this.dWeight = grads.subarray(offset, offset + n);
    this.dBias = grads.subarray(offset + n, end);
  }

  init(rng: Rng, scheme: InitScheme): void {
    const { inChannels: C, outChannels: D, k, mask } = this;
    const kk = k * k, perMap = C * kk;
    for (let d = 0; d < D; d++) {
      // fan-in counts only the connected input maps
      let connected = C;
      if (mask) { connected = 0; for (let c = 0; c < C; c++) connected += mask[d * perMap + c * kk]; }
      initWeights(this.weight.subarray(d * perMap, (d + 1) * perMap), rng, scheme, connected * kk, D * kk);
      if (mask) for (let i = d * perMap; i < (d + 1) * perMap; i++) if (!mask[i]) this.weight[i] = 0;
    }
    this.bias.fill(0);
  }

  forward(x: Floats, batch: number): Floats {
    const { inChannels: C, inH: H, inW: W, outChannels: D, k, bias } = this;
    const P = this.outH * this.outW, cols = batch * P, depth = C * k * k;
    const col = (this.col = grow(this.col, depth * cols));
    const rows = (this.rows = grow(this.rows, D * cols));
    const y = (this.y = grow(this.y, batch * D * P));
    im2col(x, batch, C, H, W, k, col);
    gemm(false, false, D, cols, depth, this.kernels(), col, rows, false); // eq. 26 for every pixel
    mapsToSamples(rows, D, batch, P, bias, y);
    return y;
  }

  backward(dy: Floats, batch: number, needInputGrad: boolean): Floats | null {
    const { inChannels: C, inH: H, inW: W, outChannels: D, k, dBias, dWeight, mask } = this;
    const P = this.outH * this.outW, cols = batch * P, depth = C * k * k;
    const delta = this.rows; // Y is no longer needed: reuse its buffer for delta [D][batch*P]
    samplesToMaps(dy, D, batch, P, delta, dBias); // and dBias, eq. 31
    // dK[d][c,m,n] = sum_(b,i,j) delta[d][b,i,j] * in[b][c][i+m][j+n]  (eq. 30, corrected)
    gemm(false, true, D, depth, cols, delta, this.col, dWeight, false);
    if (mask) for (let i = 0; i < dWeight.length; i++) if (!mask[i]) dWeight[i] = 0;
    if (!needInputGrad) return null;
    // dIn: col-space gradient K^T delta, folded back by col2im = the "full" convolution with the
    // 180-degree rotated kernel (backprop-notes Gap 2)
    const dCol = (this.dCol = grow(this.dCol, depth * cols));
    const dx = (this.dx = grow(this.dx, batch * C * H * W));
    gemm(true, false, depth, cols, D, this.masked ?? this.weight, delta, dCol, false); // masked as in forward
    col2im(dCol, batch, C, H, W, k, dx);
    return dx;
  }

  /** The kernels the products use: the parameters, or their masked copy with a connection table. */
  private kernels(): Floats {
    const { masked, mask, weight } = this;
    if (!masked || !mask) return weight;
    for (let i = 0; i < weight.length; i++) masked[i] = weight[i] * mask[i];
    return masked;
  }
}
