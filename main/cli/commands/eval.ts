// `eval`: a weights file's loss, accuracy and confusion matrix on a dataset.
import { confusionMatrix } from '../../../engine/metrics.ts';
import { Model } from '../../../engine/model.ts';
import { parseWeights } from '../../../engine/weights.ts';
import { numberedClasses } from '../../datasets/index.ts';
import { noPositionals, readText, required, writeText } from '../args.ts';
import { DATASET_OPTIONS, DATASET_USAGE, loadDatasetArg, modelInputs } from '../dataset-arg.ts';
import type { Command } from '../index.ts';

const CHUNK = 256; // rows per forward pass: bounds the activations' memory

export const command: Command = {
  summary: 'evaluate a weights file on a dataset (loss, accuracy, confusion matrix)',
  usage: `usage: npm run cli -- eval --weights FILE --dataset <builtin | path> [--label-column C] [--image] [--report FILE]

  --weights       a weights file (from train --out)
  --dataset       a built-in (mnist, iris, ...) or a CSV/TSV, IDX, JSON or image folder; all its rows
                  are evaluated, normalised with the weights file's statistics
${DATASET_USAGE}
  --report FILE   JSON: rows, loss, accuracy, confusion ([true][predicted]), perClassAccuracy`,
  options: { weights: { type: 'string' }, dataset: { type: 'string' }, ...DATASET_OPTIONS, report: { type: 'string' } },
  async run(values, positionals) {
    noPositionals(positionals, 'eval');
    const weightsPath = required(values, 'weights', 'eval');
    const weights = parseWeights(readText(weightsPath, '--weights'), weightsPath);
    const ds = modelInputs(await loadDatasetArg(required(values, 'dataset', 'eval'), values), weights);
    const model = Model.create(weights.spec, { params: weights.params });
    const n = model.inputSize;
    const predictions = new Int32Array(ds.rows);
    let lossSum = 0;
    let correct = 0;
    for (let start = 0; start < ds.rows; start += CHUNK) {
      const end = Math.min(ds.rows, start + CHUNK);
      const r = model.evaluate(ds.features.subarray(start * n, end * n), ds.labels.subarray(start, end), end - start, predictions.subarray(start, end));
      lossSum += r.lossSum;
      correct += r.correct;
    }
    const names = weights.labels ?? numberedClasses(model.classes);
    const { confusion, perClassAccuracy } = confusionMatrix(names.length, ds.rows, (i) => ds.labels[i], predictions);
    const result = { rows: ds.rows, loss: lossSum / ds.rows, accuracy: correct / ds.rows, confusion, perClassAccuracy };

    console.log(`${ds.name}: ${ds.rows} rows, loss ${result.loss.toFixed(4)}, accuracy ${(100 * result.accuracy).toFixed(2)}%`);
    const width = Math.max(5, ...names.map((s) => s.length), String(ds.rows).length) + 1;
    const cell = (s: string | number) => String(s).padStart(width);
    console.log(`confusion (rows: true class, columns: predicted)\n${cell('')}${names.map(cell).join('')}`);
    confusion.forEach((row, c) => console.log(`${cell(names[c])}${row.map(cell).join('')}   ${(100 * perClassAccuracy[c]).toFixed(1)}%`));
    if (values.report) writeText(values.report as string, `${JSON.stringify(result, null, 2)}\n`, '--report');
  },
};
