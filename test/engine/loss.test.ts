import { describe, expect, it } from 'vitest';
import { relativeError } from '../../engine/gradcheck.ts';
import { applyOutput, lossSum, outputDelta } from '../../engine/loss.ts';
import type { LossKind, OutputFn } from '../../engine/spec.ts';
import { uniform } from './helpers.ts';

const [rows, classes] = [4, 5];
const labels = [0, 3, 4, 1];
const pairings: [OutputFn, LossKind][] = [
  ['softmax', 'cross-entropy'], ['sigmoid', 'cross-entropy'], ['sigmoid', 'l2'], ['identity', 'l2'], ['softmax', 'l2'],
];

function loss(output: OutputFn, kind: LossKind, o: Float64Array): number {
  const y = new Float64Array(o.length);
  applyOutput(output, o, y, rows, classes);
  return lossSum(output, kind, o, y, labels, rows, classes);
}

/** The textbook definitions, computed naively from probabilities (fine for moderate o). */
function reference(output: OutputFn, kind: LossKind, o: Float64Array): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const row = Array.from(o.subarray(r * classes, (r + 1) * classes));
    const t = row.map((_, i) => (i === labels[r] ? 1 : 0));
    const exps = row.map(Math.exp);
    const y = output === 'softmax' ? exps.map((e) => e / exps.reduce((a, b) => a + b))
      : output === 'sigmoid' ? row.map((v) => 1 / (1 + Math.exp(-v))) : row;
    if (kind === 'l2') total += 0.5 * y.reduce((s, yi, i) => s + (t[i] - yi) ** 2, 0); // eq. 9
    else if (output === 'softmax') total += -Math.log(y[labels[r]]); // eq. 15, one-hot t
    else total += -y.reduce((s, yi, i) => s + t[i] * Math.log(yi) + (1 - t[i]) * Math.log(1 - yi), 0);
  }
  return total;
}

describe('output function + loss', () => {
  for (const [output, kind] of pairings) {
    describe(`${output} + ${kind}`, () => {
      const o = uniform(rows * classes, 1, -3, 3);

      it('sums the per-sample losses of the textbook definition', () => {
        expect(loss(output, kind, o)).toBeCloseTo(reference(output, kind, o), 12);
      });

      it('has delta = dL/do that matches central differences', () => {
        const y = new Float64Array(o.length), delta = new Float64Array(o.length);
        applyOutput(output, o, y, rows, classes);
        outputDelta(output, kind, y, labels, rows, classes, delta);
        const e = 1e-5;
        for (let i = 0; i < o.length; i++) {
          const saved = o[i];
          o[i] = saved + e;
          const plus = loss(output, kind, o);
          o[i] = saved - e;
          const minus = loss(output, kind, o);
          o[i] = saved;
          expect(relativeError(delta[i], (plus - minus) / (2 * e)), `o[${i}]`).toBeLessThan(1e-6);
        }
      });
    });
  }

  it('gives softmax probabilities that sum to 1, and the fused deltas y - t', () => {
    const o = uniform(rows * classes, 2, -3, 3);
    const y = new Float64Array(o.length), delta = new Float64Array(o.length);
    applyOutput('softmax', o, y, rows, classes);
    for (let r = 0; r < rows; r++) expect(y.subarray(r * classes, (r + 1) * classes).reduce((a, b) => a + b)).toBeCloseTo(1, 14);
    outputDelta('softmax', 'cross-entropy', y, labels, rows, classes, delta);
    delta.forEach((d, i) => expect(d).toBe(y[i] - (labels[Math.floor(i / classes)] === i % classes ? 1 : 0)));
  });

  it('stays finite where naive log(y) would be log(0)', () => {
    const big = Float64Array.from([1000, -1000, 0]);
    const y = new Float64Array(3);
    applyOutput('softmax', big, y, 1, 3);
    expect(Array.from(y)).toEqual([1, 0, 0]);
    expect(lossSum('softmax', 'cross-entropy', big, y, [0], 1, 3)).toBe(0);
    expect(lossSum('softmax', 'cross-entropy', big, y, [1], 1, 3)).toBe(2000); // -log softmax = 1000 - (-1000)
    applyOutput('sigmoid', big, y, 1, 3);
    // label 1: BCE of sigmoid(1000) against 0 is 1000, of sigmoid(-1000) against 1 also 1000, of sigmoid(0) against 0 log 2
    expect(lossSum('sigmoid', 'cross-entropy', big, y, [1], 1, 3)).toBeCloseTo(2000 + Math.log(2), 9);
  });

  it('rejects a label outside the classes', () => {
    const o = new Float64Array(3), y = new Float64Array(3);
    expect(() => lossSum('softmax', 'cross-entropy', o, y, [3], 1, 3)).toThrow('label of row 0 must be a class index in 0..2, got 3');
  });
});
