// `--dataset <builtin | path>`, the model spec completed from it, and rows made ready for a
// trained model: for train, eval, predict and inspect.
import { existsSync } from 'node:fs';
import { InputError } from '../../engine/errors.ts';
import { inputSize, parseSpec, type ModelSpec } from '../../engine/spec.ts';
import type { Normalization } from '../../engine/weights.ts';
import { applyNormalization, BUILTINS, DatasetError, featureSize, loadDataset, matchClasses, prepareDataset, sourceFromArg, type Dataset } from '../datasets/index.ts';

/** The options that say how a dataset file is read: train, eval, predict and inspect take them. */
export const DATASET_OPTIONS = { 'label-column': { type: 'string' }, image: { type: 'boolean' } } as const;
export const DATASET_USAGE = `  --label-column  CSV: the label column, by header name or number from 1 (default: the last)
  --image         CSV/JSON: the feature columns are a square grayscale image (784 -> 28x28,
                  1,024 -> 32x32), as LeNet-5 takes`;

/** `option` is the one `arg` came from (--dataset, --val-dataset, --input), for messages. */
export async function loadDatasetArg(arg: string, values: Record<string, string | boolean | undefined>, option = '--dataset'): Promise<Dataset> {
  const source = sourceFromArg(arg);
  // A missing path is as often a mistyped built-in (irs, MNIST): name them.
  if ('path' in source && !existsSync(arg)) {
    throw new InputError(`${option} ${arg}: neither a built-in dataset (${BUILTINS.map((b) => b.name).join(', ')}) nor an existing file or folder`);
  }
  if ('builtin' in source) refuseFileOptions(source.builtin, values);
  return loadDataset(source, { labelColumn: values['label-column'] as string | undefined, image: values.image === true });
}

/** A built-in's labels and shape are fixed: --label-column, or --image on a table, would be silently
 *  ignored for it. Unless another dataset given is a file (train's --val-dataset), which takes them. */
function refuseFileOptions(name: string, values: Record<string, string | boolean | undefined>): void {
  const args = [values.dataset, values['val-dataset'], values.input];
  if (args.some((a) => typeof a === 'string' && !('builtin' in sourceFromArg(a)))) return;
  if (values['label-column'] !== undefined) {
    throw new InputError(`--label-column: ${name} is a built-in dataset with its own labels; the option names a CSV file's label column`);
  }
  if (values.image === true && BUILTINS.find((b) => b.name === name)?.kind !== 'image') {
    throw new InputError(`--image: ${name} is a built-in table of features, not images`);
  }
}

/** The spec with what the dataset decides filled in: a preset's inputs (MLP) and classes always,
 *  a given spec's only where absent. */
export function completeSpec(value: unknown, source: string, ds: Dataset, preset: boolean): ModelSpec {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError(`${source}: expected a model spec object`);
  const spec = { ...(value as Record<string, unknown>) };
  const fill = (key: string, v: unknown) => {
    if (preset || spec[key] === undefined) spec[key] = v;
  };
  if (spec.type === 'mlp') fill('inputs', featureSize(ds));
  if (spec.type === 'lenet5' && spec.inputShape === undefined) spec.inputShape = [1, 32, 32];
  fill('classes', ds.classNames.length);
  return parseSpec(spec, source);
}

/** The rows as the model saw its training rows: classes renumbered to the weights' labels, images
 *  padded for LeNet-5, the weights' normalization applied. */
export function modelInputs(ds: Dataset, weights: { spec: ModelSpec; labels?: string[]; normalization?: Normalization }): Dataset {
  const { spec, labels } = weights;
  const relabelled = labels ? asModelClasses(ds, labels) : ds;
  const { train } = prepareDataset(relabelled, { spec, normalize: 'none' });
  applyNormalization(train.features, inputSize(spec), weights.normalization ?? null);
  return train;
}

/** Class names are matched by name; numeric labels (a batch file's, weights-format.md: "labels as
 *  class indices") are the model's class indices already, whatever its classes are called. */
function asModelClasses(ds: Dataset, labels: string[]): Dataset {
  const against = `the model's labels (${labels.join(', ')})`;
  if (!isNumbered(ds.classNames)) return matchClasses(ds, labels, against);
  const beyond = ds.labels.find((c) => c >= labels.length);
  if (beyond !== undefined) throw new DatasetError(`${ds.name}: class index ${beyond} is beyond ${against}, numbered from 0`);
  return { ...ds, classNames: labels };
}

/** Whether the classes are known by index only ("0", "1", ...: numeric labels). */
export function isNumbered(classNames: string[]): boolean {
  return classNames.every((name, c) => name === String(c));
}
