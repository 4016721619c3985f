// Faults injected through test/main/trainer/faulty-worker.ts: each file in $BPS_FAULT_DIR lets one
// gradient task fail (throw, or end its thread).
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { PRESETS, type ModelSpec } from '../../../engine/spec.ts';
import type { TrainConfig } from '../../../main/trainer/session.ts';
import { blobs, bytes, session, trainToEnd } from './helpers.ts';

const train = blobs(200, 784, 10, 12);
const config: TrainConfig = { spec: PRESETS.mlp, optimizer: { kind: 'momentum', lr: 0.05 }, batchSize: 64, epochs: 1, seed: 13, threads: 2 };

let dir = '';
function arm(failures: number): void {
  for (let i = 0; i < failures; i++) writeFileSync(join(dir, `fault-${i}`), '');
}

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  delete process.env.BPS_FAULT_DIR;
  delete process.env.BPS_FAULT_MODE;
});

/** A session on the faulty worker, failing in `mode` once armed; workers read the environment when
 *  the pool starts them. */
async function faultySession(mode: 'throw' | 'exit' | 'late', data = train, threads = config.threads) {
  dir = mkdtempSync(join(tmpdir(), 'bps-faults-'));
  process.env.BPS_FAULT_DIR = dir;
  process.env.BPS_FAULT_MODE = mode;
  return session({ train: data, config: { ...config, threads }, workerFile: inject('faultyWorkerFile') });
}

describe('a worker that fails mid-step', () => {
  for (const mode of ['throw', 'exit'] as const) {
    it(`(${mode}) once: the step is retried on fresh workers and the run ends as if nothing happened`, async () => {
      const clean = await trainToEnd({ train, config });
      const { s, events } = await faultySession(mode);
      try {
        await s.step();
        arm(1);
        s.resume();
        expect(await s.settled()).toBe('finished');
        expect(readdirSync(dir)).toEqual([]); // the fault did happen
        expect(bytes(s.snapshot()).equals(bytes(clean.params))).toBe(true);
        expect(events.some((e) => e.type === 'error')).toBe(false);
      } finally {
        await s.close();
      }
    });

    it(`(${mode}) twice: the session fails with a clear error and the last good weights`, async () => {
      const { s, events } = await faultySession(mode);
      try {
        await s.step();
        await s.step();
        const good = s.snapshot();
        arm(8);
        s.resume();
        expect(await s.settled()).toBe('failed');
        expect(bytes(s.snapshot()).equals(bytes(good))).toBe(true);
        const error = events.find((e) => e.type === 'error');
        expect(error).toMatchObject({
          message: expect.stringMatching(/^training stopped at step 3 \(epoch 1\): a worker failed twice on the same work: .+; the weights are those of the last completed step$/),
        });
        if (mode === 'throw') expect((error as { message: string }).message).toContain('injected fault');
        expect(events.at(-1)).toMatchObject({ type: 'state', state: 'failed' });
      } finally {
        await s.close();
      }
    });
  }
});

describe('a worker that fails during a single step', () => {
  it('is retried at once: the Step completes, as without the fault', async () => {
    const clean = await session({ train, config });
    const { s, events } = await faultySession('throw');
    try {
      await clean.s.step();
      arm(1);
      await s.step();
      expect(readdirSync(dir)).toEqual([]); // the fault did happen
      expect(s.state).toBe('paused');
      expect(events.filter((e) => e.type === 'metrics').map((e) => (e as { metrics: { step: number } }).metrics.step)).toEqual([1]);
      expect(bytes(s.snapshot()).equals(bytes(clean.s.snapshot()))).toBe(true);
    } finally {
      await Promise.all([s.close(), clean.s.close()]);
    }
  });
});

describe('a worker that fails in the middle of a round of steps', () => {
  it('keeps the steps done before the fault, retries the rest: the weights of a run without it', async () => {
    const long = blobs(1280, 784, 10, 14); // 20 steps: rounds grow to several steps once a step's time is known
    const clean = await trainToEnd({ train: long, config });
    const { s, events } = await faultySession('late', long);
    try {
      await s.step();
      arm(1);
      s.resume();
      expect(await s.settled()).toBe('finished');
      expect(readdirSync(dir)).toEqual([]); // a round of three steps or more met the fault
      expect(bytes(s.snapshot()).equals(bytes(clean.params))).toBe(true);
      const metrics = events.filter((e) => e.type === 'metrics').map((e) => (e as { metrics: { step: number } }).metrics.step);
      expect(metrics.at(-1)).toBe(20); // every step counted once
      expect(events.some((e) => e.type === 'error')).toBe(false);
    } finally {
      await s.close();
    }
  });

  it('failing again at once: the run fails, and the metrics of the steps done before are sent', async () => {
    const { s, events } = await faultySession('throw', blobs(1280, 784, 10, 14), 1);
    try {
      writeFileSync(join(dir, 'late-0'), ''); // the first round of 3+ steps does 2, then faults
      writeFileSync(join(dir, 'throw-1'), ''); // and its retry on fresh workers, at once
      s.start();
      expect(await s.settled()).toBe('failed');
      const error = events.find((e) => e.type === 'error') as { message: string };
      const step = Number(/^training stopped at step (\d+) \(epoch 1\): a worker failed twice on the same work/.exec(error.message)![1]);
      const metrics = events.filter((e) => e.type === 'metrics').map((e) => (e as { metrics: { step: number } }).metrics.step);
      expect(metrics.at(-1)).toBe(step - 1); // the late round's two steps included
    } finally {
      await s.close();
    }
  });
});

describe('a non-finite loss or update', () => {
  // Identity outputs under L2 with ReLU hidden units: a huge rate makes the weights huge (1e30:
  // the next forward pass overflows) or overflows the update itself (3e38, float32's max is 3.4e38).
  const spec: ModelSpec = { type: 'mlp', inputs: 784, hidden: [32], classes: 10, activation: 'relu', output: 'identity', loss: 'l2' };
  for (const [lr, expected] of [[1e30, /^non-finite loss at step 2 \(epoch 1\)/], [3e38, /^the update at step 1 \(epoch 1\) made the parameters non-finite/]] as const) {
    it(`pauses with a message, keeping the parameters of the last finite step (lr ${lr})`, async () => {
      const { s, events } = await session({ train, config: { ...config, spec, optimizer: { kind: 'sgd', lr } } });
      try {
        let last = s.snapshot();
        for (let i = 0; i < 3 && !events.some((e) => e.type === 'state' && e.message); i++) {
          last = s.snapshot();
          await s.step();
        }
        const paused = events.find((e) => e.type === 'state' && e.message) as { state: string; message: string };
        expect(paused.state).toBe('paused');
        expect(paused.message).toMatch(expected);
        expect(paused.message).toMatch(/: paused with the parameters of the last finite step; lower the learning rate and resume$/);
        expect(bytes(s.snapshot()).equals(bytes(last))).toBe(true);
        expect(s.snapshot().every(Number.isFinite)).toBe(true);
        s.resume(); // the same step meets the same parameters: paused again, nothing applied
        expect(await s.settled()).toBe('paused');
        expect(bytes(s.snapshot()).equals(bytes(last))).toBe(true);
      } finally {
        await s.close();
      }
    });
  }

  it('sends the metrics of the steps a run did before the pause', async () => {
    // One row of 1e30s: the gradient of the step that meets it overflows float32 and pauses the run,
    // late in a round whose steps the throttle had not reported yet.
    const poisoned = blobs(640, 784, 10, 12);
    poisoned.features.fill(1e30, 450 * 784, 451 * 784);
    const { s, events } = await session({ train: poisoned, config: { ...config, spec, optimizer: { kind: 'sgd', lr: 0.01 } } });
    try {
      s.start();
      expect(await s.settled()).toBe('paused');
      const paused = events.find((e) => e.type === 'state' && e.message) as { message: string };
      const step = Number(/^non-finite \w+ at step (\d+) /.exec(paused.message)![1]);
      expect(step).toBe(7); // the first round has one step: this is late in a later one
      const metrics = events.filter((e) => e.type === 'metrics').map((e) => (e as { metrics: { step: number } }).metrics.step);
      expect(metrics.at(-1)).toBe(step - 1);
    } finally {
      await s.close();
    }
  });
});
