// How a mini-batch is cut into shards and the shards into tasks.
//
// Shards are FIXED by the model and the batch size, never by the thread count: the main thread adds
// the shards' gradient sums in shard order, so a seed gives bit-identical weights with 1, 2 or 3
// threads. Tasks only group consecutive shards, one group per thread, so the per-task cost of the
// pool (about 0.1 ms here) is paid once per thread and step, not once per shard.
import type { ModelSpec } from '../../engine/spec.ts';

/** Multiply-accumulates of one sample's forward pass (backprop-notes.md, "LeNet-5"). */
export function macsPerSample(spec: ModelSpec): number {
  if (spec.type === 'mlp') {
    const widths = [spec.inputs, ...spec.hidden, spec.classes];
    let macs = 0;
    for (let i = 1; i < widths.length; i++) macs += widths[i - 1] * widths[i];
    return macs;
  }
  return 6 * 25 * 28 * 28 + 16 * 6 * 25 * 10 * 10 + 120 * 16 * 25 + 120 * 84 + 84 * spec.classes;
}

/** Parameters of the model (weights-format.md's tensors); the classic LeNet-5's 44 subsampling
 *  coefficients are left out, as the estimate below does not need them. */
export function parameterCount(spec: ModelSpec): number {
  const widths = spec.type === 'mlp' ? [spec.inputs, ...spec.hidden, spec.classes] : [120, 84, spec.classes];
  let count = spec.type === 'mlp' ? 0 : 6 * 26 + 16 * 151 + 120 * 401;
  for (let i = 1; i < widths.length; i++) count += (widths[i - 1] + 1) * widths[i];
  return count;
}

// Each shard costs the main thread one pass over the parameters (adding its gradient slot), which
// runs while the workers wait: a shard's compute (rows x MACs) must dwarf it. 128 multiply-adds of
// forward pass per parameter make that pass a few per cent of the shard's forward and backward.
const MACS_PER_PARAMETER = 128;
const MAX_SHARDS = 64; // bounds the shared gradient slots for huge batches

/** Rows per gradient shard: a power of two near MACS_PER_PARAMETER x parameters of work, and at
 *  most half the batch, so that a batch always has two shards for two threads. */
export function shardRows(spec: ModelSpec, batchSize: number): number {
  const ideal = 2 ** Math.round(Math.log2(Math.max(1, (MACS_PER_PARAMETER * parameterCount(spec)) / macsPerSample(spec))));
  return Math.max(1, Math.min(ideal, Math.ceil(batchSize / 2)), Math.ceil(batchSize / MAX_SHARDS));
}

/** [first, end) index pairs splitting `count` consecutive units into at most `groups` runs whose
 *  lengths differ by at most one. */
export function split(count: number, groups: number): [number, number][] {
  const runs: [number, number][] = [];
  const n = Math.min(count, groups);
  for (let g = 0, first = 0; g < n; g++) {
    const end = first + Math.floor(count / n) + (g < count % n ? 1 : 0);
    runs.push([first, end]);
    first = end;
  }
  return runs;
}
