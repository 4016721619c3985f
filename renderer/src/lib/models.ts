// The model choices the UI offers, and the spec they make: pure, so every combination can be
// checked against the engine's spec schema in a unit test.
import type { ConvActivation, HiddenActivation, LeNet5Spec, LossKind, ModelSpec, OutputFn } from '../../../engine/spec.ts';

export type Architecture = 'mlp' | 'lenet5' | 'lenet5-classic';

export const ARCHITECTURES: { value: Architecture; label: string }[] = [
  { value: 'mlp', label: 'MLP' },
  { value: 'lenet5', label: 'LeNet-5 (modern)' },
  { value: 'lenet5-classic', label: 'LeNet-5 (classic, 1998)' },
];

interface Pairing { output: OutputFn; loss: LossKind; label: string; explanation: string }

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

export interface ModelChoices {
  architecture: Architecture;
  hidden: number[];
  activation: HiddenActivation;
  convActivation: ConvActivation;
  pooling: 'max' | 'avg';
  pairing: number; // index into PAIRINGS
}

/** The spec for a dataset of `inputs` features and `classes` classes. */
export function buildSpec(c: ModelChoices, inputs: number, classes: number): ModelSpec {
  const { output, loss } = PAIRINGS[c.pairing];
  if (c.architecture === 'mlp') {
    return { type: 'mlp', inputs, hidden: [...c.hidden], classes, activation: c.activation, output, loss };
  }
  const common: Omit<LeNet5Spec, 'variant'> = { type: 'lenet5', inputShape: [1, 32, 32], classes, activation: c.convActivation, output, loss };
  return c.architecture === 'lenet5' ? { ...common, variant: 'modern', pooling: c.pooling } : { ...common, variant: 'classic' };
}
