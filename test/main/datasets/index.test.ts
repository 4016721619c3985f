import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../engine/rng.ts';
import { DatasetError, loadDataset, sourceFromArg } from '../../../main/datasets/index.ts';
import { expectDatasetError, file, loadText, rowsOf } from './helpers.ts';

function randomBytes(n: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  return Uint8Array.from({ length: n }, () => rng.int(256));
}

describe('loadDataset: sources and formats', () => {
  it('takes dropped bytes as an ArrayBuffer too, and gunzips a .csv.gz', async () => {
    const text = new TextEncoder().encode('1,2,a\n3,4,b\n');
    const fromBuffer = await loadDataset({ files: [{ name: 'd.csv', bytes: text.slice().buffer }] });
    const fromGzip = await loadText('d.csv.gz', gzipSync(text));
    expect(rowsOf(fromBuffer)).toEqual([[1, 2], [3, 4]]);
    expect(rowsOf(fromGzip)).toEqual([[1, 2], [3, 4]]);
  });

  it('names random binary bytes as binary, whatever the file is called', async () => {
    for (const [name, format] of [['blob', 'CSV, TSV or JSON'], ['r.csv', 'CSV'], ['r.json', 'JSON'], ['r.tsv', 'TSV']]) {
      const bytes = randomBytes(4096, name.length);
      const error = await loadText(name, bytes).then(() => new Error('loaded'), (e: unknown) => e as Error);
      expect(error).toBeInstanceOf(DatasetError);
      const match = /^(.+): binary data \(byte 0x([0-9a-f]{2}) at byte offset (\d+)\), not a (.+) text file$/.exec(error.message);
      expect(match?.slice(1)).toEqual([name, expect.any(String), expect.any(String), format]);
      expect(bytes[Number(match![3])]).toBe(parseInt(match![2], 16)); // the byte named is the one there
    }
  });

  it('says what is wrong with a broken gzip, a lone IDX file and files that are no dataset together', async () => {
    const fakeGzip = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 100, 0, 0, 0]);
    await expectDatasetError(loadText('x.gz', fakeGzip), 'x.gz: not a valid gzip file (invalid block type)');
    await expectDatasetError(loadText('data', new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1])), 'data: an IDX file needs its partner (images with labels): load both files, or their folder');
    await expectDatasetError(
      loadDataset({ files: [file('a.csv', '1,2,a\n', 'drop/a.csv'), file('b.csv', '1,2,a\n', 'drop/b.csv')] }),
      'drop: 2 files but no images or IDX pair; load one CSV, TSV or JSON file at a time',
    );
    // Datasets are often downloaded as zips: "binary data (byte 0x03 at byte offset 2)" did not say so.
    await expectDatasetError(loadText('mnist.zip', new Uint8Array([0x50, 0x4b, 3, 4, 20, 0])), 'mnist.zip: a zip archive, which is not read; unpack it and load the file or folder inside');
    await expectDatasetError(loadDataset({ files: [] }), 'nothing was dropped');
    await expectDatasetError(loadDataset({ files: [file('a.csv', '1,2,a\n'), file('b.csv', '1,2,a\n')] }, { maxBytes: 10 }), '2 dropped files: 12 bytes is over the 10 bytes limit for a dataset (maxBytes)');
  });

  it('says when a path is missing or an empty folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bps-src-'));
    await expectDatasetError(loadDataset({ path: join(dir, 'nope.csv') }), `${join(dir, 'nope.csv')}: no such file or folder`);
    await expectDatasetError(loadDataset({ path: dir }), `${dir}: empty folder`);
    // Class folders a level too deep: the folder is not empty, and the message must not say so.
    mkdirSync(join(dir, 'train', 'cats'), { recursive: true });
    mkdirSync(join(dir, 'test'));
    writeFileSync(join(dir, 'train', 'cats', '1.png'), '');
    await expectDatasetError(loadDataset({ path: dir }), `${dir}: no files in it or directly in its 2 sub-folders; expected one sub-folder of images per class`);
  });

  it('reads a --dataset argument as a built-in name, else a path', () => {
    expect(sourceFromArg('iris')).toEqual({ builtin: 'iris' });
    expect(sourceFromArg('iris.csv')).toEqual({ path: 'iris.csv' });
  });
});
