// The Piscina worker entry of the trainer (main/trainer): the one engine file that may use Node.
//
// Everything big is shared, never copied per task: the training and validation sets, the shuffled
// order and the parameter vectors live in SharedArrayBuffers that each worker receives once, in
// `workerData`, when the pool starts it; the vectors the update reads and writes are in the memory
// that every worker's instance of the wasm kernels shares, so they are the kernels' operands in
// place. A task names rows (a range of the shuffled order, or of a set) and the parameters'
// version; the worker writes each shard's gradient SUM into that shard's slot of a shared buffer,
// waits until every task of the step has (a barrier), then reduces and updates one slice of the
// parameter vector into the next version's copy; it returns the shards' loss sums, its correct
// count and whether its slice stayed finite. The main thread only checks those and commits the
// update by bumping the version.
import { workerData } from 'node:worker_threads';
import { floats, meanOfSlots } from './kernels.ts';
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
  // step writes its update into the other copy, which the main thread makes current, once every
  // slice is finite, by bumping the version: a rejected or failed step changes nothing, and a
  // commit copies nothing.
  params: [Float32Array, Float32Array];
  moments: [Float32Array[], Float32Array[]];
  version: Int32Array; // [0]: the parameters' version, bumped by the main thread after each update
  gradSlots: Float32Array; // slot k holds shard k's gradient sum: slots x parameter count
  grad: Float32Array; // the step's mean gradient
  barrier: Int32Array; // [0]: the step's tasks done with their shards; [1]: 1 once the main thread gives the round up
  order: Int32Array; // the epoch's shuffled row order of the training set
  train: SharedSet;
  validation: SharedSet | null;
  predictions: Int32Array; // one predicted class per evaluated row
  // The wasm SIMD kernels (compiled once, by the main thread) and the memory every worker's instance
  // uses, which holds params, moments, gradSlots and grad; or null: TypeScript's kernels.
  kernels: { module: WebAssembly.Module; memory: KernelMemory } | null;
}

/** A step's task: shards of `shardRows` rows (the last may be shorter) cover [start, end) of the
 *  shuffled order, shard i of the task writing slot firstSlot + i; once all `tasks` tasks of the
 *  step have written theirs, parameters [from, to) get the mean of the step's `shards` slots over
 *  `rows` rows, then step `t` of the optimiser. Eval chunks cover [start, end) of the shuffled order
 *  (training set) or of the validation set, one prediction per position. */
export type Task =
  | {
      kind: 'step'; version: number; tasks: number;
      start: number; end: number; shardRows: number; firstSlot: number;
      from: number; to: number; shards: number; rows: number; t: number; optimizer: OptimizerConfig;
    }
  | { kind: 'eval'; version: number; set: 'train' | 'validation'; start: number; end: number; chunkRows: number };

/** One loss sum per shard (or chunk), so the main thread can add them in a fixed order. */
export interface ShardsResult {
  lossSums: number[];
  correct: number;
}

/** And whether the slice's mean gradient, then its staged parameters, are all finite. */
export interface StepResult extends ShardsResult {
  gradFinite: boolean;
  paramsFinite: boolean;
}

export type TaskResult = ShardsResult | StepResult;
export type ResultOf<T extends Task> = T extends { kind: 'step' } ? StepResult : ShardsResult;

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
let batch: Float32Array = new Float32Array(0); // rows gathered from the shuffled order
let batchLabels = new Int32Array(0);

export default function run(task: Task): TaskResult {
  const current = Atomics.load(data.version, 0);
  if (task.version !== current) {
    throw new Error(`stale task: computed for parameter version ${task.version}, the parameters are at ${current}`);
  }
  const model = (models[current & 1] ??= Model.create(data.spec, { params: data.params[current & 1] }));
  if (task.kind === 'eval') return evaluate(model, task);
  const shards = gradient(model, task);
  waitForAllSlots(task.tasks);
  return { ...shards, ...update(task) };
}

/** The step's barrier between writing the gradient slots and reading them. Throws if the main
 *  thread gives the step up (another of its tasks failed), so that no worker waits for ever. */
function waitForAllSlots(tasks: number): void {
  const { barrier } = data;
  if (Atomics.add(barrier, 0, 1) + 1 === tasks) Atomics.notify(barrier, 0);
  for (let done; (done = Atomics.load(barrier, 0)) < tasks; ) {
    if (Atomics.load(barrier, 1) !== 0) throw new Error('step given up: another task of it failed');
    Atomics.wait(barrier, 0, done, 100);
  }
}

/** The slice's mean gradient (shard sums added in shard order, so any slicing gives the same
 *  values), then its update into the next version's parameters and moments. */
function update(task: Extract<Task, { kind: 'step' }>): { gradFinite: boolean; paramsFinite: boolean } {
  const { grad, gradSlots } = data;
  const { from, to } = task;
  const current = task.version & 1;
  const next = current ^ 1;
  const params = data.params[next];
  const size = params.length;
  if (!meanOfSlots(gradSlots.subarray(from), task.shards, size, to - from, task.rows, grad.subarray(from, to))) {
    return { gradFinite: false, paramsFinite: true };
  }
  params.set(data.params[current].subarray(from, to), from);
  data.moments[current].forEach((m, i) => data.moments[next][i].set(m.subarray(from, to), from));
  const optimizer = (optimizers[next] ??= createOptimizer(task.optimizer, size, data.moments[next]));
  optimizer.config = task.optimizer;
  optimizer.t = task.t;
  return { gradFinite: true, paramsFinite: optimizer.update(params, grad, from, to) };
}

function gradient(m: Model, task: Extract<Task, { kind: 'step' }>): ShardsResult {
  const lossSums: number[] = [];
  let correct = 0;
  for (let start = task.start, slot = task.firstSlot; start < task.end; start += task.shardRows, slot++) {
    const rows = Math.min(task.shardRows, task.end - start);
    const shard = m.gradSum(gather(m.inputSize, start, rows), batchLabels, rows);
    data.gradSlots.set(m.grads, slot * m.size);
    lossSums.push(shard.lossSum);
    correct += shard.correct;
  }
  return { lossSums, correct };
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
