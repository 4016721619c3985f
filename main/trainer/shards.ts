// How a mini-batch is cut into shards, and how work is split into runs.
//
// Shards are FIXED by the model and the batch size, never by the thread count: the shards' gradient
// sums are added in shard order, so a seed gives bit-identical weights with 1, 2 or 3 threads,
// whichever thread computes which shard (the workers take them from a shared counter).
import { Model } from '../../engine/model.ts';
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

// Each shard costs one more pass over the parameters (adding its gradient slot, in the workers'
// update slices): a shard's compute (rows x MACs) must dwarf it. 64 multiply-adds of forward pass
// per parameter keep that pass a few per cent of the shard's forward and backward, and shards small:
// their im2col buffers stay in a core's cache, and the threads, which take shards as they come,
// finish a step closer together (LeNet-5 on 2 threads: 8-row shards 3-7 % faster than 16-row ones).
const MACS_PER_PARAMETER = 64;
const MAX_SHARDS = 64; // bounds the shared gradient slots for huge batches

/** Rows per gradient shard: a power of two near MACS_PER_PARAMETER x parameters of work, and at
 *  most half the batch, so that a batch always has two shards for two threads. */
export function shardRows(spec: ModelSpec, batchSize: number): number {
  const ideal = 2 ** Math.round(Math.log2(Math.max(1, (MACS_PER_PARAMETER * Model.create(spec).size) / macsPerSample(spec))));
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
