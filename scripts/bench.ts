// npm run bench
//
// The trainer's data-parallel speed, in one process run: training samples/s of the MLP 784-128-10
// and LeNet-5 on the MNIST digits at batch 64 (Adam), training as the app does (start/resume to an
// epoch's end, metrics and a small validation included), with 1 worker thread and with all cores,
// the scaling ratio, and the share of the time spent in dispatch: the 1-thread trainer against the
// same work done directly in this thread (shuffled rows gathered into shards, Model.gradSum,
// meanOfSlots and the optimiser, the validation batch evaluated at the epoch's end; same wasm
// kernels), so what remains is the pool's cost (rounds, barriers, bookkeeping). Goal on 2 cores:
// LeNet-5 with 2 threads >= 1.8x one thread; dispatch under 5 % of LeNet-5's time. Other work on the
// machine moves the figures: the rounds alternate between the contenders, rates are medians of
// rounds, and ratios medians of ratios of rounds run one right after the other.
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { floats, meanOfSlots } from '../engine/kernels.ts';
import { installWasmKernels } from '../engine/kernels-wasm.ts';
import { Model } from '../engine/model.ts';
import { createOptimizer, type OptimizerConfig } from '../engine/optim.ts';
import { Rng } from '../engine/rng.ts';
import { PRESETS, type ModelSpec } from '../engine/spec.ts';
import { loadDataset, prepareDataset, type Dataset } from '../main/datasets/index.ts';
import { shardRows } from '../main/trainer/index.ts';
import { appTrainer } from './app-trainer.ts';

const BATCH = 64;
const ROUNDS = 15;
const WARMUP_ROUNDS = 3;
const ARITHMETIC_ROUND = 1e8; // iterations: about 0.1 s
const OPTIMIZER: OptimizerConfig = { kind: 'adam', lr: 0.001 };
const cores = availableParallelism();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

type Round = () => Promise<void> | void;

/** Seconds of each round of each contender ([contender][round]). Rounds alternate between them, so
 *  that load from elsewhere on the machine falls on all of them alike. */
async function roundSeconds(contenders: Round[]): Promise<number[][]> {
  // Warm-up: each worker's JIT and wasm tier-up take a few dozen steps.
  for (const round of contenders) for (let i = 0; i < WARMUP_ROUNDS; i++) await round();
  const times: number[][] = contenders.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [c, round] of contenders.entries()) {
      const began = performance.now();
      await round();
      times[c].push((performance.now() - began) / 1000);
    }
  }
  return times;
}

/** The median over rounds of f(round r of a, round r of b): a ratio of rounds run one right after
 *  the other, which the host's load, drifting over the run, moves less than a ratio of medians. */
const pairedMedian = (a: number[], b: number[], f: (x: number, y: number) => number) => median(a.map((x, r) => f(x, b[r])));

/** The trainer as the app runs it: each round is one epoch of `steps` batches. */
async function trainer(spec: ModelSpec, train: Dataset, threads: number, steps: number): Promise<{ round: Round; close(): Promise<void> }> {
  const t = await appTrainer({ spec, train, threads, steps, batchSize: BATCH, optimizer: OPTIMIZER });
  return { round: () => t.epoch(), close: () => t.close() };
}

/** The same work without the pool, in this thread and with the same kernels: each step's shards
 *  gathered from a shuffled order (as the workers gather them), their gradient sums averaged and the
 *  optimiser stepped; at the end, the trainer's validation (the first batch of rows) evaluated. */
function direct(spec: ModelSpec, train: Dataset, steps: number): Round {
  const model = Model.create(spec);
  model.init(1);
  const optimizer = createOptimizer({ ...OPTIMIZER }, model.size);
  const n = model.inputSize;
  const rows = shardRows(spec, BATCH);
  const shards = BATCH / rows;
  const slots = floats('float32', shards * model.size), grad = floats('float32', model.size);
  const order = Int32Array.from({ length: steps * BATCH }, (_, i) => i);
  new Rng(1).shuffle(order);
  const batch = floats('float32', rows * n), labels = new Int32Array(rows);
  const predictions = new Int32Array(BATCH);
  return () => {
    for (let start = 0; start < steps * BATCH; start += BATCH) {
      for (let k = 0; k < shards; k++) {
        for (let r = 0; r < rows; r++) {
          const row = order[start + k * rows + r];
          batch.set(train.features.subarray(row * n, row * n + n), r * n);
          labels[r] = train.labels[row];
        }
        model.gradSum(batch, labels, rows, slots.subarray(k * model.size, (k + 1) * model.size));
      }
      meanOfSlots(slots, shards, model.size, model.size, BATCH, grad);
      optimizer.step(model.params, grad);
    }
    model.evaluate(train.features.subarray(0, BATCH * n), train.labels.subarray(0, BATCH), BATCH, predictions);
  };
}

/** What the host's cores give code that shares nothing and touches no memory: a loop of float
 *  arithmetic on worker threads, `iterations` per round, on one thread alone and on all at once. */
function arithmetic(iterations: number): { one: Round; all: Round; close(): Promise<void> } {
  const source = `const { parentPort } = require('node:worker_threads');
    parentPort.on('message', (n) => { let x = 1; for (let i = 0; i < n; i++) x = x * 0.9999999 + 1e-7; parentPort.postMessage(x); });`;
  const workers = Array.from({ length: cores }, () => new Worker(source, { eval: true }));
  const run = (w: Worker) => new Promise<void>((resolve) => { w.once('message', () => resolve()); w.postMessage(iterations); });
  return {
    one: () => run(workers[0]),
    all: () => Promise.all(workers.map(run)).then(() => {}),
    close: () => Promise.all(workers.map((w) => w.terminate())).then(() => {}),
  };
}

/** Another program keeping a core busy while a round runs: a thread that spins until it ends. */
function busyCore(): { during(round: Round): Round; close(): Promise<void> } {
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const source = `const { parentPort, workerData: stop } = require('node:worker_threads');
    parentPort.on('message', () => { while (Atomics.load(stop, 0) === 0); parentPort.postMessage(0); });`;
  const worker = new Worker(source, { eval: true, workerData: stop });
  return {
    during: (round) => async () => {
      Atomics.store(stop, 0, 0);
      const stopped = new Promise((resolve) => worker.once('message', resolve));
      worker.postMessage(0);
      try {
        await round();
      } finally {
        Atomics.store(stop, 0, 1);
        await stopped;
      }
    },
    close: () => worker.terminate().then(() => {}),
  };
}

installWasmKernels(readFileSync(fileURLToPath(new URL('../engine/wasm/kernels.wasm', import.meta.url))));
const mnist = await loadDataset({ builtin: 'mnist' });
const rows: string[][] = [];
for (const [name, spec, steps] of [['MLP 784-128-10', PRESETS.mlp, 100], ['LeNet-5', PRESETS.lenet5, 40]] as const) {
  const train = prepareDataset(mnist, { spec }).train;
  const one = await trainer(spec, train, 1, steps);
  const all = await trainer(spec, train, cores, steps);
  // The ceiling of data-parallel scaling here: as many independent 1-thread trainers as cores, at
  // once, sharing nothing. Their kernels compete for the cores' shared resources as the pool's do.
  const apart = await Promise.all(Array.from({ length: cores }, () => trainer(spec, train, 1, steps)));
  const together = () => Promise.all(apart.map((t) => t.round())).then(() => {});
  const host = arithmetic(ARITHMETIC_ROUND);
  const busy = busyCore();
  try {
    const [base, single, multi, independent, hostOne, hostAll, busyOne, busyAll] = await roundSeconds([
      direct(spec, train, steps), one.round, all.round, together, host.one, host.all, busy.during(one.round), busy.during(all.round),
    ]);
    const rate = (s: number[]) => Math.round((steps * BATCH) / median(s)).toLocaleString('en-US');
    const scaling = pairedMedian(single, multi, (x, y) => x / y);
    const ceiling = pairedMedian(single, independent, (x, y) => (cores * x) / y);
    const dispatch = pairedMedian(base, single, (x, y) => 1 - x / y);
    const hostScaling = pairedMedian(hostOne, hostAll, (x, y) => (cores * x) / y);
    const busyScaling = pairedMedian(busyOne, busyAll, (x, y) => x / y);
    rows.push([name, String(shardRows(spec, BATCH)), rate(base), rate(single), rate(multi), `${scaling.toFixed(2)}x`,
      `${ceiling.toFixed(2)}x`, `${hostScaling.toFixed(2)}x`, `${busyScaling.toFixed(2)}x`, `${(100 * dispatch).toFixed(1)} %`]);
  } finally {
    await Promise.all([one, all, ...apart, host, busy].map((t) => t.close()));
  }
}

const header = ['model (batch 64)', 'shard rows', 'in-thread', '1 thread', `${cores} threads`, 'scaling', 'ceiling', 'host', 'busy core', 'dispatch share'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(`training samples/s, median of ${ROUNDS} rounds; scaling, ceiling and dispatch share: medians of the rounds' ratios`);
console.log('dispatch share = 1 - in-thread time / 1-thread trainer time (the same work: shuffled shards, steps, validation)');
// Scaling needs idle cores: say how busy the machine was, and what the same kernels gain from more
// threads when nothing at all is shared between them (the ceiling).
console.log(`load average ${loadavg()[0].toFixed(1)} on ${cores} cores (above ${cores}, other work competes for them)`);
console.log(`ceiling: ${cores} independent 1-thread trainers running at once against one alone, in the same rounds`);
console.log(`host: the same for ${cores} threads of float arithmetic that touch no memory: what the host's cores give at all`);
// Threads that wait for each other at every step must not make things worse when they get fewer
// cores than they are: one thread of another program spins through both contenders' rounds.
console.log(`busy core: ${cores} threads against 1 while another program keeps a core busy\n`);
console.log(line(header));
for (const r of rows) console.log(line(r));
