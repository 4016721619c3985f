// Element-wise activation y = f(x); backward dx = dy * f'(x), with f' written in terms of y so the
// layer keeps only its output (backprop-notes "MLP, complete", its Activations line; sigmoid' is eq. 22).
import { type DType, type Floats, floats, grow, relu, reluBackward, sigmoid, tanh } from '../kernels.ts';
import type { ConvActivation } from '../spec.ts';
import { type Layer, ParameterFree, foldKink, size } from './layer.ts';

/** The spec's activations (the hidden layers' are a subset of LeNet-5's). */
export type ActivationKind = ConvActivation;

// LeNet-5's scaled tanh f(x) = A tanh(S x), f'(x) = A S (1 - tanh^2(S x)) = A S (1 - (y/A)^2)
const A = 1.7159, S = 2 / 3;

export class Activation extends ParameterFree implements Layer {
  readonly outShape: number[];
  private y: Floats;
  private dx: Floats;

  constructor(readonly name: string, readonly kind: ActivationKind, readonly inShape: number[], dtype: DType) {
    super();
    this.outShape = inShape;
    this.y = floats(dtype, 0);
    this.dx = floats(dtype, 0);
  }

  forward(x: Floats, batch: number): Floats {
    const n = batch * size(this.inShape);
    const y = (this.y = grow(this.y, n));
    switch (this.kind) {
      case 'sigmoid': sigmoid(x, y, n); break; // eq. 21
      case 'tanh': tanh(x, y, n, 1, 1); break;
      case 'relu': relu(x, y, n); break;
      case 'scaled-tanh': tanh(x, y, n, A, S); break;
    }
    return y;
  }

  backward(dy: Floats, batch: number, needInputGrad: boolean): Floats | null {
    if (!needInputGrad) return null;
    const n = batch * size(this.inShape);
    const y = this.y;
    const dx = (this.dx = grow(this.dx, n));
    switch (this.kind) {
      case 'sigmoid': for (let i = 0; i < n; i++) dx[i] = dy[i] * y[i] * (1 - y[i]); break; // eq. 22
      case 'tanh': for (let i = 0; i < n; i++) dx[i] = dy[i] * (1 - y[i] * y[i]); break;
      case 'relu': reluBackward(y, dy, dx, n); break;
      case 'scaled-tanh': for (let i = 0; i < n; i++) dx[i] = dy[i] * A * S * (1 - (y[i] / A) * (y[i] / A)); break;
    }
    return dx;
  }

  /** ReLU's winners: x > 0, read from y (y > 0 exactly when x > 0). The other kinds are smooth. */
  kinks(batch: number, h: number): number {
    if (this.kind !== 'relu') return h;
    const n = batch * size(this.inShape), y = this.y;
    for (let i = 0; i < n; i++) h = foldKink(h, y[i] > 0 ? 1 : 0);
    return h;
  }
}
