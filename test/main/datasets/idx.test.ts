import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { loadDataset, requireTwoClasses } from '../../../main/datasets/index.ts';
import { expectDatasetError, file, rowsOf } from './helpers.ts';

/** An IDX file written by hand from the format's definition: magic 0,0,type,dims; big-endian dims; data. */
function idx(dims: number[], data: number[], type = 0x08): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(bytes.buffer);
  bytes.set([0, 0, type, dims.length]);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  bytes.set(data, 4 + 4 * dims.length);
  return bytes;
}

// Three 2x3 images and their labels.
const pixels = [0, 1, 2, 3, 4, 255, 10, 20, 30, 40, 50, 60, 7, 7, 7, 7, 7, 7];
const images = idx([3, 2, 3], pixels);
const labels = idx([3], [2, 0, 2]);

describe('IDX', () => {
  it('loads an images/labels pair found by name, in either order, with pixel values kept (0..255)', async () => {
    const ds = await loadDataset({
      files: [file('t-labels-idx1-ubyte', labels), file('t-images-idx3-ubyte', images), file('README.txt', 'ignored')],
    });
    expect(ds).toMatchObject({ kind: 'image', rows: 3, shape: [1, 2, 3], classNames: ['0', '1', '2'] });
    expect(rowsOf(ds)).toEqual([pixels.slice(0, 6), pixels.slice(6, 12), pixels.slice(12)]);
    expect(Array.from(ds.labels)).toEqual([2, 0, 2]);
  });

  it('reads gzipped files, Kaggle-style names, and picks the training pair among train and t10k', async () => {
    const ds = await loadDataset({
      files: [
        file('t10k-images-idx3-ubyte.gz', gzipSync(idx([2, 1, 1], [9, 9]))),
        file('t10k-labels-idx1-ubyte.gz', gzipSync(idx([2], [0, 1]))),
        file('train-images.idx3-ubyte.gz', gzipSync(images)),
        file('train-labels.idx1-ubyte.gz', gzipSync(labels)),
      ],
    });
    expect(ds.rows).toBe(3);
    expect(rowsOf(ds)[1]).toEqual(pixels.slice(6, 12));
  });

  it('finds the partner of a file given by path, and loads a folder holding the pair', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bps-idx-'));
    mkdirSync(join(dir, 'digits'));
    writeFileSync(join(dir, 'digits', 'train-images-idx3-ubyte'), images);
    writeFileSync(join(dir, 'digits', 'train-labels-idx1-ubyte.gz'), gzipSync(labels));
    for (const path of [join(dir, 'digits', 'train-images-idx3-ubyte'), join(dir, 'digits')]) {
      const ds = await loadDataset({ path });
      expect(Array.from(ds.labels)).toEqual([2, 0, 2]);
    }
  });

  const pair = (imagesBytes: Uint8Array, labelsBytes: Uint8Array) =>
    loadDataset({ files: [file('x-images-idx3-ubyte', imagesBytes), file('x-labels-idx1-ubyte', labelsBytes)] });

  it('rejects a wrong magic number, naming what was expected', async () => {
    await expectDatasetError(pair(labels, labels), 'x-images-idx3-ubyte: wrong magic number 0x00000801 at byte offset 0; expected 0x00000803 for IDX images');
    await expectDatasetError(
      pair(idx([3, 2, 3], pixels, 0x0d), labels),
      'x-images-idx3-ubyte: wrong magic number 0x00000d03 at byte offset 0; expected 0x00000803 for IDX images (only unsigned-byte data is supported)',
    );
    await expectDatasetError(pair(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), labels), 'x-images-idx3-ubyte: wrong magic number 0x01020304 at byte offset 0; expected 0x00000803 for IDX images');
  });

  it('rejects truncated data and headers, and bytes after the data', async () => {
    await expectDatasetError(
      pair(images.subarray(0, images.length - 5), labels),
      'x-images-idx3-ubyte: truncated at byte offset 29: the header announces 3x2x3 bytes of images, ending at byte 34',
    );
    await expectDatasetError(pair(images.subarray(0, 10), labels), 'x-images-idx3-ubyte: truncated at byte offset 10: the IDX header needs 16 bytes');
    await expectDatasetError(pair(images, new Uint8Array([...labels, 1])), 'x-labels-idx1-ubyte: 1 unexpected bytes after the labels data, from byte offset 11');
  });

  it('rejects counts that disagree, a lone file, a broken gzip, and a single class', async () => {
    await expectDatasetError(pair(images, idx([2], [0, 1])), 'x-labels-idx1-ubyte: 2 labels for the 3 images of x-images-idx3-ubyte');
    // Three images of no pixels: loaded, they made a dataset of 0 features.
    await expectDatasetError(pair(idx([3, 28, 0], []), labels), 'x-images-idx3-ubyte: images of 28x0 pixels (the header\'s size); expected at least 1x1');
    await expectDatasetError(
      loadDataset({ files: [file('x-images-idx3-ubyte', images)] }),
      'x-images-idx3-ubyte: no matching IDX labels (*-labels-idx1-ubyte) file next to it; load both files, or their folder',
    );
    const gz = gzipSync(labels);
    gz[12] ^= 0xff; // corrupt the deflate stream
    await expectDatasetError(
      loadDataset({ files: [file('x-images-idx3-ubyte', images), file('x-labels-idx1-ubyte.gz', gz)] }),
      'x-labels-idx1-ubyte.gz: not a valid gzip file (invalid distance too far back)',
    );
    const ones = await pair(images, idx([3], [4, 4, 4])); // one class: a test set, not a training set
    expect([ones.classNames.length, ones.labels[2]]).toEqual([5, 4]);
    expect(() => requireTwoClasses(ones)).toThrow(`${ones.name}: every row has the same label "4"; a classifier needs at least two classes to train`);
  });

  it('stops inflating a gzip at the size limit', async () => {
    const bomb = gzipSync(new Uint8Array(1 << 20));
    await expectDatasetError(
      loadDataset({ files: [file('x-images-idx3-ubyte.gz', bomb), file('x-labels-idx1-ubyte', labels)] }, { maxBytes: 100_000 }),
      'x-images-idx3-ubyte.gz (uncompressed): over the 97.7 KiB limit for a dataset (maxBytes)',
    );
  });

  it('refuses a truncated or corrupted gzip instead of reading its trailer as a size or loading it in part', async () => {
    const load = (gz: Uint8Array) => loadDataset({ files: [file('x-images-idx3-ubyte.gz', gz), file('x-labels-idx1-ubyte', labels)] });
    const gz = gzipSync(images);
    // Cut short, its last four bytes (the trailer's size) read 0xffffffff: once called 4 GiB, over the limit.
    const cut = gz.slice(0, -8);
    cut.set([0xff, 0xff, 0xff, 0xff], cut.length - 4);
    await expectDatasetError(load(cut), 'x-images-idx3-ubyte.gz: truncated gzip file (it ends before its compressed data does)');
    // A trailer announcing fewer bytes than the data holds: once silently cut to that size.
    const short = gz.slice();
    new DataView(short.buffer).setUint32(short.length - 4, 10, true);
    await expectDatasetError(load(short), 'x-images-idx3-ubyte.gz: not a valid gzip file (incorrect length check)');
    // A checksum that does not match the data: once loaded as is.
    const crc = gz.slice();
    crc[crc.length - 8] ^= 1;
    await expectDatasetError(load(crc), 'x-images-idx3-ubyte.gz: not a valid gzip file (incorrect data check)');
  });
});
