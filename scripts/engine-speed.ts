// Prints the float32 training throughput of the engine with its TypeScript kernels: samples/s of
// Model.gradSum (forward + backward) at batch 64 for the MLP 784-128-10 and LeNet-5 modern, plus
// the GFLOP/s that means (backprop-notes: ~0.41 and ~2.3 MFLOP per training sample).
// Usage: npx tsx scripts/engine-speed.ts [seconds per model, default 3]
import { Model } from '../engine/model.ts';
import { Rng } from '../engine/rng.ts';
import { type ModelSpec, PRESETS } from '../engine/spec.ts';

const seconds = Number(process.argv[2] ?? 3);
const batch = 64;
const cases: [string, ModelSpec, number][] = [
  ['MLP 784-128-10 (sigmoid, softmax + CE)', PRESETS.mlp, 0.41e6],
  ['LeNet-5 modern (ReLU, max pooling)', PRESETS.lenet5, 2.3e6],
];

for (const [name, spec, flopsPerSample] of cases) {
  const model = Model.create(spec);
  model.init(1);
  const rng = new Rng(2);
  const x = Float32Array.from({ length: batch * model.inputSize }, () => rng.next());
  const labels = Int32Array.from({ length: batch }, () => rng.int(model.classes));
  for (let i = 0; i < 5; i++) model.gradSum(x, labels, batch); // warm up the JIT
  let batches = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    model.gradSum(x, labels, batch);
    batches++;
  }
  const perSecond = (batches * batch) / ((performance.now() - start) / 1000);
  console.log(`${name}: ${perSecond.toFixed(0)} samples/s (${(perSecond * flopsPerSample / 1e9).toFixed(2)} GFLOP/s), batch ${batch}, float32, TS kernels`);
}
