// npm run bench
//
// The trainer's data-parallel speed, in one process run: training samples/s of the MLP 784-128-10
// and LeNet-5 on the MNIST digits at batch 64 (Adam), with 1 worker thread and with all cores, the
// scaling ratio, and the share of a step spent in dispatch: a 1-thread pool step against the same
// batch computed directly in this thread (Model.gradSum + the optimiser, same wasm kernels), so
// what remains is the pool's cost (messages, gathering rows, gradient slots, summing). Goal on 2
// cores: LeNet-5 with 2 threads >= 1.8x one thread. Other work on the machine moves the figures:
// each is the median of several rounds.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { installWasmKernels } from '../engine/kernels-wasm.ts';
import { Model } from '../engine/model.ts';
import { createOptimizer, type OptimizerConfig } from '../engine/optim.ts';
import { PRESETS, type ModelSpec } from '../engine/spec.ts';
import { loadDataset, prepareDataset, type Dataset } from '../main/datasets/index.ts';
import { shardRows, TrainingSession } from '../main/trainer/index.ts';

const BATCH = 64;
const ROUNDS = 5;
const OPTIMIZER: OptimizerConfig = { kind: 'adam', lr: 0.001 };
const cores = availableParallelism();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median seconds per step over rounds of `steps` steps, after a warm-up. */
async function secondsPerStep(steps: number, step: () => Promise<void> | void): Promise<number> {
  for (let i = 0; i < 3; i++) await step();
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const began = performance.now();
    for (let i = 0; i < steps; i++) await step();
    rounds.push((performance.now() - began) / 1000 / steps);
  }
  return median(rounds);
}

async function pool(spec: ModelSpec, train: Dataset, threads: number, steps: number): Promise<number> {
  const session = await TrainingSession.create({
    train, validation: null, normalization: null, onEvent: () => {},
    config: { spec, optimizer: OPTIMIZER, batchSize: BATCH, epochs: 1000, threads, seed: 1 },
  });
  try {
    return await secondsPerStep(steps, () => session.step());
  } finally {
    await session.close();
  }
}

function direct(spec: ModelSpec, train: Dataset, steps: number): Promise<number> {
  const model = Model.create(spec);
  model.init(1);
  const optimizer = createOptimizer({ ...OPTIMIZER }, model.size);
  const n = model.inputSize;
  const grad = new Float32Array(model.size);
  let start = 0;
  return secondsPerStep(steps, () => {
    if (start + BATCH > train.rows) start = 0;
    model.gradSum(train.features.subarray(start * n, (start + BATCH) * n), train.labels.subarray(start, start + BATCH), BATCH);
    for (let i = 0; i < grad.length; i++) grad[i] = model.grads[i] / BATCH;
    optimizer.step(model.params, grad);
    start += BATCH;
  });
}

installWasmKernels(readFileSync(fileURLToPath(new URL('../engine/wasm/kernels.wasm', import.meta.url))));
const mnist = await loadDataset({ builtin: 'mnist' });
const rows: string[][] = [];
for (const [name, spec, steps] of [['MLP 784-128-10', PRESETS.mlp, 100], ['LeNet-5', PRESETS.lenet5, 20]] as const) {
  const train = prepareDataset(mnist, { spec }).train;
  const base = await direct(spec, train, steps);
  const one = await pool(spec, train, 1, steps);
  const all = await pool(spec, train, cores, steps);
  const rate = (s: number) => Math.round(BATCH / s).toLocaleString('en-US');
  rows.push([name, String(shardRows(spec, BATCH)), rate(base), rate(one), rate(all), `${(one / all).toFixed(2)}x`,
    `${(100 * (1 - base / one)).toFixed(1)} %`]);
}

const header = ['model (batch 64)', 'shard rows', 'in-thread', '1 thread', `${cores} threads`, 'scaling', 'dispatch share'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(`training samples/s, median of ${ROUNDS} rounds; dispatch share = 1 - in-thread step time / 1-thread pool step time\n`);
console.log(line(header));
for (const r of rows) console.log(line(r));
