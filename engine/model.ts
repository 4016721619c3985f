// A network built from a spec (weights-format.md, "Model specs") over ONE flat parameter vector and
// one flat gradient vector of the same layout; every layer's tensors are views into them, so the
// trainer averages, transfers and updates the whole model with one vector operation each.
import { type DType, type Floats, floats, grow } from './kernels.ts';
import { Activation } from './layers/activation.ts';
import { AvgPool } from './layers/avgpool.ts';
import { Conv2d } from './layers/conv2d.ts';
import { Dense } from './layers/dense.ts';
import { type InitScheme, type Layer, size } from './layers/layer.ts';
import { MaxPool } from './layers/maxpool.ts';
import { Rbf } from './layers/rbf.ts';
import { Subsample } from './layers/subsample.ts';
import { applyOutput, lossSum, outputDelta } from './loss.ts';
import { Rng } from './rng.ts';
import { type LeNet5Spec, type MlpSpec, type ModelSpec, inputSize, outputLossPairingError } from './spec.ts';

export interface TensorInfo { name: string; shape: number[]; offset: number; size: number }
export interface ShardResult { lossSum: number; correct: number }
/** Which of backprop-notes' equations a layer follows. */
export type LayerKind = 'dense' | 'conv' | 'activation' | 'maxpool' | 'avgpool' | 'subsample' | 'rbf';
/** One layer in a one-row pass: its output, dL/d(its output), and where its tensors are in `grads`. */
export interface TraceStage { name: string; kind: LayerKind; shape: number[]; output: Floats; delta: Floats; tensors: TensorInfo[] }
/** A one-row pass: the row's loss, the output function's values, each layer's stage, and the row's gradient. */
export interface Trace { loss: number; predicted: number; probabilities: Floats; stages: TraceStage[]; grads: Floats }

/** LeNet-5's C3 connection table (LeCun et al. 1998, Table I): C3_CONNECTIONS[d] lists the S2 maps
 *  that C3 map d reads: 6 maps read 3 neighbours, 6 read 4 neighbours, 3 read 4 non-adjacent maps,
 *  the last reads all 6 (1,516 parameters in all). */
export const C3_CONNECTIONS: number[][] = [
  [0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 0], [5, 0, 1],
  [0, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5], [3, 4, 5, 0], [4, 5, 0, 1], [5, 0, 1, 2],
  [0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5],
  [0, 1, 2, 3, 4, 5],
];

export class Model {
  readonly inputSize: number;
  readonly classes: number;
  readonly tensors: TensorInfo[] = [];
  readonly size: number;
  readonly params: Floats;
  readonly grads: Floats;
  private bound: Floats; // the gradient vector the layers' gradient views are on now
  private readonly offsets: number[] = []; // per layer: where its tensors start (and end, at [i + 1])
  private input: Floats; // x converted to this model's element type when it arrives as another
  private y: Floats;
  private delta: Floats;
  private outputs: Floats[] = []; // each layer's output in the last forward
  private lastRows = 0;

  private constructor(readonly spec: ModelSpec, readonly dtype: DType, readonly layers: Layer[],
    private readonly initScheme: InitScheme, params: Floats | undefined) {
    this.inputSize = inputSize(spec);
    this.classes = spec.classes;
    let offset = 0;
    for (const layer of layers) {
      this.offsets.push(offset);
      for (const p of layer.params) {
        const n = size(p.shape);
        this.tensors.push({ name: `${layer.name}.${p.name}`, shape: p.shape, offset, size: n });
        offset += n;
      }
    }
    this.offsets.push(offset);
    this.size = offset;
    if (params && params.length !== offset) {
      throw new Error(`parameter vector has ${params.length} values, the model needs ${offset}`);
    }
    this.params = params ?? floats(dtype, offset);
    this.grads = this.bound = floats(dtype, offset);
    layers.forEach((layer, i) => layer.bind(this.params, this.grads, this.offsets[i]));
    this.input = this.y = this.delta = floats(dtype, 0);
  }

  /** `params`, when given, is used as is (e.g. a view on a SharedArrayBuffer), not copied; its
   *  element type sets the dtype unless `dtype` says otherwise (then they must agree). */
  static create(spec: ModelSpec, opts: { dtype?: DType; params?: Floats } = {}): Model {
    const dtype = opts.dtype ?? (opts.params instanceof Float64Array ? 'float64' : 'float32');
    if (opts.params && (opts.params instanceof Float64Array) !== (dtype === 'float64')) {
      throw new Error(`parameter vector is a ${opts.params.constructor.name}, the model is ${dtype}`);
    }
    const pairing = outputLossPairingError(spec.output, spec.loss);
    if (pairing) throw new Error(pairing);
    const [layers, scheme] = spec.type === 'mlp' ? buildMlp(spec, dtype) : buildLeNet5(spec, dtype);
    return new Model(spec, dtype, layers, scheme, opts.params);
  }

  /** Seeded initialisation (same seed, same weights): He for ReLU nets, Xavier for sigmoid/tanh,
   *  LeCun's uniform ±2.4/fan_in for the classic LeNet-5; biases zero. */
  init(seed: number): void {
    const rng = new Rng(seed);
    for (const layer of this.layers) layer.init(rng, this.initScheme);
  }

  /** into = SUM over the rows of the per-sample gradients (its old values are overwritten); returns
   *  the SUM of the per-sample losses and how many rows the model classifies right. `into` is the
   *  model's own `grads` unless given (a trainer's shard slot: written where it is read, no copy). */
  gradSum(x: Floats, labels: ArrayLike<number>, rows: number, into: Floats = this.grads): ShardResult {
    return this.pass(x, labels, rows, into);
  }

  /** One row forward and backward, every quantity kept (copies: the layers reuse their buffers). */
  trace(x: Floats, label: number): Trace {
    const grads = floats(this.dtype, this.size);
    const deltas: Floats[] = [];
    const { lossSum } = this.pass(x, [label], 1, grads, (i, delta) => (deltas[i] = delta.slice(0, size(this.layers[i].outShape))));
    const stages = this.layers.map((layer, i): TraceStage => ({
      name: layer.name,
      kind: layerKind(layer),
      shape: layer.outShape,
      output: this.outputs[i].slice(0, size(layer.outShape)),
      delta: deltas[i],
      tensors: this.tensors.filter((t) => t.offset >= this.offsets[i] && t.offset < this.offsets[i + 1]),
    }));
    const o = this.outputs[this.layers.length - 1];
    return { loss: lossSum, predicted: argmax(o, 0, this.classes), probabilities: this.y.slice(0, this.classes), stages, grads };
  }

  /** Forward, then backward from the loss (visit sees the delta, dL/d(output), each layer gets). */
  private pass(x: Floats, labels: ArrayLike<number>, rows: number, into: Floats, visit?: (layer: number, delta: Floats) => void): ShardResult {
    if (into !== this.bound) {
      if (into.length !== this.size || (into instanceof Float64Array) !== (this.dtype === 'float64')) {
        throw new RangeError(`gradient vector: ${into.constructor.name} of ${into.length}, the model needs ${this.dtype} of ${this.size}`);
      }
      this.layers.forEach((layer, i) => layer.bind(this.params, into, this.offsets[i]));
      this.bound = into;
    }
    const result = this.evaluate(x, labels, rows);
    const { spec, classes, layers } = this;
    const delta = (this.delta = grow(this.delta, rows * classes));
    outputDelta(spec.output, spec.loss, this.y, labels, rows, classes, delta);
    let d: Floats | null = delta;
    for (let i = layers.length - 1; i >= 0 && d; i--) {
      visit?.(i, d);
      d = layers[i].backward(d, rows, i > 0);
    }
    return result;
  }

  /** Forward only. Fills `predictions` (if given) with each row's argmax. */
  evaluate(x: Floats, labels: ArrayLike<number>, rows: number, predictions?: Int32Array): ShardResult {
    const o = this.forward(x, rows);
    const { spec, classes, y } = this;
    let correct = 0;
    for (let r = 0; r < rows; r++) {
      const predicted = argmax(o, r * classes, classes);
      if (predicted === labels[r]) correct++;
      if (predictions) predictions[r] = predicted;
    }
    return { lossSum: lossSum(spec.output, spec.loss, o, y, labels, rows, classes), correct };
  }

  /** rows * classes outputs with the output function applied (probabilities for softmax). */
  predict(x: Floats, rows: number): Floats {
    this.forward(x, rows);
    return this.y.slice(0, rows * this.classes);
  }

  /** The layers with parameters, each with where its tensors are in the flat vectors: [start, end). */
  parameterRanges(): { name: string; start: number; end: number }[] {
    return this.layers.flatMap((layer, i) => {
      const [start, end] = [this.offsets[i], this.offsets[i + 1]];
      return end > start ? [{ name: layer.name, start, end }] : [];
    });
  }

  /** A hash of which side of every kink (ReLU at 0, max pooling's argmax) the last forward took:
   *  two forwards that took the same sides hash alike (gradient checking, not training, calls it). */
  kinks(): number {
    return this.layers.reduce((h, layer) => layer.kinks?.(this.lastRows, h) ?? h, 0);
  }

  /** One sample's input and each stage's output (after its activation), for the UI. */
  featureMaps(x: Floats): { name: string; shape: number[]; data: Float32Array }[] {
    this.forward(x, 1);
    const maps = [{ name: 'input', shape: this.layers[0].inShape, data: Float32Array.from(x.subarray(0, this.inputSize)) }];
    for (const { layer, output } of this.stages()) {
      maps.push({ name: layer.name, shape: layer.outShape, data: Float32Array.from(this.outputs[output].subarray(0, size(layer.outShape))) });
    }
    return maps;
  }

  /** Runs the layers and the output function; returns the last layer's output o (y is kept). */
  private forward(x: Floats, rows: number): Floats {
    const n = rows * this.inputSize;
    if (x.length < n) throw new Error(`input has ${x.length} values, ${rows} rows need ${n}`);
    let a: Floats = x;
    if ((x instanceof Float64Array) !== (this.dtype === 'float64')) {
      a = this.input = grow(this.input, n);
      a.set(x.subarray(0, n));
    }
    for (let i = 0; i < this.layers.length; i++) a = this.outputs[i] = this.layers[i].forward(a, rows);
    this.y = grow(this.y, rows * this.classes);
    applyOutput(this.spec.output, a, this.y, rows, this.classes);
    this.lastRows = rows;
    return a;
  }

  /** The layers that are not activations, each with the index of the layer whose output it shows
   *  (its activation's when one follows it). */
  private stages(): { layer: Layer; output: number }[] {
    const stages = [];
    for (let i = 0; i < this.layers.length; i++) {
      if (this.layers[i] instanceof Activation) continue;
      stages.push({ layer: this.layers[i], output: this.layers[i + 1] instanceof Activation ? i + 1 : i });
    }
    return stages;
  }
}

function layerKind(layer: Layer): LayerKind {
  if (layer instanceof Dense) return 'dense';
  if (layer instanceof Conv2d) return 'conv';
  if (layer instanceof Activation) return 'activation';
  if (layer instanceof MaxPool) return 'maxpool';
  if (layer instanceof AvgPool) return 'avgpool';
  if (layer instanceof Subsample) return 'subsample';
  if (layer instanceof Rbf) return 'rbf';
  throw new Error(`unknown layer ${layer.name}`);
}

function argmax(v: Floats, start: number, n: number): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (v[start + i] > v[start + best]) best = i;
  return best;
}

// MLP: (dense -> activation) per hidden layer, then the output dense layer; tensors hidden.* (or
// hidden1.*, hidden2.*, ...) and output.*.
function buildMlp(spec: MlpSpec, dtype: DType): [Layer[], InitScheme] {
  const layers: Layer[] = [];
  let width = spec.inputs;
  spec.hidden.forEach((h, i) => {
    const name = spec.hidden.length === 1 ? 'hidden' : `hidden${i + 1}`;
    layers.push(new Dense(name, width, h, dtype), new Activation(`${name}.${spec.activation}`, spec.activation, [h], dtype));
    width = h;
  });
  layers.push(new Dense('output', width, spec.classes, dtype));
  return [layers, spec.activation === 'relu' ? 'he' : 'xavier'];
}

// LeNet-5 on 1x32x32 (backprop-notes "LeNet-5"). Modern: C1 -> act -> pool -> C3 -> act -> pool ->
// C5 -> act -> F6 -> act -> output. Classic: trainable subsampling with its own activation instead
// of pooling, C3 reads S2 through the 1998 connection table, and with `rbf` the output layer is the
// paper's Euclidean RBF units (tensor output.centers) instead of a dense layer.
function buildLeNet5(spec: LeNet5Spec, dtype: DType): [Layer[], InitScheme] {
  const classic = spec.variant === 'classic';
  const act = (name: string, shape: number[]) => new Activation(`${name}.${spec.activation}`, spec.activation, shape, dtype);
  const pool = (name: string, channels: number, side: number): Layer[] => {
    if (classic) return [new Subsample(name, channels, side, side, 2, dtype), act(name, [channels, side / 2, side / 2])];
    const Pool = spec.pooling === 'avg' ? AvgPool : MaxPool;
    return [new Pool(name, channels, side, side, 2, dtype)];
  };
  const table = classic ? C3_CONNECTIONS.map((maps) => [0, 1, 2, 3, 4, 5].map((c) => maps.includes(c))) : undefined;
  const layers: Layer[] = [
    new Conv2d('c1', 1, 32, 32, 6, 5, dtype), act('c1', [6, 28, 28]),
    ...pool('s2', 6, 28),
    new Conv2d('c3', 6, 14, 14, 16, 5, dtype, table), act('c3', [16, 10, 10]),
    ...pool('s4', 16, 10),
    new Conv2d('c5', 16, 5, 5, 120, 5, dtype), act('c5', [120, 1, 1]),
    new Dense('f6', 120, 84, dtype), act('f6', [84]),
    spec.rbf ? new Rbf('output', 84, spec.classes, dtype) : new Dense('output', 84, spec.classes, dtype),
  ];
  return [layers, classic ? 'lecun' : spec.activation === 'relu' ? 'he' : 'xavier'];
}
