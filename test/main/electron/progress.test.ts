import { describe, expect, it } from 'vitest';
import { endNotice, runProgress } from '../../../main/electron/progress.ts';

const metrics = (step: number) => ({
  step, epoch: 1, epochs: 4, stepsPerEpoch: 25, samplesSeen: 0, trainLoss: 1, trainAccuracy: 0.5,
  samplesPerSecond: 1, etaSeconds: 1, lr: 0.1, gradNorms: [], history: [],
});
const epoch = { epoch: 4, trainLoss: 0.1, trainAccuracy: 0.9876, valLoss: 0.2, valAccuracy: 0.9512, confusion: [], perClassAccuracy: [] };

describe('taskbar progress and the end notification', () => {
  it('is the share of all steps done, clamped to [0, 1]', () => {
    expect(runProgress(metrics(0))).toBe(0);
    expect(runProgress(metrics(25))).toBe(0.25);
    expect(runProgress(metrics(100))).toBe(1);
    expect(runProgress(metrics(150))).toBe(1);
    expect(runProgress({ ...metrics(3), stepsPerEpoch: 0 })).toBe(0);
  });

  it('notifies a finished or failed run, with its accuracies, and nothing else', () => {
    expect(endNotice({ state: 'finished' }, epoch)).toEqual({ title: 'Training finished', body: 'epoch 4: training accuracy 98.8 %, validation accuracy 95.1 %' });
    expect(endNotice({ state: 'finished' }, { ...epoch, valAccuracy: null })?.body).toBe('epoch 4: training accuracy 98.8 %');
    expect(endNotice({ state: 'failed', message: 'worker died twice' }, epoch)).toEqual({ title: 'Training failed', body: 'worker died twice' });
    for (const state of ['running', 'paused', 'stopped', 'idle'] as const) expect(endNotice({ state }, epoch)).toBeNull();
  });
});
