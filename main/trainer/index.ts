// The trainer: data-parallel mini-batch SGD through a Piscina pool, shared by the desktop app, the
// browser host and the command line.
export { TrainingSession } from './session.ts';
export type { EpochMetrics, SessionOptions, SessionState, StepMetrics, TrainConfig, TrainerEvent } from './session.ts';
export { shardRows } from './shards.ts';
