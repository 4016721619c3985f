// `predict`: a weights file's class and probabilities for each input row or image.
import Papa from 'papaparse';
import { InputError } from '../../../engine/errors.ts';
import { Model } from '../../../engine/model.ts';
import { parseWeights } from '../../../engine/weights.ts';
import type { ModelSpec } from '../../../engine/spec.ts';
import { WITHIN_FLOAT32 } from '../../../engine/validate.ts';
import { decodeImage, isImageName, numberedClasses, type Dataset } from '../../datasets/index.ts';
import { noPositionals, readBytes, readText, required } from '../args.ts';
import { DATASET_OPTIONS, DATASET_USAGE, isNumbered, loadDatasetArg, modelInputs } from '../dataset-arg.ts';
import type { Command } from '../index.ts';

const TOP = 3;

export const command: Command = {
  summary: 'print the predicted class and probabilities for each input',
  usage: `usage: npm run cli -- predict --weights FILE --input FILE [--label-column C] [--image]

  --weights       a weights file (from train --out)
  --input         a PNG or JPEG image, a CSV/TSV of feature rows without labels (the model's
                  inputs per row; for LeNet-5 784 or 1,024 pixel values of a 28x28 or 32x32
                  image), or any dataset train takes (an image folder, IDX, JSON batch, a CSV
                  with --label-column); the weights file's normalization is applied
${DATASET_USAGE}`,
  options: { weights: { type: 'string' }, input: { type: 'string' }, ...DATASET_OPTIONS },
  async run(values, positionals) {
    noPositionals(positionals, 'predict');
    const weightsPath = required(values, 'weights', 'predict');
    const input = required(values, 'input', 'predict');
    const weights = parseWeights(readText(weightsPath, '--weights'), weightsPath);
    const model = Model.create(weights.spec, { params: weights.params });
    const names = weights.labels ?? numberedClasses(model.classes);
    const image = isImageName(input);
    const unlabelled = image || (/\.(csv|tsv|txt)$/i.test(input) && values['label-column'] === undefined);
    const raw = image ? imageRow(input, weights.spec, model.inputSize, names)
      : unlabelled ? featureRows(readText(input, '--input'), input, model.inputSize, names)
      : await loadDatasetArg(input, values, '--input');
    // A labelled input's classes need not be the model's: its labels are only shown.
    const ds = modelInputs({ ...raw, labels: new Int32Array(raw.rows), classNames: names }, weights);
    const probabilities = model.predict(ds.features, ds.rows);
    // Numeric labels are class indices (as eval reads them): shown by the model's name for the class.
    const numbered = isNumbered(raw.classNames);
    const labelled = (c: number) => (numbered && c < names.length ? names[c] : raw.classNames[c]);
    for (let r = 0; r < ds.rows; r++) {
      const p = Array.from(probabilities.subarray(r * model.classes, (r + 1) * model.classes));
      const ranked = p.map((q, c) => ({ q, c })).sort((a, b) => b.q - a.q);
      const top = ranked.slice(0, TOP).map(({ q, c }) => `${names[c]} ${q.toFixed(4)}`).join(', ');
      const truth = unlabelled ? '' : ` (labelled ${labelled(raw.labels[r])})`;
      console.log(`${r + 1}: ${names[ranked[0].c]}${truth}  [${top}]`);
    }
  },
};

/** One PNG or JPEG decoded as an image folder's images are: grayscale, resized to the MLP's square
 *  input, or for LeNet-5 to 28x28 (the folders' size, padded to 32x32 like them). */
function imageRow(path: string, spec: ModelSpec, inputSize: number, names: string[]): Dataset {
  const side = spec.type === 'lenet5' ? 28 : Math.sqrt(inputSize);
  if (!Number.isInteger(side)) throw new InputError(`${path}: the model takes ${inputSize} inputs, not a square image's pixels`);
  const features = decodeImage(readBytes(path, '--input'), path, side, new Float32Array(new SharedArrayBuffer(side * side * 4)));
  return { name: path, features, labels: new Int32Array(1), rows: 1, classNames: names, shape: [1, side, side], kind: 'image' };
}

/** Rows of numbers, a header row allowed; LeNet-5 takes 28x28 images (padded) as well as 32x32. */
function featureRows(text: string, source: string, inputSize: number, names: string[]): Dataset {
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: 'greedy' });
  let rows = parsed.data;
  if (rows.length > 0 && rows[0].every((cell) => Number.isNaN(Number(cell)))) rows = rows.slice(1);
  if (rows.length === 0) throw new InputError(`${source}: no rows to predict`);
  const width = rows[0].length;
  const sizes = inputSize === 1024 ? [1024, 784] : [inputSize];
  if (!sizes.includes(width)) {
    // One column too many is most likely the label (a training CSV given as is).
    const hint = sizes.includes(width - 1) ? '; if one column is the label, name it with --label-column' : '';
    throw new InputError(`${source}: row 1: expected ${sizes.join(' or ')} numbers (the model's inputs), got ${width}${hint}`);
  }
  const features = new Float32Array(new SharedArrayBuffer(rows.length * width * 4));
  rows.forEach((row, r) => {
    if (row.length !== width) throw new InputError(`${source}: row ${r + 1}: expected ${width} numbers like row 1, got ${row.length}`);
    row.forEach((cell, c) => {
      const x = cell.trim() === '' ? NaN : Number(cell);
      if (!Number.isFinite(Math.fround(x))) {
        const expected = Number.isFinite(x) ? WITHIN_FLOAT32 : 'a number';
        throw new InputError(`${source}: row ${r + 1}, column ${c + 1}: expected ${expected}, got ${JSON.stringify(cell)}`);
      }
      features[r * width + c] = x;
    });
  });
  const side = Math.sqrt(width);
  return {
    name: source, features, labels: new Int32Array(rows.length), rows: rows.length, classNames: names,
    ...(inputSize === 1024 ? { shape: [1, side, side], kind: 'image' as const } : { shape: [width], kind: 'tabular' as const }),
  };
}
