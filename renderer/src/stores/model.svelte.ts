// The model the user is building: architecture, activation, output/loss pairing. The spec sent
// to the services is derived from these choices and the dataset's input size and classes.
import { api } from '../api.ts';
import type { ModelInfo } from '../../../main/api/contract.ts';
import { messageOf } from '../lib/format.ts';
import type { ConvActivation, HiddenActivation, LeNet5Spec, LossKind, ModelSpec, OutputFn } from '../../../engine/spec.ts';

export type Architecture = 'mlp' | 'lenet5' | 'lenet5-classic';

export interface Pairing { output: OutputFn; loss: LossKind; label: string; explanation: string }

/** The output function and loss pairings offered, each with one line on what it means. */
export const PAIRINGS: Pairing[] = [
  {
    output: 'softmax', loss: 'cross-entropy', label: 'softmax + cross-entropy',
    explanation: 'One probability distribution over the classes; the loss is −log p(true class), and its gradient at the scores is simply y − t.',
  },
  {
    output: 'sigmoid', loss: 'cross-entropy', label: 'sigmoid + binary cross-entropy',
    explanation: 'Each output is an independent yes/no probability; the summed −log of each right answer again gives the gradient y − t.',
  },
  {
    output: 'sigmoid', loss: 'l2', label: 'sigmoid + L2',
    explanation: 'The seed’s network: half the squared distance to the one-hot target; the sigmoid’s slope y(1 − y) scales the gradient, so saturated outputs learn slowly.',
  },
  {
    output: 'softmax', loss: 'l2', label: 'softmax + L2',
    explanation: 'Probabilities pulled towards the one-hot target by squared error; the softmax Jacobian couples every output’s gradient.',
  },
  {
    output: 'identity', loss: 'l2', label: 'identity + L2',
    explanation: 'Raw scores regressed onto the one-hot target by least squares: no probabilities, the gradient is y − t.',
  },
];

export const ACTIVATIONS: { value: HiddenActivation; label: string }[] = [
  { value: 'sigmoid', label: 'sigmoid' },
  { value: 'tanh', label: 'tanh' },
  { value: 'relu', label: 'ReLU' },
];

export const CONV_ACTIVATIONS: { value: ConvActivation; label: string }[] = [
  ...ACTIVATIONS,
  { value: 'scaled-tanh', label: 'scaled tanh (1.7159 tanh(2x/3))' },
];

class ModelStore {
  architecture = $state<Architecture>('mlp');
  hidden = $state<number[]>([128]);
  activation = $state<HiddenActivation>('sigmoid');
  convActivation = $state<ConvActivation>('relu');
  pooling = $state<'max' | 'avg'>('max');
  pairing = $state(0); // index into PAIRINGS
  info = $state.raw<ModelInfo | null>(null); // tensors and parameter counts of the chosen spec
  error = $state<string | null>(null);

  /** The spec for a dataset of `inputs` features and `classes` classes. */
  spec(inputs: number, classes: number): ModelSpec {
    const { output, loss } = PAIRINGS[this.pairing];
    if (this.architecture === 'mlp') {
      return { type: 'mlp', inputs, hidden: [...this.hidden], classes, activation: this.activation, output, loss };
    }
    const common: Omit<LeNet5Spec, 'variant'> = { type: 'lenet5', inputShape: [1, 32, 32], classes, activation: this.convActivation, output, loss };
    return this.architecture === 'lenet5'
      ? { ...common, variant: 'modern', pooling: this.pooling }
      : { ...common, variant: 'classic' };
  }

  /** Choosing an architecture brings its usual activation (the classic LeNet-5 used scaled tanh). */
  choose(architecture: Architecture): void {
    this.architecture = architecture;
    if (architecture === 'lenet5-classic') this.convActivation = 'scaled-tanh';
    else if (architecture === 'lenet5' && this.convActivation === 'scaled-tanh') this.convActivation = 'relu';
  }

  /** Asks the services for the tensors and parameter counts of the chosen spec. */
  async describe(inputs: number, classes: number): Promise<void> {
    try {
      this.info = await api.getModelInfo({ spec: this.spec(inputs, classes) });
      this.error = null;
    } catch (e) {
      this.error = messageOf(e);
    }
  }

  /** Adopts an imported spec's choices, so the panel shows the model that was loaded. */
  adopt(spec: ModelSpec): void {
    const pairing = PAIRINGS.findIndex((p) => p.output === spec.output && p.loss === spec.loss);
    this.pairing = Math.max(0, pairing);
    if (spec.type === 'mlp') {
      this.architecture = 'mlp';
      this.hidden = [...spec.hidden];
      this.activation = spec.activation;
    } else {
      this.architecture = spec.variant === 'classic' ? 'lenet5-classic' : 'lenet5';
      this.convActivation = spec.activation;
      if (spec.pooling) this.pooling = spec.pooling;
    }
  }
}

export const model = new ModelStore();
