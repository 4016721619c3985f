import { describe, expect, it } from 'vitest';
import { latestOnly } from '../../../renderer/src/lib/latest.ts';

describe('latestOnly', () => {
  it('runs one call at a time and, of those made meanwhile, only the newest', async () => {
    const started: number[] = [];
    const finish: (() => void)[] = [];
    const call = latestOnly((n: number) => {
      started.push(n);
      return new Promise<void>((resolve) => finish.push(resolve));
    });
    const first = call(1);
    void call(2);
    void call(3);
    expect(started).toEqual([1]); // 2 and 3 wait; 3 replaces 2
    finish[0]();
    await new Promise((r) => setTimeout(r));
    expect(started).toEqual([1, 3]);
    finish[1]();
    await first;
    void call(4); // idle again: runs at once
    expect(started).toEqual([1, 3, 4]);
  });

  it('takes calls again after a run fails', async () => {
    const call = latestOnly(async (n: number) => { if (n === 1) throw new Error('no'); });
    await expect(call(1)).rejects.toThrow('no');
    await expect(call(2)).resolves.toBeUndefined();
  });
});
