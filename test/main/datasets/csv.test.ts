import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset, requireTwoClasses } from '../../../main/datasets/index.ts';
import { expectDatasetError, loadText, rowsOf } from './helpers.ts';

describe('CSV / TSV: what loads', () => {
  it('detects a header, maps string labels (last column) to sorted class indices, keeps the names', async () => {
    const ds = await loadText('pets.csv', 'weight,height,species\n1,2,dog\n3,4.5,cat\n5,-6e-1,dog\n');
    expect(ds).toMatchObject({ name: 'pets.csv', rows: 3, shape: [2], kind: 'tabular', classNames: ['cat', 'dog'] });
    expect(rowsOf(ds)).toEqual([[1, 2], [3, 4.5], [5, Math.fround(-0.6)]]);
    expect(Array.from(ds.labels)).toEqual([1, 0, 1]);
    expect(ds.features.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(ds.labels.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(ds.features.buffer.byteLength).toBe(3 * 2 * 4); // exactly sized, nothing to slice for workers
  });

  it('takes integer labels as class indices, with a row-1 data row when there is no header', async () => {
    const ds = await loadText('n.csv', '1,2,0\n3,4,2\n');
    expect(ds.classNames).toEqual(['0', '1', '2']);
    expect(Array.from(ds.labels)).toEqual([0, 2]);
    expect(rowsOf(ds)).toEqual([[1, 2], [3, 4]]);
  });

  it('finds the label column by header name or by 1-based number', async () => {
    const text = 'label,x,y\n1,0.5,0.25\n0,1,2\n';
    for (const labelColumn of ['label', 1, '1']) {
      const ds = await loadText('first.csv', text, { labelColumn });
      expect(rowsOf(ds)).toEqual([[0.5, 0.25], [1, 2]]);
      expect(Array.from(ds.labels)).toEqual([1, 0]);
    }
  });

  it('accepts quoted fields, CRLF line ends, a byte order mark and a missing final newline', async () => {
    const ds = await loadText('q.csv', '\uFEFF"x","y","class"\r\n"1.5",2,"a, b"\r\n3,"4","c ""quoted"""');
    expect(rowsOf(ds)).toEqual([[1.5, 2], [3, 4]]);
    expect(ds.classNames).toEqual(['a, b', 'c "quoted"']);
    const multiline = await loadText('m.csv', 'x,label\n1,"two\nlines"\n2,b\n3,x\n');
    expect(multiline.classNames).toEqual(['b', 'two\nlines', 'x']);
    expect(rowsOf(multiline)).toEqual([[1], [2], [3]]);
    expect(multiline.features.buffer.byteLength).toBe(3 * 4); // 4 lines held 3 records: trimmed to size
  });

  it('reads old Mac line ends (a lone CR)', async () => {
    const ds = await loadText('cr.csv', `x,y,label\r${Array.from({ length: 3000 }, (_, i) => `${i},${-i},${i % 2}`).join('\r')}`);
    expect(ds.rows).toBe(3000);
    expect(rowsOf(ds)[2999]).toEqual([2999, -2999]);
    expect(ds.features.buffer.byteLength).toBe(3000 * 2 * 4);
  });

  it('reads TSV by extension and guesses semicolons', async () => {
    const tsv = await loadText('t.tsv', 'x\ty\tlabel\n1\t2\ta\n3\t4\tb\n');
    const semi = await loadText('s.csv', 'x;y;label\n1;2;a\n3;4;b\n');
    for (const ds of [tsv, semi]) {
      expect(rowsOf(ds)).toEqual([[1, 2], [3, 4]]);
      expect(ds.classNames).toEqual(['a', 'b']);
    }
  });

  it('declares the feature columns an image on request', async () => {
    const ds = await loadText('px.csv', '0,1,2,3,a\n4,5,6,7,b\n', { image: true });
    expect(ds).toMatchObject({ kind: 'image', shape: [1, 2, 2] });
  });

  it('keeps values and row numbers right across the 1 MB parsing chunks', async () => {
    // ~1.2 MB: two chunks; quoted cells in the middle; a bad cell far down.
    const lines = ['a,b,c,label'];
    for (let r = 0; r < 40_000; r++) lines.push(`${r},${r * 0.5},${-r},${r % 3}`);
    lines[20_000] = '"19999",9999.5,"-19999",1';
    const ds = await loadText('big.csv', `${lines.join('\n')}\n`);
    expect(ds.rows).toBe(40_000);
    for (const r of [1, 12_345, 19_999, 26_214, 39_999]) {
      expect(rowsOf(ds)[r]).toEqual([r, r * 0.5, -r]);
      expect(ds.labels[r]).toBe(r % 3);
    }
    lines[35_001] = '35000,17500,x35000,1';
    await expectDatasetError(loadText('big.csv', lines.join('\n')), 'big.csv: row 35002, column 3 ("c"): expected a number, got "x35000"');
  });

  it('reports progress in bytes, up to the whole file', async () => {
    const text = `x,label\n${Array.from({ length: 300_000 }, (_, i) => `${i},${i % 2}`).join('\n')}\n`; // ~2.5 MB
    const calls: [number, number][] = [];
    await loadText('p.csv', text, { onProgress: (done, total) => calls.push([done, total]) });
    const size = new TextEncoder().encode(text).length;
    expect(calls.length).toBe(Math.ceil(size / (1 << 20)));
    expect(calls.map(([done]) => done)).toEqual([...calls.map(([done]) => done)].sort((a, b) => a - b));
    expect(calls.at(-1)).toEqual([size, size]);
  });

  it('counts blank lines in row numbers and skips them', async () => {
    const ds = await loadText('blank.csv', '1,2,a\n\n3,4,b\n\n');
    expect(ds.rows).toBe(2);
    await expectDatasetError(loadText('blank.csv', '1,2,a\n\n3,x,b\n'), 'blank.csv: row 3, column 2: expected a number, got "x"');
  });
});

describe('CSV / TSV: every bad file gets one specific line', () => {
  const cases: [string, string, string][] = [
    ['ragged.csv', 'x,y,label\n1,2,a\n3,b\n', 'ragged.csv: row 3: expected 3 fields like the first row, got 2'],
    ['long.csv', 'x,y,label\n1,2,a\n3,4,5,b\n', 'long.csv: row 3: expected 3 fields like the first row, got 4'],
    ['text.csv', 'x,y,label\n1,2,a\n3,abc,b\n', 'text.csv: row 3, column 2 ("y"): expected a number, got "abc"'],
    ['missing.csv', 'x,y,label\n1,,a\n3,4,b\n', 'missing.csv: row 2, column 2 ("y"): missing value'],
    ['spaces.csv', '1, ,a\n3,4,b\n', 'spaces.csv: row 1, column 2: missing value'],
    ['nan.csv', '1,NaN,a\n2,3,b\n', 'nan.csv: row 1, column 2: expected a finite number, got "NaN"'],
    ['inf.csv', '1,2,a\n-Infinity,3,b\n', 'inf.csv: row 2, column 1: expected a finite number, got "-Infinity"'],
    // Finite as doubles, Infinity as the features' float32: refused, not loaded as Infinity.
    ['huge.csv', 'x,y,label\n1,2,a\n3,-1e39,b\n', 'huge.csv: row 3, column 2 ("y"): expected a number within float32 range (|x| < 3.4e38), got "-1e39"'],
    ['e400.csv', '1,2,a\n1e400,3,b\n', 'e400.csv: row 2, column 1: expected a number within float32 range (|x| < 3.4e38), got "1e400"'],
    ['nolabel.csv', '1,2,\n3,4,1\n', 'nolabel.csv: row 1, column 3: missing label'],
    ['empty.csv', '', 'empty.csv: empty file'],
    ['blank.csv', '\n\r\n\n', 'blank.csv: no rows, only blank lines'],
    ['header.csv', 'x,y,label\n', 'header.csv: a header but no data rows'],
    ['neg.csv', '1,2,0\n3,4,-1\n', 'neg.csv: row 2, column 3: a label must be a class name or a non-negative integer, got "-1"'],
    ['frac.csv', '1,2,0\n3,4,1.5\n', 'frac.csv: row 2, column 3: a label must be a class name or a non-negative integer, got "1.5"'],
    ['col.csv', '1\n2\n', 'col.csv: only one column; expected feature columns and a label column'],
    ['quote.csv', 'x,y,label\n1,2,a\n3,"4,b\n5,6,c\n', 'quote.csv: row 3: quoted field unterminated'],
    ['zip.csv', '\x50\x4b\x03\x04 rest', 'zip.csv: a zip archive, which is not read; unpack it and load the file or folder inside'],
    ['bin.csv', '1,2\x00,a\n', 'bin.csv: binary data (byte 0x00 at byte offset 3), not a CSV text file'],
  ];
  for (const [name, text, message] of cases) {
    it(message, () => expectDatasetError(loadText(name, text), message));
  }

  it('loads a file of one class (a test set may be all cats), which a training set may not be', async () => {
    const ds = await loadText('one.csv', 'x,y,label\n1,2,cat\n3,4,cat\n');
    expect(ds.classNames).toEqual(['cat']);
    expect(Array.from(ds.labels)).toEqual([0, 0]);
    expect(() => requireTwoClasses(ds)).toThrow('one.csv: every row has the same label "cat"; a classifier needs at least two classes to train');
  });

  it('names a label column that does not exist', async () => {
    await expectDatasetError(loadText('c.csv', 'x,y,label\n1,2,a\n', { labelColumn: 'kind' }), 'c.csv: no column named "kind"; columns: "x", "y", "label"');
    await expectDatasetError(loadText('c.csv', 'x,y,label\n1,2,a\n', { labelColumn: 4 }), 'c.csv: label column 4 does not exist; columns are numbered 1 to 3');
  });

  it('refuses a file over the size limit before reading it, stating the limit', async () => {
    await expectDatasetError(loadText('big.csv', '1,2,a\n'.repeat(20), { maxBytes: 100 }), 'big.csv: 120 bytes is over the 100 bytes limit for a dataset (maxBytes)');
    const dir = mkdtempSync(join(tmpdir(), 'bps-csv-'));
    const path = join(dir, 'big.csv');
    writeFileSync(path, '1,2,a\n3,4,b\n'.repeat(200));
    await expectDatasetError(loadDataset({ path }, { maxBytes: 2048 }), `${path}: 2.3 KiB is over the 2 KiB limit for a dataset (maxBytes)`);
    expect((await loadDataset({ path })).rows).toBe(400); // the default limit is 1 GiB
  });

  it('leaves a dataset loaded before untouched when the next load fails (loading is pure)', async () => {
    const good = await loadText('good.csv', '1,2,a\n3,4,b\n');
    const before = [Array.from(good.features), Array.from(good.labels), [...good.classNames]];
    await expectDatasetError(loadText('bad.csv', '1,2,a\n3,x,b\n'), 'bad.csv: row 2, column 2: expected a number, got "x"');
    expect([Array.from(good.features), Array.from(good.labels), good.classNames]).toEqual(before);
  });
});
