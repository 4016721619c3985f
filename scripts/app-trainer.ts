// The trainer as the app runs it, for the benchmarks: a session started (then resumed) and left to
// run its rounds of steps to an epoch's end, then paused. --limit makes an epoch `steps` batches;
// the validation set is the first batch of rows, so that an epoch's end costs little: the benchmarks
// time training, not evaluation.
import type { OptimizerConfig } from '../engine/optim.ts';
import type { ModelSpec } from '../engine/spec.ts';
import type { Dataset } from '../main/datasets/index.ts';
import { TrainingSession } from '../main/trainer/index.ts';

export interface AppTrainer {
  /** One epoch of `steps` batches, from start or resume to the epoch's end. */
  epoch(): Promise<void>;
  close(): Promise<void>;
}

export async function appTrainer(opts: {
  spec: ModelSpec; train: Dataset; threads: number; steps: number; batchSize: number; optimizer: OptimizerConfig; wasmFile?: null;
}): Promise<AppTrainer> {
  const { train, batchSize } = opts;
  const features = train.features.length / train.rows;
  const validation = { ...train, rows: batchSize, features: train.features.subarray(0, batchSize * features), labels: train.labels.subarray(0, batchSize) };
  let epochEnded = () => {};
  const session = await TrainingSession.create({
    train, validation, normalization: null, wasmFile: opts.wasmFile,
    onEvent: (e) => e.type === 'epoch' && epochEnded(),
    config: { spec: opts.spec, optimizer: opts.optimizer, batchSize: opts.batchSize, epochs: 1e6, threads: opts.threads, seed: 1, limit: opts.steps * opts.batchSize },
  });
  return {
    async epoch() {
      const ended = new Promise<void>((resolve) => (epochEnded = resolve));
      if (session.state === 'idle') session.start();
      else session.resume();
      await ended;
      await session.pause();
    },
    close: () => session.close(),
  };
}
