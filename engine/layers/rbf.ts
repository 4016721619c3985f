// The 1998 LeNet-5 output layer (LeCun et al. 1998, section II-B): one Euclidean radial basis unit
// per class, y_i = sum_j (x_j - w_ij)^2, the squared distance of F6's output to the class's code
// w_i. It outputs o_i = -y_i so that the output function and loss read it like any other layer's
// output: softmax + cross-entropy over -y is then the paper's MAP criterion (section III-D) without
// its constant "rubbish class" term, and the predicted class is the nearest code.
//   dL/dw_ij = sum_rows delta_i * 2 (x_j - w_ij),   dL/dx_j = sum_i delta_i * -2 (x_j - w_ij)
import { type DType, type Floats, floats, grow } from '../kernels.ts';
import type { Rng } from '../rng.ts';
import type { Layer } from './layer.ts';

export class Rbf implements Layer {
  readonly inShape: number[];
  readonly outShape: number[];
  readonly params;
  centers!: Floats;
  private dCenters!: Floats;
  private x!: Floats;
  private y: Floats;
  private dx: Floats;

  constructor(readonly name: string, readonly inputs: number, readonly classes: number, dtype: DType) {
    this.inShape = [inputs];
    this.outShape = [classes];
    this.params = [{ name: 'centers', shape: [classes, inputs] }];
    this.y = this.dx = floats(dtype, 0);
  }

  bind(params: Floats, grads: Floats, offset: number): void {
    const n = this.classes * this.inputs;
    this.centers = params.subarray(offset, offset + n);
    this.dCenters = grads.subarray(offset, offset + n);
  }

  /** Codes of +-1, drawn at random: the paper's 7x12 bitmaps of the characters are not available,
   *  and random +-1 codes of 84 values are as far apart (nearly orthogonal), within the range of
   *  F6's scaled tanh. */
  init(rng: Rng): void {
    for (let i = 0; i < this.centers.length; i++) this.centers[i] = rng.next() < 0.5 ? -1 : 1;
  }

  forward(x: Floats, batch: number): Floats {
    const { inputs, classes, centers } = this;
    const y = (this.y = grow(this.y, batch * classes));
    for (let r = 0; r < batch; r++) {
      for (let i = 0; i < classes; i++) {
        let d = 0;
        for (let j = 0, xr = r * inputs, w = i * inputs; j < inputs; j++) d += (x[xr + j] - centers[w + j]) ** 2;
        y[r * classes + i] = -d;
      }
    }
    this.x = x;
    return y;
  }

  backward(dy: Floats, batch: number, needInputGrad: boolean): Floats | null {
    const { inputs, classes, centers, dCenters, x } = this;
    const dx = (this.dx = grow(this.dx, batch * inputs));
    if (needInputGrad) dx.fill(0, 0, batch * inputs);
    dCenters.fill(0);
    for (let r = 0; r < batch; r++) {
      for (let i = 0; i < classes; i++) {
        const g = 2 * dy[r * classes + i];
        for (let j = 0, xr = r * inputs, w = i * inputs; j < inputs; j++) {
          const diff = g * (x[xr + j] - centers[w + j]);
          dCenters[w + j] += diff;
          if (needInputGrad) dx[xr + j] -= diff;
        }
      }
    }
    return needInputGrad ? dx : null;
  }
}
