// The current dataset as the services hold it: its summary and preview, the built-ins, the last
// load error (shown inline; the services keep the previous dataset), how to prepare it, and its
// separate validation set, if any (named in the summary; the services use it instead of a split).
import { api } from '../api.ts';
import type { BuiltinInfo, DatasetSummary, PayloadIn, Preview } from '../../../main/api/contract.ts';
import { messageOf } from '../lib/format.ts';

type DatasetSource = PayloadIn<'loadDataset'>['source'];
type Normalization = 'none' | 'minmax' | 'zscore';

/** The summary without its validation set: what the preview and the normalisation follow. */
const trainingPart = (s: DatasetSummary | null) => JSON.stringify(s && { ...s, validation: undefined });

class DatasetStore {
  builtins = $state.raw<BuiltinInfo[]>([]);
  summary = $state.raw<DatasetSummary | null>(null);
  preview = $state.raw<Preview | null>(null);
  error = $state<string | null>(null);
  loading = $state<string | null>(null); // what is being loaded, for the busy message
  normalize = $state<Normalization>('minmax');
  valSplit = $state(0.2);
  // Validate on a separate file instead of a split (chosen here; loaded: summary.validation).
  separateValidation = $state(false);
  validationError = $state<string | null>(null);
  validationNote = $state<string | null>(null); // why a validation file went away without being cleared here
  limit = $state<number | null>(null); // train on the first rows only: a quick look at a big set
  // How the next CSV is read: its label column (header name or column number from 1, as the
  // datasets' messages count; default the last), and whether its feature columns are a square
  // image (784 -> 28x28), as in MNIST as CSV.
  labelColumn = $state('');
  csvImage = $state(false);

  /** Options for files the user brings (built-ins need none). */
  get fileOptions(): PayloadIn<'loadDataset'>['options'] {
    const column = this.labelColumn.trim();
    return {
      ...(column && { labelColumn: /^\d+$/.test(column) ? Number(column) : column }),
      ...(this.csvImage && { image: true }),
    };
  }

  /** Numbers per row, as the model's first layer sees them before any LeNet-5 padding. */
  get inputs(): number {
    return this.summary ? this.summary.shape.reduce((a, b) => a * b, 1) : 0;
  }

  get classes(): number {
    return this.summary?.classNames.length ?? 0;
  }

  /** A single-channel image set the LeNet-5 input (32x32, 28x28 padded) can take. */
  get fitsLeNet(): boolean {
    const s = this.summary;
    return !!s && s.kind === 'image' && s.shape.length === 3 && s.shape[0] === 1
      && ((s.shape[1] === 28 && s.shape[2] === 28) || (s.shape[1] === 32 && s.shape[2] === 32));
  }

  async load(source: DatasetSource, what: string, options?: PayloadIn<'loadDataset'>['options']): Promise<void> {
    this.loading = what;
    try {
      const summary = await api.loadDataset({ source, options });
      this.error = null;
      if (summary) await this.adopt(summary);
    } catch (e) {
      this.error = messageOf(e); // the services kept the previous dataset; so do we
    } finally {
      this.loading = null;
    }
  }

  async loadValidation(source: DatasetSource, what: string): Promise<void> {
    this.loading = `validation ${what}`;
    try {
      const summary = await api.loadValidation({ source, options: this.fileOptions });
      this.validationError = null;
      if (summary) await this.adopt(summary);
    } catch (e) {
      this.validationError = messageOf(e); // the services kept the previous validation set
    } finally {
      this.loading = null;
    }
  }

  /** Validate on a split again (the radio button), or stop using the file. */
  async clearValidation(): Promise<void> {
    this.validationError = null;
    this.validationNote = null;
    if (!this.summary?.validation) return;
    try {
      await this.adopt(await api.clearValidation());
    } catch (e) {
      this.validationError = messageOf(e);
    }
  }

  /** Shows a dataset the services now hold (loaded here or from the native menu). */
  async adopt(summary: DatasetSummary): Promise<void> {
    const before = this.summary;
    this.summary = summary;
    if (summary.validation) {
      this.separateValidation = true;
      this.validationNote = null;
    } else if (before?.validation && trainingPart(before) !== trainingPart(summary)) {
      this.validationNote = `${before.validation.name} does not fit ${summary.name}, so it was cleared; drop a validation file for it`;
    }
    // A load answers and also emits 'dataset', and the validation set may be all that changed.
    if (trainingPart(before) === trainingPart(summary)) return;
    this.validationError = null; // it was about the previous training set
    this.normalize = summary.kind === 'image' ? 'minmax' : 'zscore';
    this.preview = await api.preview({ count: summary.kind === 'image' ? 24 : summary.shape[0] === 2 ? 1000 : 12 });
  }
}

export const dataset = new DatasetStore();
