// From a loaded dataset to what a model trains on: checked against the model, padded for LeNet-5,
// split (stratified, seeded), normalised with statistics of the training split only.
import { Rng } from '../../engine/rng.ts';
import type { ModelSpec } from '../../engine/spec.ts';
import type { Normalization } from '../../engine/weights.ts';
import { classCounts, DatasetError, featureSize, quote, sharedFloats, sharedInts, type Dataset } from './dataset.ts';

export type { Normalization };

export interface Prepared {
  train: Dataset;
  validation: Dataset | null;
  normalization: Normalization;
}

export interface PrepareOptions {
  spec?: ModelSpec;
  /** Fraction of each class held out for validation, in [0, 1). Default 0. */
  valSplit?: number;
  /** A separate validation set instead (its class names are matched to the training set's). */
  validation?: Dataset;
  /** Default: z-score for tabular data, min-max for images (raw pixels 0..255 -> [0, 1]). */
  normalize?: 'none' | 'minmax' | 'zscore';
  /** Drives the split. Default 1. */
  seed?: number;
}

/** New arrays throughout: the loaded dataset stays as it was, ready to be prepared again. */
export function prepareDataset(ds: Dataset, opts: PrepareOptions = {}): Prepared {
  const { spec, valSplit = 0, seed = 1 } = opts;
  if (!(valSplit >= 0 && valSplit < 1)) throw new DatasetError(`validation split ${valSplit}: expected a fraction from 0 to less than 1`);
  if (valSplit > 0 && opts.validation) throw new DatasetError('give a validation split or a validation dataset, not both');
  const side = paddedSide(ds, spec);
  let train: Dataset;
  let validation: Dataset | null = null;
  if (opts.validation) {
    const other = matchClasses(opts.validation, ds.classNames, `the training set ${ds.name}`);
    if (paddedSide(other, spec) !== side || featureSize(other) !== featureSize(ds)) {
      throw new DatasetError(`${other.name}: samples of shape [${other.shape.join(', ')}], but the training set's are [${ds.shape.join(', ')}]`);
    }
    train = gather(ds, allRows(ds.rows), side);
    validation = gather(other, allRows(other.rows), side);
  } else if (valSplit > 0) {
    const { trainRows, validationRows } = stratifiedSplit(ds, valSplit, seed);
    train = gather(ds, trainRows, side);
    validation = gather(ds, validationRows, side);
  } else {
    train = gather(ds, allRows(ds.rows), side);
  }
  const normalization = statistics(train, opts.normalize ?? (ds.kind === 'image' ? 'minmax' : 'zscore'));
  const m = featureSize(train);
  applyNormalization(train.features, m, normalization);
  if (validation) applyNormalization(validation.features, m, normalization);
  return { train, validation, normalization };
}

/**
 * Throws if the model cannot take the dataset; returns the image side to pad to (LeNet-5 takes
 * 32x32, MNIST is 28x28: two background pixels around, as LeCun et al. 1998 did), or 0.
 */
function paddedSide(ds: Dataset, spec: ModelSpec | undefined): number {
  if (!spec) return 0;
  const m = featureSize(ds);
  if (ds.classNames.length > spec.classes) {
    throw new DatasetError(`${ds.name}: ${ds.classNames.length} classes, but the model has ${spec.classes} outputs`);
  }
  if (spec.type === 'mlp') {
    if (m !== spec.inputs) throw new DatasetError(`${ds.name}: ${m} features per sample, but the model takes ${spec.inputs} inputs`);
    return 0;
  }
  const [, h, w] = ds.shape;
  if (ds.kind !== 'image' || ds.shape[0] !== 1 || h !== w || (h !== 28 && h !== 32)) {
    const what = ds.kind === 'image' ? `${ds.shape.join('x')} images` : `tabular, with ${m} features`;
    const hint = ds.kind === 'tabular' && (m === 784 || m === 1024) ? '; if the columns are pixels, load it as an image (--image)' : '';
    throw new DatasetError(`${ds.name}: LeNet-5 takes 1x32x32 images (1x28x28 are padded), but this dataset is ${what}${hint}`);
  }
  return 32;
}

/** The dataset with its labels renumbered to `classNames` by name (a validation set to the training
 *  set's classes, a test set to a weights file's labels); `against` names those classes in errors. */
export function matchClasses(ds: Dataset, classNames: string[], against: string): Dataset {
  if (ds.classNames.every((name, c) => classNames[c] === name)) return ds;
  const map = ds.classNames.map((name) => classNames.indexOf(name));
  const counts = classCounts(ds.labels, ds.classNames.length);
  const unknown = map.findIndex((c, i) => c < 0 && counts[i] > 0);
  if (unknown >= 0) throw new DatasetError(`${ds.name}: class ${quote(ds.classNames[unknown])} does not occur in ${against}`);
  const labels = sharedInts(ds.rows);
  for (let i = 0; i < ds.rows; i++) labels[i] = map[ds.labels[i]];
  return { ...ds, labels, classNames };
}

function allRows(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** Each class's rows shuffled by the seed, round(count * fraction) of them held out; both
 *  parts keep the file's order. */
function stratifiedSplit(ds: Dataset, fraction: number, seed: number): { trainRows: Int32Array; validationRows: Int32Array } {
  const rng = new Rng(seed);
  const byClass: number[][] = ds.classNames.map(() => []);
  for (let i = 0; i < ds.rows; i++) byClass[ds.labels[i]].push(i);
  const held = new Uint8Array(ds.rows);
  for (const rows of byClass) {
    rng.shuffle(rows);
    for (let k = 0; k < Math.round(rows.length * fraction); k++) held[rows[k]] = 1;
  }
  const validationCount = held.reduce((a, b) => a + b, 0);
  if (validationCount === 0 || validationCount === ds.rows) {
    throw new DatasetError(`${ds.name}: a validation split of ${fraction} leaves ${validationCount} of ${ds.rows} rows for validation; choose another fraction`);
  }
  const trainRows = new Int32Array(ds.rows - validationCount);
  const validationRows = new Int32Array(validationCount);
  for (let i = 0, t = 0, v = 0; i < ds.rows; i++) {
    if (held[i]) validationRows[v++] = i;
    else trainRows[t++] = i;
  }
  return { trainRows, validationRows };
}

/** Copies the given rows into new shared arrays, centring each image in side x side zeros when side > 0. */
function gather(ds: Dataset, rows: Int32Array, side: number): Dataset {
  const m = featureSize(ds);
  const pad = side > 0 && side !== ds.shape[1];
  const shape = pad ? [1, side, side] : ds.shape;
  const out = pad ? side * side : m;
  const features = sharedFloats(rows.length * out);
  const labels = sharedInts(rows.length);
  const [, h, w] = ds.shape;
  const top = (side - h) >> 1;
  const left = (side - w) >> 1;
  for (let r = 0; r < rows.length; r++) {
    const src = ds.features.subarray(rows[r] * m, (rows[r] + 1) * m);
    if (!pad) features.set(src, r * out);
    else for (let y = 0; y < h; y++) features.set(src.subarray(y * w, (y + 1) * w), r * out + (top + y) * side + left);
    labels[r] = ds.labels[rows[r]];
  }
  return { ...ds, features, labels, rows: rows.length, shape };
}

/**
 * Per-feature statistics of the training rows. Images pool all pixels instead (one min and max,
 * or mean and std, repeated per feature): pixels share one scale, and a border pixel that is
 * always 0 must not be stretched. A constant feature gets std 1, or max = min + 1 (a zero would
 * divide by zero; the weights schema requires std > 0): the weights file's usual formulas then
 * subtract its value and divide by 1, as applyNormalization does, in any reader.
 */
function statistics(ds: Dataset, kind: 'none' | 'minmax' | 'zscore'): Normalization {
  if (kind === 'none') return null;
  const m = featureSize(ds);
  const pooled = ds.kind === 'image';
  const groups = pooled ? 1 : m;
  const groupOf = (j: number) => (pooled ? 0 : j);
  const x = ds.features;
  if (kind === 'minmax') {
    const min = new Array<number>(groups).fill(Infinity);
    const max = new Array<number>(groups).fill(-Infinity);
    for (let i = 0; i < x.length; i++) {
      const g = groupOf(i % m);
      if (x[i] < min[g]) min[g] = x[i];
      if (x[i] > max[g]) max[g] = x[i];
    }
    return { kind, min: perFeature(min, m), max: perFeature(max.map((v, g) => (v > min[g] ? v : min[g] + 1)), m) };
  }
  const sum = new Float64Array(groups);
  const count = (ds.rows * m) / groups;
  for (let i = 0; i < x.length; i++) sum[groupOf(i % m)] += x[i];
  const mean = Array.from(sum, (s) => s / count);
  const squares = new Float64Array(groups);
  for (let i = 0; i < x.length; i++) {
    const g = groupOf(i % m);
    squares[g] += (x[i] - mean[g]) ** 2;
  }
  const std = Array.from(squares, (s) => Math.sqrt(s / count) || 1);
  return { kind, mean: perFeature(mean, m), std: perFeature(std, m) };
}

function perFeature(values: number[], m: number): number[] {
  return values.length === m ? values : new Array<number>(m).fill(values[0]);
}

/** In place, row by row; for prediction and evaluation with the statistics of a weights file.
 *  A zero range or std (a constant feature) divides by 1. */
export function applyNormalization(features: Float32Array, featureSize: number, n: Normalization): void {
  if (n === null) return;
  const [shift, scale] = n.kind === 'zscore' ? [n.mean, n.std] : [n.min, n.max.map((max, j) => max - n.min[j])];
  if (shift.length !== featureSize || scale.length !== featureSize) {
    throw new DatasetError(`normalization: ${shift.length} values for ${featureSize} features per sample`);
  }
  if (features.length % featureSize !== 0) throw new Error(`applyNormalization: ${features.length} values are not rows of ${featureSize}`);
  const divisor = scale.map((s) => s || 1);
  for (let i = 0; i < features.length; i += featureSize) {
    for (let j = 0; j < featureSize; j++) features[i + j] = (features[i + j] - shift[j]) / divisor[j];
  }
}
