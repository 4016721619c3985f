import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { DatasetError, loadDataset } from '../../../main/datasets/index.ts';
import { expectDatasetError, file, rowsOf } from './helpers.ts';

type Rgba = [number, number, number, number];

function png(width: number, height: number, pixel: (x: number, y: number) => Rgba): Uint8Array {
  const image = new PNG({ width, height });
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) image.data.set(pixel(x, y), 4 * (y * width + x));
  return new Uint8Array(PNG.sync.write(image));
}

function jpg(width: number, height: number, gray: number): Uint8Array {
  const data = new Uint8Array(width * height * 4).fill(gray);
  return new Uint8Array(jpeg.encode({ data, width, height }, 100).data);
}

const gray = (v: number): Rgba => [v, v, v, 255];

describe('image folders', () => {
  it('decodes PNG and JPEG to grayscale by BT.601 luma over black, one class per sub-folder', async () => {
    const colours = png(28, 28, (x) => (x === 0 ? [255, 0, 0, 255] : x === 1 ? [0, 255, 0, 255] : x === 2 ? [0, 0, 255, 255] : x === 3 ? [255, 255, 255, 128] : gray(40)));
    const ds = await loadDataset({
      files: [
        file('c.png', colours, 'shapes/zeta/c.png'),
        file('g.jpg', jpg(28, 28, 100), 'shapes/alpha/g.jpg'),
        file('notes.txt', 'not an image', 'shapes/notes.txt'),
      ],
    });
    expect(ds).toMatchObject({ name: 'shapes', kind: 'image', rows: 2, shape: [1, 28, 28], classNames: ['alpha', 'zeta'] });
    expect(Array.from(ds.labels)).toEqual([0, 1]); // sorted by path: alpha/g.jpg, zeta/c.png
    const [jpegRow, pngRow] = rowsOf(ds);
    for (const v of jpegRow) expect(Math.abs(v - 100)).toBeLessThanOrEqual(2); // lossy, even at quality 100
    // 0.299 R + 0.587 G + 0.114 B, then alpha 128/255 of white
    expect(pngRow.slice(0, 5)).toEqual([0.299 * 255, 0.587 * 255, 0.114 * 255, 128, 40].map((v) => Math.fround(v)));
    expect(pngRow[28]).toBeCloseTo(0.299 * 255, 3); // row 2 starts with red again
  });

  it('shrinks by area averaging: each output pixel is the coverage-weighted mean of the source pixels', async () => {
    // 56x56 -> 28x28: each output pixel averages a 2x2 block; the blocks hold a checkerboard of 0 and 2v.
    const halves = png(56, 56, (x, y) => gray((x + y) % 2 === 0 ? 0 : 2 * ((x >> 1) + (y >> 1)) + 2));
    // 3x3 -> 2x2 (size 2): output (0,0) covers [0,1.5)^2: weights 1, 0.5, 0.5, 0.25 over 2.25.
    const odd = png(3, 3, (x, y) => gray([[90, 30, 60], [0, 120, 240], [12, 24, 36]][y][x]));
    const ds = await loadDataset({ files: [file('h.png', halves, 'd/a/h.png'), file('o.png', odd, 'd/b/o.png')] });
    const shrunk = rowsOf(ds)[0];
    for (const [x, y] of [[0, 0], [5, 3], [27, 27], [13, 20]]) expect(shrunk[y * 28 + x]).toBeCloseTo(x + y + 1, 4);

    const small = await loadDataset({ files: [file('h.png', halves, 'd/a/h.png'), file('o.png', odd, 'd/b/o.png')] }, { imageSize: 2 });
    const [topLeft, topRight, bottomLeft, bottomRight] = rowsOf(small)[1];
    expect(topLeft).toBeCloseTo((90 * 1 + 30 * 0.5 + 0 * 0.5 + 120 * 0.25) / 2.25, 4);
    expect(topRight).toBeCloseTo((30 * 0.5 + 60 * 1 + 120 * 0.25 + 240 * 0.5) / 2.25, 4);
    expect(bottomLeft).toBeCloseTo((0 * 0.5 + 120 * 0.25 + 12 * 1 + 24 * 0.5) / 2.25, 4);
    expect(bottomRight).toBeCloseTo((120 * 0.25 + 240 * 0.5 + 24 * 0.5 + 36 * 1) / 2.25, 4);
  });

  it('loads the same folder from disk as when dropped', async () => {
    const root = mkdtempSync(join(tmpdir(), 'bps-img-'));
    const files = [file('1.png', png(8, 8, (x) => gray(x * 30)), 'digits/one/1.png'), file('2.png', png(8, 8, (_, y) => gray(y * 30)), 'digits/two/2.png')];
    for (const f of files) {
      mkdirSync(join(root, f.relativePath!, '..'), { recursive: true });
      writeFileSync(join(root, f.relativePath!), f.bytes);
    }
    writeFileSync(join(root, 'digits', '.DS_Store'), 'junk');
    const progress: number[][] = [];
    const fromDisk = await loadDataset({ path: join(root, 'digits') }, { imageSize: 8, onProgress: (done, total) => progress.push([done, total]) });
    expect(progress).toEqual([[1, 2], [2, 2]]);
    const dropped = await loadDataset({ files }, { imageSize: 8 });
    expect(fromDisk.classNames).toEqual(['one', 'two']);
    expect(rowsOf(fromDisk)).toEqual(rowsOf(dropped));
    expect(rowsOf(fromDisk)[0].slice(0, 8)).toEqual([0, 30, 60, 90, 120, 150, 180, 210]);
  });

  it('names an unreadable image', async () => {
    const good = file('ok.png', png(4, 4, () => gray(9)), 'd/a/ok.png');
    await expectDatasetError(
      loadDataset({ files: [good, file('bad.png', 'not really a png', 'd/b/bad.png')] }),
      'd/b/bad.png: unreadable image (not a PNG or JPEG file)',
    );
    // Cut short: the decoders' own words ("There are some read requests waitng on finished stream",
    // "unknown JPEG marker 0") did not say what is wrong.
    const cut = png(4, 4, () => gray(9)).subarray(0, 40);
    await expectDatasetError(loadDataset({ files: [good, file('cut.png', cut, 'd/b/cut.png')] }), 'd/b/cut.png: unreadable image (truncated: the file ends before the image does)');
    const broken = jpg(8, 8, 50).subarray(0, 100);
    await expectDatasetError(loadDataset({ files: [good, file('b.jpg', broken, 'd/b/b.jpg')] }), 'd/b/b.jpg: unreadable image (truncated: the file ends before the image does)');
    // Whole but damaged: the decoder's message stands.
    const garbled = png(4, 4, () => gray(9));
    garbled.fill(0, 37, 45);
    const error = await loadDataset({ files: [good, file('g.png', garbled, 'd/b/g.png')] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as Error).message).toMatch(/^d\/b\/g\.png: unreadable image \((?!truncated)[^\n]+\)$/);
  });

  it('asks for class sub-folders', async () => {
    const image = png(4, 4, () => gray(9));
    await expectDatasetError(
      loadDataset({ files: [file('1.png', image), file('2.png', image)] }),
      '1.png: an image outside any class folder; load a folder with one sub-folder of images per class',
    );
    await expectDatasetError(
      loadDataset({ files: [file('1.png', image, 'cats/1.png'), file('2.png', image, 'cats/2.png')] }),
      'cats: all images are in one folder ("cats"); expected one sub-folder per class',
    );
  });

  it('refuses two folders that would be one class, instead of merging them', async () => {
    const image = png(4, 4, () => gray(9));
    // A dropped train/test pair: train/0 and test/0 are both class "0".
    await expectDatasetError(
      loadDataset({ files: ['train/0', 'train/1', 'test/0'].map((f, i) => file(`${i}.png`, image, `digits/${f}/${i}.png`)) }),
      'digits: the folders "digits/test/0" and "digits/train/0" would both be class "0"; a class must be one folder: load one set of class folders at a time, or rename one',
    );
    // Numeric names are class indices: 1 and 01 are both class 1.
    await expectDatasetError(
      loadDataset({ files: ['0', '1', '01'].map((f, i) => file(`${i}.png`, image, `d/${f}/${i}.png`)) }),
      'd: the folders "d/01" and "d/1" would both be class "1"; a class must be one folder: load one set of class folders at a time, or rename one',
    );
    // Distinct classes in folders at different depths are fine.
    const ds = await loadDataset({ files: ['a/x', 'y'].map((f, i) => file(`${i}.png`, image, `d/${f}/${i}.png`)) });
    expect(ds.classNames).toEqual(['x', 'y']);
  });
});
