import { describe, expect, it } from 'vitest';
import { expectDatasetError, loadText, rowsOf } from './helpers.ts';

describe('JSON batch files', () => {
  it('loads inputs with labels as class indices', async () => {
    const ds = await loadText('batch.json', '{ "inputs": [[1, 2.5], [3, -4]], "labels": [1, 0] }');
    expect(ds).toMatchObject({ rows: 2, shape: [2], kind: 'tabular', classNames: ['0', '1'] });
    expect(rowsOf(ds)).toEqual([[1, 2.5], [3, -4]]);
    expect(Array.from(ds.labels)).toEqual([1, 0]);
    expect(ds.features.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('loads labels as class names, sorted, and sniffs JSON without the extension', async () => {
    const ds = await loadText('batch', '  {"inputs": [[0], [1], [2]], "labels": ["dog", "cat", "dog"]}');
    expect(ds.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(ds.labels)).toEqual([1, 0, 1]);
  });

  it('declares rows an image on request, if they are square', async () => {
    const ds = await loadText('img.json', '{"inputs": [[0, 1, 2, 3], [4, 5, 6, 7]], "labels": [0, 1]}', { image: true });
    expect(ds).toMatchObject({ kind: 'image', shape: [1, 2, 2] });
    await expectDatasetError(
      loadText('odd.json', '{"inputs": [[0, 1, 2], [4, 5, 6]], "labels": [0, 1]}', { image: true }),
      'odd.json: 3 feature columns are not a square image (784 = 28x28, 1024 = 32x32)',
    );
  });

  it('treats a "__proto__" key as plain data: nothing changes, nothing is polluted', async () => {
    const ds = await loadText('p.json', '{"__proto__": {"inputs": [[9]], "polluted": true}, "inputs": [[1], [2]], "labels": [0, 1]}');
    expect(rowsOf(ds)).toEqual([[1], [2]]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await expectDatasetError(
      loadText('q.json', '{"__proto__": {"inputs": [[1], [2]], "labels": [0, 1]}}'),
      'q.json: inputs: expected an array of rows, got nothing',
    );
  });

  const cases: [string, string, string][] = [
    ['trunc.json', '{"inputs": [[1, 2], [3', 'trunc.json: invalid JSON at line 1, column 23: expected "," or "]", got the end of the file'],
    ['trunc2.json', '{"inputs": [[1, 2], [3, 4]], "labels": [0, ', 'trunc2.json: invalid JSON at line 1, column 44: expected a value, got the end of the file'],
    ['syntax.json', '{"inputs": [[1, 2]],\n "labels": [0,, 1]}', 'syntax.json: invalid JSON at line 2, column 15: expected a value, got ","'],
    ['comma.json', '{"inputs": [[1]], "labels": [0],}', 'comma.json: invalid JSON at line 1, column 33: expected a quoted key, got "}"'],
    ['utf8.json', '{"ä": 1, "inputs": x}', 'utf8.json: invalid JSON at line 1, column 20: expected a value, got "x"'],
    ['count.json', '{"inputs": [[1], [2], [3]], "labels": [0, 1]}', 'count.json: 2 labels for 3 input rows; expected one label per row'],
    ['ragged.json', '{"inputs": [[1, 2], [3]], "labels": [0, 1]}', 'ragged.json: inputs[1]: 1 values, expected 2 like inputs[0]'],
    ['cell.json', '{"inputs": [[1, 2], [3, "4"]], "labels": [0, 1]}', 'cell.json: inputs[1][1]: expected a number, got "4"'],
    ['huge.json', '{"inputs": [[1, 2], [3, 1e39]], "labels": [0, 1]}', 'huge.json: inputs[1][1]: expected a number within float32 range (|x| < 3.4e38), got 1e+39'],
    ['e400.json', '{"inputs": [[-1e400, 2]], "labels": [0]}', 'e400.json: inputs[0][0]: expected a number within float32 range (|x| < 3.4e38), got -Infinity'],
    ['weights.json', '{"format": "backprop-studio.weights", "version": 1, "model": {}}', 'weights.json: a "backprop-studio.weights" file, not a dataset { "inputs": [[...]], "labels": [...] }'],
    ['empty-row.json', '{"inputs": [[], []], "labels": [0, 1]}', 'empty-row.json: inputs[0]: expected an array of numbers, got an empty one'],
    ['blank.json', '{"inputs": [[1], [2]], "labels": ["a", " "]}', 'blank.json: labels[1]: missing label (an empty name)'],
    ['null.json', '{"inputs": [[1, 2], [3, null]], "labels": [0, 1]}', 'null.json: inputs[1][1]: expected a number, got null'],
    ['array.json', '[[1, 2]]', 'array.json: expected an object { "inputs": [[...]], "labels": [...] }, got an array'],
    ['nolabels.json', '{"inputs": [[1, 2]]}', 'nolabels.json: labels: expected an array of class indices or names, got nothing'],
    ['norows.json', '{"inputs": [], "labels": []}', 'norows.json: inputs: no rows'],
    ['neg.json', '{"inputs": [[1], [2]], "labels": [0, -2]}', 'neg.json: labels[1]: a label must be a class name or a non-negative integer, got "-2"'],
    ['frac.json', '{"inputs": [[1], [2]], "labels": [0, 0.5]}', 'frac.json: labels[1]: a label must be a class name or a non-negative integer, got "0.5"'],
    ['obj.json', '{"inputs": [[1], [2]], "labels": [0, {}]}', 'obj.json: labels[1]: expected a class index or name, got an object'],
    ['empty.json', '', 'empty.json: empty file'],
    ['bin.json', '{\x00\x01', 'bin.json: binary data (byte 0x00 at byte offset 1), not a JSON text file'],
  ];
  for (const [name, text, message] of cases) {
    it(message, () => expectDatasetError(loadText(name, text), message));
  }
});
