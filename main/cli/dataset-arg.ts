// `--dataset <builtin | path>` and the model spec completed from it, for train, eval and predict.
import { InputError } from '../../engine/errors.ts';
import { parseSpec, type ModelSpec } from '../../engine/spec.ts';
import { BUILTINS, loadDataset, type Dataset } from '../datasets/index.ts';

export async function loadDatasetArg(arg: string, labelColumn: string | undefined): Promise<Dataset> {
  const builtin = BUILTINS.find((b) => b.name === arg);
  const column = labelColumn === undefined ? undefined : /^\d+$/.test(labelColumn) ? Number(labelColumn) : labelColumn;
  return builtin ? loadDataset({ builtin: builtin.name }) : loadDataset({ path: arg }, { labelColumn: column });
}

/** The spec with what the dataset decides filled in: a preset's inputs (MLP) and classes always,
 *  a given spec's only where absent. */
export function completeSpec(value: unknown, source: string, ds: Dataset, preset: boolean): ModelSpec {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError(`${source}: expected a model spec object`);
  const spec = { ...(value as Record<string, unknown>) };
  const fill = (key: string, v: unknown) => {
    if (preset || spec[key] === undefined) spec[key] = v;
  };
  if (spec.type === 'mlp') fill('inputs', ds.shape.reduce((a, b) => a * b, 1));
  if (spec.type === 'lenet5' && spec.inputShape === undefined) spec.inputShape = [1, 32, 32];
  fill('classes', ds.classNames.length);
  return parseSpec(spec, source);
}
