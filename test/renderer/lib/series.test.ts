import { describe, expect, it } from 'vitest';
import { Columns } from '../../../renderer/src/lib/series.ts';

describe('Columns', () => {
  it('appends rows into the same column arrays', () => {
    const c = new Columns(2);
    const xs = c.data[0];
    c.push(1, 0.5, null);
    c.push(2, 0.4);
    expect(c.data).toEqual([[1, 2], [0.5, 0.4], [null, null]]);
    expect(c.data[0]).toBe(xs); // charts keep their reference
  });

  it('upsert fills the last row at the same x and appends otherwise', () => {
    const c = new Columns(2);
    c.push(10, 0.9, null);
    c.upsert(10, null, 0.7);
    expect(c.data).toEqual([[10], [0.9], [0.7]]);
    c.upsert(12, null, 0.6);
    expect(c.data).toEqual([[10, 12], [0.9, null], [0.7, 0.6]]);
    c.clear();
    expect(c.length).toBe(0);
  });
});
