import { describe, expect, it } from 'vitest';
import { gradCheckLayer } from '../../../engine/gradcheck.ts';
import { Conv2d } from '../../../engine/layers/conv2d.ts';
import { Rng } from '../../../engine/rng.ts';
import { expectGradientsMatch, uniform } from '../helpers.ts';

// 2 input maps of 6 x 5, 3 kernels of 3 x 3: output 3 x 4 x 3; a batch of 2.
const [C, H, W, D, k, batch] = [2, 6, 5, 3, 3, 2];
const [Ho, Wo] = [H - k + 1, W - k + 1];
const weightCount = D * C * k * k;
// output map 0 reads input 0 only, map 1 input 1 only, map 2 both
const table = [[true, false], [false, true], [true, true]];

function make(connections?: boolean[][]) {
  const layer = new Conv2d('conv', C, H, W, D, k, 'float64', connections);
  const params = uniform(weightCount + D, 1); // unconnected kernels hold non-zero values on purpose
  layer.bind(params, new Float64Array(params.length), 0);
  return { layer, params };
}

/** Seed eq. 26 written out: x[d,i,j] = b[d] + sum_c sum_m sum_n K[d,c,m,n] in[c,i+m,j+n]. */
function directConvolution(params: Float64Array, x: Float64Array, connections?: boolean[][]): Float64Array {
  const y = new Float64Array(batch * D * Ho * Wo);
  for (let s = 0; s < batch; s++) {
    for (let d = 0; d < D; d++) {
      for (let i = 0; i < Ho; i++) {
        for (let j = 0; j < Wo; j++) {
          let v = params[weightCount + d];
          for (let c = 0; c < C; c++) {
            if (connections && !connections[d][c]) continue;
            for (let m = 0; m < k; m++) {
              for (let n = 0; n < k; n++) {
                v += params[((d * C + c) * k + m) * k + n] * x[((s * C + c) * H + i + m) * W + j + n];
              }
            }
          }
          y[((s * D + d) * Ho + i) * Wo + j] = v;
        }
      }
    }
  }
  return y;
}

describe('Conv2d', () => {
  it('is the cross-correlation of seed eq. 26', () => {
    const { layer, params } = make();
    expect(layer.outShape).toEqual([D, Ho, Wo]);
    const x = uniform(batch * C * H * W, 2);
    const y = layer.forward(x, batch);
    directConvolution(params, x).forEach((v, i) => expect(y[i]).toBeCloseTo(v, 12));
  });

  it('has kernel, bias and input ("full" convolution) gradients that match central differences', () => {
    const { layer, params } = make();
    const results = gradCheckLayer(layer, params, uniform(batch * C * H * W, 3), batch, { wholeUpTo: 1000 });
    expect(results.map((r) => [r.tensor, r.checked])).toEqual([['conv.weight', 54], ['conv.bias', 3], ['conv.input', 120]]);
    expectGradientsMatch(results);
  });

  describe('with a connection table', () => {
    it('ignores unconnected kernels in the forward pass', () => {
      const { layer, params } = make(table);
      const x = uniform(batch * C * H * W, 4);
      const y = layer.forward(x, batch);
      directConvolution(params, x, table).forEach((v, i) => expect(y[i]).toBeCloseTo(v, 12));
    });

    it('gives unconnected kernels a zero gradient and the rest the right one', () => {
      const { layer, params } = make(table);
      const grads = new Float64Array(params.length);
      layer.bind(params, grads, 0);
      layer.forward(uniform(batch * C * H * W, 5), batch);
      layer.backward(uniform(batch * D * Ho * Wo, 6), batch, true);
      for (let d = 0; d < D; d++) {
        for (let c = 0; c < C; c++) {
          const kernel = grads.subarray((d * C + c) * k * k, (d * C + c + 1) * k * k);
          if (table[d][c]) expect(kernel.some((g) => g !== 0)).toBe(true);
          else expect(Array.from(kernel)).toEqual(new Array(k * k).fill(0));
        }
      }
      expectGradientsMatch(gradCheckLayer(layer, params, uniform(batch * C * H * W, 7), batch, { wholeUpTo: 1000 }));
    });

    it('initialises unconnected kernels to zero and scales the rest by the connected fan-in', () => {
      const { layer, params } = make(table);
      layer.init(new Rng(1), 'lecun');
      for (let d = 0; d < D; d++) {
        const limit = 2.4 / (table[d].filter(Boolean).length * k * k);
        for (let c = 0; c < C; c++) {
          const kernel = Array.from(params.subarray((d * C + c) * k * k, (d * C + c + 1) * k * k));
          if (!table[d][c]) expect(kernel).toEqual(new Array(k * k).fill(0));
          else for (const w of kernel) expect(Math.abs(w)).toBeLessThanOrEqual(limit);
        }
      }
      expect(Array.from(params.subarray(weightCount))).toEqual([0, 0, 0]);
    });
  });
});
