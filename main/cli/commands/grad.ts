// `grad`: the mean loss over a batch and its gradient, so that users can check their own
// derivations against the engine's.
import { Model } from '../../../engine/model.ts';
import { InputError } from '../../../engine/errors.ts';
import { WITHIN_FLOAT32 } from '../../../engine/validate.ts';
import { gradientToJson, parseBatch, parseWeights } from '../../../engine/weights.ts';
import { noPositionals, readText, required, writeText } from '../args.ts';
import type { Command } from '../index.ts';

export const command: Command = {
  summary: 'write the mean loss and its gradient over a batch',
  usage: `usage: npm run cli -- grad --weights FILE --data BATCH.json [--dtype float64|float32] --out FILE

  --weights  a weights file (from init, or exported after training)
  --data     a batch: {"inputs": [[...], ...], "labels": [2, 0, ...]}, each row of the model's
             input size, labels as class indices; rows are used as given (no normalization)
  --dtype    arithmetic precision (default float64)
  --out      the gradient file to write ("format": "backprop-studio.gradient")`,
  options: { weights: { type: 'string' }, data: { type: 'string' }, dtype: { type: 'string' }, out: { type: 'string' } },
  async run(values, positionals) {
    noPositionals(positionals, 'grad');
    const weightsPath = required(values, 'weights', 'grad');
    const dataPath = required(values, 'data', 'grad');
    const out = required(values, 'out', 'grad');
    const dtype = values.dtype ?? 'float64';
    if (dtype !== 'float64' && dtype !== 'float32') throw new InputError(`--dtype: expected float64 or float32, got "${dtype}"`);

    const { spec, params, normalization } = parseWeights(readText(weightsPath, '--weights'), weightsPath);
    const model = Model.create(spec, { dtype });
    model.params.set(params);
    const { inputs, labels } = parseBatch(readText(dataPath, '--data'), dataPath, model);
    const rows = inputs.length;
    const x = dtype === 'float64' ? new Float64Array(rows * model.inputSize) : new Float32Array(rows * model.inputSize);
    inputs.forEach((row, r) => x.set(row, r * model.inputSize));
    // Where element i of x came from, and its value as given.
    const cell = (i: number) => {
      const [r, c] = [Math.floor(i / model.inputSize), i % model.inputSize];
      return { at: `inputs[${r}][${c}]`, given: inputs[r][c] };
    };
    const overflow = x.findIndex((value) => !Number.isFinite(value)); // 1e39 in float32
    if (overflow >= 0) {
      const { at, given } = cell(overflow);
      throw new InputError(`${dataPath}: ${at}: expected ${WITHIN_FLOAT32} for --dtype float32, got ${given}`);
    }

    const { lossSum } = model.gradSum(x, labels, rows);
    for (let i = 0; i < model.size; i++) model.grads[i] /= rows; // sums -> gradient of the mean loss
    if (!Number.isFinite(lossSum) || !model.grads.every(Number.isFinite)) {
      // Inputs near the arithmetic's largest value overflow the layers' sums: no file to write.
      let largest = 0;
      for (let i = 1; i < x.length; i++) if (Math.abs(x[i]) > Math.abs(x[largest])) largest = i;
      const { at, given } = cell(largest);
      throw new InputError(`${dataPath}: the loss or its gradient is not finite in ${dtype}; the inputs are too large (${at} is ${given})`);
    }
    writeText(out, gradientToJson(model, lossSum / rows, rows));
    // weights-format.md: "No normalization is applied to the rows"; eval and predict do apply it.
    const asGiven = normalization ? `, taken as given (the weights file's ${normalization.kind} normalization is not applied to a batch)` : '';
    console.log(`wrote ${out}: mean loss ${lossSum / rows} over ${rows} row${rows === 1 ? '' : 's'}${asGiven}`);
  },
};
