// One training run: data-parallel mini-batch SGD over a Piscina pool (backprop-notes.md,
// "Data-parallel mini-batches"), with its controls, metrics, checkpoints and fault handling.
//
// Each step: the batch (a range of this epoch's shuffled order) is cut into fixed shards
// (shards.ts); the tasks, one per thread, take shards as they come and write their gradient SUMS
// into the shards' slots, wait at a barrier for each other, then each takes a fixed slice of the
// parameter vector, adds the slots in shard order, divides by the batch's row count (so a short
// last batch is averaged correctly) and writes the optimiser's update of its slice into a second
// copy of the parameters and moments: element-wise arithmetic, so the slicing changes no bit. That
// copy becomes current only when every slice is finite, so a failed or rejected step changes
// nothing. A round of tasks runs about ROUND_MS of consecutive steps (engine/worker.ts); pause,
// stop and learning-rate changes take effect between rounds.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { InputError } from '../../engine/errors.ts';
import { claimFloats, createKernelMemory } from '../../engine/kernels-wasm.ts';
import { confusionMatrix } from '../../engine/metrics.ts';
import { Model } from '../../engine/model.ts';
import { bufferCount, createOptimizer, OptimizerConfigSchema, type OptimizerConfig } from '../../engine/optim.ts';
import { Rng } from '../../engine/rng.ts';
import { inputSize, parseSpec, type ModelSpec } from '../../engine/spec.ts';
import { parseOrThrow } from '../../engine/validate.ts';
import { weightsToJson, type Normalization, type TrainingInfo } from '../../engine/weights.ts';
import type { ShardsResult, StepPlan, WorkerData } from '../../engine/worker.ts';
import type { SessionState } from '../api/contract.ts';
import type { Dataset } from '../datasets/index.ts';
import { readCheckpoint, writeCheckpoint, type Checkpoint } from './checkpoint.ts';
import { ShardPool, WorkerFailure } from './pool.ts';
import { shardRows, split } from './shards.ts';

export interface TrainConfig {
  spec: ModelSpec;
  optimizer: OptimizerConfig;
  batchSize: number;
  epochs: number;
  threads?: number; // default: os.availableParallelism()
  seed: number;
  limit?: number; // train on the first `limit` rows of a seeded shuffle of the training set
}

// The states are the API contract's: a session's state crosses to the renderer as is.
export type { SessionState };

export interface StepMetrics {
  step: number; // steps done in the whole run
  epoch: number; // the epoch being trained, from 1
  epochs: number;
  stepsPerEpoch: number;
  samplesSeen: number;
  trainLoss: number; // running mean over this epoch's batches so far
  trainAccuracy: number;
  samplesPerSecond: number;
  etaSeconds: number;
  lr: number;
  gradNorms: { name: string; norm: number }[]; // L2 norm of the last mean gradient, per layer
  /** The running train loss and accuracy, and the gradient norms (per layer, as in gradNorms), after
   *  each step since the previous metrics event (after every k-th step in runs of more than
   *  CURVE_POINTS steps), so that a chart can draw every step. */
  history: { step: number; trainLoss: number; trainAccuracy: number; gradNorms: number[] }[];
}

export interface EpochMetrics {
  epoch: number; // from 1
  trainLoss: number;
  trainAccuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
  confusion: number[][]; // [true class][predicted class], on the validation set (else the training set)
  perClassAccuracy: number[];
}

export type TrainerEvent =
  | { type: 'metrics'; metrics: StepMetrics }
  | { type: 'epoch'; metrics: EpochMetrics }
  | { type: 'state'; state: SessionState; message?: string }
  | { type: 'error'; message: string };

export interface SessionOptions {
  train: Dataset;
  validation: Dataset | null;
  normalization: Normalization;
  config: TrainConfig;
  initialParams?: Float32Array;
  checkpointDir?: string; // checkpoint.json there at each epoch's end and on pause or stop
  resumeFrom?: string; // a checkpoint file; its spec, seed, batch size, limit and optimizer win
  workerFile?: string;
  wasmFile?: string | null; // the float32 kernels (engine/wasm/kernels.wasm); null: plain TypeScript
  onEvent: (e: TrainerEvent) => void;
}

const METRICS_INTERVAL_MS = 100; // at most about 10 metrics events per second
const CURVE_POINTS = 20_000; // a run's history of steps has at most about this many points
const ROUND_MS = 50; // a round's steps, once a step's time is known: controls wait at most about this
const MAX_ROUND_STEPS = 256;

/** The RNG of the data order (the --limit subset, then one shuffle per epoch); its stream differs
 *  from the initialisation's, which uses the seed itself. */
export function dataRng(seed: number): Rng {
  return new Rng((seed ^ 0x5eed5eed) >>> 0);
}

/** Run from source, the worker is engine/worker.ts (workers inherit tsx's loader) and the kernels are
 *  engine/wasm/kernels.wasm; in a bundle both are expected next to it unless the host passes them. */
const fromSource = import.meta.url.endsWith('.ts');
const besideBundle = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));
const DEFAULT_WORKER = fromSource ? fileURLToPath(new URL('../../engine/worker.ts', import.meta.url)) : besideBundle('worker.js');
const DEFAULT_WASM = fromSource ? fileURLToPath(new URL('../../engine/wasm/kernels.wasm', import.meta.url)) : besideBundle('kernels.wasm');

/** Compiled once here; workers instantiate the module they receive (a WebAssembly.Module is shared,
 *  not re-compiled), all on one memory, which holds the vectors they share. */
function loadKernels(path: string | null): WorkerData['kernels'] {
  if (path === null) return null;
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new Error(`the wasm kernels are missing at ${path}: run "npm run build:wasm"`);
  }
  return { module: new WebAssembly.Module(new Uint8Array(bytes)), memory: createKernelMemory() };
}

type SharedArrayType<T> = { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number };

function shared<T extends Float32Array | Float64Array | Int32Array>(make: SharedArrayType<T>, length: number): T {
  return new make(new SharedArrayBuffer(length * make.BYTES_PER_ELEMENT));
}

/** The array itself if it is on a SharedArrayBuffer, else a shared copy. */
function toShared<T extends Float32Array | Int32Array>(a: T, make: SharedArrayType<T>): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const copy = shared(make, a.length);
  copy.set(a);
  return copy;
}

function positiveInteger(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 1) throw new InputError(`${name}: expected a positive integer, got ${value}`);
}

function checkLearningRate(lr: number): void {
  if (!Number.isFinite(lr) || lr <= 0) throw new InputError(`learning rate: expected a positive number, got ${lr}`);
}

export class TrainingSession {
  private _state: SessionState = 'idle';
  private busy: Promise<void> = Promise.resolve();
  private wanted: 'pause' | 'stop' | null = null;

  // The trajectory: everything a checkpoint holds.
  private epoch = 0; // completed epochs
  private position = 0; // samples of the current epoch done
  private stepCount = 0;
  private samplesSeen = 0;
  private epochLossSum = 0;
  private epochCorrect = 0;
  private orderEpoch = -1; // the epoch whose shuffle `order` holds
  private epochRngState: number[];

  private readonly slices: [number, number][]; // of the parameter vector, one per step task
  private lastEpoch: EpochMetrics | null = null;
  private lastEmit = 0;
  private emittedStep = 0; // the step of the last metrics event
  private history: StepMetrics['history'] = []; // since the last metrics event
  private readonly layers: { name: string; start: number; end: number }[]; // with parameters (Model.parameterRanges)
  private gradNorms: number[]; // the last step's, per layer
  private rate = { samples: 0, seconds: 0, perSecond: 0 };
  private stepMs = 0; // a step's recent time, which sizes the rounds (0: not yet known)
  private retryAt = -1; // the step a worker failed on, retried once

  private constructor(
    private readonly opts: SessionOptions,
    private readonly config: Required<Omit<TrainConfig, 'limit'>> & { limit: number | null },
    private readonly model: Model, // the architecture: sizes, classes, tensors (its parameters may be stale)
    private readonly optimizer: OptimizerConfig,
    private t: number, // the optimiser's steps (Adam's bias correction)
    private readonly rng: Rng,
    private readonly base: Int32Array, // the training rows used, before each epoch's shuffle
    private readonly data: WorkerData,
    private readonly pool: ShardPool,
    private readonly shardRows: number,
    private readonly maxShards: number, // per batch
  ) {
    this.slices = split(model.size, pool.threads);
    this.epochRngState = rng.getState();
    this.layers = model.parameterRanges();
    this.gradNorms = this.layers.map(() => 0);
  }

  static async create(opts: SessionOptions): Promise<TrainingSession> {
    const resumed = opts.resumeFrom ? readCheckpoint(opts.resumeFrom) : null;
    const given = opts.config;
    const spec = parseSpec(resumed?.spec ?? given.spec, 'model');
    const config = {
      spec,
      optimizer: resumed?.optimizer ?? given.optimizer,
      batchSize: resumed?.batchSize ?? given.batchSize,
      epochs: given.epochs,
      threads: given.threads ?? availableParallelism(),
      seed: resumed?.seed ?? given.seed,
      limit: resumed ? resumed.limit : given.limit ?? null,
    };
    positiveInteger(config.batchSize, 'batch size');
    positiveInteger(config.epochs, 'epochs');
    positiveInteger(config.threads, 'threads');
    if (config.limit !== null) positiveInteger(config.limit, 'limit');
    parseOrThrow(OptimizerConfigSchema, config.optimizer, 'optimizer');
    const { train, validation } = opts;
    for (const set of validation ? [train, validation] : [train]) checkCompatible(spec, set);
    if (train.rows === 0) throw new InputError(`${train.name}: the training set is empty`);

    const rng = dataRng(config.seed);
    let base = Int32Array.from({ length: train.rows }, (_, i) => i);
    if (config.limit !== null && config.limit < train.rows) {
      rng.shuffle(base);
      base = base.slice(0, config.limit);
    }
    if (resumed && resumed.trainRows !== base.length) {
      throw new InputError(`${opts.resumeFrom}: the checkpoint trained on ${resumed.trainRows} rows, this training set has ${base.length}`);
    }
    if (resumed?.normalization !== undefined && !isDeepStrictEqual(resumed.normalization, opts.normalization)) {
      const scaling = (n: Normalization) => (n ? `${n.kind} normalization` : 'no normalization');
      const [was, is] = [scaling(resumed.normalization), scaling(opts.normalization)];
      throw new InputError(`${opts.resumeFrom}: the checkpoint trained on inputs with ${was}, these have ${was === is ? `${is} from other data` : is}`);
    }

    const size = Model.create(spec).size;
    const kernels = loadKernels(opts.wasmFile === undefined ? DEFAULT_WASM : opts.wasmFile);
    const rows = shardRows(spec, config.batchSize);
    const maxShards = Math.ceil(config.batchSize / rows);
    // The vectors the workers update: on the kernels' memory, where they are operands in place. A
    // big model at a big batch can need more than that memory's 4 GiB (one gradient per shard).
    const vector = (n: number) => {
      try {
        return kernels ? claimFloats(kernels.memory, n) : shared(Float32Array, n);
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
        const gb = (4 * size * (3 + 2 * bufferCount(config.optimizer.kind) + maxShards)) / 1e9;
        throw new InputError(`model: ${size.toLocaleString('en-US')} parameters at batch ${config.batchSize} need ${gb.toFixed(1)} GB of memory to train (two copies of the parameters and of the optimiser's moments, the mean gradient and ${maxShards} shards' gradients), more than the trainer has; use a smaller batch or narrower layers`);
      }
    };
    // Version 0 starts in copy 0.
    const params: WorkerData['params'] = [vector(size), vector(size)];
    const model = Model.create(spec, { params: params[0] });
    const start = resumed?.params ?? opts.initialParams;
    if (start && start.length !== size) {
      const what = resumed ? `${opts.resumeFrom}: params` : 'initial parameters';
      throw new InputError(`${what}: expected ${size} values for this model, got ${start.length}`);
    }
    if (start) params[0].set(start);
    else model.init(config.seed);
    const moments = () => Array.from({ length: bufferCount(config.optimizer.kind) }, () => vector(size));
    const momentCopies: WorkerData['moments'] = [moments(), moments()];
    const optimizer = createOptimizer({ ...config.optimizer }, size, momentCopies[0]);
    if (resumed) optimizer.setState(resumed.optimizerState);

    const data: WorkerData = {
      spec,
      params,
      moments: momentCopies,
      version: shared(Int32Array, 1),
      gradSlots: vector(maxShards * size),
      grad: vector(size),
      round: shared(Int32Array, 4),
      flags: shared(Int32Array, config.threads),
      stepLoss: shared(Float64Array, MAX_ROUND_STEPS * maxShards),
      stepCorrect: shared(Int32Array, MAX_ROUND_STEPS * maxShards),
      stepGradSquares: shared(Float64Array, MAX_ROUND_STEPS * config.threads * model.parameterRanges().length),
      order: shared(Int32Array, base.length),
      train: { features: toShared(train.features, Float32Array), labels: toShared(train.labels, Int32Array) },
      validation: validation
        ? { features: toShared(validation.features, Float32Array), labels: toShared(validation.labels, Int32Array) }
        : null,
      predictions: shared(Int32Array, Math.max(base.length, validation?.rows ?? 0)),
      kernels,
    };
    const pool = new ShardPool(opts.workerFile ?? DEFAULT_WORKER, data, config.threads);
    const session = new TrainingSession(opts, config, model, optimizer.config, optimizer.t, rng, base, data, pool, rows, maxShards);
    if (resumed) session.restore(resumed);
    return session;
  }

  get state(): SessionState {
    return this._state;
  }

  start(): void {
    if (this._state === 'idle') this.run();
  }

  resume(): void {
    if (this._state === 'paused') this.run();
  }

  /** One step, then paused (from idle or paused); finished if it was the last. */
  step(): Promise<void> {
    if (this._state !== 'idle' && this._state !== 'paused') return Promise.resolve();
    this.setState('running');
    this.busy = this.guard(async () => {
      await this.advance(true);
      if (this._state === 'running') this.settle();
    });
    return this.busy;
  }

  /** Finishes the step in flight, writes a checkpoint, and pauses. */
  async pause(): Promise<void> {
    if (this._state === 'running') {
      this.wanted ??= 'pause';
      await this.busy;
    } else if (this._state === 'idle') {
      this.rest('paused');
    }
  }

  /** Finishes the step in flight, writes a checkpoint, and stops for good; the weights stay. */
  async stop(): Promise<void> {
    if (this._state === 'running') {
      this.wanted = 'stop';
      await this.busy;
    } else if (this._state === 'idle' || this._state === 'paused') {
      this.rest('stopped');
    }
  }

  /** Applies from the next step on. */
  setLearningRate(lr: number): void {
    checkLearningRate(lr);
    this.optimizer.lr = lr;
  }

  /** The parameters after the last good step. */
  snapshot(): Float32Array {
    return this.params().slice();
  }

  /** The current version's copy. */
  private params(): Float32Array {
    return this.data.params[Atomics.load(this.data.version, 0) & 1];
  }

  /** Resolves when the session comes to rest: paused, stopped, finished or failed. */
  async settled(): Promise<SessionState> {
    await this.busy;
    return this._state;
  }

  weightsJson(): string {
    const names = this.opts.train.classNames;
    return weightsToJson(Model.create(this.config.spec, { params: this.params() }), {
      // Labels name every output; a set with fewer classes than outputs leaves them unnamed.
      ...(names.length === this.model.classes && { labels: names }),
      normalization: this.opts.normalization,
      training: this.trainingInfo(),
    });
  }

  /** The weights file's training metadata: epochs done, seed, optimiser, the last epoch's figures. */
  trainingInfo(): TrainingInfo {
    const m = this.lastEpoch;
    return {
      epochs: this.epoch,
      seed: this.config.seed,
      optimizer: { ...this.optimizer },
      ...(m && {
        metrics: {
          trainLoss: m.trainLoss,
          trainAccuracy: m.trainAccuracy,
          ...(m.valLoss !== null && m.valAccuracy !== null && { valLoss: m.valLoss, valAccuracy: m.valAccuracy }),
        },
      }),
    };
  }

  async close(): Promise<void> {
    await this.stop();
    await this.pool.close();
  }

  // ---- the loop

  private run(): void {
    this.setState('running');
    this.busy = this.guard(async () => {
      while (this.wanted === null && this.epoch < this.config.epochs) {
        if (!(await this.advance(false))) return;
      }
      this.settle();
    });
  }

  /** Comes to rest after the steps: finished once every epoch is done (also when a pause or stop
   *  came with the last step: there is nothing left to resume), else as asked. */
  private settle(): void {
    if (this.epoch >= this.config.epochs) this.rest('finished');
    else this.rest(this.wanted === 'stop' ? 'stopped' : 'paused');
  }

  /** Runs `body`; anything unexpected fails the session with its message instead of escaping. */
  private async guard(body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.emit({ type: 'error', message });
      this.setState('failed', message);
    } finally {
      this.wanted = null;
    }
  }

  /** Comes to rest with the latest metrics sent (throttling may have held them back); a pause or
   *  stop checkpoints (the last epoch's end already has). */
  private rest(state: 'paused' | 'stopped' | 'finished', message?: string): void {
    this.flushMetrics();
    if (state !== 'finished') this.saveCheckpoint();
    this.setState(state, message);
  }

  /** A round of steps (one step if `single`), and the epoch's end if it reached it. False if the
   *  session must halt. */
  private async advance(single: boolean): Promise<boolean> {
    if (this.epoch >= this.config.epochs) return false;
    const began = performance.now();
    const before = this.stepCount;
    let outcome;
    try {
      outcome = await this.trainSteps(single ? 1 : this.roundSteps());
    } catch (e) {
      if (!(e instanceof WorkerFailure)) throw e;
      // The steps done before the fault are kept; the step it hit is retried once, on fresh workers.
      if (this.retryAt !== this.stepCount) {
        this.retryAt = this.stepCount;
        return this.advance(single);
      }
      const message = `training stopped at step ${this.stepCount + 1} (epoch ${this.epoch + 1}): a worker failed twice on the same work: ${e.message}; the weights are those of the last completed step`;
      this.flushMetrics(); // of the steps done before the fault
      this.emit({ type: 'error', message });
      this.setState('failed', message);
      return false;
    }
    if (outcome !== null) {
      this.rest('paused', outcome);
      return false;
    }
    const now = performance.now();
    this.rate.seconds += (now - began) / 1000;
    const ms = (now - began) / (this.stepCount - before);
    this.stepMs = this.stepMs === 0 ? ms : 0.7 * this.stepMs + 0.3 * ms;
    const epochDone = this.position === this.base.length;
    if (single || epochDone || now - this.lastEmit >= METRICS_INTERVAL_MS) this.emitMetrics();
    if (epochDone) await this.endEpoch();
    return true;
  }

  /** About ROUND_MS of steps; one until a step's time is known. */
  private roundSteps(): number {
    return this.stepMs > 0 ? Math.max(1, Math.min(MAX_ROUND_STEPS, Math.floor(ROUND_MS / this.stepMs))) : 1;
  }

  /** Up to `count` steps, not past the epoch's end, in one round of tasks; commits those done (also
   *  when a worker fails). Returns why the step after them was not applied, or null. */
  private async trainSteps(count: number): Promise<string | null> {
    if (this.orderEpoch !== this.epoch) this.shuffle();
    const { batchSize } = this.config;
    const { shardRows, maxShards, slices } = this;
    const { threads } = this.pool;
    const size = this.model.size;
    const plans: StepPlan[] = [];
    for (let start = this.position; plans.length < count && start < this.base.length; start += batchSize) {
      const end = Math.min(start + batchSize, this.base.length);
      plans.push({ start, end, shards: Math.ceil((end - start) / shardRows) });
    }
    const version = Atomics.load(this.data.version, 0);
    // Task i updates parameter slice i; the shards go to whichever task takes them first.
    const tasks = Array.from({ length: threads }, (_, i) => {
      const [from, to] = slices[i] ?? [size, size];
      return { kind: 'steps' as const, version, tasks: threads, index: i, steps: plans, shardRows, maxShards, from, to, t: this.t + 1, optimizer: { ...this.optimizer } };
    });
    let failed;
    try {
      [{ failed }] = await this.pool.runAll(tasks, { retry: false });
    } finally {
      this.commit(plans.slice(0, Atomics.load(this.data.round, 2)));
    }
    const where = `step ${this.stepCount + 1} (epoch ${this.epoch + 1})`;
    const advice = 'paused with the parameters of the last finite step; lower the learning rate and resume';
    if (failed === 'loss') return `non-finite loss at ${where}: ${advice}`;
    if (failed === 'grad') return `non-finite gradient at ${where}: ${advice}`;
    // A finite gradient can still overflow the parameters (a huge learning rate).
    if (failed === 'params') return `the update at ${where} made the parameters non-finite: ${advice}`;
    return null;
  }

  /** Makes the round's first steps current, with their losses and correct counts (summed in shard
   *  order: a fixed order, whatever the thread count) and the gradient norms the charts show. */
  private commit(done: StepPlan[]): void {
    const { stepLoss, stepCorrect, stepGradSquares } = this.data;
    const tasks = this.pool.threads, layers = this.layers.length;
    for (const [k, { start, end, shards }] of done.entries()) {
      for (let s = 0; s < shards; s++) {
        this.epochLossSum += stepLoss[k * this.maxShards + s];
        this.epochCorrect += stepCorrect[k * this.maxShards + s];
      }
      this.t++;
      this.position = end;
      this.stepCount++;
      this.samplesSeen += end - start;
      this.rate.samples += end - start;
      const recorded = this.stepCount % this.historyStride() === 0;
      if (recorded || k === done.length - 1) {
        this.gradNorms = this.layers.map((_, l) => {
          let squares = 0;
          for (let i = 0; i < tasks; i++) squares += stepGradSquares[(k * tasks + i) * layers + l];
          return Math.sqrt(squares);
        });
      }
      if (recorded) {
        this.history.push({ step: this.stepCount, trainLoss: this.epochLossSum / end, trainAccuracy: this.epochCorrect / end, gradNorms: this.gradNorms });
      }
    }
    Atomics.add(this.data.version, 0, done.length);
  }

  /** This epoch's order: the RNG state before it is what a checkpoint keeps. */
  private shuffle(): void {
    this.epochRngState = this.rng.getState();
    this.data.order.set(this.base);
    this.rng.shuffle(this.data.order);
    this.orderEpoch = this.epoch;
  }

  private async endEpoch(): Promise<void> {
    const { validation, train } = this.data;
    const seen = this.position;
    const val = validation ? await this.evaluate('validation', this.opts.validation!.rows) : null;
    // Without a validation set the confusion matrix comes from the rows trained on, in this epoch's order.
    const confusionSet = val ?? (await this.evaluate('train', this.base.length));
    const label = validation ? (i: number) => validation.labels[i] : (i: number) => train.labels[this.data.order[i]];
    const { confusion, perClassAccuracy } = confusionMatrix(this.model.classes, confusionSet.rows, label, this.data.predictions);
    this.lastEpoch = {
      epoch: this.epoch + 1,
      trainLoss: this.epochLossSum / seen,
      trainAccuracy: this.epochCorrect / seen,
      valLoss: val ? val.lossSum / val.rows : null,
      valAccuracy: val ? val.correct / val.rows : null,
      confusion,
      perClassAccuracy,
    };
    this.epoch++;
    this.position = 0;
    this.epochLossSum = 0;
    this.epochCorrect = 0;
    this.emit({ type: 'epoch', metrics: this.lastEpoch });
    this.saveCheckpoint();
  }

  /** Forward passes over a whole set on the pool, in fixed chunks summed in order. */
  private async evaluate(set: 'train' | 'validation', rows: number): Promise<{ lossSum: number; correct: number; rows: number }> {
    const chunkRows = this.shardRows * 4;
    const groups = split(Math.ceil(rows / chunkRows), this.pool.threads);
    const version = Atomics.load(this.data.version, 0);
    const results = await this.pool.runAll(groups.map(([first, last]) => ({
      kind: 'eval' as const, set, version, chunkRows, start: first * chunkRows, end: Math.min(rows, last * chunkRows),
    })), { retry: true });
    return { ...sumResults(results), rows };
  }

  // ---- metrics, checkpoints

  /** The latest metrics, if throttling held them back. */
  private flushMetrics(): void {
    if (this.emittedStep !== this.stepCount) this.emitMetrics();
  }

  private emitMetrics(): void {
    this.lastEmit = performance.now();
    this.emittedStep = this.stepCount;
    this.emit({ type: 'metrics', metrics: this.stepMetrics() });
  }

  private stepMetrics(): StepMetrics {
    const { rate } = this;
    if (rate.seconds > 0.05) {
      const recent = rate.samples / rate.seconds;
      rate.perSecond = rate.perSecond === 0 ? recent : 0.7 * rate.perSecond + 0.3 * recent; // steadier figures and ETA
      rate.samples = 0;
      rate.seconds = 0;
    }
    const n = this.base.length;
    const remaining = this.config.epochs * n - (this.epoch * n + this.position);
    const seen = this.position; // metrics follow a step, so at least one row
    return {
      step: this.stepCount,
      epoch: this.epoch + 1,
      epochs: this.config.epochs,
      stepsPerEpoch: Math.ceil(n / this.config.batchSize),
      samplesSeen: this.samplesSeen,
      trainLoss: this.epochLossSum / seen,
      trainAccuracy: this.epochCorrect / seen,
      samplesPerSecond: rate.perSecond,
      etaSeconds: rate.perSecond > 0 ? remaining / rate.perSecond : 0,
      lr: this.optimizer.lr,
      gradNorms: this.layers.map(({ name }, l) => ({ name, norm: this.gradNorms[l] })),
      history: this.history.splice(0),
    };
  }

  /** Every how many steps the history keeps one: 1 unless the run has more than CURVE_POINTS steps. */
  private historyStride(): number {
    return Math.max(1, Math.ceil((this.config.epochs * Math.ceil(this.base.length / this.config.batchSize)) / CURVE_POINTS));
  }

  /** A checkpoint that cannot be written is reported, and training goes on: the run is still good. */
  private saveCheckpoint(): void {
    const dir = this.opts.checkpointDir;
    if (!dir) return;
    const checkpoint: Checkpoint = {
      spec: this.config.spec,
      optimizer: { ...this.optimizer },
      batchSize: this.config.batchSize,
      seed: this.config.seed,
      limit: this.config.limit,
      trainRows: this.base.length,
      normalization: this.opts.normalization,
      epoch: this.epoch,
      position: this.position,
      step: this.stepCount,
      samplesSeen: this.samplesSeen,
      rngState: this.orderEpoch === this.epoch ? this.epochRngState : this.rng.getState(),
      epochLossSum: this.epochLossSum,
      epochCorrect: this.epochCorrect,
      params: this.params(),
      optimizerState: { t: this.t, buffers: this.data.moments[Atomics.load(this.data.version, 0) & 1] },
    };
    try {
      writeCheckpoint(join(dir, 'checkpoint.json'), checkpoint);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      this.emit({ type: 'error', message: e.message });
    }
  }

  private restore(c: Checkpoint): void {
    this.epoch = c.epoch;
    this.position = c.position;
    this.stepCount = c.step;
    this.emittedStep = c.step;
    this.samplesSeen = c.samplesSeen;
    this.epochLossSum = c.epochLossSum;
    this.epochCorrect = c.epochCorrect;
    this.rng.setState(c.rngState); // the next step shuffles this epoch exactly as before
  }

  private setState(state: SessionState, message?: string): void {
    this._state = state;
    this.emit(message === undefined ? { type: 'state', state } : { type: 'state', state, message });
  }

  private emit(e: TrainerEvent): void {
    this.opts.onEvent(e);
  }
}

/** The loss sums in task then shard order (a fixed order, whatever the thread count), and the correct count. */
function sumResults(results: ShardsResult[]): { lossSum: number; correct: number } {
  let lossSum = 0;
  let correct = 0;
  for (const r of results) {
    for (const l of r.lossSums) lossSum += l;
    correct += r.correct;
  }
  return { lossSum, correct };
}

/** The model must take the set's rows and have an output for each of its classes. */
function checkCompatible(spec: ModelSpec, set: Dataset): void {
  const features = set.shape.reduce((a, b) => a * b, 1);
  if (features !== inputSize(spec)) {
    throw new InputError(`${set.name}: rows have ${features} features, the model expects ${inputSize(spec)}`);
  }
  if (set.classNames.length > spec.classes) {
    throw new InputError(`${set.name}: ${set.classNames.length} classes, the model has only ${spec.classes} outputs`);
  }
}
