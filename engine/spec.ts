// Model specs (weights-format.md, "Model specs"): the one source of truth. The valibot schemas
// validate every spec that crosses a boundary (files, IPC, the command line); the types derive
// from them.
import * as v from 'valibot';
import { integerIn, oneOf, parseOrThrow } from './validate.ts';

// Widths beyond these would only exhaust memory; say so instead of crashing.
const MAX_WIDTH = 1 << 20;
const MAX_MLP_PARAMETERS = 1 << 26;

const HiddenActivationSchema = oneOf(['sigmoid', 'tanh', 'relu']);
const ConvActivationSchema = oneOf(['relu', 'sigmoid', 'tanh', 'scaled-tanh']);
const OutputFnSchema = oneOf(['softmax', 'sigmoid', 'identity']);
const LossKindSchema = oneOf(['cross-entropy', 'l2']);
const ClassesSchema = integerIn(2, MAX_WIDTH);

// Strict objects: a misspelt field ("activaton") is an error, not a silently used default.
const MlpSpecObject = v.strictObject({
  type: v.literal('mlp'),
  inputs: integerIn(1, MAX_WIDTH),
  hidden: v.pipe(
    v.array(integerIn(1, MAX_WIDTH), 'expected an array of layer widths'),
    v.minLength(1, 'expected at least one hidden layer width'),
  ),
  classes: ClassesSchema,
  activation: HiddenActivationSchema,
  output: OutputFnSchema,
  loss: LossKindSchema,
});

const LeNet5SpecObject = v.strictObject({
  type: v.literal('lenet5'),
  variant: oneOf(['modern', 'classic']),
  inputShape: v.tuple([v.literal(1), v.literal(32), v.literal(32)], 'expected [1, 32, 32]'),
  classes: ClassesSchema,
  activation: ConvActivationSchema,
  pooling: v.optional(oneOf(['max', 'avg'])),
  output: OutputFnSchema,
  loss: LossKindSchema,
  rbf: v.optional(v.boolean('expected true or false')),
});

export type HiddenActivation = v.InferOutput<typeof HiddenActivationSchema>;
export type ConvActivation = v.InferOutput<typeof ConvActivationSchema>;
export type OutputFn = v.InferOutput<typeof OutputFnSchema>;
export type LossKind = v.InferOutput<typeof LossKindSchema>;
export type MlpSpec = v.InferOutput<typeof MlpSpecObject>;
export type LeNet5Spec = v.InferOutput<typeof LeNet5SpecObject>;
export type ModelSpec = MlpSpec | LeNet5Spec;

/** Why an output function cannot go with a loss, or null if it can. Softmax or sigmoid with L2
 *  is allowed (the seed's MLP uses L2); cross-entropy needs outputs that are probabilities. */
export function outputLossPairingError(output: OutputFn, loss: LossKind): string | null {
  if (loss === 'cross-entropy' && output === 'identity') {
    return 'cross-entropy needs probabilities, and the identity output gives unbounded values: use output "softmax" or "sigmoid", or loss "l2"';
  }
  return null;
}

/** What makes a well-typed spec meaningless, or null. */
function specProblem(spec: ModelSpec): string | null {
  const pairing = outputLossPairingError(spec.output, spec.loss);
  if (pairing) return `output "${spec.output}" with loss "${spec.loss}": ${pairing}`;
  if (spec.type === 'mlp') {
    const widths = [spec.inputs, ...spec.hidden, spec.classes];
    let count = 0;
    for (let i = 1; i < widths.length; i++) count += (widths[i - 1] + 1) * widths[i];
    if (count > MAX_MLP_PARAMETERS) {
      return `too large: ${count} parameters (at most ${MAX_MLP_PARAMETERS}); use narrower layers`;
    }
  } else if (spec.variant === 'classic' && spec.pooling !== undefined) {
    return 'pooling: the classic variant uses trainable subsampling (S2, S4), not pooling; remove "pooling" or use variant "modern"';
  } else if (spec.variant === 'modern' && spec.rbf !== undefined) {
    return 'rbf: the RBF output belongs to the classic variant; remove "rbf" or use variant "classic"';
  }
  return null;
}

export const ModelSpecSchema = v.pipe(
  v.variant('type', [MlpSpecObject, LeNet5SpecObject], 'expected a model spec with "type" "mlp" or "lenet5"'),
  v.check((spec) => specProblem(spec) === null, (issue) => specProblem(issue.input as ModelSpec) ?? ''),
);

/** Validates a spec; throws InputError "<source>: hidden[0]: expected a positive integer, got -3". */
export function parseSpec(value: unknown, source = 'model'): ModelSpec {
  return parseOrThrow(ModelSpecSchema, value, source);
}

export const PRESETS: { mlp: MlpSpec; lenet5: LeNet5Spec; 'lenet5-classic': LeNet5Spec } = {
  // The seed's network on MNIST; the trainer overrides inputs and classes from the dataset.
  mlp: { type: 'mlp', inputs: 784, hidden: [128], classes: 10, activation: 'sigmoid', output: 'softmax', loss: 'cross-entropy' },
  lenet5: {
    type: 'lenet5', variant: 'modern', inputShape: [1, 32, 32], classes: 10,
    activation: 'relu', pooling: 'max', output: 'softmax', loss: 'cross-entropy',
  },
  // LeCun et al. 1998, with a softmax output instead of the fixed RBF units unless asked.
  'lenet5-classic': {
    type: 'lenet5', variant: 'classic', inputShape: [1, 32, 32], classes: 10,
    activation: 'scaled-tanh', output: 'softmax', loss: 'cross-entropy',
  },
};

/** Numbers per input row. */
export function inputSize(spec: ModelSpec): number {
  return spec.type === 'mlp' ? spec.inputs : spec.inputShape[0] * spec.inputShape[1] * spec.inputShape[2];
}
