// THE contract between the renderer and the services, in both hosts (Electron IPC and the browser
// host's WebSocket): every request with its payload schema and result type, every event with its
// schema. Nothing else defines a channel; the API object type, the preload, the WebSocket adapter and
// the service handlers all derive from these two lists.
//
// Payloads come from an untrusted renderer: the services validate each one with its schema before
// anything else. Results and events come from the trusted side; events still have schemas (tests
// check the services emit what they promise). Binary data crosses as ArrayBuffer, never JSON arrays.
import * as v from 'valibot';
import { ModelSpecSchema } from '../../engine/spec.ts';
import { OptimizerConfigSchema } from '../../engine/optim.ts';
import { integerIn, oneOf } from '../../engine/validate.ts';
import type { LayerKind } from '../../engine/model.ts';

// ---------------------------------------------------------------- building blocks

/** Checked by tag, not instanceof: a buffer may come from another realm (preload, IPC). */
const Bytes = v.custom<ArrayBuffer>((x) => Object.prototype.toString.call(x) === '[object ArrayBuffer]', 'expected an ArrayBuffer');

const MAX_FILES = 200_000; // an image folder of all MNIST digits is 70,000 files
const MAX_TEXT = 512 * 1024 * 1024; // a weights file of the largest MLP the spec allows
const text = (max: number) => v.pipe(v.string('expected a string'), v.maxLength(max, `expected at most ${max} characters`));
const seed = integerIn(0, 2 ** 32 - 1);
const none = v.undefined('expected no payload');

const DroppedFileSchema = v.strictObject({
  name: text(1024),
  relativePath: v.optional(text(4096)), // "digits/3/a.png" for a file inside a dropped folder
  bytes: Bytes,
});

export const BUILTIN_NAMES = ['mnist', 'iris', 'circle', 'xor', 'blobs', 'spiral'] as const;

/** Where a dataset comes from. A path never comes from the renderer: 'dialog' asks the host to
 *  show its native open dialog (Electron only), so a compromised page cannot read arbitrary files. */
const DatasetSourceSchema = v.variant('kind', [
  v.strictObject({
    kind: v.literal('builtin'),
    name: oneOf(BUILTIN_NAMES),
    rows: v.optional(integerIn(1, 1_000_000)),
    noise: v.optional(v.pipe(v.number('expected a number in [0, 1]'), v.minValue(0, 'expected a number in [0, 1]'), v.maxValue(1, 'expected a number in [0, 1]'))),
    seed: v.optional(seed),
  }),
  v.strictObject({ kind: v.literal('files'), files: v.pipe(v.array(DroppedFileSchema, 'expected an array of files'), v.minLength(1, 'expected at least one file'), v.maxLength(MAX_FILES, `expected at most ${MAX_FILES} files`)) }),
  v.strictObject({ kind: v.literal('dialog'), pick: oneOf(['file', 'folder']) }),
], 'expected a source with "kind" "builtin", "files" or "dialog"');

const LoadOptionsSchema = v.strictObject({
  // A header name or a column number counted from 1, as the datasets' error messages count columns.
  labelColumn: v.optional(v.union([text(1024), integerIn(1, 1_000_000)], 'expected a column name or a column number from 1')),
  image: v.optional(v.boolean('expected true or false')), // CSV or JSON features are an image's pixels
});

/** Where a dataset comes from, and how its files are read: loadDataset's and loadValidation's payload. */
const LoadPayloadSchema = v.strictObject({ source: DatasetSourceSchema, options: v.optional(LoadOptionsSchema) });

const DatasetSummarySchema = v.object({
  name: v.string(),
  kind: v.picklist(['tabular', 'image']),
  rows: v.number(),
  shape: v.array(v.number()), // [features] or [channels, height, width]
  classNames: v.array(v.string()),
  classCounts: v.array(v.number()),
  featureMin: v.array(v.number()),
  featureMax: v.array(v.number()),
  // A separate validation set (loadValidation), which prepare uses instead of a split; absent: none.
  validation: v.optional(v.object({ name: v.string(), rows: v.number() })),
});
export type DatasetSummary = v.InferOutput<typeof DatasetSummarySchema>;

const ModelInfoSchema = v.object({
  spec: ModelSpecSchema,
  source: v.picklist(['init', 'import', 'training']), // where the current weights came from
  tensors: v.array(v.object({ name: v.string(), shape: v.array(v.number()), size: v.number() })),
  layers: v.array(v.object({ name: v.string(), parameters: v.number() })), // "hidden", "c1", ...
  parameters: v.number(),
  labels: v.array(v.string()),
});
export type ModelInfo = v.InferOutput<typeof ModelInfoSchema>;

const SESSION_STATES = ['idle', 'running', 'paused', 'stopped', 'finished', 'failed'] as const;
export type SessionState = (typeof SESSION_STATES)[number];

const StepMetricsSchema = v.object({
  step: v.number(), epoch: v.number(), epochs: v.number(), stepsPerEpoch: v.number(), samplesSeen: v.number(),
  trainLoss: v.number(), trainAccuracy: v.number(), samplesPerSecond: v.number(), etaSeconds: v.number(), lr: v.number(),
  gradNorms: v.array(v.object({ name: v.string(), norm: v.number() })),
  // every step since the last event; gradNorms per layer, in gradNorms' order
  history: v.array(v.object({ step: v.number(), trainLoss: v.number(), trainAccuracy: v.number(), gradNorms: v.array(v.number()) })),
});
const EpochMetricsSchema = v.object({
  epoch: v.number(), trainLoss: v.number(), trainAccuracy: v.number(),
  valLoss: v.nullable(v.number()), valAccuracy: v.nullable(v.number()),
  confusion: v.array(v.array(v.number())), // [true class][predicted class], on the validation split (else training)
  perClassAccuracy: v.array(v.number()),
});
/** What the current session has sent, for a renderer that loads while or after it runs (a reload)
 *  to replay: each metrics event with the epoch events that followed it, thinned by the services
 *  (main/sent-log.ts says how far). */
export const SentMetricsSchema = v.array(v.object({ metrics: StepMetricsSchema, epochs: v.array(EpochMetricsSchema) }));
export type SentMetrics = v.InferOutput<typeof SentMetricsSchema>;

/** Training menu items and shortcuts (Electron): the renderer runs them like its own buttons, since
 *  Start needs its settings. (File menu items are done by the main process and arrive as events.) */
export const MENU_COMMANDS = ['start', 'pause', 'resume', 'stop'] as const;

// ---------------------------------------------------------------- results (trusted side: types only)

export interface BuiltinInfo { name: (typeof BUILTIN_NAMES)[number]; description: string; kind: 'tabular' | 'image' }
export interface Preview {
  classCounts: number[];
  rows?: number[][]; // tabular: the first rows' features
  labels?: number[]; // tabular: those rows' class indices (the 2-D plot colours its points by them)
  images?: { width: number; height: number; pixels: ArrayBuffer /* Uint8 grayscale 0-255 */; label: number }[];
}
export interface PreparedInfo {
  spec: v.InferOutput<typeof ModelSpecSchema>; // the spec fitted to the data (inputs, classes)
  trainRows: number;
  validationRows: number;
  normalization: 'none' | 'minmax' | 'zscore';
  model: ModelInfo;
}
export interface Status {
  state: SessionState;
  dataset: DatasetSummary | null;
  prepared: PreparedInfo | null;
  model: ModelInfo | null;
  sent: SentMetrics; // the last session's metrics, cleared when the renderer clears its curves
}
export interface TensorData { name: string; shape: number[]; data: ArrayBuffer /* Float32, row-major */ }
export interface Prediction { rows: number; classes: number; probabilities: ArrayBuffer /* Float32, rows x classes */ }
/** Where the studio's samples come from: the validation set, or the training set when there is none. */
export type SampleSet = 'validation' | 'training';
export interface ValidationSample {
  index: number;
  set: SampleSet;
  count: number; // rows of that set
  label: number;
  predicted: number;
  probabilities: number[];
  shape: number[]; // the model's input shape
  features: ArrayBuffer; // Float32, as the model sees them (normalised, padded for LeNet-5)
}
/** One layer's part in one sample's pass, forward then backward (backprop-notes.md). `kind` says which
 *  equations it follows; an activation's name ends with its function ("hidden.relu", "c1.tanh"). */
export interface BackpropStage {
  name: string;
  kind: LayerKind;
  output: TensorData; // its forward output (the last layer's: o, before the output function)
  delta: TensorData; // dL/d(its output): what the backward pass brings back to it
  grads: TensorData[]; // dL/d(each of its tensors) for this sample alone, e.g. "hidden.weight", "hidden.bias"
}
export interface BackpropTrace {
  index: number;
  set: SampleSet;
  count: number; // rows of that set
  label: number;
  predicted: number;
  loss: number; // this sample's loss
  input: TensorData; // x as the model sees it (normalised; padded to 32x32 for LeNet-5)
  probabilities: number[]; // y = g(o), the output function's values
  stages: BackpropStage[]; // in forward order
}
/** `skipped` of the `checked` values straddled a kink (ReLU at 0, a max pooling tie) and are left out
 *  of maxRelError (null when all were). */
export interface GradientCheckRow { tensor: string; checked: number; skipped: number; maxRelError: number | null }
export interface ExportedWeights {
  fileName: string;
  text: string;
  /** 'saved': the host wrote it (native save dialog) to `path`; 'cancelled': the user closed the
   *  dialog; 'download': the host has no dialog (browser), the renderer offers `text` as a download. */
  delivery: 'saved' | 'cancelled' | 'download';
  path?: string;
}

// ---------------------------------------------------------------- the list

/** A request's result type, carried by the type only. */
export interface Returns<R> { readonly __result?: R }
const returns = <R>(): Returns<R> => ({});

/** Worker threads a session may ask for: each starts its own wasm instance and holds its own
 *  buffers, so a thousand would exhaust the memory long before they help. The CLI's limit too. */
export const MAX_THREADS = 256;

export const requests = {
  getStatus: { payload: none, result: returns<Status>() },
  listBuiltins: { payload: none, result: returns<BuiltinInfo[]>() },
  /** null when a native dialog was cancelled. Also emits 'dataset'. Keeps the previous dataset on error.
   *  A loaded validation set stays when it fits the new dataset (as loadValidation checks), else it is cleared. */
  loadDataset: { payload: LoadPayloadSchema, result: returns<DatasetSummary | null>() },
  /** A separate validation set for the current dataset, checked against it (same sample shape, its
   *  classes among the training set's, matched by name): the dataset's summary with `validation`,
   *  or null when a native dialog was cancelled. Also emits 'dataset'. Keeps the previous one on error. */
  loadValidation: { payload: LoadPayloadSchema, result: returns<DatasetSummary | null>() },
  /** Back to validating on a split of the training set. Emits 'dataset'. */
  clearValidation: { payload: none, result: returns<DatasetSummary>() },
  getDatasetSummary: { payload: none, result: returns<DatasetSummary | null>() },
  preview: { payload: v.optional(v.strictObject({ count: v.optional(integerIn(1, 1000)) })), result: returns<Preview>() },
  /** Splits and normalises the current dataset for `spec` (inputs and classes are fitted to the
   *  data) and makes fresh weights from `seed` — unless `keepWeights` and the current weights (e.g.
   *  imported) have the same spec. The same seed drives the split, the initial weights and the shuffle.
   *  With a validation set loaded, that is the validation data, all the dataset trains, and valSplit is ignored. */
  prepare: {
    payload: v.strictObject({
      spec: ModelSpecSchema,
      valSplit: v.pipe(v.number('expected a fraction in [0, 0.9]'), v.minValue(0, 'expected a fraction in [0, 0.9]'), v.maxValue(0.9, 'expected a fraction in [0, 0.9]')),
      normalize: oneOf(['none', 'minmax', 'zscore']),
      seed,
      keepWeights: v.optional(v.boolean('expected true or false')),
    }),
    result: returns<PreparedInfo>(),
  },
  /** Tensors and parameter counts of `spec` (no data needed), or of the current model. */
  getModelInfo: { payload: v.optional(v.strictObject({ spec: ModelSpecSchema })), result: returns<ModelInfo | null>() },
  /** Trains the prepared data from the current weights (fresh, imported, or the last run's). */
  start: {
    payload: v.strictObject({
      optimizer: OptimizerConfigSchema,
      batchSize: integerIn(1, 65_536),
      epochs: integerIn(1, 100_000),
      threads: v.optional(integerIn(1, MAX_THREADS)),
      limit: v.optional(integerIn(1, 1_000_000_000)), // train on the first rows only
      paused: v.optional(v.boolean('expected true or false')), // create the session without running it (then step)
    }),
    result: returns<void>(),
  },
  pause: { payload: none, result: returns<void>() },
  resume: { payload: none, result: returns<void>() },
  step: { payload: none, result: returns<void>() },
  stop: { payload: none, result: returns<void>() },
  /** Ends any session and makes the initial weights again from the prepared seed. */
  reset: { payload: none, result: returns<void>() },
  setLearningRate: {
    payload: v.strictObject({ lr: v.pipe(v.number('expected a positive number'), v.finite('expected a positive number'), v.gtValue(0, 'expected a positive number'), v.maxValue(100, 'expected at most 100')) }),
    result: returns<void>(),
  },
  /** Finite differences against backprop on a few validation (else training) samples, per tensor. */
  gradientCheck: { payload: v.optional(v.strictObject({ samples: v.optional(integerIn(1, 32)), seed: v.optional(seed) })), result: returns<GradientCheckRow[]>() },
  /** `inputs`: Float32, rows x the model's input size, as the dataset stores features (before
   *  normalisation; images padded to 32x32 for LeNet-5). Also the decision-boundary grid. */
  predict: { payload: v.strictObject({ inputs: Bytes, rows: integerIn(1, 1_000_000) }), result: returns<Prediction>() },
  validationSample: { payload: v.strictObject({ index: integerIn(0, 1_000_000_000) }), result: returns<ValidationSample>() },
  /** A validation sample's (by index) or a given input's (raw, like predict) intermediate outputs. */
  featureMaps: {
    payload: v.union([v.strictObject({ index: integerIn(0, 1_000_000_000) }), v.strictObject({ inputs: Bytes })], 'expected { index } or { inputs }'),
    result: returns<TensorData[]>(),
  },
  /** A validation (else training) sample's forward and backward pass through the current weights:
   *  every layer's output, the loss's gradient with respect to it, and the sample's gradient. */
  backprop: { payload: v.strictObject({ index: integerIn(0, 1_000_000_000) }), result: returns<BackpropTrace>() },
  /** The convolution kernels (4-D tensors) of the current weights; empty for an MLP. */
  filters: { payload: none, result: returns<TensorData[]>() },
  exportWeights: { payload: none, result: returns<ExportedWeights>() },
  /** A weights file's text (weights-format.md); `name` names it in error messages. Emits 'model'. */
  importWeights: { payload: v.strictObject({ name: text(1024), text: text(MAX_TEXT) }), result: returns<ModelInfo>() },
} as const;

export const events = {
  metrics: StepMetricsSchema, // throttled to ~10/s by the trainer
  epoch: EpochMetricsSchema,
  state: v.object({ state: v.picklist(SESSION_STATES), message: v.optional(v.string()) }),
  error: v.object({ message: v.string() }), // a failure outside any request (e.g. a worker died)
  dataset: DatasetSummarySchema, // a dataset was loaded (by the renderer or the menu), or its validation set changed
  model: ModelInfoSchema, // the weights were replaced: prepare, reset, import
  command: v.object({ command: v.picklist(MENU_COMMANDS) }), // a Training menu item or its shortcut
};

// ---------------------------------------------------------------- derived types

export type RequestName = keyof typeof requests;
export type EventName = keyof typeof events;
export const requestNames = Object.keys(requests) as RequestName[];
export const eventNames = Object.keys(events) as EventName[];

/** What the renderer passes. */
export type PayloadIn<N extends RequestName> = v.InferInput<(typeof requests)[N]['payload']>;
/** What a handler receives once the schema has validated it. */
export type Payload<N extends RequestName> = v.InferOutput<(typeof requests)[N]['payload']>;
export type Result<N extends RequestName> = (typeof requests)[N]['result'] extends Returns<infer R> ? R : never;
export type EventPayload<E extends EventName> = v.InferOutput<(typeof events)[E]>;

type Listener<E extends EventName> = (payload: EventPayload<E>) => void;
export type EventMethod<E extends EventName> = `on${Capitalize<E>}`;

/** The object the renderer uses, identical in both hosts: one async function per request (no
 *  argument when the payload is optional) and one `on<Event>(listener) => unsubscribe` per event.
 *  A rejected promise carries an ApiError whose message is ready to show. */
export type BackpropApi = {
  [N in RequestName]: undefined extends PayloadIn<N> ? (payload?: PayloadIn<N>) => Promise<Result<N>> : (payload: PayloadIn<N>) => Promise<Result<N>>;
} & {
  [E in EventName as EventMethod<E>]: (listener: Listener<E>) => () => void;
};

/** What the Electron preload exposes on window.backprop: the same names, but each request resolves
 *  to its Reply envelope (contextBridge would strip an error's class), which renderer/src/api.ts unwraps. */
export type Bridge = { [N in RequestName]: (payload?: unknown) => Promise<Reply> } & {
  [E in EventName as EventMethod<E>]: (listener: (payload: unknown) => void) => () => void;
};

/** What the services implement: one function per request, given the validated payload. */
export type Handlers = { [N in RequestName]: (payload: Payload<N>) => Promise<Result<N>> };

export const eventMethod = <E extends EventName>(name: E) => `on${name[0].toUpperCase()}${name.slice(1)}` as EventMethod<E>;

/** How a reply crosses either transport: errors as data, since Electron would wrap a thrown
 *  error's message in "Error invoking remote method ...". 'input' errors are the user's to fix. */
export type Reply = { ok: true; value: unknown } | { ok: false; kind: 'input' | 'internal'; message: string };

/** A request that failed, in the renderer. `kind` 'input': bad input, message shown as is. */
export class ApiError extends Error {
  constructor(message: string, readonly kind: 'input' | 'internal') {
    super(message);
    this.name = 'ApiError';
  }
}

/** Electron IPC channels: one for requests (name, payload) -> Reply, one for events (name, payload). */
export const IPC_REQUEST = 'backprop:request';
export const IPC_EVENT = 'backprop:event';
