// The weights file, the gradient file and the batch file of weights-format.md. WeightsFileSchema
// is the machine-checkable schema of the weights file; parseWeights adds what a schema cannot
// say (the tensors the spec implies, the vectors' lengths) and rejects a bad file with one line
// naming the file, the place and the problem.
import * as v from 'valibot';
import { InputError } from './errors.ts';
import { C3_CONNECTIONS, Model } from './model.ts';
import { OptimizerConfigSchema } from './optim.ts';
import { ModelSpecSchema, type ModelSpec } from './spec.ts';
import { finiteNumber, integerIn, parseJson, parseOrThrow, WITHIN_FLOAT32 } from './validate.ts';

export const WEIGHTS_FORMAT = 'backprop-studio.weights';
export const GRADIENT_FORMAT = 'backprop-studio.gradient';

// Parameters and normalised inputs are float32: a number that rounds to Infinity there is refused.
const float32Value = v.pipe(
  finiteNumber,
  v.check((x) => Number.isFinite(Math.fround(x)), (issue) => `expected ${WITHIN_FLOAT32}, got ${issue.input}`),
);
const numbers = (what: string) => v.array(float32Value, `expected an array of ${what}`);

const TensorSchema = v.object({
  name: v.string('expected a tensor name'),
  shape: v.array(integerIn(1, 2 ** 31), 'expected an array of dimensions'),
  data: numbers('numbers'),
});

export const NormalizationSchema = v.nullable(
  v.variant(
    'kind',
    [
      v.object({
        kind: v.literal('zscore'),
        mean: numbers('means'),
        // (x - mean) / std: a zero std would turn inputs into Infinity or NaN; so would one that is
        // positive only in double (1e-300), the inputs being float32.
        std: v.array(
          v.pipe(float32Value, v.check((x) => Math.fround(x) > 0, (issue) => `expected a positive standard deviation, got ${issue.input}`)),
          'expected an array of standard deviations',
        ),
      }),
      v.object({ kind: v.literal('minmax'), min: numbers('minimums'), max: numbers('maximums') }),
    ],
    'expected null or a normalization with "kind" "zscore" or "minmax"',
  ),
);
export type Normalization = v.InferOutput<typeof NormalizationSchema>;

const fraction = v.pipe(finiteNumber, v.minValue(0, 'expected a number in [0, 1]'), v.maxValue(1, 'expected a number in [0, 1]'));
export const TrainingInfoSchema = v.object({
  epochs: v.pipe(finiteNumber, v.minValue(0, 'expected a number >= 0')),
  seed: v.pipe(v.number('expected an integer'), v.safeInteger('expected an integer')),
  optimizer: OptimizerConfigSchema,
  metrics: v.optional(
    v.object({
      trainLoss: v.optional(finiteNumber),
      trainAccuracy: v.optional(fraction),
      valLoss: v.optional(finiteNumber),
      valAccuracy: v.optional(fraction),
    }),
  ),
});
export type TrainingInfo = v.InferOutput<typeof TrainingInfoSchema>;

// Unknown top-level fields are dropped (a later version may add some); the spec is strict.
export const WeightsFileSchema = v.object({
  format: v.literal(WEIGHTS_FORMAT, `expected "${WEIGHTS_FORMAT}"`),
  version: v.literal(1, 'expected 1 (the only version this app reads)'),
  model: ModelSpecSchema,
  tensors: v.array(TensorSchema, 'expected an array of tensors'),
  labels: v.optional(v.array(v.string('expected a class name'), 'expected an array of class names')),
  normalization: v.optional(NormalizationSchema),
  training: v.optional(TrainingInfoSchema),
  createdBy: v.optional(v.string('expected a string')),
  createdAt: v.optional(v.string('expected a string')),
});

export interface WeightsExtras {
  labels?: string[];
  normalization?: Normalization;
  training?: TrainingInfo;
  /** e.g. "backprop-studio 0.1.0"; "backprop-studio" when not given. */
  createdBy?: string;
  /** An ISO date, written only when given, so that `init` with a seed writes the same file twice. */
  createdAt?: string;
}

/** A short decimal that reads back as the same float32: binary search over the digit count for
 *  the fewest that round-trip (p + 1 digits are at least as close as p, so this is the shortest but
 *  for rare cases at powers of two, where the float32 interval is lopsided). The result always
 *  round-trips: the search only ever settles on a count that did, or on 9, which always does. */
export function float32ToString(x: number): string {
  const f = Math.fround(x);
  if (Object.is(f, -0)) return '-0';
  if (!Number.isFinite(f)) throw new RangeError(`cannot write ${x} to JSON`);
  let lo = 1, hi = 9;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (Math.fround(Number(f.toPrecision(mid))) === f) hi = mid;
    else lo = mid + 1;
  }
  return String(Number(f.toPrecision(lo)));
}

/** float64 values as JS prints them: the shortest decimal that reads back as the same double. */
function float64ToString(x: number): string {
  if (Object.is(x, -0)) return '-0';
  if (!Number.isFinite(x)) throw new RangeError(`cannot write ${x} to JSON`);
  return String(x);
}

function tensorsJson(model: Model, values: ArrayLike<number>, write: (x: number) => string): string {
  const lines = model.tensors.map(({ name, shape, offset, size }) => {
    const data: string[] = new Array(size);
    for (let i = 0; i < size; i++) {
      const x = values[offset + i];
      // A diverged run must not produce a file that cannot be read back.
      if (!Number.isFinite(x)) throw new Error(`${name}: data[${i}] is ${x}; a weights or gradient file holds finite numbers only`);
      data[i] = write(x);
    }
    return `    { "name": ${JSON.stringify(name)}, "shape": ${JSON.stringify(shape)}, "data": [${data.join(', ')}] }`;
  });
  return `[\n${lines.join(',\n')}\n  ]`;
}

/** Pretty JSON for the small fields; each tensor on one line, so that the file stays readable. */
function fileJson(fields: [string, string | undefined][]): string {
  const present = fields.filter((f): f is [string, string] => f[1] !== undefined);
  return `{\n${present.map(([k, json]) => `  ${JSON.stringify(k)}: ${json}`).join(',\n')}\n}\n`;
}

/** The weights file. Parameters are written as float32 (the file's precision), bit-exact. */
export function weightsToJson(model: Model, extras: WeightsExtras = {}): string {
  // The extras must read back too (no NaN metric, say): check them as a reader would. A failure
  // here is the program's fault, not the user's, hence a plain Error.
  const { labels, normalization, training } = extras;
  try {
    parseOrThrow(v.partial(v.pick(WeightsFileSchema, ['labels', 'normalization', 'training'])), { labels, normalization, training }, 'weightsToJson');
  } catch (e) {
    throw new Error((e as Error).message);
  }
  const json = (x: unknown) => (x === undefined ? undefined : JSON.stringify(x));
  return fileJson([
    ['format', json(WEIGHTS_FORMAT)],
    ['version', '1'],
    ['model', json(model.spec)],
    ['tensors', tensorsJson(model, model.params, float32ToString)],
    ['labels', json(extras.labels)],
    ['normalization', json(extras.normalization)],
    ['training', json(extras.training)],
    ['createdBy', json(extras.createdBy ?? 'backprop-studio')],
    ['createdAt', json(extras.createdAt)],
  ]);
}

/** The gradient file: `model.grads` must hold the gradient of the MEAN loss over `rows` rows
 *  (gradSum gives sums: divide by rows first). Float64 models write full float64 precision. */
export function gradientToJson(model: Model, meanLoss: number, rows: number): string {
  const write = model.dtype === 'float64' ? float64ToString : float32ToString;
  return fileJson([
    ['format', JSON.stringify(GRADIENT_FORMAT)],
    ['version', '1'],
    ['model', JSON.stringify(model.spec)],
    ['loss', float64ToString(meanLoss)],
    ['rows', String(rows)],
    ['tensors', tensorsJson(model, model.grads, write)],
  ]);
}

const shapeText = (shape: number[]) => `[${shape.join(',')}]`;

/** Reads and validates a weights file; `source` (the file name) starts every error message. */
export function parseWeights(text: string, source: string): { spec: ModelSpec; params: Float32Array } & WeightsExtras {
  const raw = parseJson(text.replace(/^\uFEFF/, ''), source); // a byte order mark, which JSON allows
  const tensorName = (keys: (string | number)[]) => {
    if (keys.length !== 2 || keys[0] !== 'tensors' || typeof keys[1] !== 'number') return undefined;
    const name = (raw as { tensors: { name?: unknown }[] }).tensors[keys[1]]?.name;
    return typeof name === 'string' ? name : undefined;
  };
  const file = parseOrThrow(WeightsFileSchema, raw, source, tensorName);
  const spec = file.model;
  const fail = (message: string): never => {
    throw new InputError(`${source}: ${message}`);
  };

  // The spec decides which tensors there are; match the file's by name, whatever their order.
  const layout = Model.create(spec, { dtype: 'float32' });
  const params = new Float32Array(layout.size);
  const seen = new Set<string>();
  file.tensors.forEach((t, i) => {
    const where = `tensors[${i}] (${t.name})`;
    const expected = layout.tensors.find((e) => e.name === t.name);
    if (!expected) fail(`${where}: no such tensor in this ${spec.type} model; it has ${layout.tensors.map((e) => e.name).join(', ')}`);
    if (seen.has(t.name)) fail(`${where}: duplicate tensor`);
    seen.add(t.name);
    const { shape, offset, size } = expected!;
    if (shapeText(t.shape) !== shapeText(shape)) fail(`${where}: shape: expected ${shapeText(shape)}, got ${shapeText(t.shape)}`);
    if (t.data.length !== size) fail(`${where}: data: expected ${size} numbers (shape ${shapeText(shape)}), got ${t.data.length}`);
    params.set(t.data, offset);
  });
  const missing = layout.tensors.filter((e) => !seen.has(e.name)).map((e) => e.name);
  if (missing.length) fail(`tensors: missing ${missing.map((n) => `"${n}"`).join(', ')}`);

  // The contract promises zeros where classic C3 has no link: a reader elsewhere convolves with the
  // whole tensor, while this engine ignores those kernels, so a non-zero would predict differently.
  if (spec.type === 'lenet5' && spec.variant === 'classic') {
    const i = file.tensors.findIndex((t) => t.name === 'c3.weight');
    const { data } = file.tensors[i];
    const [d, c] = [(k: number) => Math.floor(k / 150), (k: number) => Math.floor(k / 25) % 6]; // [16][6][5][5]
    const k = data.findIndex((w, k) => w !== 0 && !C3_CONNECTIONS[d(k)].includes(c(k)));
    if (k >= 0) {
      fail(`tensors[${i}] (c3.weight): data[${k}]: expected 0, got ${data[k]}: in the classic variant, C3 map ${d(k)} has no link from S2 map ${c(k)} (the 1998 connection table)`);
    }
  }

  if (file.labels) {
    if (file.labels.length !== spec.classes) fail(`labels: expected ${spec.classes} class names (the model's classes), got ${file.labels.length}`);
    // Two classes of one name would print the same prediction for both.
    const first = new Map<string, number>();
    file.labels.forEach((name, i) => {
      const j = first.get(name);
      if (j !== undefined) fail(`labels[${i}]: ${JSON.stringify(name)} again (labels[${j}]); each class needs a name of its own`);
      first.set(name, i);
    });
  }
  const norm = file.normalization;
  if (norm) {
    const inputs = layout.inputSize;
    const vectors: [string, number[]][] = norm.kind === 'zscore' ? [['mean', norm.mean], ['std', norm.std]] : [['min', norm.min], ['max', norm.max]];
    for (const [name, vector] of vectors) {
      if (vector.length !== inputs) fail(`normalization.${name}: expected ${inputs} values (the model's inputs), got ${vector.length}`);
    }
    if (norm.kind === 'minmax') {
      const j = norm.max.findIndex((max, j) => max < norm.min[j]);
      if (j >= 0) fail(`normalization.max[${j}]: expected at least min[${j}] (${norm.min[j]}), got ${norm.max[j]}`);
    }
  }
  const { labels, normalization, training, createdBy, createdAt } = file;
  return { spec, params, labels, normalization, training, createdBy, createdAt };
}

const BatchSchema = v.object({
  inputs: v.pipe(
    v.array(v.array(finiteNumber, 'expected a row: an array of numbers'), 'expected an array of rows'),
    v.minLength(1, 'expected at least one row'),
  ),
  labels: v.array(integerIn(0, 2 ** 31), 'expected an array of class indices'),
});

/** Reads a batch file `{ "inputs": [[...], ...], "labels": [...] }`. Given the model, checks each
 *  row's length against its input size and each label against its classes. */
export function parseBatch(
  text: string,
  source: string,
  model?: { inputSize: number; classes: number },
): { inputs: number[][]; labels: number[] } {
  const { inputs, labels } = parseOrThrow(BatchSchema, parseJson(text, source), source);
  if (labels.length !== inputs.length) {
    throw new InputError(`${source}: labels: expected ${inputs.length} labels (one per row of inputs), got ${labels.length}`);
  }
  if (model) {
    const r = inputs.findIndex((row) => row.length !== model.inputSize);
    if (r >= 0) {
      throw new InputError(`${source}: inputs[${r}]: expected ${model.inputSize} numbers (the model's input size), got ${inputs[r].length}`);
    }
    const l = labels.findIndex((label) => label >= model.classes);
    if (l >= 0) {
      throw new InputError(`${source}: labels[${l}]: expected a class index below ${model.classes} (the model's classes), got ${labels[l]}`);
    }
  }
  return { inputs, labels };
}
