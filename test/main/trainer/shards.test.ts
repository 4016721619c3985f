import { describe, expect, it } from 'vitest';
import { PRESETS, type ModelSpec } from '../../../engine/spec.ts';
import { macsPerSample, shardRows, split } from '../../../main/trainer/shards.ts';

const iris: ModelSpec = { ...PRESETS.mlp, inputs: 4, classes: 3 };

describe('shards', () => {
  it('counts the forward multiply-adds of backprop-notes.md', () => {
    // C1 6*25*28*28 + C3 16*6*25*10*10 + C5 120*16*25 + F6 120*84 + output 84*10
    expect(macsPerSample(PRESETS.lenet5)).toBe(117_600 + 240_000 + 48_000 + 10_080 + 840);
    expect(macsPerSample(PRESETS.mlp)).toBe(784 * 128 + 128 * 10);
  });

  it('cuts a batch by the model, never by the thread count', () => {
    expect(shardRows(PRESETS.lenet5, 64)).toBe(8); // 64 x 61,706 / 416,520 = 9.5 rows -> 8
    expect(shardRows(PRESETS.mlp, 64)).toBe(32); // 64 x 101,770 / 101,632 = 64 rows, but half the batch
    expect(shardRows(PRESETS.mlp, 512)).toBe(64);
    expect(shardRows(iris, 32)).toBe(16);
    expect(shardRows(PRESETS.lenet5, 1)).toBe(1);
    expect(shardRows(PRESETS.lenet5, 4096)).toBe(64); // at most 64 slots
  });

  it('splits units (parameters, eval chunks) into runs of near-equal length, one per thread', () => {
    expect(split(8, 3)).toEqual([[0, 3], [3, 6], [6, 8]]);
    expect(split(8, 2)).toEqual([[0, 4], [4, 8]]);
    expect(split(2, 3)).toEqual([[0, 1], [1, 2]]);
    expect(split(1, 1)).toEqual([[0, 1]]);
  });
});
