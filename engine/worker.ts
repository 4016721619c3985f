// The Piscina worker entry of the trainer (main/trainer): the one engine file that may use Node.
//
// Everything big is shared, never copied per task: the training and validation sets, the shuffled
// order and the parameter vectors live in SharedArrayBuffers that each worker receives once, in
// `workerData`, when the pool starts it; the vectors the update reads and writes are in the memory
// that every worker's instance of the wasm kernels shares, so they are the kernels' operands in
// place.
//
// A training task runs several consecutive steps (about 50 ms of them), in lockstep with the other
// tasks of its round, one per thread: per step, each takes shards from a shared counter until none
// is left (so a thread slowed by other work takes fewer) and writes their gradient SUMS into their
// slots, waits at a barrier, reduces and updates its slice of the parameter vector into the next
// version's copy, writes whether all it computed is finite, waits at a second barrier, and goes on
// only if every task's step was finite. So the main thread's round trip (a few tenths of a
// millisecond here: a large share of an MLP step) is paid once per task, not once per step. Loss
// sums and correct counts go to shared arrays, so that steps done before a fault are not lost; the
// main thread commits the steps done by bumping the version.
import { workerData } from 'node:worker_threads';
import { floats, meanOfSlots, sumOfSquares } from './kernels.ts';
import { installWasmKernels, type KernelMemory } from './kernels-wasm.ts';
import { Model } from './model.ts';
import { createOptimizer, type Optimizer, type OptimizerConfig } from './optim.ts';
import type { ModelSpec } from './spec.ts';

export interface SharedSet {
  features: Float32Array; // rows x inputSize, on a SharedArrayBuffer
  labels: Int32Array;
}

export interface WorkerData {
  spec: ModelSpec;
  // Two copies of the parameters and of the optimiser's moment buffers: version v's are [v & 1]. A
  // step writes its update into the other copy, which becomes current when the version moves on:
  // a rejected or failed step changes nothing, and moving on copies nothing.
  params: [Float32Array, Float32Array];
  moments: [Float32Array[], Float32Array[]];
  version: Int32Array; // [0]: the parameters' version, advanced by the main thread by the steps done
  gradSlots: Float32Array; // slot k holds shard k's gradient sum: slots x parameter count
  grad: Float32Array; // the step's mean gradient
  // A round's shared state, zeroed by the main thread before each round: [0] arrivals at the
  // round's barriers, [1] 1 once the main thread gives the round up, [2] its steps done, [3] the
  // shard tickets taken.
  round: Int32Array;
  flags: Int32Array; // per task, what was not finite in its current step (Flags)
  stepLoss: Float64Array; // step k of a round, shard s: [k * maxShards + s]
  stepCorrect: Int32Array; // step k of a round, shard s: [k * maxShards + s]
  // Step k of a round, task i, layer l (of Model.parameterRanges): the sum of squares of task i's
  // slice of the mean gradient in layer l, [(k * tasks + i) * layers + l]; the main thread adds the
  // tasks' for the layers' gradient norms.
  stepGradSquares: Float64Array;
  order: Int32Array; // the epoch's shuffled row order of the training set
  train: SharedSet;
  validation: SharedSet | null;
  predictions: Int32Array; // one predicted class per evaluated row
  // The wasm SIMD kernels (compiled once, by the main thread) and the memory every worker's instance
  // uses, which holds params, moments, gradSlots and grad; or null: TypeScript's kernels.
  kernels: { module: WebAssembly.Module; memory: KernelMemory } | null;
}


/** One step: its `shards` shards of `shardRows` rows (the last may be shorter) cover [start, end) of
 *  the shuffled order, shard i writing slot i. */
export interface StepPlan { start: number; end: number; shards: number }

/** A round's training task `index` of `tasks`: its part of consecutive steps from parameter
 *  version `version` and optimiser step `t` on, updating parameters [from, to) each step. Eval
 *  chunks cover [start, end) of the shuffled order (training set) or of the validation set, one
 *  prediction per position. */
export type Task =
  | {
      kind: 'steps'; version: number; tasks: number; index: number; steps: StepPlan[]; shardRows: number; maxShards: number;
      from: number; to: number; t: number; optimizer: OptimizerConfig;
    }
  | { kind: 'eval'; version: number; set: 'train' | 'validation'; start: number; end: number; chunkRows: number };

/** Steps done (all finite), and what was not finite in the step after them, if anything. */
export interface StepsResult {
  done: number;
  failed: 'loss' | 'grad' | 'params' | null;
}

/** One loss sum per chunk, so the main thread can add them in a fixed order. */
export interface ShardsResult {
  lossSums: number[];
  correct: number;
}

export type TaskResult = ShardsResult | StepsResult;
export type ResultOf<T extends Task> = T extends { kind: 'steps' } ? StepsResult : ShardsResult;

const data = workerData as WorkerData;
if (data.kernels) {
  const kernels = installWasmKernels(data.kernels.module, data.kernels.memory);
  // The shared vectors as arrays the kernels use in place (as received, they are copies of the
  // arrays that the kernels do not recognise).
  const { view } = kernels;
  data.params = [view(data.params[0]), view(data.params[1])];
  data.moments = [data.moments[0].map(view), data.moments[1].map(view)];
  data.gradSlots = view(data.gradSlots);
  data.grad = view(data.grad);
}
const models: Model[] = []; // [i] over params[i]
const optimizers: Optimizer[] = []; // [i] over moments[i]
const SPIN_MS = 1; // the longest spin at a barrier
const MIN_SPIN_MS = 0.01;
const PROBE_EVERY = 64; // barriers
let spinMs = SPIN_MS;
let barriersMet = 0;
const Flags = { loss: 1, grad: 2, params: 4 }; // bits of `flags`
let layerRanges: { start: number; end: number }[] | undefined; // Model.parameterRanges, for stepGradSquares
let batch: Float32Array = new Float32Array(0); // rows gathered from the shuffled order
let batchLabels = new Int32Array(0);

export default function run(task: Task): TaskResult {
  const current = Atomics.load(data.version, 0);
  if (task.version !== current) {
    throw new Error(`stale task: computed for parameter version ${task.version}, the parameters are at ${current}`);
  }
  return task.kind === 'eval' ? evaluate(modelAt(current), task) : train(task);
}

/** The model over version v's copy of the parameters. */
function modelAt(version: number): Model {
  return (models[version & 1] ??= Model.create(data.spec, { params: data.params[version & 1] }));
}

/** The task's steps, in lockstep with the round's other tasks (this file's head says how). */
function train(task: Extract<Task, { kind: 'steps' }>): StepsResult {
  const { round, flags } = data;
  let barriers = 0, tickets = 0;
  for (const [k, step] of task.steps.entries()) {
    const version = task.version + k;
    let mine = gradient(modelAt(version), task, step, k, tickets);
    tickets += step.shards + task.tasks; // each task also drew one ticket past the last shard
    arrive(task.tasks, ++barriers);
    mine |= update(task, step, version, task.t + k, k);
    flags[task.index] = mine;
    arrive(task.tasks, ++barriers);
    let all = 0;
    for (let i = 0; i < task.tasks; i++) all |= flags[i];
    if (all !== 0) return { done: k, failed: all & Flags.loss ? 'loss' : all & Flags.grad ? 'grad' : 'params' };
    if (task.index === 0) Atomics.store(round, 2, k + 1);
  }
  return { done: task.steps.length, failed: null };
}

/** A barrier of the round: waits until every task has arrived `count` times. Spins a little first:
 *  the tasks arrive close together, and a thread that sleeps wakes late on a virtual machine. But
 *  when other work leaves the tasks fewer cores than threads, a spinning thread only keeps the one
 *  it waits for off its core: so each spin that ends without the others halves the next one's
 *  length, and one that sees them arrive restores SPIN_MS. A short spin rarely sees them, so every
 *  PROBE_EVERY-th barrier spins SPIN_MS anyway: once the other work is gone, the spin comes back
 *  (doubling back from 10 us took long enough to halve the MLP's speed for whole rounds).
 *  Throws if the main thread gives the round up (another task failed), so that none waits for ever. */
function arrive(tasks: number, count: number): void {
  const { round } = data;
  const target = tasks * count;
  if (Atomics.add(round, 0, 1) + 1 === target) Atomics.notify(round, 0);
  if (Atomics.load(round, 0) >= target) return;
  const spinUntil = performance.now() + (++barriersMet % PROBE_EVERY === 0 ? SPIN_MS : spinMs);
  while (Atomics.load(round, 0) < target && performance.now() < spinUntil);
  spinMs = Atomics.load(round, 0) >= target ? SPIN_MS : Math.max(MIN_SPIN_MS, spinMs / 2);
  for (let arrived; (arrived = Atomics.load(round, 0)) < target; ) {
    if (Atomics.load(round, 1) !== 0) throw new Error('step given up: another task of it failed');
    Atomics.wait(round, 0, arrived, 100);
  }
}

/** The slice's mean gradient (shard sums added in shard order, so any slicing gives the same
 *  values) and its sum of squares per layer, then its update into the next version's parameters
 *  and moments; the Flags of what was not finite. */
function update(task: Extract<Task, { kind: 'steps' }>, step: StepPlan, version: number, t: number, k: number): number {
  const { grad, gradSlots } = data;
  const { from, to } = task;
  const current = version & 1;
  const next = current ^ 1;
  const size = grad.length;
  const rows = step.end - step.start;
  if (!meanOfSlots(gradSlots.subarray(from), step.shards, size, to - from, rows, grad.subarray(from, to))) return Flags.grad;
  const layers = (layerRanges ??= modelAt(version).parameterRanges());
  layers.forEach(({ start, end }, l) => {
    const [a, b] = [Math.max(start, from), Math.min(end, to)];
    data.stepGradSquares[(k * task.tasks + task.index) * layers.length + l] = b > a ? sumOfSquares(grad.subarray(a, b), b - a) : 0;
  });
  const optimizer = (optimizers[current] ??= createOptimizer(task.optimizer, size, data.moments[current]));
  optimizer.config = task.optimizer;
  optimizer.t = t;
  return optimizer.update(data.params[current], grad, from, to, { params: data.params[next], buffers: data.moments[next] }) ? 0 : Flags.params;
}

/** Shards of step k, as long as the round's counter has some left (its ticket `first` is the
 *  step's shard 0): gradient sums into their slots, loss sums and correct counts into the round's
 *  arrays. Flags.loss if a loss sum is not finite. */
function gradient(m: Model, task: Extract<Task, { kind: 'steps' }>, step: StepPlan, k: number, first: number): number {
  let flags = 0;
  for (let shard; (shard = Atomics.add(data.round, 3, 1) - first) < step.shards; ) {
    const start = step.start + shard * task.shardRows;
    const rows = Math.min(task.shardRows, step.end - start);
    const slot = data.gradSlots.subarray(shard * m.size, (shard + 1) * m.size);
    const result = m.gradSum(gather(m.inputSize, start, rows), batchLabels, rows, slot);
    data.stepLoss[k * task.maxShards + shard] = result.lossSum;
    data.stepCorrect[k * task.maxShards + shard] = result.correct;
    if (!Number.isFinite(result.lossSum)) flags = Flags.loss;
  }
  return flags;
}

/** The training set is evaluated in the epoch's order (the rows trained on, which --limit may make
 *  a subset), the validation set as it is. */
function evaluate(m: Model, task: Extract<Task, { kind: 'eval' }>): ShardsResult {
  const n = m.inputSize;
  const lossSums: number[] = [];
  let correct = 0;
  for (let start = task.start; start < task.end; start += task.chunkRows) {
    const rows = Math.min(task.end, start + task.chunkRows) - start;
    const predictions = data.predictions.subarray(start, start + rows);
    let chunk;
    if (task.set === 'train') {
      chunk = m.evaluate(gather(n, start, rows), batchLabels, rows, predictions);
    } else {
      const set = data.validation;
      if (!set) throw new Error('no validation set in this session');
      chunk = m.evaluate(set.features.subarray(start * n, (start + rows) * n), set.labels.subarray(start, start + rows), rows, predictions);
    }
    lossSums.push(chunk.lossSum);
    correct += chunk.correct;
  }
  return { lossSums, correct };
}

/** Rows order[start, start + rows) of the training set, contiguous in `batch` and `batchLabels`. */
function gather(n: number, start: number, rows: number): Float32Array {
  if (batchLabels.length < rows) {
    batch = floats('float32', rows * n) as Float32Array; // placed where the kernels read it in place
    batchLabels = new Int32Array(rows);
  }
  const { features, labels } = data.train;
  for (let r = 0; r < rows; r++) {
    const row = data.order[start + r];
    batch.set(features.subarray(row * n, row * n + n), r * n);
    batchLabels[r] = labels[row];
  }
  return batch;
}
