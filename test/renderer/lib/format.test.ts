import { describe, expect, it } from 'vitest';
import { clampInteger, formatCount, formatDuration, formatNumber, formatPercent } from '../../../renderer/src/lib/format.ts';
import { gridRows, paddedRange } from '../../../renderer/src/lib/grid.ts';
import { boundaryRgba, signedToRgba } from '../../../renderer/src/lib/colors.ts';

describe('formatters', () => {
  it('formats durations, counts, percentages and numbers', () => {
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3 * 3600 + 7 * 60 + 9)).toBe('3:07:09');
    expect(formatDuration(Infinity)).toBe('—');
    expect(formatCount(44426)).toBe('44\u2009426');
    expect(formatPercent(0.9734)).toBe('97.3 %');
    expect(formatNumber(0.5)).toBe('0.5');
    expect(formatNumber(2.3e-9)).toBe('2.30e-9');
    expect(formatNumber(NaN)).toBe('—');
  });

  it('reads a number field as a whole number within its bounds, keeping the old value for non-numbers', () => {
    expect(clampInteger('12.7', 1, 100, 5)).toBe(12);
    expect(clampInteger('-3', 0, 100, 5)).toBe(0);
    expect(clampInteger('1e9', 0, 4096, 5)).toBe(4096);
    expect(clampInteger('abc', 0, 100, 5)).toBe(5);
  });
});

describe('decision-boundary grid', () => {
  it('pads the range and lists cell centres from the top row down', () => {
    const range = paddedRange([0, 10], [0, 20], 0.1);
    expect(range).toEqual({ xMin: -1, xMax: 11, yMin: -2, yMax: 22 });
    const rows = gridRows({ xMin: 0, xMax: 2, yMin: 0, yMax: 2 }, 2);
    expect(rows).toEqual([[0.5, 1.5], [1.5, 1.5], [0.5, 0.5], [1.5, 0.5]]);
  });

  it('fades the colour as confidence falls to chance', () => {
    expect(boundaryRgba([0.5, 0.5], 0, 2)[3]).toBe(40);
    expect(boundaryRgba([0, 1], 0, 2)[3]).toBe(180);
    expect(boundaryRgba([0.1, 0.2, 0.7], 0, 3).slice(0, 3)).toEqual([225, 87, 89]);
  });

  it('scales signed values so the largest magnitude is full colour', () => {
    const out = new Uint8ClampedArray(8);
    signedToRgba([-2, 1], out);
    expect(Array.from(out.slice(0, 4))).toEqual([0, 102, 255, 255]); // -1 after scaling: full blue
    expect(Array.from(out.slice(4, 8))).toEqual([255, 153, 128, 255]); // +0.5
  });
});
