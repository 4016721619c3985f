// npx tsx scripts/bench-kernels.ts [rows]
//
// The float32 kernels one by one, wasm SIMD against plain TypeScript, on the exact calls one
// LeNet-5 gradSum makes over a shard of `rows` rows (default: the trainer's shard size at batch 64):
// GFLOP/s for the products, microseconds for the rest. wasm runs twice: on ordinary arrays, which
// it copies into its memory and back, and on arrays placed in its memory (`floats`), as the engine's
// buffers are in a worker. Each figure is the best of several repetitions, since other work on the
// machine only ever makes a run slower.
import { readFileSync } from 'node:fs';
import { createWasmKernels } from '../engine/kernels-wasm.ts';
import { setKernels, tsKernels, type Kernels } from '../engine/kernels.ts';
import { Model } from '../engine/model.ts';
import { Rng } from '../engine/rng.ts';
import { PRESETS } from '../engine/spec.ts';
import { shardRows } from '../main/trainer/index.ts';
import { buildWasm } from './build-wasm.ts';

const rows = Number(process.argv[2] ?? shardRows(PRESETS.lenet5, 64));
const wasm = createWasmKernels(readFileSync(await buildWasm()));

// Record every kernel call of one gradSum, with copies of its arguments.
type Call = { name: keyof Kernels; args: unknown[] };
const calls: Call[] = [];
const copy = (a: unknown) => (a instanceof Float32Array || a instanceof Int32Array ? a.slice() : a);
const recorder = Object.fromEntries(
  (Object.keys(tsKernels) as (keyof Kernels)[]).map((name) => [name, (...args: unknown[]) => {
    calls.push({ name, args: args.map(copy) });
    (tsKernels[name] as (...a: unknown[]) => void)(...args);
  }]),
) as unknown as Kernels;

const model = Model.create(PRESETS.lenet5);
model.init(1);
const rng = new Rng(1);
const x = Float32Array.from({ length: rows * model.inputSize }, () => rng.next());
setKernels(recorder);
model.gradSum(x, Array.from({ length: rows }, (_, i) => i % 10), rows);
setKernels(tsKernels);

function best(run: () => void): number {
  const began = performance.now();
  run();
  const reps = Math.max(1, Math.ceil(5 / (performance.now() - began))); // about 5 ms a round
  let fastest = Infinity;
  for (let round = 0; round < 7; round++) {
    const began = performance.now();
    for (let i = 0; i < reps; i++) run();
    fastest = Math.min(fastest, (performance.now() - began) / reps);
  }
  return fastest; // ms
}

console.log(`LeNet-5 gradSum over ${rows} rows, float32 kernels: TypeScript | wasm SIMD copying | wasm SIMD in place\n`);
const place = (a: unknown) => (a instanceof Float32Array ? wasm.floats!(a.length).fill(0).map((_, i) => a[i]) : a);
const totals = [0, 0, 0];
for (const { name, args } of calls) {
  const run = (k: Kernels, a: unknown[]) => () => (k[name] as (...a: unknown[]) => void)(...a);
  const times = [best(run(tsKernels, args)), best(run(wasm, args)), best(run(wasm, args.map(place)))];
  times.forEach((t, i) => (totals[i] += t));
  let what: string = name, rate = '';
  if (name === 'gemm') {
    const [tA, tB, M, N, K] = args as [boolean, boolean, number, number, number];
    what = `gemm ${tA ? 'T' : 'N'}${tB ? 'T' : 'N'} ${M}x${N}x${K}`;
    const gflop = (2 * M * N * K) / 1e6; // per ms = GFLOP/s
    rate = times.map((t) => (gflop / t).toFixed(1).padStart(5)).join(' |') + ' GFLOP/s';
  }
  const us = (ms: number) => `${(ms * 1000).toFixed(1).padStart(7)}`;
  console.log(`  ${what.padEnd(24)} ${times.map(us).join(' |')} us  ${(times[0] / times[2]).toFixed(1).padStart(5)}x  ${rate}`);
}
const [ts, copying, inPlace] = totals.map((t) => (t * 1000).toFixed(0));
console.log(`\n  all kernels of one gradSum: ${ts} | ${copying} | ${inPlace} us, ${(totals[0] / totals[2]).toFixed(1)}x in place`);
