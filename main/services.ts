// The one object both hosts call: it holds the app's state (the dataset, its prepared splits, the
// current weights, the training session) and implements every request of the contract by calling
// the datasets, the trainer and the engine. Host-agnostic (no Electron): the Electron main process
// and the browser host both create one and forward requests and events; the tests drive it directly.
//
// Every payload is validated against its schema before anything runs; a bad one, like bad data,
// gets a one-line InputError message; anything else is an internal error, logged and reported.
import { InputError } from '../engine/errors.ts';
import type { Floats } from '../engine/kernels.ts';
import { gradCheck } from '../engine/gradcheck.ts';
import { Model } from '../engine/model.ts';
import { inputSize, type ModelSpec } from '../engine/spec.ts';
import { parseOrThrow } from '../engine/validate.ts';
import { parseWeights, weightsToJson, type Normalization, type TrainingInfo } from '../engine/weights.ts';
import {
  requests,
  type DatasetSummary,
  type EventName,
  type EventPayload,
  type Handlers,
  type ModelInfo,
  type Payload,
  type PreparedInfo,
  type Reply,
  type RequestName,
  type SampleSet,
  type TensorData,
} from './api/contract.ts';
import {
  applyNormalization, BUILTINS, featureSize, loadDataset, matchClasses, numberedClasses, prepareDataset, preview, requireTwoClasses,
  summarize, type Dataset, type Prepared,
} from './datasets/index.ts';
import { TrainingSession, type SessionState, type TrainerEvent } from './trainer/index.ts';
import { SentLog } from './sent-log.ts';

/** What only a host can do. The browser host has neither: its renderer uses drop, pickers and downloads. */
export interface HostHooks {
  /** A native open dialog; the chosen path, or null when cancelled. */
  choosePath?(pick: 'file' | 'folder'): Promise<string | null>;
  /** A native save dialog that writes `text`; the path written, or null when cancelled. */
  saveText?(fileName: string, text: string): Promise<string | null>;
}

export interface ServicesOptions {
  /** Sends an event to the renderer(s). */
  emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
  hooks?: HostHooks;
  /** The trainer's built worker and wasm kernels; the trainer's defaults otherwise. */
  workerFile?: string;
  wasmFile?: string;
}

interface Weights {
  spec: ModelSpec;
  params: Float32Array;
  source: ModelInfo['source'];
  labels: string[];
  normalization: Normalization;
  training?: TrainingInfo; // an imported file's, or the last session's: exported with the weights
}

interface PreparedState {
  data: Prepared;
  spec: ModelSpec;
  seed: number;
  normalize: PreparedInfo['normalization'];
}

/** Requests that replace state run one at a time; the others (pause, predict, ...) never wait. */
const EXCLUSIVE = new Set<RequestName>(['loadDataset', 'loadValidation', 'clearValidation', 'prepare', 'start', 'reset', 'importWeights']);

const sameSpec = (a: ModelSpec, b: ModelSpec) => JSON.stringify(a) === JSON.stringify(b);
const bufferOf = (a: Float32Array | Float64Array | Uint8Array): ArrayBuffer =>
  (a instanceof Float64Array ? Float32Array.from(a) : a.slice()).buffer as ArrayBuffer;

/** Tensor names and parameter counts per layer ("hidden.weight" belongs to layer "hidden"). */
function modelInfo(spec: ModelSpec, source: ModelInfo['source'], labels: string[]): ModelInfo {
  const model = Model.create(spec);
  const layers: ModelInfo['layers'] = [];
  for (const t of model.tensors) {
    const layer = t.name.slice(0, t.name.lastIndexOf('.'));
    const last = layers[layers.length - 1];
    if (last?.name === layer) last.parameters += t.size;
    else layers.push({ name: layer, parameters: t.size });
  }
  return {
    spec,
    source,
    tensors: model.tensors.map(({ name, shape, size }) => ({ name, shape, size })),
    layers,
    parameters: model.size,
    labels,
  };
}

/** The spec with the dataset's input size and class count (the model follows the data). */
function fitSpec(spec: ModelSpec, ds: Dataset): ModelSpec {
  const classes = ds.classNames.length;
  if (spec.type === 'mlp') return { ...spec, inputs: featureSize(ds), classes };
  return { ...spec, classes };
}

/** A validation set's samples as its file's name and what is wrong would say them. */
const samplesOf = (ds: Dataset) => (ds.kind === 'tabular' ? `${featureSize(ds)} features per row` : `${ds.shape.join('x')} images`);

/** The validation set with its labels numbered as the training set's classes (matched by name), or
 *  an InputError naming its file and what does not fit. */
function fitValidation(validation: Dataset, train: Dataset): Dataset {
  if (validation.shape.join() !== train.shape.join()) {
    throw new InputError(`${validation.name}: ${samplesOf(validation)}, but the training set ${train.name} has ${samplesOf(train)}`);
  }
  return matchClasses(validation, train.classNames, `the training set ${train.name}`);
}

export class Services {
  private dataset: Dataset | null = null;
  private datasetSummary: DatasetSummary | null = null; // computed once per load: a pass over all features
  private validation: Dataset | null = null; // a separate validation set, fitted to `dataset`
  private prepared: PreparedState | null = null;
  private weights: Weights | null = null;
  private session: TrainingSession | null = null;
  /** The session's metrics as sent, for getStatus. Cleared when the renderer clears its curves: a
   *  session starts, the data change, fresh weights are made. */
  private readonly sent = new SentLog();
  private exclusive: Promise<unknown> = Promise.resolve();
  private readonly handlers: Handlers;

  constructor(private readonly options: ServicesOptions) {
    this.handlers = this.makeHandlers();
  }

  /** Runs request `name` with an untrusted payload. Never throws: failures are Replies. */
  async call(name: unknown, payload: unknown): Promise<Reply> {
    const label = typeof name === 'string' ? name.slice(0, 64) : typeof name;
    try {
      if (typeof name !== 'string' || !Object.hasOwn(requests, name)) {
        throw new InputError(`unknown request ${JSON.stringify(label)}`);
      }
      const request = name as RequestName;
      const valid = parseOrThrow(requests[request].payload, payload, request);
      const run = () => (this.handlers[request] as (p: unknown) => Promise<unknown>)(valid);
      const value = EXCLUSIVE.has(request) ? await this.serialized(run) : await run();
      return { ok: true, value };
    } catch (e) {
      if (e instanceof InputError) return { ok: false, kind: 'input', message: e.message };
      console.error(`internal error in ${label}:`, e);
      return { ok: false, kind: 'internal', message: `internal error in ${label}: ${(e as Error)?.message ?? String(e)}` };
    }
  }

  /** Ends the training session (its worker pool). */
  async close(): Promise<void> {
    await this.endSession();
  }

  private serialized<T>(run: () => Promise<T>): Promise<T> {
    const next = this.exclusive.then(run, run);
    this.exclusive = next.catch(() => undefined);
    return next;
  }

  private get state(): SessionState {
    return this.session?.state ?? 'idle';
  }

  /** The dataset's summary, with the validation set's name and rows when there is one. */
  private summary(): DatasetSummary | null {
    const v = this.validation;
    return this.datasetSummary && (v ? { ...this.datasetSummary, validation: { name: v.name, rows: v.rows } } : this.datasetSummary);
  }

  /** A dataset from a request's source; null when a native dialog was cancelled. */
  private async read({ source, options }: Payload<'loadDataset'>, action: RequestName): Promise<Dataset | null> {
    if (source.kind === 'builtin') {
      const { name, rows, noise, seed } = source;
      return loadDataset({ builtin: name, rows, noise, seed });
    }
    if (source.kind === 'files') return loadDataset({ files: source.files }, options);
    const { choosePath } = this.options.hooks ?? {};
    if (!choosePath) throw new InputError(`${action}: the browser has no open dialog; drop the files or use the file picker`);
    const path = await choosePath(source.pick);
    return path === null ? null : loadDataset({ path }, options);
  }

  /** Replaces the data (what was prepared from the old goes with it) and tells the renderer(s). */
  private async setData(dataset: Dataset, summary: DatasetSummary, validation: Dataset | null): Promise<DatasetSummary> {
    await this.endSession();
    this.sent.clear();
    this.dataset = dataset;
    this.datasetSummary = summary;
    this.validation = validation;
    this.prepared = null;
    const current = this.summary()!;
    this.options.emit('dataset', current);
    return current;
  }

  private preparedInfo(): PreparedInfo | null {
    const p = this.prepared;
    if (!p || !this.weights) return null;
    return {
      spec: p.spec,
      trainRows: p.data.train.rows,
      validationRows: p.data.validation?.rows ?? 0,
      normalization: p.normalize,
      model: this.currentModelInfo()!,
    };
  }

  private currentModelInfo(): ModelInfo | null {
    const w = this.weights;
    return w && modelInfo(w.spec, this.session ? 'training' : w.source, w.labels);
  }

  /** The current weights: the session's latest while one exists. */
  private currentWeights(action: RequestName): Weights {
    const w = this.weights;
    if (!w) throw new InputError(`${action}: no model yet; prepare a dataset for a model, or import a weights file`);
    if (this.session) return { ...w, params: this.session.snapshot(), source: 'training' };
    return w;
  }

  private requireSession(action: string): TrainingSession {
    if (!this.session) throw new InputError(`${action}: no training session; press Start first`);
    return this.session;
  }

  private requireDataset(action: string): { dataset: Dataset; summary: DatasetSummary } {
    if (!this.dataset || !this.datasetSummary) throw new InputError(`${action}: no dataset loaded; load the training set first`);
    return { dataset: this.dataset, summary: this.datasetSummary };
  }

  private requirePrepared(action: string): PreparedState {
    if (!this.prepared) throw new InputError(`${action}: no prepared data; load a dataset and prepare it for a model first`);
    return this.prepared;
  }

  /** Keeps the session's weights as the current ones, then ends it (the renderer hears 'idle'). */
  private async endSession(): Promise<void> {
    const session = this.session;
    if (!session) return;
    if (this.weights) this.weights = { ...this.weights, params: session.snapshot(), source: 'training', training: session.trainingInfo() };
    this.session = null;
    await session.close();
    this.options.emit('state', { state: 'idle' });
  }

  private freshWeights(p: PreparedState): Weights {
    const model = Model.create(p.spec);
    model.init(p.seed);
    return {
      spec: p.spec,
      params: Float32Array.from(model.params),
      source: 'init',
      labels: p.data.train.classNames,
      normalization: p.data.normalization,
    };
  }

  private onTrainerEvent = (e: TrainerEvent): void => {
    const { emit } = this.options;
    if (e.type === 'metrics') {
      this.sent.metrics(e.metrics);
      emit('metrics', e.metrics);
    } else if (e.type === 'epoch') {
      this.sent.epoch(e.metrics);
      emit('epoch', e.metrics);
    } else if (e.type === 'state') emit('state', e.message === undefined ? { state: e.state } : { state: e.state, message: e.message });
    else emit('error', { message: e.message });
  };

  /** Model inputs as the dataset stores them -> normalised like the training data. */
  private normalizedInputs(bytes: ArrayBuffer, rows: number, w: Weights, action: string): Float32Array {
    const size = inputSize(w.spec);
    if (bytes.byteLength !== rows * size * 4) {
      throw new InputError(`${action}: inputs hold ${bytes.byteLength / 4} numbers; expected ${rows} rows x ${size} = ${rows * size} float32 values`);
    }
    const x = new Float32Array(bytes.slice(0));
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(x[i])) throw new InputError(`${action}: inputs[${i}]: expected a finite number, got ${x[i]}`);
    }
    if (w.normalization) applyNormalization(x, size, w.normalization);
    return x;
  }

  /** The validation set (a split or a separate file; else the training set) and its row `index`. */
  private sampleRow(index: number, action: string): { ds: Dataset; set: SampleSet; x: Float32Array; label: number } {
    const p = this.requirePrepared(action);
    const ds = p.data.validation ?? p.data.train;
    const set = p.data.validation ? 'validation' : 'training';
    if (index >= ds.rows) throw new InputError(`${action}: index ${index} is out of range; the ${set} set has ${ds.rows} rows`);
    const size = featureSize(ds);
    return { ds, set, x: ds.features.slice(index * size, (index + 1) * size), label: ds.labels[index] };
  }

  private makeHandlers(): Handlers {
    const { emit, hooks = {} } = this.options;
    return {
      getStatus: async () => ({
        state: this.state, dataset: this.summary(), prepared: this.preparedInfo(), model: this.currentModelInfo(), sent: this.sent.entries,
      }),

      listBuiltins: async () => BUILTINS.map((b) => ({ ...b })),

      loadDataset: async (payload: Payload<'loadDataset'>) => {
        const ds = await this.read(payload, 'loadDataset');
        if (!ds) return null;
        requireTwoClasses(ds); // it is what the studio trains on: say so now, not at Start
        // Loaded without error: only now replace the previous dataset and what depended on it.
        let validation: Dataset | null = null;
        try {
          validation = this.validation && fitValidation(this.validation, ds);
        } catch (e) {
          if (!(e instanceof InputError)) throw e; // it does not fit the new dataset: cleared
        }
        return this.setData(ds, summarize(ds), validation);
      },

      loadValidation: async (payload: Payload<'loadValidation'>) => {
        const { dataset, summary } = this.requireDataset('loadValidation'); // stays: loads and prepare run one at a time
        const ds = await this.read(payload, 'loadValidation');
        if (!ds) return null;
        return this.setData(dataset, summary, fitValidation(ds, dataset));
      },

      clearValidation: async () => {
        const { dataset, summary } = this.requireDataset('clearValidation');
        return this.validation ? this.setData(dataset, summary, null) : summary;
      },

      getDatasetSummary: async () => this.summary(),

      preview: async (payload: Payload<'preview'>) => {
        if (!this.dataset) throw new InputError('preview: no dataset loaded');
        const p = preview(this.dataset, payload?.count);
        return {
          classCounts: p.classCounts,
          ...(p.rows && { rows: p.rows, labels: p.labels }),
          ...(p.images && { images: p.images.map((im) => ({ width: im.width, height: im.height, label: im.label, pixels: im.pixels.buffer })) }),
        };
      },

      prepare: async ({ spec: requested, valSplit, normalize, seed, keepWeights }: Payload<'prepare'>) => {
        if (!this.dataset) throw new InputError('prepare: no dataset loaded');
        const spec = fitSpec(requested, this.dataset);
        const split = this.validation ? { validation: this.validation } : { valSplit };
        const data = prepareDataset(this.dataset, { spec, normalize, seed, ...split });
        await this.endSession();
        this.prepared = { data, spec, seed, normalize };
        const keep = keepWeights && this.weights && sameSpec(this.weights.spec, spec);
        this.weights = keep ? { ...this.weights!, normalization: data.normalization } : this.freshWeights(this.prepared);
        if (!keep) this.sent.clear(); // the curves were the previous weights'
        emit('model', this.currentModelInfo()!);
        return this.preparedInfo()!;
      },

      getModelInfo: async (payload: Payload<'getModelInfo'>) =>
        payload ? modelInfo(payload.spec, 'init', []) : this.currentModelInfo(),

      start: async ({ optimizer, batchSize, epochs, threads, limit, paused }: Payload<'start'>) => {
        const p = this.requirePrepared('start');
        if (this.state === 'running' || this.state === 'paused') throw new InputError(`start: training is ${this.state}; pause, stop or reset it first`);
        await this.endSession();
        this.sent.clear();
        const w = this.currentWeights('start');
        if (!sameSpec(w.spec, p.spec)) throw new InputError('start: the current weights are for another model than the prepared data; prepare again');
        this.session = await TrainingSession.create({
          train: p.data.train,
          validation: p.data.validation,
          normalization: p.data.normalization,
          config: { spec: p.spec, optimizer, batchSize, epochs, threads, seed: p.seed, limit },
          initialParams: w.params,
          workerFile: this.options.workerFile,
          wasmFile: this.options.wasmFile,
          onEvent: this.onTrainerEvent,
        });
        if (!paused) this.session.start();
      },

      pause: async () => this.requireSession('pause').pause(),
      resume: async () => this.requireSession('resume').resume(),
      step: async () => this.requireSession('step').step(),
      stop: async () => this.requireSession('stop').stop(),

      reset: async () => {
        const p = this.requirePrepared('reset');
        await this.endSession();
        this.weights = this.freshWeights(p);
        this.sent.clear();
        emit('model', this.currentModelInfo()!);
      },

      setLearningRate: async ({ lr }: Payload<'setLearningRate'>) => this.requireSession('setLearningRate').setLearningRate(lr),

      gradientCheck: async (payload: Payload<'gradientCheck'>) => {
        const w = this.currentWeights('gradientCheck');
        const p = this.requirePrepared('gradientCheck');
        const ds = p.data.validation ?? p.data.train;
        const rows = Math.min(payload?.samples ?? 4, ds.rows);
        const size = inputSize(w.spec);
        return gradCheck(w.spec, w.params, ds.features.subarray(0, rows * size), ds.labels.subarray(0, rows), rows, { seed: payload?.seed });
      },

      predict: async ({ inputs, rows }: Payload<'predict'>) => {
        const w = this.currentWeights('predict');
        const model = Model.create(w.spec, { params: w.params });
        const probabilities = model.predict(this.normalizedInputs(inputs, rows, w, 'predict'), rows);
        return { rows, classes: model.classes, probabilities: bufferOf(probabilities) };
      },

      validationSample: async ({ index }: Payload<'validationSample'>) => {
        const w = this.currentWeights('validationSample');
        const { ds, set, x, label } = this.sampleRow(index, 'validationSample');
        const probabilities = Array.from(Model.create(w.spec, { params: w.params }).predict(x, 1));
        return {
          index,
          set,
          count: ds.rows,
          label,
          predicted: probabilities.indexOf(Math.max(...probabilities)),
          probabilities,
          shape: ds.shape,
          features: bufferOf(x),
        };
      },

      featureMaps: async (payload: Payload<'featureMaps'>) => {
        const w = this.currentWeights('featureMaps');
        const x = 'index' in payload ? this.sampleRow(payload.index, 'featureMaps').x : this.normalizedInputs(payload.inputs, 1, w, 'featureMaps');
        return Model.create(w.spec, { params: w.params })
          .featureMaps(x)
          .map((m): TensorData => ({ name: m.name, shape: m.shape, data: bufferOf(m.data) }));
      },

      backprop: async ({ index }: Payload<'backprop'>) => {
        const w = this.currentWeights('backprop');
        const { ds, set, x, label } = this.sampleRow(index, 'backprop');
        const model = Model.create(w.spec, { params: w.params });
        const t = model.trace(x, label);
        const tensor = (name: string, shape: number[], data: Floats): TensorData => ({ name, shape, data: bufferOf(data) });
        return {
          index,
          set,
          count: ds.rows,
          label,
          predicted: t.predicted,
          loss: t.loss,
          input: tensor('input', model.layers[0].inShape, x),
          probabilities: Array.from(t.probabilities),
          stages: t.stages.map((s) => ({
            name: s.name,
            kind: s.kind,
            output: tensor(s.name, s.shape, s.output),
            delta: tensor(s.name, s.shape, s.delta),
            grads: s.tensors.map((g) => tensor(g.name, g.shape, t.grads.subarray(g.offset, g.offset + g.size))),
          })),
        };
      },

      filters: async () => {
        const w = this.currentWeights('filters');
        const model = Model.create(w.spec, { params: w.params });
        return model.tensors
          .filter((t) => t.shape.length === 4)
          .map((t): TensorData => ({ name: t.name, shape: t.shape, data: bufferOf(w.params.subarray(t.offset, t.offset + t.size)) }));
      },

      exportWeights: async () => {
        const w = this.currentWeights('exportWeights');
        const text = this.session
          ? this.session.weightsJson()
          : weightsToJson(Model.create(w.spec, { params: w.params }), { labels: w.labels, normalization: w.normalization, training: w.training });
        const fileName = `${(this.dataset?.name ?? 'model').replace(/[^\w.-]+/g, '_')}-${w.spec.type}.weights.json`;
        if (!hooks.saveText) return { fileName, text, delivery: 'download' as const };
        const path = await hooks.saveText(fileName, text);
        return path === null ? { fileName, text, delivery: 'cancelled' as const } : { fileName, text, delivery: 'saved' as const, path };
      },

      importWeights: async ({ name, text }: Payload<'importWeights'>) => {
        const parsed = parseWeights(text, name);
        await this.endSession();
        this.weights = {
          spec: parsed.spec,
          params: parsed.params,
          source: 'import',
          labels: parsed.labels ?? numberedClasses(parsed.spec.classes),
          normalization: parsed.normalization ?? null,
          training: parsed.training,
        };
        const info = this.currentModelInfo()!;
        emit('model', info);
        return info;
      },
    };
  }
}
