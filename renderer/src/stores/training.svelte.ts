// The training session as the renderer sees it: the configuration, the state, and every metric
// the trainer streams, kept in append-only columns the charts read.
import { api } from '../api.ts';
import type { EventPayload, ModelInfo, PreparedInfo, SentMetrics } from '../../../main/api/contract.ts';
import { Columns } from '../lib/series.ts';
import { messageOf } from '../lib/format.ts';
import { defaultEpochs } from '../../../main/trainer/epochs.ts';
import { trainingRows } from '../lib/epochs.ts';
import { dataset } from './dataset.svelte.ts';
import { model } from './model.svelte.ts';

type SessionState = EventPayload<'state'>['state'];
type StepMetrics = EventPayload<'metrics'>;
type EpochMetrics = EventPayload<'epoch'>;
export type OptimizerKind = 'sgd' | 'momentum' | 'adam';

const LEAST_EPOCHS = 3; // MNIST's built-in: 4 epochs by default (the CLI's least is 5)
/** Learning rates that work out of the box with each optimiser. */
const DEFAULT_LR: Record<OptimizerKind, number> = { sgd: 0.1, momentum: 0.05, adam: 0.001 };

class TrainingStore {
  optimizer = $state<OptimizerKind>('momentum');
  lr = $state(DEFAULT_LR.momentum);
  batchSize = $state(32);
  /** Epochs the user chose; until then, enough for the dataset to learn (main/trainer/epochs.ts). */
  chosenEpochs = $state<number | null>(null);
  threads = $state(Math.max(1, Math.min(8, navigator.hardwareConcurrency || 2))); // the services run on this machine
  seed = $state(1);

  state = $state<SessionState>('idle');
  message = $state<string | null>(null); // the last state message or error
  busy = $state(false); // a request is under way: buttons wait for it
  prepared = $state.raw<PreparedInfo | null>(null);
  /** The model whose weights the services hold now (what predict and export use). */
  current = $state.raw<ModelInfo | null>(null);
  /** Bumped when the weights are replaced (prepare, reset, import): views of the weights refresh. */
  weightsVersion = $state(0);
  last = $state.raw<StepMetrics | null>(null);
  lastEpoch = $state.raw<EpochMetrics | null>(null);
  /** Bumped after columns grow: the charts' cue to hand uPlot the grown arrays. */
  version = $state(0);

  // x = step: train loss, validation loss, train accuracy, validation accuracy (validation only at epoch ends)
  readonly perStep = new Columns(4);
  // x = epoch (from 1): the same four
  readonly perEpoch = new Columns(4);
  gradNames = $state.raw<string[]>([]);
  gradNorms = $state.raw(new Columns(0)); // x = step, one column per layer (rebuilt when the layers change)

  /** Names of the model's outputs: its own labels (e.g. an imported file's), else the dataset's. */
  get classNames(): string[] {
    return this.current?.labels.length ? this.current.labels : (dataset.summary?.classNames ?? []);
  }

  get epochs(): number {
    const s = dataset.summary;
    const rows = s ? trainingRows(s.rows, dataset.valSplit, !!s.validation, dataset.limit) : 0;
    return this.chosenEpochs ?? defaultEpochs(rows, this.batchSize, LEAST_EPOCHS);
  }

  set epochs(n: number) {
    this.chosenEpochs = n;
  }

  get active(): boolean {
    return this.state === 'running' || this.state === 'paused';
  }

  chooseOptimizer(kind: OptimizerKind): void {
    this.optimizer = kind;
    this.lr = DEFAULT_LR[kind];
  }

  /** For an effect whose view asks the services about the current weights: it runs again at each
   *  epoch's end, on new weights, on a change of state, and after each step while not running (a
   *  Step, which a teacher follows sample by sample). Running steps are left out: such views would
   *  otherwise ask ten times a second. */
  trackWeights(): void {
    void [this.lastEpoch, this.weightsVersion, this.state];
    if (this.state !== 'running') void this.last;
  }

  onMetrics(m: StepMetrics): void {
    this.last = m;
    const names = m.gradNorms.map((g) => g.name);
    if (names.join() !== this.gradNames.join()) {
      this.gradNorms = new Columns(names.length);
      this.gradNames = names;
    }
    const norms = (values: number[]) => values.map((norm) => (norm > 0 ? norm : null)); // log scale
    // every step since the last event, then the event's own (the same step as the last of those, or later)
    for (const h of m.history) {
      this.perStep.upsert(h.step, h.trainLoss, null, h.trainAccuracy, null);
      this.gradNorms.upsert(h.step, ...norms(h.gradNorms));
    }
    this.perStep.upsert(m.step, m.trainLoss, null, m.trainAccuracy, null);
    this.gradNorms.upsert(m.step, ...norms(m.gradNorms.map((g) => g.norm)));
    this.version++;
  }

  onEpoch(m: EpochMetrics): void {
    this.lastEpoch = m;
    this.perEpoch.push(m.epoch, m.trainLoss, m.valLoss, m.trainAccuracy, m.valAccuracy);
    // validation points sit at the step that ended the epoch
    const step = this.last?.step ?? 0;
    if (m.valLoss !== null) this.perStep.upsert(step, null, m.valLoss, null, m.valAccuracy);
    this.version++;
  }

  /** What the session sent before this page loaded (getStatus), through the same steps as live
   *  events; replaces any live ones that came first, since it holds them too. */
  replay(sent: SentMetrics): void {
    this.clearCharts();
    for (const { metrics, epochs } of sent) {
      this.onMetrics(metrics);
      for (const e of epochs) this.onEpoch(e);
    }
  }

  onModel(info: ModelInfo): void {
    this.current = info;
    this.weightsVersion++;
    if (info.source === 'init') this.clearCharts(); // fresh weights: the curves were the previous ones'
  }

  onState(state: SessionState, message?: string): void {
    this.state = state;
    if (message) this.message = message;
  }

  clearCharts(): void {
    this.perStep.clear();
    this.perEpoch.clear();
    this.gradNorms = new Columns(0);
    this.gradNames = [];
    this.last = null;
    this.lastEpoch = null;
    this.version++;
  }

  /** Fits the chosen model to the dataset; fresh weights from the seed unless `keepWeights`. The
   *  services validate on the dataset's validation file when it has one (valSplit is then ignored). */
  async prepare(keepWeights: boolean): Promise<void> {
    if (dataset.separateValidation && !dataset.summary?.validation) {
      throw new Error('Validation: drop a validation file in the dataset panel, or choose "split off"');
    }
    this.prepared = await api.prepare({
      spec: model.spec(dataset.inputs, dataset.classes),
      valSplit: dataset.valSplit,
      normalize: dataset.normalize,
      seed: this.seed,
      keepWeights,
    });
  }

  /** Runs a request, showing its error instead of throwing; buttons are disabled meanwhile. */
  async run(what: () => Promise<unknown>): Promise<void> {
    this.busy = true;
    try {
      await what();
    } catch (e) {
      this.message = messageOf(e);
    } finally {
      this.busy = false;
    }
  }

  /** Start continues from the current weights (trained or imported) when the model is unchanged. */
  start = () => this.run(() => this.begin(false));

  /** A session created paused, so Step can train one mini-batch at a time from the start. */
  private async begin(paused: boolean): Promise<void> {
    this.message = null;
    await this.prepare(true);
    this.clearCharts();
    const { optimizer, lr } = this;
    await api.start({
      optimizer: optimizer === 'momentum' ? { kind: optimizer, lr, momentum: 0.9 } : { kind: optimizer, lr },
      batchSize: this.batchSize,
      epochs: this.epochs,
      threads: this.threads,
      limit: dataset.limit ?? undefined,
      paused,
    });
  }

  pause = () => this.run(() => api.pause());
  resume = () => this.run(() => api.resume());
  step = () =>
    this.run(async () => {
      if (!this.active) await this.begin(true);
      await api.step();
    });
  stop = () => this.run(() => api.stop());

  /** Same seed, same initial weights: the run can be repeated exactly. Preparing afresh ends the
   *  session and draws the weights from the seed, also before any Start (the services' reset needs
   *  prepared data first). */
  reset = () =>
    this.run(async () => {
      await this.prepare(false); // its 'model' event clears the curves
      this.message = null;
    });

  /** Takes effect from the next step, while training. */
  async setLearningRate(lr: number): Promise<void> {
    this.lr = lr;
    if (this.active) await this.run(() => api.setLearningRate({ lr }));
  }
}

export const training = new TrainingStore();
