// The `init` and `grad` commands, run as a user runs them. The gradient is checked against central
// differences of a forward pass written here from the definitions, independent of the engine.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../../engine/spec.ts';
import { parseWeights } from '../../../engine/weights.ts';
import { badInput, cli, scratch } from './run.ts';

const at = scratch('bps-cli-');

// ---- an independent MLP forward pass, from weights-format.md's definitions ----
interface Spec { activation: string; output: string; loss: string }
type Tensors = { name: string; shape: number[]; data: number[] }[];
const act: Record<string, (z: number) => number> = {
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  tanh: Math.tanh,
  relu: (z) => Math.max(0, z),
};

function meanLoss(spec: Spec, tensors: Tensors, inputs: number[][], labels: number[]): number {
  let total = 0;
  inputs.forEach((x, r) => {
    let a = x;
    for (let l = 0; l < tensors.length; l += 2) {
      const [W, b] = [tensors[l], tensors[l + 1]];
      const [rows, cols] = W.shape;
      const z = Array.from({ length: rows }, (_, i) => b.data[i] + a.reduce((s, aj, j) => s + W.data[i * cols + j] * aj, 0));
      a = l + 2 < tensors.length ? z.map(act[spec.activation]) : z;
    }
    const z = a;
    let y: number[];
    if (spec.output === 'softmax') {
      const m = Math.max(...z);
      const e = z.map((v) => Math.exp(v - m));
      y = e.map((v) => v / e.reduce((s, t) => s + t, 0));
    } else y = spec.output === 'sigmoid' ? z.map(act.sigmoid) : z;
    const t = y.map((_, i) => (i === labels[r] ? 1 : 0));
    if (spec.loss === 'l2') total += 0.5 * y.reduce((s, yi, i) => s + (t[i] - yi) ** 2, 0);
    else if (spec.output === 'softmax') total += -Math.log(y[labels[r]]);
    else total += -y.reduce((s, yi, i) => s + t[i] * Math.log(yi) + (1 - t[i]) * Math.log(1 - yi), 0);
  });
  return total / inputs.length;
}

function centralDifferences(spec: Spec, tensors: Tensors, inputs: number[][], labels: number[]): number[][] {
  const e = 1e-6;
  return tensors.map((t) => t.data.map((w, i) => {
    t.data[i] = w + e;
    const plus = meanLoss(spec, tensors, inputs, labels);
    t.data[i] = w - e;
    const minus = meanLoss(spec, tensors, inputs, labels);
    t.data[i] = w;
    return (plus - minus) / (2 * e);
  }));
}

const relativeError = (a: number, n: number) => Math.abs(a - n) / Math.max(1e-8, Math.abs(a) + Math.abs(n));

const tinySpec = { type: 'mlp', inputs: 3, hidden: [4], classes: 2, activation: 'tanh', output: 'softmax', loss: 'cross-entropy' };
const batch = { inputs: [[0.5, -1.2, 2], [1.5, 0.3, -0.7], [-0.2, 0.9, 0.4], [0.05, -0.6, -1.1], [2.1, 1.7, 0.2]], labels: [1, 0, 1, 1, 0] };
writeFileSync(at('batch.json'), JSON.stringify(batch));

describe('init', () => {
  it('writes a valid weights file; the same seed writes the same file, another seed another', async () => {
    const spec = JSON.stringify(tinySpec);
    const first = await cli('init', '--model', spec, '--seed', '3', '--out', at('a.json'));
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(`wrote ${at('a.json')}: mlp, 26 parameters, seed 3`);
    expect((await cli('init', '--model', spec, '--seed', '3', '--out', at('b.json'))).code).toBe(0);
    expect((await cli('init', '--model', spec, '--seed', '4', '--out', at('c.json'))).code).toBe(0);
    const [a, b, c] = ['a.json', 'b.json', 'c.json'].map((f) => readFileSync(at(f), 'utf8'));
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    const read = parseWeights(a, 'a.json');
    expect(read.spec).toEqual(tinySpec);
    expect(read.params.some((w) => w !== 0)).toBe(true);
  });

  it('takes a preset or a spec file', async () => {
    expect((await cli('init', '--model', 'lenet5', '--out', at('lenet.json'))).code).toBe(0);
    const lenet = parseWeights(readFileSync(at('lenet.json'), 'utf8'), 'lenet.json');
    expect(lenet.spec).toEqual(PRESETS.lenet5);
    expect(lenet.params.length).toBe(61706); // backprop-notes.md's LeNet-5 table
    writeFileSync(at('spec.json'), JSON.stringify({ ...tinySpec, hidden: [5, 2] }));
    expect((await cli('init', '--model', at('spec.json'), '--out', at('deep.json'))).code).toBe(0);
    const deep = parseWeights(readFileSync(at('deep.json'), 'utf8'), 'deep.json');
    expect(deep.params.length).toBe(4 * 5 + 6 * 2 + 3 * 2);
  });
});

describe('grad', () => {
  for (const [name, spec] of [
    ['tanh, softmax, cross-entropy', tinySpec],
    ['two sigmoid hidden layers, sigmoid output, L2', { ...tinySpec, hidden: [3, 2], activation: 'sigmoid', output: 'sigmoid', loss: 'l2' }],
    ['relu, sigmoid output, binary cross-entropy', { ...tinySpec, activation: 'relu', output: 'sigmoid' }],
  ] as [string, typeof tinySpec][]) {
    it(`matches central differences of an independent forward pass (${name})`, async () => {
      writeFileSync(at('spec.json'), JSON.stringify(spec));
      expect((await cli('init', '--model', at('spec.json'), '--seed', '11', '--out', at('w.json'))).code).toBe(0);
      const run = await cli('grad', '--weights', at('w.json'), '--data', at('batch.json'), '--out', at('g.json'));
      expect(run).toMatchObject({ code: 0, stderr: '' });

      const weights = JSON.parse(readFileSync(at('w.json'), 'utf8'));
      for (const t of weights.tensors) t.data = t.data.map(Math.fround); // the file's numbers are float32 values
      const gradient = JSON.parse(readFileSync(at('g.json'), 'utf8'));
      expect(gradient).toMatchObject({ format: 'backprop-studio.gradient', version: 1, model: spec, rows: 5 });
      expect(gradient.tensors.map((t: { name: string; shape: number[] }) => [t.name, t.shape]))
        .toEqual(weights.tensors.map((t: { name: string; shape: number[] }) => [t.name, t.shape]));
      expect(gradient.loss).toBeCloseTo(meanLoss(spec, weights.tensors, batch.inputs, batch.labels), 12);
      const numeric = centralDifferences(spec, weights.tensors, batch.inputs, batch.labels);
      gradient.tensors.forEach((t: { data: number[] }, k: number) => {
        t.data.forEach((g, i) => expect(relativeError(g, numeric[k][i])).toBeLessThan(1e-6));
      });
    });
  }

  it('--dtype float32 agrees with float64 to float32 precision', async () => {
    expect((await cli('init', '--model', JSON.stringify(tinySpec), '--out', at('w.json'))).code).toBe(0);
    await cli('grad', '--weights', at('w.json'), '--data', at('batch.json'), '--out', at('g64.json'));
    expect((await cli('grad', '--weights', at('w.json'), '--data', at('batch.json'), '--dtype', 'float32', '--out', at('g32.json'))).code).toBe(0);
    const [g64, g32] = ['g64.json', 'g32.json'].map((f) => JSON.parse(readFileSync(at(f), 'utf8')));
    expect(g32.loss).toBeCloseTo(g64.loss, 6);
    g32.tensors.forEach((t: { data: number[] }, k: number) => t.data.forEach((g, i) => expect(g).toBeCloseTo(g64.tensors[k].data[i], 6)));
  });
});

describe('bad input exits 2 with one line naming the problem', () => {
  it('init', async () => {
    writeFileSync(at('bad-spec.json'), JSON.stringify({ ...tinySpec, output: 'identity' }));
    const noDir = at(join('no', 'such', 'dir.json'));
    const cases: [string[], string | RegExp][] = [
      [['--model', 'lenet6', '--out', at('x.json')],
        'error: --model lenet6: neither a preset (mlp, lenet5, lenet5-classic), nor a JSON spec, nor a readable file (ENOENT)'],
      [['--model', 'mlp'], 'error: init: --out is required (npm run cli -- init --help)'],
      [['--model', JSON.stringify({ ...tinySpec, hidden: [-3] }), '--out', at('x.json')],
        'error: --model: hidden[0]: expected a positive integer, got -3'],
      [['--model', '{"type": "mlp",}', '--out', at('x.json')],
        'error: --model: invalid JSON at line 1, column 16: expected a quoted key, got "}"'],
      [['--model', at('bad-spec.json'), '--out', at('x.json')],
        `error: ${at('bad-spec.json')}: output "identity" with loss "cross-entropy": cross-entropy needs probabilities, and the identity output gives unbounded values: use output "softmax" or "sigmoid", or loss "l2"`],
      [['--model', 'mlp', '--seed', '1.5', '--out', at('x.json')], 'error: --seed: expected an integer from 0 to 4294967295, got "1.5"'],
      [['--model', 'mlp', '--out', noDir], `error: --out ${noDir}: cannot write the file (ENOENT)`],
      // The last one won: the weights went to y.json alone.
      [['--model', 'mlp', '--out', at('x.json'), '--out', at('y.json')], /^error: init: --out is given twice; give it once \(npm run cli -- init --help\)$/],
      [['--model', 'mlp', '--out', at('x.json'), '--layers', '3'], /^error: init: unknown option --layers; the options are --model, --seed, --out \(npm run cli -- init --help\)$/],
    ];
    for (const [args, expected] of cases) expect(await badInput('init', ...args)).toMatch(expected);
  });

  it('grad', async () => {
    expect((await cli('init', '--model', JSON.stringify(tinySpec), '--out', at('w.json'))).code).toBe(0);
    writeFileSync(at('short-row.json'), JSON.stringify({ inputs: [[1, 2, 3], [4, 5]], labels: [0, 1] }));
    writeFileSync(at('label.json'), JSON.stringify({ inputs: [[1, 2, 3]], labels: [2] }));
    writeFileSync(at('corrupt.json'), readFileSync(at('w.json'), 'utf8').replace('"shape": [2,4]', '"shape": [4,2]'));
    // Inputs that overflow: 1e39 as a float32, and 3e38 summed by ReLU units (tanh would saturate).
    expect((await cli('init', '--model', JSON.stringify({ ...tinySpec, activation: 'relu' }), '--out', at('relu.json'))).code).toBe(0);
    writeFileSync(at('e39.json'), JSON.stringify({ inputs: [[1, 2, 3], [1, -1e39, 3]], labels: [0, 1] }));
    writeFileSync(at('e38.json'), JSON.stringify({ inputs: [[1, 2, 3], [3e38, 3e38, 3e38], [-3e38, -3e38, -3e38]], labels: [0, 1, 0] }));
    const run = (weights: string, data: string, ...more: string[]) => ['--weights', weights, '--data', data, '--out', at('g.json'), ...more];
    const cases: [string[], string][] = [
      [run(at('w.json'), at('short-row.json')), `error: ${at('short-row.json')}: inputs[1]: expected 3 numbers (the model's input size), got 2`],
      [run(at('w.json'), at('label.json')), `error: ${at('label.json')}: labels[0]: expected a class index below 2 (the model's classes), got 2`],
      [run(at('nope.json'), at('batch.json')), `error: --weights ${at('nope.json')}: cannot read the file (ENOENT)`],
      [run(at('w.json'), at('nope.json')), `error: --data ${at('nope.json')}: cannot read the file (ENOENT)`],
      [run(at('corrupt.json'), at('batch.json')), `error: ${at('corrupt.json')}: tensors[2] (output.weight): shape: expected [2,4], got [4,2]`],
      [run(at('batch.json'), at('batch.json')), `error: ${at('batch.json')}: missing field "format"`],
      [run(at('w.json'), at('batch.json'), '--dtype', 'float16'), 'error: --dtype: expected float64 or float32, got "float16"'],
      [['--weights', at('w.json'), '--out', at('g.json')], 'error: grad: --data is required (npm run cli -- grad --help)'],
      [run(at('w.json'), at('e39.json'), '--dtype', 'float32'),
        `error: ${at('e39.json')}: inputs[1][1]: expected a number within float32 range (|x| < 3.4e38) for --dtype float32, got -1e+39`],
      [run(at('relu.json'), at('e38.json'), '--dtype', 'float32'),
        `error: ${at('e38.json')}: the loss or its gradient is not finite in float32; the inputs are too large (inputs[1][0] is 3e+38)`],
    ];
    for (const [args, expected] of cases) expect(await badInput('grad', ...args)).toBe(expected);
  });
});
