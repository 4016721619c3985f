// The Piscina worker entry of the trainer (main/trainer): the one engine file that may use Node.
//
// Everything big is shared, never copied per task: the training and validation sets, the shuffled
// order and the parameter vector live in SharedArrayBuffers that each worker receives once, in
// `workerData`, when the pool starts it. A task names rows (a range of the shuffled order, or of a
// set) and the parameters' version; the worker writes each shard's gradient SUM into that shard's
// slot of a shared buffer and returns only the shards' loss sums and its correct count.
import { workerData } from 'node:worker_threads';
import { installWasmKernels } from './kernels-wasm.ts';
import { Model } from './model.ts';
import type { ModelSpec } from './spec.ts';

export interface SharedSet {
  features: Float32Array; // rows x inputSize, on a SharedArrayBuffer
  labels: Int32Array;
}

export interface WorkerData {
  spec: ModelSpec;
  params: Float32Array; // written by the main thread only between steps
  version: Int32Array; // [0]: the version of `params`, bumped by the main thread after each update
  gradSlots: Float32Array; // slot k holds shard k's gradient sum: slots x parameter count
  order: Int32Array; // the epoch's shuffled row order of the training set
  train: SharedSet;
  validation: SharedSet | null;
  predictions: Int32Array; // one predicted class per evaluated row
  kernels: WebAssembly.Module | null; // the wasm SIMD kernels (compiled once, by the main thread), or TypeScript's
}

/** Shards of `shardRows` rows (the last may be shorter) cover [start, end) of the shuffled order;
 *  shard i of the task writes slot firstSlot + i. Eval chunks cover rows [start, end) of a set. */
export type Task =
  | { kind: 'grad'; version: number; start: number; end: number; shardRows: number; firstSlot: number }
  | { kind: 'eval'; version: number; set: 'train' | 'validation'; start: number; end: number; chunkRows: number };

/** One loss sum per shard (or chunk), so the main thread can add them in a fixed order. */
export interface TaskResult {
  lossSums: number[];
  correct: number;
  seconds: number; // time spent computing, to measure the dispatch overhead
}

const data = workerData as WorkerData;
if (data.kernels) installWasmKernels(data.kernels);
let model: Model | undefined;
let batch = new Float32Array(0); // the shard's rows gathered from the shuffled order
let batchLabels = new Int32Array(0);

export default function run(task: Task): TaskResult {
  const began = performance.now();
  const current = Atomics.load(data.version, 0);
  if (task.version !== current) {
    throw new Error(`stale task: computed for parameter version ${task.version}, the parameters are at ${current}`);
  }
  model ??= Model.create(data.spec, { params: data.params });
  const result = task.kind === 'grad' ? gradient(model, task) : evaluate(model, task);
  result.seconds = (performance.now() - began) / 1000;
  return result;
}

function gradient(m: Model, task: Extract<Task, { kind: 'grad' }>): TaskResult {
  const n = m.inputSize;
  const { features, labels } = data.train;
  if (batchLabels.length < task.shardRows) {
    batch = new Float32Array(task.shardRows * n);
    batchLabels = new Int32Array(task.shardRows);
  }
  const lossSums: number[] = [];
  let correct = 0;
  for (let start = task.start, slot = task.firstSlot; start < task.end; start += task.shardRows, slot++) {
    const rows = Math.min(task.shardRows, task.end - start);
    for (let r = 0; r < rows; r++) {
      const row = data.order[start + r];
      batch.set(features.subarray(row * n, row * n + n), r * n);
      batchLabels[r] = labels[row];
    }
    const shard = m.gradSum(batch, batchLabels, rows);
    data.gradSlots.set(m.grads, slot * m.size);
    lossSums.push(shard.lossSum);
    correct += shard.correct;
  }
  return { lossSums, correct, seconds: 0 };
}

function evaluate(m: Model, task: Extract<Task, { kind: 'eval' }>): TaskResult {
  const n = m.inputSize;
  const set = task.set === 'train' ? data.train : data.validation;
  if (!set) throw new Error('no validation set in this session');
  const lossSums: number[] = [];
  let correct = 0;
  for (let start = task.start; start < task.end; start += task.chunkRows) {
    const end = Math.min(task.end, start + task.chunkRows);
    const chunk = m.evaluate(set.features.subarray(start * n, end * n), set.labels.subarray(start, end), end - start,
      data.predictions.subarray(start, end));
    lossSums.push(chunk.lossSum);
    correct += chunk.correct;
  }
  return { lossSums, correct, seconds: 0 };
}
