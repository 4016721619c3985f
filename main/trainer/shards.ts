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

// A shard's work: enough that copying its gradient into a slot and adding it on the main thread
// (one pass over the parameters each) stays a small share of computing it.
const SHARD_MACS = 1 << 22;
const MAX_SHARDS = 64; // bounds the shared gradient slots for huge batches

/** Rows per gradient shard: a power of two near SHARD_MACS of work, at most the batch. */
export function shardRows(spec: ModelSpec, batchSize: number): number {
  const ideal = 2 ** Math.round(Math.log2(Math.max(1, SHARD_MACS / macsPerSample(spec))));
  return Math.min(batchSize, Math.max(ideal, Math.ceil(batchSize / MAX_SHARDS)));
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
