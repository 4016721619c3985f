// The JSON batch format of weights-format.md ("Batches"): { "inputs": [[...], ...], "labels": [...] },
// labels as class indices or class names.
import { parseJson, WITHIN_FLOAT32 } from '../../engine/validate.ts';
import { classIndices, DatasetError, quote, sharedFloats, type Dataset } from './dataset.ts';
import { imageShape } from './csv.ts';

export function parseJsonDataset(bytes: Uint8Array, source: string, options: { image?: boolean } = {}): Dataset {
  const text = new TextDecoder().decode(bytes); // drops a UTF-8 byte order mark
  const value = parseJson(text, source); // an InputError saying the line and column
  // Own properties only: a "__proto__" key is a plain key of the parsed object, never read.
  const field = (name: string): unknown => (isObject(value) && Object.hasOwn(value, name) ? value[name] : undefined);
  if (!isObject(value)) throw new DatasetError(`${source}: expected an object { "inputs": [[...]], "labels": [...] }, got ${kind(value)}`);
  const format = field('format'); // the app's other JSON files (weights, gradient, checkpoint) say what they are
  if (typeof format === 'string' && field('inputs') === undefined) {
    throw new DatasetError(`${source}: a ${quote(format)} file, not a dataset { "inputs": [[...]], "labels": [...] }`);
  }
  const inputs = field('inputs');
  const labelValues = field('labels');
  if (!Array.isArray(inputs)) throw new DatasetError(`${source}: inputs: expected an array of rows, got ${kind(inputs)}`);
  if (!Array.isArray(labelValues)) throw new DatasetError(`${source}: labels: expected an array of class indices or names, got ${kind(labelValues)}`);
  if (inputs.length === 0) throw new DatasetError(`${source}: inputs: no rows`);
  if (labelValues.length !== inputs.length) {
    throw new DatasetError(`${source}: ${labelValues.length} labels for ${inputs.length} input rows; expected one label per row`);
  }
  const first: unknown = inputs[0];
  if (!Array.isArray(first) || first.length === 0) {
    throw new DatasetError(`${source}: inputs[0]: expected an array of numbers, got ${Array.isArray(first) ? 'an empty one' : kind(first)}`);
  }
  const m = first.length;
  const rows = inputs.length;
  const features = sharedFloats(rows * m);
  for (let r = 0; r < rows; r++) {
    const row: unknown = inputs[r];
    if (!Array.isArray(row)) throw new DatasetError(`${source}: inputs[${r}]: expected an array of numbers, got ${kind(row)}`);
    if (row.length !== m) throw new DatasetError(`${source}: inputs[${r}]: ${row.length} values, expected ${m} like inputs[0]`);
    for (let j = 0; j < m; j++) {
      const v: unknown = row[j];
      if (typeof v !== 'number') throw new DatasetError(`${source}: inputs[${r}][${j}]: expected a number, got ${kind(v)}`);
      features[r * m + j] = v; // JSON has no NaN or Infinity, but 1e39 is Infinity as a float32
      if (!Number.isFinite(features[r * m + j])) throw new DatasetError(`${source}: inputs[${r}][${j}]: expected ${WITHIN_FLOAT32}, got ${v}`);
    }
  }
  for (let r = 0; r < rows; r++) {
    const label: unknown = labelValues[r];
    if (typeof label !== 'number' && typeof label !== 'string') {
      throw new DatasetError(`${source}: labels[${r}]: expected a class index or name, got ${kind(label)}`);
    }
    if (typeof label === 'string' && label.trim() === '') throw new DatasetError(`${source}: labels[${r}]: missing label (an empty name)`);
  }
  const { labels, classNames } = classIndices(labelValues as (string | number)[], source, (i) => `labels[${i}]`);
  const shape = options.image ? imageShape(m, source) : [m];
  return { name: source, features, labels, rows, shape, classNames, kind: options.image ? 'image' : 'tabular' };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kind(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return quote(typeof v === 'string' ? v : JSON.stringify(v));
}
