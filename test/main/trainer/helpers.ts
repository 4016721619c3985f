// Small synthetic datasets and session plumbing for the trainer tests.
import { expect, inject } from 'vitest';
import { Rng } from '../../../engine/rng.ts';
import type { Dataset } from '../../../main/datasets/index.ts';
import { TrainingSession, type SessionOptions, type TrainerEvent } from '../../../main/trainer/index.ts';

/** Gaussian blobs: class c has mean +1 on features c, c + classes, ... and -1 elsewhere. */
export function blobs(rows: number, features: number, classes: number, seed: number, shape = [features]): Dataset {
  const rng = new Rng(seed);
  const x = new Float32Array(new SharedArrayBuffer(rows * features * 4));
  const y = new Int32Array(new SharedArrayBuffer(rows * 4));
  for (let r = 0; r < rows; r++) {
    const c = rng.int(classes);
    y[r] = c;
    for (let f = 0; f < features; f++) x[r * features + f] = (f % classes === c ? 1 : -1) + rng.normal();
  }
  return {
    name: 'blobs', features: x, labels: y, rows, shape, kind: shape.length === 3 ? 'image' : 'tabular',
    classNames: Array.from({ length: classes }, (_, i) => `c${i}`),
  };
}

export type Opts = Omit<SessionOptions, 'onEvent' | 'normalization' | 'validation'> & Partial<Pick<SessionOptions, 'validation' | 'normalization'>>;

/** A session on the built worker that records its events. */
export async function session(opts: Opts): Promise<{ s: TrainingSession; events: TrainerEvent[] }> {
  const events: TrainerEvent[] = [];
  const s = await TrainingSession.create({
    validation: null, normalization: null, workerFile: inject('workerFile'), ...opts,
    onEvent: (e) => events.push(e),
  });
  return { s, events };
}

/** Trains to the end and returns the final parameters. */
export async function trainToEnd(opts: Opts): Promise<{ params: Float32Array; events: TrainerEvent[] }> {
  const { s, events } = await session(opts);
  try {
    s.start();
    expect(await s.settled()).toBe('finished');
    return { params: s.snapshot(), events };
  } finally {
    await s.close();
  }
}

export function bytes(a: Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}
