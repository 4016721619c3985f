// The services both hosts call: every payload validated (hostile ones included), state kept on
// errors, results checked against independent computations, events against the contract's schemas.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { events, requestNames, type EventName, type Reply } from '../../main/api/contract.ts';
import { Services, type HostHooks } from '../../main/services.ts';

type Emitted = { event: EventName; payload: unknown };

const open: Services[] = [];
function services(hooks?: HostHooks) {
  const emitted: Emitted[] = [];
  const s = new Services({ emit: (event, payload) => emitted.push({ event, payload }), hooks, workerFile: inject('workerFile') });
  open.push(s);
  return { s, emitted };
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const value = <T>(r: Reply): T => {
  if (!r.ok) throw new Error(`expected success, got: ${r.message}`);
  return r.value as T;
};
const inputError = (message: string | RegExp) => ({ ok: false, kind: 'input', message: typeof message === 'string' ? message : expect.stringMatching(message) });

const csvBytes = (text: string) => new TextEncoder().encode(text).buffer;
const MLP = { type: 'mlp', inputs: 1, hidden: [3], classes: 2, activation: 'tanh', output: 'softmax', loss: 'cross-entropy' } as const;

describe('request validation (hostile payloads)', () => {
  it('refuses unknown or non-string request names, including inherited keys', async () => {
    const { s } = services();
    expect(await s.call('deleteEverything', {})).toEqual(inputError('unknown request "deleteEverything"'));
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(await s.call(name, undefined)).toEqual(inputError(`unknown request "${name}"`));
    }
    expect(await s.call(42, undefined)).toEqual(inputError('unknown request "number"'));
    expect(await s.call({ toString: () => 'start' }, undefined)).toEqual(inputError('unknown request "object"'));
    expect(await s.call('x'.repeat(10_000), undefined)).toMatchObject(inputError(/^unknown request "x{64}"$/));
  });

  it('names the request, the field and what was expected', async () => {
    const { s } = services();
    const cases: [string, unknown, string | RegExp][] = [
      ['listBuiltins', { sneaky: true }, /^listBuiltins: expected no payload/],
      ['setLearningRate', {}, 'setLearningRate: missing field "lr"'],
      ['setLearningRate', { lr: '0.1' }, 'setLearningRate: lr: expected a positive number, got "0.1"'],
      ['setLearningRate', { lr: -1 }, /^setLearningRate: lr: expected a positive number/],
      ['setLearningRate', { lr: Infinity }, /^setLearningRate: lr: expected a positive number/],
      ['setLearningRate', { lr: 1e308 }, /^setLearningRate: lr: expected at most 100/],
      ['setLearningRate', { lr: 0.1, extra: 1 }, 'setLearningRate: unexpected field "extra"'],
      ['setLearningRate', null, /^setLearningRate: /],
      ['validationSample', { index: 2 ** 53 }, /^validationSample: index: expected at most/],
      ['validationSample', { index: 1.5 }, /^validationSample: index: expected an integer >= 0/],
      ['backprop', { index: -1 }, /^backprop: index: expected an integer >= 0/],
      ['predict', { inputs: [1, 2], rows: 1 }, /^predict: inputs: expected an ArrayBuffer/],
      ['predict', { inputs: new Float32Array(2), rows: 1 }, /^predict: inputs: expected an ArrayBuffer/],
      ['predict', { inputs: new ArrayBuffer(8), rows: 1e12 }, /^predict: rows: expected at most/],
      ['loadDataset', { source: { kind: 'path', path: '/etc/passwd' } }, /^loadDataset: .*"builtin", "files" or "dialog"/],
      ['loadDataset', { source: { kind: 'builtin', name: 'imagenet' } }, /^loadDataset: source.name: expected one of "mnist"/],
      ['loadDataset', { source: { kind: 'files', files: [] } }, 'loadDataset: source.files: expected at least one file, got 0'],
      ['loadDataset', { source: { kind: 'files', files: [{ name: 'a.csv', bytes: 'a,b\n1,2' }] } }, /^loadDataset: source.files\[0\].bytes: expected an ArrayBuffer/],
      ['loadDataset', { source: { kind: 'files', files: [{ name: 'x'.repeat(5000), bytes: new ArrayBuffer(1) }] } }, /^loadDataset: source.files\[0\].name: expected at most 1024 characters/],
      ['loadDataset', { source: { kind: 'builtin', name: 'iris' }, options: { labelColumn: 0 } }, 'loadDataset: options.labelColumn: expected a positive integer, got 0'],
      ['prepare', { spec: { ...MLP, hidden: [-3] }, valSplit: 0, normalize: 'none', seed: 1 }, /^prepare: spec.hidden\[0\]: expected a positive integer/],
      ['prepare', { spec: MLP, valSplit: 2, normalize: 'none', seed: 1 }, /^prepare: valSplit: expected a fraction in \[0, 0.9\]/],
      ['prepare', { spec: MLP, valSplit: 0, normalize: 'none', seed: -1 }, /^prepare: seed: expected an integer >= 0/],
      ['start', { optimizer: { kind: 'sgd', lr: 0.1 }, batchSize: 1e9, epochs: 1 }, /^start: batchSize: expected at most 65536/],
      ['start', { optimizer: { kind: 'rmsprop', lr: 0.1 }, batchSize: 8, epochs: 1 }, /^start: optimizer.kind: expected one of "sgd"/],
      ['importWeights', { name: 'w.json' }, 'importWeights: missing field "text"'],
    ];
    for (const [name, payload, message] of cases) expect(await s.call(name, payload), name).toEqual(inputError(message));
  });

  it('treats __proto__ in a parsed payload as an unknown field, and pollutes nothing', async () => {
    const { s } = services();
    const hostile = JSON.parse('{"lr": 0.1, "__proto__": {"polluted": true}}');
    expect(await s.call('setLearningRate', hostile)).toEqual(inputError('setLearningRate: unexpected field "__proto__"'));
    const deep = JSON.parse('{"source": {"kind": "builtin", "name": "iris", "__proto__": {"kind": "dialog"}}}');
    expect(await s.call('loadDataset', deep)).toEqual(inputError('loadDataset: source: unexpected field "__proto__"'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).kind).toBeUndefined();
  });

  it('every request answers a payload of the wrong type with an input error, never a throw', async () => {
    const { s } = services();
    for (const name of requestNames) {
      for (const payload of [42, 'text', [1, 2], { zzz: 1 }, new ArrayBuffer(4)]) {
        const reply = await s.call(name, payload);
        expect(reply, `${name} ${String(payload)}`).toMatchObject({ ok: false, kind: 'input' });
        expect((reply as { message: string }).message).toMatch(new RegExp(`^${name}: `));
      }
    }
  });
});

describe('state requests', () => {
  it('asks for what must come first, in plain words', async () => {
    const { s } = services();
    expect(await s.call('pause', undefined)).toEqual(inputError('pause: no training session; press Start first'));
    expect(await s.call('start', { optimizer: { kind: 'sgd', lr: 0.1 }, batchSize: 8, epochs: 1 })).toEqual(
      inputError('start: no prepared data; load a dataset and prepare it for a model first'),
    );
    expect(await s.call('predict', { inputs: new ArrayBuffer(4), rows: 1 })).toEqual(inputError(/^predict: no model yet; prepare/));
    expect(await s.call('prepare', { spec: MLP, valSplit: 0, normalize: 'none', seed: 1 })).toEqual(inputError('prepare: no dataset loaded'));
  });

  it('counts a numeric label column from 1, as the datasets\' messages do', async () => {
    const { s } = services();
    const file = { name: 't.csv', bytes: csvBytes('y,x\na,1\nb,2\na,3\n') };
    const first = value<{ shape: number[]; classNames: string[] }>(await s.call('loadDataset', { source: { kind: 'files', files: [file] }, options: { labelColumn: 1 } }));
    expect(first).toMatchObject({ shape: [1], classNames: ['a', 'b'] });
    expect(value(await s.call('preview', undefined))).toMatchObject({ rows: [[1], [2], [3]], labels: [0, 1, 0] });
  });

  it('sends preview images\' pixels as an ArrayBuffer of one byte per pixel', async () => {
    const { s } = services();
    // 4 pixels per row: an image 2x2; pixel values stretched to 0..255 per image.
    const csv = 'p1,p2,p3,p4,label\n0,10,20,40,x\n5,5,5,5,y\n';
    value(await s.call('loadDataset', { source: { kind: 'files', files: [{ name: 'img.csv', bytes: csvBytes(csv) }] }, options: { image: true } }));
    const { images } = value<{ images: { width: number; height: number; pixels: ArrayBuffer; label: number }[] }>(await s.call('preview', undefined));
    expect(images.map((im) => [im.width, im.height, im.label])).toEqual([[2, 2, 0], [2, 2, 1]]);
    expect(Object.prototype.toString.call(images[0].pixels)).toBe('[object ArrayBuffer]');
    expect(Array.from(new Uint8Array(images[0].pixels))).toEqual([0, 64, 128, 255]); // 255 * [0, 10, 20, 40] / 40, rounded
    expect(Array.from(new Uint8Array(images[1].pixels))).toEqual([0, 0, 0, 0]);
  });

  it('a bad file leaves the previous dataset in place', async () => {
    const { s, emitted } = services();
    const iris = value<{ name: string; rows: number }>(await s.call('loadDataset', { source: { kind: 'builtin', name: 'iris' } }));
    expect(iris).toMatchObject({ name: 'iris', rows: 150, shape: [4], classNames: ['setosa', 'versicolor', 'virginica'], classCounts: [50, 50, 50] });
    const bad = await s.call('loadDataset', { source: { kind: 'files', files: [{ name: 'bad.csv', bytes: csvBytes('a,b\n1,2\n3\n') }] } });
    expect(bad).toMatchObject({ ok: false, kind: 'input', message: expect.stringContaining('bad.csv') });
    expect(value(await s.call('getDatasetSummary', undefined))).toMatchObject({ name: 'iris', rows: 150 });
    expect(emitted.filter((e) => e.event === 'dataset')).toHaveLength(1);
  });

  it('dialogs: the browser host has none; a cancelled one changes nothing; a chosen path loads', async () => {
    const browser = services().s;
    expect(await browser.call('loadDataset', { source: { kind: 'dialog', pick: 'file' } })).toEqual(inputError(/^loadDataset: the browser has no open dialog/));

    const dir = mkdtempSync(join(tmpdir(), 'bps-'));
    writeFileSync(join(dir, 'two.csv'), 'x,label\n0,a\n1,b\n2,a\n3,b\n');
    let answer: string | null = null;
    const { s } = services({ choosePath: async () => answer });
    expect(await s.call('loadDataset', { source: { kind: 'dialog', pick: 'file' } })).toEqual({ ok: true, value: null });
    expect(value(await s.call('getDatasetSummary', undefined))).toBeNull();
    answer = join(dir, 'two.csv');
    expect(value(await s.call('loadDataset', { source: { kind: 'dialog', pick: 'file' } }))).toMatchObject({ name: expect.stringMatching(/two\.csv$/), rows: 4, classNames: ['a', 'b'] });
  });
});

/** The MLP's forward pass written out here, independently of the engine: tanh hidden, softmax out. */
function forward(file: { tensors: { name: string; data: number[] }[]; normalization: { mean: number[]; std: number[] } }, x: number[]): number[] {
  const t = Object.fromEntries(file.tensors.map((e) => [e.name, e.data]));
  const z = x.map((xi, i) => (xi - file.normalization.mean[i]) / file.normalization.std[i]);
  const hidden = t['hidden.bias'].map((b, j) => Math.tanh(b + z.reduce((acc, zi, i) => acc + t['hidden.weight'][j * z.length + i] * zi, 0)));
  const out = t['output.bias'].map((b, k) => b + hidden.reduce((acc, h, j) => acc + t['output.weight'][k * hidden.length + j] * h, 0));
  const max = Math.max(...out);
  const e = out.map((o) => Math.exp(o - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}

describe('a whole session through the services', () => {
  it('prepares, predicts like a hand-written forward pass, trains, checks gradients, exports and re-imports', async () => {
    const { s, emitted } = services();
    value(await s.call('loadDataset', { source: { kind: 'builtin', name: 'iris' } }));
    // The spec is fitted to the data: 4 inputs, 3 classes, whatever the renderer sent.
    const prepared = value<{ spec: { inputs: number; classes: number }; trainRows: number; validationRows: number; model: { parameters: number; layers: unknown } }>(
      await s.call('prepare', { spec: MLP, valSplit: 0.2, normalize: 'zscore', seed: 7 }),
    );
    expect(prepared.spec).toMatchObject({ inputs: 4, classes: 3 });
    expect(prepared.trainRows + prepared.validationRows).toBe(150);
    expect(prepared.validationRows).toBe(30); // stratified: 10 of each class
    expect(prepared.model.parameters).toBe(4 * 3 + 3 + 3 * 3 + 3);
    expect(prepared.model.layers).toEqual([{ name: 'hidden', parameters: 15 }, { name: 'output', parameters: 12 }]);

    const rows = [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]];
    const predictOf = async () => {
      const p = value<{ probabilities: ArrayBuffer; classes: number }>(await s.call('predict', { inputs: new Float32Array(rows.flat()).buffer, rows: 2 }));
      expect(p.classes).toBe(3);
      return Array.from(new Float32Array(p.probabilities));
    };
    const exportedFile = async () => JSON.parse(value<{ text: string; delivery: string }>(await s.call('exportWeights', undefined)).text);
    const before = await predictOf();
    const file0 = await exportedFile();
    rows.forEach((r, i) => forward(file0, r).forEach((p, k) => expect(before[i * 3 + k]).toBeCloseTo(p, 5)));

    // Train to the end; events arrive and match the contract's schemas.
    value(await s.call('start', { optimizer: { kind: 'sgd', lr: 0.1 }, batchSize: 16, epochs: 3, threads: 1 }));
    await expect.poll(() => emitted.some((e) => e.event === 'state' && (e.payload as { state: string }).state === 'finished'), { timeout: 30_000 }).toBe(true);
    const kinds = new Set(emitted.map((e) => e.event));
    for (const k of ['dataset', 'model', 'state', 'metrics', 'epoch'] as const) expect(kinds.has(k), k).toBe(true);
    for (const e of emitted) expect(v.safeParse(events[e.event], e.payload).success, `${e.event} event ${JSON.stringify(e.payload).slice(0, 200)}`).toBe(true);
    expect(emitted.filter((e) => e.event === 'epoch')).toHaveLength(3);

    // The trained weights are the current ones: predictions changed and still match the file.
    const after = await predictOf();
    expect(after).not.toEqual(before);
    const file1 = await exportedFile();
    expect(file1.training).toMatchObject({ epochs: 3, seed: 7 });
    rows.forEach((r, i) => forward(file1, r).forEach((p, k) => expect(after[i * 3 + k]).toBeCloseTo(p, 5)));
    // Prepared again keeping the weights, which ends the session: the file keeps its training too.
    value(await s.call('prepare', { spec: MLP, valSplit: 0.2, normalize: 'zscore', seed: 7, keepWeights: true }));
    expect((await exportedFile()).training).toEqual(file1.training);

    const checks = value<{ tensor: string; maxRelError: number; checked: number }[]>(await s.call('gradientCheck', { samples: 3 }));
    expect(checks.map((c) => c.tensor)).toEqual(['hidden.weight', 'hidden.bias', 'output.weight', 'output.bias']);
    for (const c of checks) expect(c.maxRelError, c.tensor).toBeLessThan(1e-6);

    const sample = value<{ count: number; probabilities: number[]; predicted: number; features: ArrayBuffer }>(await s.call('validationSample', { index: 29 }));
    expect(sample.count).toBe(30);
    expect(sample.predicted).toBe(sample.probabilities.indexOf(Math.max(...sample.probabilities)));
    expect(new Float32Array(sample.features)).toHaveLength(4);
    expect(await s.call('validationSample', { index: 30 })).toEqual(inputError('validationSample: index 30 is out of range; the validation set has 30 rows'));

    // The same sample's backprop: its numbers agree with predict's and with the MLP's equations.
    type Tensor = { name: string; shape: number[]; data: ArrayBuffer };
    const trace = value<{ count: number; label: number; predicted: number; loss: number; probabilities: number[]; input: Tensor;
      stages: { name: string; kind: string; output: Tensor; delta: Tensor; grads: Tensor[] }[] }>(await s.call('backprop', { index: 29 }));
    const { label } = value<{ label: number }>(await s.call('validationSample', { index: 29 }));
    expect(trace).toMatchObject({ set: 'validation', count: 30, label, predicted: sample.predicted });
    expect(Array.from(new Float32Array(trace.input.data))).toEqual(Array.from(new Float32Array(sample.features)));
    trace.probabilities.forEach((p, k) => expect(p).toBeCloseTo(sample.probabilities[k], 6));
    expect(trace.loss).toBeCloseTo(-Math.log(sample.probabilities[label]), 5);
    expect(trace.stages.map((st) => `${st.name}:${st.kind}`)).toEqual(['hidden:dense', 'hidden.tanh:activation', 'output:dense']);
    const [, h, out] = trace.stages.map((st) => ({ ...st, out: new Float32Array(st.output.data), delta: new Float32Array(st.delta.data) }));
    out.delta.forEach((d, k) => expect(d).toBeCloseTo(trace.probabilities[k] - (k === label ? 1 : 0), 6)); // softmax + CE: y - t
    expect(out.grads.map((g) => `${g.name}[${g.shape}]`)).toEqual(['output.weight[3,3]', 'output.bias[3]']);
    const dW2 = new Float32Array(out.grads[0].data);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(dW2[i * 3 + j]).toBeCloseTo(out.delta[i] * h.out[j], 6); // delta2 h^T
    expect(await s.call('backprop', { index: 30 })).toEqual(inputError('backprop: index 30 is out of range; the validation set has 30 rows'));

    // Import into fresh services: the same predictions.
    const other = services().s;
    const info = value<{ source: string; parameters: number; labels: string[] }>(
      await other.call('importWeights', { name: 'iris.weights.json', text: JSON.stringify(file1) }),
    );
    expect(info).toMatchObject({ source: 'import', parameters: 27, labels: ['setosa', 'versicolor', 'virginica'] });
    const reexported = JSON.parse(value<{ text: string }>(await other.call('exportWeights', undefined)).text);
    expect(reexported.training).toEqual(file1.training); // an imported file's metadata goes out with it
    const p = value<{ probabilities: ArrayBuffer }>(await other.call('predict', { inputs: new Float32Array(rows.flat()).buffer, rows: 2 }));
    expect(Array.from(new Float32Array(p.probabilities))).toEqual(after);
    expect(await other.call('predict', { inputs: new Float32Array(5).buffer, rows: 2 })).toEqual(
      inputError('predict: inputs hold 5 numbers; expected 2 rows x 4 = 8 float32 values'),
    );
    expect(await other.call('importWeights', { name: 'broken.json', text: '{"format": "backprop-studio.weights"' })).toMatchObject(inputError(/^broken.json: /));
    expect(value(await other.call('getStatus', undefined))).toMatchObject({ model: { source: 'import' } }); // kept after the bad file
  });

  it('backprop: every MLP row the view shows is what its equation gives (sigmoid + L2, from the exported weights)', async () => {
    // backprop-notes "MLP, complete" and Gap 1's L2 row, written out here in float64 from the weights file.
    const { s } = services();
    value(await s.call('loadDataset', { source: { kind: 'builtin', name: 'iris' } }));
    const spec = { type: 'mlp', inputs: 4, hidden: [3], classes: 3, activation: 'sigmoid', output: 'sigmoid', loss: 'l2' };
    value(await s.call('prepare', { spec, valSplit: 0.2, normalize: 'zscore', seed: 5 }));
    type Tensor = { name: string; shape: number[]; data: ArrayBuffer };
    const trace = value<{ label: number; loss: number; probabilities: number[]; input: Tensor; stages: { name: string; output: Tensor; delta: Tensor; grads: Tensor[] }[] }>(
      await s.call('backprop', { index: 3 }),
    );
    const w = Object.fromEntries((JSON.parse(value<{ text: string }>(await s.call('exportWeights', undefined)).text).tensors as { name: string; data: number[] }[]).map((e) => [e.name, e.data]));
    const f32 = (t: Tensor) => Array.from(new Float32Array(t.data));
    const [hidden, act, output] = trace.stages;
    expect(trace.stages.map((st) => st.name)).toEqual(['hidden', 'hidden.sigmoid', 'output']);
    const x = f32(trace.input);
    const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
    const o1 = w['hidden.bias'].map((b, j) => b + x.reduce((acc, xk, k) => acc + w['hidden.weight'][j * 4 + k] * xk, 0)); // o1 = W1 x + b1
    const h = o1.map(sigmoid);
    const o2 = w['output.bias'].map((b, i) => b + h.reduce((acc, hj, j) => acc + w['output.weight'][i * 3 + j] * hj, 0)); // o2 = W2 h + b2
    const y = o2.map(sigmoid), t = y.map((_, i) => (i === trace.label ? 1 : 0));
    const delta2 = y.map((yi, i) => (yi - t[i]) * yi * (1 - yi)); // (y - t) * g'(o2)
    const dh = h.map((_, j) => delta2.reduce((acc, d, i) => acc + w['output.weight'][i * 3 + j] * d, 0)); // W2^T delta2
    const delta1 = dh.map((d, j) => d * h[j] * (1 - h[j])); // * a'(o1), eq. 22
    const close = (actual: number[], expected: number[], what: string) => {
      expect(actual, what).toHaveLength(expected.length);
      actual.forEach((a, k) => expect(Math.abs(a - expected[k]), `${what}[${k}]: ${a} vs ${expected[k]}`).toBeLessThan(1e-6 + 1e-5 * Math.abs(expected[k])));
    };
    close(f32(hidden.output), o1, 'o1');
    close(f32(act.output), h, 'h');
    close(f32(output.output), o2, 'o2');
    close(trace.probabilities, y, 'y');
    close([trace.loss], [0.5 * y.reduce((acc, yi, i) => acc + (t[i] - yi) ** 2, 0)], 'L (eq. 9)');
    close(f32(output.delta), delta2, 'delta2');
    close(f32(output.grads[0]), delta2.flatMap((d) => h.map((hj) => d * hj)), 'dW2 = delta2 h^T');
    close(f32(output.grads[1]), delta2, 'db2 = delta2');
    close(f32(act.delta), dh, 'dL/dh');
    close(f32(hidden.delta), delta1, 'delta1');
    close(f32(hidden.grads[0]), delta1.flatMap((d) => x.map((xk) => d * xk)), 'dW1 = delta1 x^T');
    close(f32(hidden.grads[1]), delta1, 'db1 = delta1');
  });

  it('reset gives the same initial weights for the same seed', async () => {
    const { s } = services();
    value(await s.call('loadDataset', { source: { kind: 'builtin', name: 'xor', rows: 40 } }));
    value(await s.call('prepare', { spec: MLP, valSplit: 0, normalize: 'none', seed: 3 }));
    // no validation set: the samples shown are training rows, and say so
    expect(value(await s.call('validationSample', { index: 39 }))).toMatchObject({ set: 'training', count: 40 });
    expect(value(await s.call('backprop', { index: 0 }))).toMatchObject({ set: 'training', count: 40 });
    expect(await s.call('backprop', { index: 40 })).toEqual(inputError('backprop: index 40 is out of range; the training set has 40 rows'));
    const initial = JSON.parse(value<{ text: string }>(await s.call('exportWeights', undefined)).text).tensors;
    value(await s.call('start', { optimizer: { kind: 'sgd', lr: 0.5 }, batchSize: 8, epochs: 1, threads: 1, paused: true }));
    value(await s.call('step', undefined));
    const stepped = JSON.parse(value<{ text: string }>(await s.call('exportWeights', undefined)).text).tensors;
    expect(stepped).not.toEqual(initial);
    value(await s.call('reset', undefined));
    expect(JSON.parse(value<{ text: string }>(await s.call('exportWeights', undefined)).text).tensors).toEqual(initial);
  });

  it('exports through the host\'s save dialog when it has one', async () => {
    const saved: [string, string][] = [];
    let path: string | null = '/somewhere/w.json';
    const { s } = services({ saveText: async (name, text) => (saved.push([name, text]), path) });
    value(await s.call('loadDataset', { source: { kind: 'builtin', name: 'blobs', rows: 30 } }));
    value(await s.call('prepare', { spec: MLP, valSplit: 0, normalize: 'zscore', seed: 1 }));
    expect(value(await s.call('exportWeights', undefined))).toMatchObject({ fileName: 'blobs-mlp.weights.json', delivery: 'saved', path: '/somewhere/w.json' });
    expect(saved[0][0]).toBe('blobs-mlp.weights.json');
    expect(JSON.parse(saved[0][1]).format).toBe('backprop-studio.weights');
    path = null;
    expect(value(await s.call('exportWeights', undefined))).toMatchObject({ delivery: 'cancelled' });
  });
});

describe('a separate validation set', () => {
  // Three classes in the training set; the validation file has two of them, so its own class
  // numbering (b = 0, c = 1) differs from the training set's (a = 0, b = 1, c = 2).
  const train = { name: 'train.csv', bytes: csvBytes('x1,x2,label\n0,0,a\n1,2,b\n2,4,c\n3,1,a\n4,3,b\n5,5,c\n') };
  const validation = { name: 'val.csv', bytes: csvBytes('x1,x2,label\n1,1,c\n2,2,b\n6,0,c\n') };
  const files = (...list: { name: string; bytes: ArrayBuffer }[]) => ({ source: { kind: 'files', files: list } });
  const prepare = { spec: MLP, valSplit: 0.5, normalize: 'zscore', seed: 1 };

  it('loads, shows in the summary, and replaces the split in prepare: all training rows train', async () => {
    const { s, emitted } = services();
    expect(await s.call('loadValidation', files(validation))).toEqual(inputError('loadValidation: no dataset loaded; load the training set first'));
    value(await s.call('loadDataset', files(train)));
    const summary = value<{ name: string; rows: number; validation?: unknown }>(await s.call('loadValidation', files(validation)));
    expect(summary).toMatchObject({ name: 'train.csv', rows: 6, classNames: ['a', 'b', 'c'], validation: { name: 'val.csv', rows: 3 } });
    expect(emitted.at(-1)).toEqual({ event: 'dataset', payload: summary });
    expect(v.safeParse(events.dataset, summary).success).toBe(true);
    expect(value(await s.call('getStatus', undefined))).toMatchObject({ dataset: { validation: { name: 'val.csv', rows: 3 } } });

    // valSplit 0.5 is ignored: the 6 training rows train, the file's 3 rows validate
    expect(value(await s.call('prepare', prepare))).toMatchObject({ spec: { inputs: 2, classes: 3 }, trainRows: 6, validationRows: 3 });
    // z-scored with the training rows' statistics (x1 and x2 are both 0..5: mean 2.5, population
    // std sqrt(17.5 / 6)), labels renumbered to the training set's classes
    const std = Math.sqrt(17.5 / 6);
    const rows = [[1, 1, 2], [2, 2, 1], [6, 0, 2]];
    for (const [i, [x1, x2, label]] of rows.entries()) {
      const sample = value<{ count: number; label: number; features: ArrayBuffer }>(await s.call('validationSample', { index: i }));
      expect(sample.count).toBe(3);
      expect(sample.label).toBe(label);
      const [z1, z2] = new Float32Array(sample.features);
      expect(z1).toBeCloseTo((x1 - 2.5) / std, 6);
      expect(z2).toBeCloseTo((x2 - 2.5) / std, 6);
    }

    // an epoch's validation metrics are the file's: its 3 rows, by true class (a: 0, b: 1, c: 2)
    value(await s.call('start', { optimizer: { kind: 'sgd', lr: 0.1 }, batchSize: 2, epochs: 1, threads: 1 }));
    await expect.poll(() => emitted.some((e) => e.event === 'epoch'), { timeout: 30_000 }).toBe(true);
    const epoch = emitted.find((e) => e.event === 'epoch')!.payload as { confusion: number[][]; valLoss: number | null };
    expect(epoch.valLoss).not.toBeNull();
    expect(epoch.confusion.map((row) => row.reduce((a, b) => a + b, 0))).toEqual([0, 1, 2]);
  });

  it('may hold a single class (the training set may not)', async () => {
    const { s } = services();
    const cats = { name: 'cats.csv', bytes: csvBytes('x1,x2,label\n1,1,c\n2,2,c\n') };
    expect(await s.call('loadDataset', files(cats))).toEqual(inputError('cats.csv: every row has the same label "c"; a classifier needs at least two classes to train'));
    value(await s.call('loadDataset', files(train)));
    expect(value(await s.call('loadValidation', files(cats)))).toMatchObject({ validation: { name: 'cats.csv', rows: 2 } });
    expect(value(await s.call('prepare', prepare))).toMatchObject({ trainRows: 6, validationRows: 2 });
    const sample = value<{ label: number }>(await s.call('validationSample', { index: 1 }));
    expect(sample.label).toBe(2); // "c" is the training set's third class
  });

  it('says which file does not fit and why, and keeps the previous validation set', async () => {
    const { s } = services();
    value(await s.call('loadDataset', files(train)));
    value(await s.call('loadValidation', files(validation)));
    const cases: [{ name: string; bytes: ArrayBuffer }, string][] = [
      [{ name: 'wide.csv', bytes: csvBytes('x1,x2,x3,label\n1,1,1,a\n2,2,2,b\n') }, 'wide.csv: 3 features per row, but the training set train.csv has 2 features per row'],
      [{ name: 'other.csv', bytes: csvBytes('x1,x2,label\n1,1,a\n2,2,d\n') }, 'other.csv: class "d" does not occur in the training set train.csv'],
      [{ name: 'empty.csv', bytes: csvBytes('') }, 'empty.csv: empty file'],
      [{ name: 'header.csv', bytes: csvBytes('x1,x2,label\n') }, 'header.csv: a header but no data rows'],
    ];
    for (const [file, message] of cases) expect(await s.call('loadValidation', files(file)), file.name).toEqual(inputError(message));
    expect(await s.call('loadValidation', { source: { kind: 'dialog', pick: 'file' } })).toEqual(inputError(/^loadValidation: the browser has no open dialog/));
    expect(await s.call('loadValidation', { source: { kind: 'files', files: [] } })).toEqual(inputError('loadValidation: source.files: expected at least one file, got 0'));
    expect(await s.call('loadValidation', { ...files(validation), extra: 1 })).toEqual(inputError('loadValidation: unexpected field "extra"'));
    expect(await s.call('clearValidation', {})).toEqual(inputError(/^clearValidation: expected no payload/));
    expect(value(await s.call('getDatasetSummary', undefined))).toMatchObject({ validation: { name: 'val.csv', rows: 3 } });
  });

  it('names image shapes that differ', async () => {
    const { s } = services();
    const image = { options: { image: true } };
    value(await s.call('loadDataset', { ...files({ name: 'small.csv', bytes: csvBytes('p1,p2,p3,p4,label\n0,1,2,3,x\n3,2,1,0,y\n') }), ...image }));
    const nine = { name: 'big.csv', bytes: csvBytes('p1,p2,p3,p4,p5,p6,p7,p8,p9,label\n0,1,2,3,4,5,6,7,8,x\n8,7,6,5,4,3,2,1,0,y\n') };
    expect(await s.call('loadValidation', { ...files(nine), ...image })).toEqual(inputError('big.csv: 1x3x3 images, but the training set small.csv has 1x2x2 images'));
  });

  it('stays with a new training set it fits, is cleared by one it does not, and clearing brings back the split', async () => {
    const { s, emitted } = services();
    value(await s.call('loadDataset', files(train)));
    value(await s.call('loadValidation', files(validation)));
    const again = { name: 'train2.csv', bytes: csvBytes('x1,x2,label\n0,1,a\n1,0,b\n2,2,c\n3,3,a\n') };
    expect(value(await s.call('loadDataset', files(again)))).toMatchObject({ name: 'train2.csv', validation: { name: 'val.csv', rows: 3 } });
    expect(value(await s.call('prepare', prepare))).toMatchObject({ trainRows: 4, validationRows: 3 });

    const twoClasses = { name: 'ab.csv', bytes: csvBytes('x1,x2,label\n0,1,a\n1,0,b\n2,2,a\n3,3,b\n') }; // no "c"
    const loaded = value<object>(await s.call('loadDataset', files(twoClasses)));
    expect(loaded).toMatchObject({ name: 'ab.csv' });
    expect(loaded).not.toHaveProperty('validation');

    expect(await s.call('loadValidation', { source: { kind: 'builtin', name: 'iris' } })).toEqual(inputError('iris: 4 features per row, but the training set ab.csv has 2 features per row'));
    // built-ins are sources too: the same generator with another seed makes a test set
    value(await s.call('loadDataset', { source: { kind: 'builtin', name: 'xor', rows: 40, seed: 1 } }));
    const withXor = value<object>(await s.call('loadValidation', { source: { kind: 'builtin', name: 'xor', rows: 20, seed: 2 } }));
    expect(withXor).toMatchObject({ name: 'xor', rows: 40, validation: { name: 'xor', rows: 20 } });
    expect(value(await s.call('prepare', prepare))).toMatchObject({ trainRows: 40, validationRows: 20 });

    const events = emitted.filter((e) => e.event === 'dataset').length;
    const cleared = value<object>(await s.call('clearValidation', undefined));
    expect(cleared).not.toHaveProperty('validation');
    expect(emitted.filter((e) => e.event === 'dataset')).toHaveLength(events + 1);
    expect(value(await s.call('getStatus', undefined))).toMatchObject({ prepared: null }); // prepared with the old validation: gone
    expect(value(await s.call('prepare', prepare))).toMatchObject({ trainRows: 20, validationRows: 20 }); // the split again: half of each class
    value(await s.call('clearValidation', undefined)); // nothing to clear: no event
    expect(emitted.filter((e) => e.event === 'dataset')).toHaveLength(events + 1);
  });
});
