// The model the user is building: architecture, activation, output/loss pairing (lib/models.ts
// makes the spec from them with the dataset's input size and classes).
import { api } from '../api.ts';
import type { ModelInfo } from '../../../main/api/contract.ts';
import { messageOf } from '../lib/format.ts';
import type { ConvActivation, HiddenActivation, ModelSpec } from '../../../engine/spec.ts';
import { buildSpec, PAIRINGS, type Architecture, type ModelChoices } from '../lib/models.ts';
import { dataset } from './dataset.svelte.ts';

class ModelStore implements ModelChoices {
  architecture = $state<Architecture>('mlp');
  hidden = $state<number[]>([128]);
  activation = $state<HiddenActivation>('sigmoid');
  convActivation = $state<ConvActivation>('relu');
  pooling = $state<'max' | 'avg'>('max');
  pairing = $state(0); // index into PAIRINGS
  info = $state.raw<ModelInfo | null>(null); // tensors and parameter counts of the chosen spec
  error = $state<string | null>(null);

  /** The architecture that trains: the chosen one, or the MLP while the data is not images LeNet-5
   *  takes (the choice comes back with such images, instead of a Start that can only fail). */
  get inUse(): Architecture {
    return dataset.fitsLeNet ? this.architecture : 'mlp';
  }

  /** The spec for a dataset of `inputs` features and `classes` classes. */
  spec(inputs: number, classes: number): ModelSpec {
    const { hidden, activation, convActivation, pooling, pairing } = this;
    return buildSpec({ architecture: this.inUse, hidden, activation, convActivation, pooling, pairing }, inputs, classes);
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
