import { describe, expect, it } from 'vitest';
import { preview, summarize, type Dataset } from '../../../main/datasets/index.ts';
import { loadText } from './helpers.ts';

describe('summarize and preview', () => {
  it('counts classes and finds each feature range', async () => {
    const ds = await loadText('s.csv', 'x,y,label\n1,-2,b\n3,8,a\n-5,0,b\n');
    expect(summarize(ds)).toEqual({
      name: 's.csv', kind: 'tabular', rows: 3, shape: [2], classNames: ['a', 'b'],
      classCounts: [1, 2], featureMin: [-5, -2], featureMax: [3, 8],
    });
  });

  it('previews the first rows of a table with their labels', async () => {
    const ds = await loadText('s.csv', 'x,y,label\n1,-2,b\n3,8,a\n-5,0,b\n');
    expect(preview(ds, 2)).toEqual({ rows: [[1, -2], [3, 8]], labels: [1, 0], classCounts: [1, 2] });
    expect(preview(ds, 10).rows).toHaveLength(3);
  });

  it('previews images as 0..255 grayscale, each stretched from its darkest to its brightest value', () => {
    const ds: Dataset = {
      name: 'img', rows: 2, shape: [1, 2, 2], kind: 'image', classNames: ['x', 'y'],
      features: Float32Array.from([0, 0.5, 1, 0.25, 7, 7, 7, 7]), labels: Int32Array.from([1, 0]),
    };
    const { images, classCounts } = preview(ds);
    expect(classCounts).toEqual([1, 1]);
    expect(images).toEqual([
      { width: 2, height: 2, pixels: Uint8Array.from([0, 128, 255, 64]), label: 1 },
      { width: 2, height: 2, pixels: Uint8Array.from([0, 0, 0, 0]), label: 0 }, // flat: no range to stretch
    ]);
  });
});
