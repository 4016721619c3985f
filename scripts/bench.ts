// npm run bench
//
// The trainer's data-parallel speed, in one process run: training samples/s of the MLP 784-128-10
// and LeNet-5 on the MNIST digits at batch 64 (Adam), with 1 worker thread and with all cores, the
// scaling ratio, and the share of a step spent in dispatch: a 1-thread pool step against the same
// shards computed and summed directly in this thread (Model.gradSum + the optimiser, same wasm
// kernels), so what remains is the pool's cost (messages, gathering rows, gradient slots). Goal on 2
// cores: LeNet-5 with 2 threads >= 1.8x one thread. Other work on the machine moves the figures:
// each is the median of several rounds, and the rounds alternate between the contenders.
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { installWasmKernels } from '../engine/kernels-wasm.ts';
import { Model } from '../engine/model.ts';
import { createOptimizer, type OptimizerConfig } from '../engine/optim.ts';
import { PRESETS, type ModelSpec } from '../engine/spec.ts';
import { loadDataset, prepareDataset, type Dataset } from '../main/datasets/index.ts';
import { shardRows, TrainingSession } from '../main/trainer/index.ts';

const BATCH = 64;
const ROUNDS = 7;
const OPTIMIZER: OptimizerConfig = { kind: 'adam', lr: 0.001 };
const cores = availableParallelism();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

type Step = () => Promise<void> | void;

/** Median seconds per step of each contender. Rounds alternate between them, so that load from
 *  elsewhere on the machine falls on all of them alike. */
async function secondsPerStep(steps: number, contenders: Step[]): Promise<number[]> {
  for (const step of contenders) for (let i = 0; i < 3; i++) await step(); // warm-up
  const times: number[][] = contenders.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [c, step] of contenders.entries()) {
      const began = performance.now();
      for (let i = 0; i < steps; i++) await step();
      times[c].push((performance.now() - began) / 1000 / steps);
    }
  }
  return times.map(median);
}

async function session(spec: ModelSpec, train: Dataset, threads: number): Promise<TrainingSession> {
  return TrainingSession.create({
    train, validation: null, normalization: null, onEvent: () => {},
    config: { spec, optimizer: OPTIMIZER, batchSize: BATCH, epochs: 1000, threads, seed: 1 },
  });
}

/** The same step without the pool: the same shards computed and summed in this thread. */
function direct(spec: ModelSpec, train: Dataset): Step {
  const model = Model.create(spec);
  model.init(1);
  const optimizer = createOptimizer({ ...OPTIMIZER }, model.size);
  const n = model.inputSize;
  const rows = shardRows(spec, BATCH);
  const grad = new Float32Array(model.size);
  let start = 0;
  return () => {
    if (start + BATCH > train.rows) start = 0;
    for (let s = start; s < start + BATCH; s += rows) {
      model.gradSum(train.features.subarray(s * n, (s + rows) * n), train.labels.subarray(s, s + rows), rows);
      if (s === start) grad.set(model.grads);
      else for (let i = 0; i < grad.length; i++) grad[i] += model.grads[i];
    }
    for (let i = 0; i < grad.length; i++) grad[i] /= BATCH;
    optimizer.step(model.params, grad);
    start += BATCH;
  };
}

installWasmKernels(readFileSync(fileURLToPath(new URL('../engine/wasm/kernels.wasm', import.meta.url))));
const mnist = await loadDataset({ builtin: 'mnist' });
const rows: string[][] = [];
for (const [name, spec, steps] of [['MLP 784-128-10', PRESETS.mlp, 50], ['LeNet-5', PRESETS.lenet5, 10]] as const) {
  const train = prepareDataset(mnist, { spec }).train;
  const one = await session(spec, train, 1);
  const all = await session(spec, train, cores);
  try {
    const [base, single, multi] = await secondsPerStep(steps, [direct(spec, train), () => one.step(), () => all.step()]);
    const rate = (s: number) => Math.round(BATCH / s).toLocaleString('en-US');
    rows.push([name, String(shardRows(spec, BATCH)), rate(base), rate(single), rate(multi), `${(single / multi).toFixed(2)}x`,
      `${(100 * (1 - base / single)).toFixed(1)} %`]);
  } finally {
    await one.close();
    await all.close();
  }
}

const header = ['model (batch 64)', 'shard rows', 'in-thread', '1 thread', `${cores} threads`, 'scaling', 'dispatch share'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(`training samples/s, median of ${ROUNDS} rounds; dispatch share = 1 - in-thread step time / 1-thread pool step time (same shards)`);
// Scaling needs idle cores: say how busy the machine was.
console.log(`load average ${loadavg()[0].toFixed(1)} on ${cores} cores (above ${cores}, other work competes for them)\n`);
console.log(line(header));
for (const r of rows) console.log(line(r));
