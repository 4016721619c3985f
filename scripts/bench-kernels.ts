// npx tsx scripts/bench-kernels.ts [rows]
//
// The float32 kernels one by one, wasm SIMD against plain TypeScript, on the exact calls one
// LeNet-5 gradSum makes over a shard of `rows` rows (default: the trainer's shard size at batch 64):
// GFLOP/s for the products, microseconds for the rest. The wasm times include copying operands
// into the module's memory and results out. Each figure is the best of several repetitions, since
// other work on the machine only ever makes a run slower.
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

console.log(`LeNet-5 gradSum over ${rows} rows, float32 kernels: TypeScript vs wasm SIMD (with copies)\n`);
let tsTotal = 0, wasmTotal = 0;
for (const { name, args } of calls) {
  const run = (k: Kernels) => () => (k[name] as (...a: unknown[]) => void)(...args);
  const ts = best(run(tsKernels)), fast = best(run(wasm));
  tsTotal += ts;
  wasmTotal += fast;
  let what: string = name, rate = '';
  if (name === 'gemm') {
    const [tA, tB, M, N, K] = args as [boolean, boolean, number, number, number];
    what = `gemm ${tA ? 'T' : 'N'}${tB ? 'T' : 'N'} ${M}x${N}x${K}`;
    const gflop = (2 * M * N * K) / 1e6; // per ms = GFLOP/s
    rate = `${(gflop / ts).toFixed(1).padStart(5)} -> ${(gflop / fast).toFixed(1).padStart(5)} GFLOP/s`;
  }
  const us = (ms: number) => `${(ms * 1000).toFixed(1).padStart(7)} us`;
  console.log(`  ${what.padEnd(24)} ${us(ts)} -> ${us(fast)}  ${(ts / fast).toFixed(1).padStart(5)}x  ${rate}`);
}
console.log(`\n  all kernels of one gradSum: ${(tsTotal * 1000).toFixed(0)} us -> ${(wasmTotal * 1000).toFixed(0)} us, ${(tsTotal / wasmTotal).toFixed(1)}x`);
