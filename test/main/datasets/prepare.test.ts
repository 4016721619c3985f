import { describe, expect, it } from 'vitest';
import { PRESETS, type ModelSpec } from '../../../engine/spec.ts';
import { applyNormalization, DatasetError, loadDataset, matchClasses, prepareDataset, type Dataset } from '../../../main/datasets/index.ts';
import { rowsOf } from './helpers.ts';

/** rows x 3 features: [row id, 7 (constant), (id * id) % 13]; labels by `classOf`. */
function table(rows: number, classOf: (i: number) => number, classNames = ['a', 'b', 'c']): Dataset {
  const features = new Float32Array(new SharedArrayBuffer(rows * 3 * 4));
  const labels = new Int32Array(new SharedArrayBuffer(rows * 4));
  for (let i = 0; i < rows; i++) {
    features.set([i, 7, (i * i) % 13], 3 * i);
    labels[i] = classOf(i);
  }
  return { name: 't', features, labels, rows, shape: [3], classNames, kind: 'tabular' };
}

/** Classes 0, 1, 2 with 50, 30 and 20 rows, mixed through the file. */
const threeClasses = () => table(100, (i) => (i % 10 < 5 ? 0 : i % 10 < 8 ? 1 : 2));
const counts = (ds: Dataset) => ds.classNames.map((_, c) => ds.labels.filter((l) => l === c).length);
const ids = (ds: Dataset) => rowsOf(ds).map((row) => row[0]);
const mlp = (inputs: number, classes: number): ModelSpec => ({ ...PRESETS.mlp, inputs, classes } as ModelSpec);

describe('prepareDataset: split', () => {
  it('holds out round(count x fraction) of each class, seeded, each part in file order, every row once', () => {
    const ds = threeClasses();
    const { train, validation } = prepareDataset(ds, { valSplit: 0.2, seed: 4, normalize: 'none' });
    expect(counts(validation!)).toEqual([10, 6, 4]);
    expect(counts(train)).toEqual([40, 24, 16]);
    const [t, v] = [ids(train), ids(validation!)];
    expect([...t, ...v].sort((a, b) => a - b)).toEqual([...Array(100).keys()]);
    expect(t).toEqual([...t].sort((a, b) => a - b));
    expect(v).toEqual([...v].sort((a, b) => a - b));
    rowsOf(train).forEach((row, r) => expect(train.labels[r]).toBe(ds.labels[row[0]])); // labels travel with rows
    expect(ids(prepareDataset(ds, { valSplit: 0.2, seed: 4, normalize: 'none' }).validation!)).toEqual(v);
    expect(ids(prepareDataset(ds, { valSplit: 0.2, seed: 5, normalize: 'none' }).validation!)).not.toEqual(v);
  });

  it('leaves the loaded dataset as it was, and shares the results through SharedArrayBuffers', () => {
    const ds = threeClasses();
    const before = Array.from(ds.features);
    const { train, validation } = prepareDataset(ds, { valSplit: 0.3 });
    expect(Array.from(ds.features)).toEqual(before);
    for (const part of [train, validation!]) {
      expect(part.features.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(part.labels.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(part.features.buffer.byteLength).toBe(part.rows * 3 * 4);
    }
  });

  it('refuses fractions that make no sense, and a split together with a validation set', () => {
    const ds = threeClasses();
    expect(() => prepareDataset(ds, { valSplit: 1 })).toThrow('validation split 1: expected a fraction from 0 to less than 1');
    expect(() => prepareDataset(ds, { valSplit: 0.001 })).toThrow('t: a validation split of 0.001 leaves 0 of 100 rows for validation; choose another fraction');
    expect(() => prepareDataset(ds, { valSplit: 0.1, validation: ds })).toThrow('give a validation split or a validation dataset, not both');
  });
});

describe('prepareDataset: normalisation', () => {
  it('z-scores with the training split only (population std; a constant feature divides by 1), applied to both parts', () => {
    const ds = threeClasses();
    const raw = prepareDataset(ds, { valSplit: 0.25, seed: 9, normalize: 'none' });
    const { train, validation, normalization } = prepareDataset(ds, { valSplit: 0.25, seed: 9 }); // tabular default: zscore
    const columns = [0, 1, 2].map((j) => rowsOf(raw.train).map((row) => row[j]));
    const mean = columns.map((c) => c.reduce((a, b) => a + b, 0) / c.length);
    const std = columns.map((c, j) => Math.sqrt(c.reduce((a, b) => a + (b - mean[j]) ** 2, 0) / c.length));
    expect(normalization).toMatchObject({ kind: 'zscore' });
    if (normalization?.kind !== 'zscore') return;
    normalization.mean.forEach((m, j) => expect(m).toBeCloseTo(mean[j], 9));
    expect(normalization.std[0]).toBeCloseTo(std[0], 9);
    expect(normalization.std[1]).toBe(1); // constant 7: std 0 would divide by zero
    for (const [done, before] of [[train, raw.train], [validation!, raw.validation!]]) {
      rowsOf(done).forEach((row, r) => row.forEach((v, j) => {
        const expected = (rowsOf(before)[r][j] - mean[j]) / (j === 1 ? 1 : std[j]);
        expect(v).toBeCloseTo(expected, 5);
      }));
    }
  });

  it('min-max scales tabular data per feature, images by their pooled range (raw pixels -> [0, 1])', () => {
    const ds = threeClasses();
    const { train, normalization } = prepareDataset(ds, { normalize: 'minmax' });
    // The constant 7 gets max = min + 1: (x - min) / (max - min) is then 0, not 0 / 0, in any reader.
    expect(normalization).toEqual({ kind: 'minmax', min: [0, 7, 0], max: [99, 8, 12] });
    expect(rowsOf(train)[50]).toEqual([50 / 99, 0, ((50 * 50) % 13) / 12].map(Math.fround));

    // Two 1x2x2 images; the pooled range is 10..250 whatever the pixel.
    const image: Dataset = {
      name: 'img', rows: 2, shape: [1, 2, 2], kind: 'image', classNames: ['x', 'y'],
      features: Float32Array.from([10, 20, 250, 30, 10, 10, 10, 130]), labels: Int32Array.from([0, 1]),
    };
    const prepared = prepareDataset(image, {}); // image default: minmax
    expect(prepared.normalization).toEqual({ kind: 'minmax', min: [10, 10, 10, 10], max: [250, 250, 250, 250] });
    expect(Array.from(prepared.train.features)).toEqual([0, 10 / 240, 1, 20 / 240, 0, 0, 0, 0.5].map(Math.fround));
  });

  it('maps the built-in mnist to [0, 1] by default', async () => {
    const { train, normalization } = prepareDataset(await loadDataset({ builtin: 'mnist', rows: 100 }), {});
    expect(normalization).toMatchObject({ kind: 'minmax' });
    expect(Math.min(...train.features)).toBe(0);
    expect(Math.max(...train.features)).toBe(1);
  });

  it('applyNormalization: hand-worked values, null as a no-op, a length mismatch as an error', () => {
    const x = Float32Array.from([3, 5, -1, 2]);
    applyNormalization(x, 2, { kind: 'zscore', mean: [1, 2], std: [2, 0] });
    expect(Array.from(x)).toEqual([1, 3, -1, 0]);
    const y = Float32Array.from([5, 5, 10, 9]);
    applyNormalization(y, 2, { kind: 'minmax', min: [0, 5], max: [10, 5] });
    expect(Array.from(y)).toEqual([0.5, 0, 1, 4]);
    applyNormalization(y, 2, null);
    expect(Array.from(y)).toEqual([0.5, 0, 1, 4]);
    expect(() => applyNormalization(y, 2, { kind: 'zscore', mean: [0, 0, 0], std: [1, 1, 1] })).toThrow(new DatasetError('normalization: 3 values for 2 features per sample'));
  });
});

describe('prepareDataset: the model', () => {
  it('pads 28x28 images to 32x32 for LeNet-5, two background pixels around', () => {
    const features = Float32Array.from({ length: 2 * 784 }, (_, i) => (i % 784) + 1);
    const mnistLike: Dataset = { name: 'm', rows: 2, shape: [1, 28, 28], kind: 'image', classNames: ['0', '1'], features, labels: Int32Array.from([0, 1]) };
    const { train } = prepareDataset(mnistLike, { spec: PRESETS.lenet5, normalize: 'none' });
    expect(train.shape).toEqual([1, 32, 32]);
    const image = rowsOf(train)[1];
    expect(image.length).toBe(1024);
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const inside = y >= 2 && y < 30 && x >= 2 && x < 30;
        expect(image[y * 32 + x]).toBe(inside ? (y - 2) * 28 + (x - 2) + 1 : 0);
      }
    }
  });

  it('says clearly when the model cannot take the data', async () => {
    const ds = threeClasses();
    expect(() => prepareDataset(ds, { spec: mlp(4, 3) })).toThrow(new DatasetError('t: 3 features per sample, but the model takes 4 inputs'));
    expect(() => prepareDataset(ds, { spec: mlp(3, 2) })).toThrow(new DatasetError('t: 3 classes, but the model has 2 outputs'));
    expect(() => prepareDataset(ds, { spec: { ...PRESETS.lenet5, classes: 3 } as ModelSpec })).toThrow(
      new DatasetError('t: LeNet-5 takes 1x32x32 images (1x28x28 are padded), but this dataset is tabular, with 3 features'),
    );
    const pixels = await loadDataset({ files: [{ name: 'px.csv', bytes: new TextEncoder().encode(`${'1,'.repeat(784)}0\n${'2,'.repeat(784)}1\n`) }] });
    expect(() => prepareDataset(pixels, { spec: { ...PRESETS.lenet5, classes: 2 } as ModelSpec })).toThrow(
      'px.csv: LeNet-5 takes 1x32x32 images (1x28x28 are padded), but this dataset is tabular, with 784 features; if the columns are pixels, load it as an image (--image)',
    );
    expect(prepareDataset(pixels, { spec: mlp(784, 2) }).train.rows).toBe(2);
  });

  it('matches a separate validation set to the training classes by name', () => {
    const train = table(6, (i) => i % 3);
    const val = table(4, (i) => i % 2, ['b', 'c']); // its 0 is "b" = the training set's 1
    const prepared = prepareDataset(train, { validation: val, normalize: 'none' });
    expect(prepared.validation!.classNames).toEqual(['a', 'b', 'c']);
    expect(Array.from(prepared.validation!.labels)).toEqual([1, 2, 1, 2]);
    expect(() => prepareDataset(train, { validation: table(2, (i) => i, ['a', 'zebra']) })).toThrow(
      new DatasetError('t: class "zebra" does not occur in the training set t'),
    );
    const forModel = matchClasses(table(3, (i) => i), ['c', 'a', 'b', 'd'], "the model's labels");
    expect([forModel.classNames, Array.from(forModel.labels)]).toEqual([['c', 'a', 'b', 'd'], [1, 2, 0]]);
    const wider: Dataset = { ...table(2, (i) => i), features: new Float32Array(2 * 4), shape: [4] };
    expect(() => prepareDataset(train, { validation: wider })).toThrow(
      new DatasetError("t: samples of shape [4], but the training set's are [3]"),
    );
  });
});
