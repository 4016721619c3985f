// The trainer against independent computations: a reference loop in this thread (the engine's Model
// and plain SGD written out here), bit-exact comparisons across thread counts, controls, checkpoints.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../engine/errors.ts';
import { Model } from '../../../engine/model.ts';
import { PRESETS, type ModelSpec } from '../../../engine/spec.ts';
import { readCheckpoint } from '../../../main/trainer/checkpoint.ts';
import { dataRng, type EpochMetrics, type StepMetrics, type TrainConfig } from '../../../main/trainer/session.ts';
import { blobs, bytes, session, trainToEnd } from './helpers.ts';

const mlp784: ModelSpec = PRESETS.mlp; // 784-128-10 sigmoid: shards of 64 rows, at most half the batch
const lenet: ModelSpec = PRESETS.lenet5; // shards of 8 rows
const tiny: ModelSpec = { type: 'mlp', inputs: 4, hidden: [8], classes: 3, activation: 'tanh', output: 'softmax', loss: 'cross-entropy' };

const epochsOf = (events: { type: string }[]) =>
  events.filter((e): e is { type: 'epoch'; metrics: EpochMetrics } => e.type === 'epoch').map((e) => e.metrics);
const metricsOf = (events: { type: string }[]) =>
  events.filter((e): e is { type: 'metrics'; metrics: StepMetrics } => e.type === 'metrics').map((e) => e.metrics);
const statesOf = (events: { type: string }[]) =>
  events.filter((e): e is { type: 'state'; state: string } => e.type === 'state').map((e) => e.state);

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'bps-trainer-'));
}

describe('the step', () => {
  // Batches of 64 and 36 rows, shards 32, 32 | 32, 4; and of 256 and 44, shards 64, 64, 64, 64 | 44.
  for (const [rows, batchSize] of [[100, 64], [300, 256]]) it(`matches plain mini-batch SGD computed in this thread, including the short last batch (batch ${batchSize})`, async () => {
    const train = blobs(rows, 784, 10, 1);
    const config: TrainConfig = { spec: mlp784, optimizer: { kind: 'sgd', lr: 0.5 }, batchSize, epochs: 1, seed: 7, threads: 2 };
    const { params } = await trainToEnd({ train, config, wasmFile: null });

    const ref = Model.create(mlp784);
    ref.init(7);
    const init = ref.params.slice();
    const order = Int32Array.from({ length: rows }, (_, i) => i);
    dataRng(7).shuffle(order);
    for (const [start, end] of [[0, batchSize], [batchSize, rows]]) {
      const rows = end - start;
      const x = new Float32Array(rows * 784);
      const y = new Int32Array(rows);
      for (let r = 0; r < rows; r++) {
        x.set(train.features.subarray(order[start + r] * 784, (order[start + r] + 1) * 784), r * 784);
        y[r] = train.labels[order[start + r]];
      }
      ref.gradSum(x, y, rows);
      for (let i = 0; i < ref.size; i++) ref.params[i] -= (0.5 * ref.grads[i]) / rows;
    }
    let maxStep = 0;
    let maxDiff = 0;
    for (let i = 0; i < ref.size; i++) {
      maxStep = Math.max(maxStep, Math.abs(ref.params[i] - init[i]));
      maxDiff = Math.max(maxDiff, Math.abs(params[i] - ref.params[i]));
    }
    expect(maxStep).toBeGreaterThan(1e-3);
    expect(maxDiff).toBeLessThan(1e-4 * maxStep); // only the order of float32 sums differs
  });

  it('gives bit-identical weights with 1, 2 or 3 threads (MLP, Adam)', async () => {
    const train = blobs(400, 784, 10, 2); // six shards of 64 rows per batch of 384, then one of 16
    const results = [];
    for (const threads of [1, 2, 3]) {
      const config: TrainConfig = { spec: mlp784, optimizer: { kind: 'adam', lr: 0.01 }, batchSize: 384, epochs: 2, seed: 3, threads };
      results.push((await trainToEnd({ train, config })).params);
    }
    const init = Model.create(mlp784);
    init.init(3);
    expect(bytes(results[0]).equals(bytes(init.params as Float32Array))).toBe(false);
    expect(bytes(results[1]).equals(bytes(results[0]))).toBe(true);
    expect(bytes(results[2]).equals(bytes(results[0]))).toBe(true);
  });

  it('gives bit-identical weights with 1, 2 or 3 threads (LeNet-5, momentum)', async () => {
    const train = blobs(80, 1024, 10, 3, [1, 32, 32]); // six shards of 8 rows per batch of 48, then four
    const results = [];
    for (const threads of [1, 2, 3]) {
      const config: TrainConfig = { spec: lenet, optimizer: { kind: 'momentum', lr: 0.05 }, batchSize: 48, epochs: 1, seed: 4, threads };
      results.push((await trainToEnd({ train, config })).params);
    }
    expect(bytes(results[1]).equals(bytes(results[0]))).toBe(true);
    expect(bytes(results[2]).equals(bytes(results[0]))).toBe(true);
  });
});

describe('metrics', () => {
  it('reports the epoch on the training and validation sets as a forward pass in this thread finds them', async () => {
    const train = blobs(150, 4, 3, 4);
    const validation = blobs(60, 4, 3, 5);
    const config: TrainConfig = { spec: tiny, optimizer: { kind: 'sgd', lr: 0.2 }, batchSize: 150, epochs: 1, seed: 5, threads: 2 };
    const { params, events } = await trainToEnd({ train, validation, config, wasmFile: null });
    const [epoch] = epochsOf(events);

    // One full batch: the epoch's training loss is that of the initial weights.
    const before = Model.create(tiny);
    before.init(5);
    const atStart = before.evaluate(train.features, train.labels, 150);
    expect(epoch.trainLoss).toBeCloseTo(atStart.lossSum / 150, 5);
    expect(epoch.trainAccuracy).toBe(atStart.correct / 150);

    const after = Model.create(tiny, { params });
    const predictions = new Int32Array(60);
    const val = after.evaluate(validation.features, validation.labels, 60, predictions);
    expect(epoch.valLoss).toBeCloseTo(val.lossSum / 60, 5);
    expect(epoch.valAccuracy).toBe(val.correct / 60);
    const confusion = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
    for (let i = 0; i < 60; i++) confusion[validation.labels[i]][predictions[i]]++;
    expect(epoch.confusion).toEqual(confusion);
    expect(epoch.perClassAccuracy).toEqual(confusion.map((row, c) => row[c] / row.reduce((a, b) => a + b)));

    const [last] = metricsOf(events).slice(-1);
    expect(last).toMatchObject({ step: 1, epoch: 1, epochs: 1, stepsPerEpoch: 1, samplesSeen: 150, lr: 0.2 });
    // The gradient norms per layer: of the step's mean gradient, as gradSum over the batch gives it.
    before.gradSum(train.features, train.labels, 150);
    const norms = before.parameterRanges().map(({ start, end }) => Math.hypot(...Array.from(before.grads.subarray(start, end), (g) => g / 150)));
    expect(last.gradNorms.map((g) => g.name)).toEqual(['hidden', 'output']);
    last.gradNorms.forEach((g, l) => expect(g.norm).toBeCloseTo(norms[l], 6));
    expect(last.history).toEqual([{ step: 1, trainLoss: last.trainLoss, trainAccuracy: last.trainAccuracy, gradNorms: last.gradNorms.map((g) => g.norm) }]);
  });

  it('throttles step metrics to about 10 per second', async () => {
    const train = blobs(1500, 4, 3, 6);
    const config: TrainConfig = { spec: tiny, optimizer: { kind: 'sgd', lr: 0.05 }, batchSize: 1, epochs: 2, seed: 6, threads: 1 };
    const began = performance.now();
    const { events } = await trainToEnd({ train, config });
    const seconds = (performance.now() - began) / 1000;
    const metrics = metricsOf(events);
    expect(metrics.at(-1)!.step).toBe(3000);
    // One per 100 ms, plus the one at each epoch's end.
    expect(metrics.length).toBeLessThanOrEqual(Math.ceil(seconds * 10) + 2);
    expect(metrics.length).toBeGreaterThanOrEqual(2);
    expect(metrics.at(-1)!.samplesPerSecond).toBeGreaterThan(0);

    // ...and still carry every step's running loss and accuracy, for the charts.
    const history = metrics.flatMap((m) => m.history);
    expect(history.map((h) => h.step)).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
    for (const m of metrics) {
      expect(m.history.at(-1)).toEqual({ step: m.step, trainLoss: m.trainLoss, trainAccuracy: m.trainAccuracy, gradNorms: m.gradNorms.map((g) => g.norm) });
    }
    expect(history.every((h) => h.gradNorms.length === 2 && h.gradNorms.every((n) => n > 0))).toBe(true);
    epochsOf(events).forEach((e, i) => expect(history[1500 * (i + 1) - 1]).toMatchObject({ trainLoss: e.trainLoss, trainAccuracy: e.trainAccuracy }));
    // The first step's is its one row's loss under the initial weights.
    const order = Int32Array.from({ length: 1500 }, (_, i) => i);
    dataRng(6).shuffle(order);
    const initial = Model.create(tiny);
    initial.init(6);
    const first = initial.evaluate(train.features.subarray(order[0] * 4, order[0] * 4 + 4), [train.labels[order[0]]], 1);
    expect(history[0].trainLoss).toBeCloseTo(first.lossSum, 5);
    expect(history[0].trainAccuracy).toBe(first.correct);
  });

  it('sends the latest metrics when it pauses or stops, whatever the throttle held back', async () => {
    const train = blobs(1500, 4, 3, 6);
    // Far more steps than 150 ms of running can take (tiny steps take about 0.01 ms).
    const config: TrainConfig = { spec: tiny, optimizer: { kind: 'sgd', lr: 0.05 }, batchSize: 1, epochs: 40, seed: 6, threads: 1 };
    const checkpointDir = tempDir(); // a pause or stop writes the step count there
    const { s, events } = await session({ train, config, checkpointDir });
    try {
      for (const rest of [() => s.pause(), () => s.stop()]) {
        if (s.state === 'idle') s.start();
        else s.resume();
        await new Promise((resolve) => setTimeout(resolve, 150));
        await rest();
        const latest = metricsOf(events).at(-1)!.step;
        expect(latest).toBeGreaterThan(0);
        expect(latest).toBeLessThan(40 * 1500);
        expect(latest).toBe(readCheckpoint(join(checkpointDir, 'checkpoint.json')).step);
      }
      expect(s.state).toBe('stopped');
    } finally {
      await s.close();
    }
  });
});

describe('controls', () => {
  const train = blobs(200, 784, 10, 8); // 4 steps per epoch at batch 64
  const config: TrainConfig = { spec: mlp784, optimizer: { kind: 'adam', lr: 0.003 }, batchSize: 64, epochs: 2, seed: 9, threads: 2 };

  it('steps, pauses and resumes to the weights of an uninterrupted run', async () => {
    const straight = await trainToEnd({ train, config });
    const { s, events } = await session({ train, config });
    try {
      await s.step();
      expect(s.state).toBe('paused');
      await s.step();
      s.resume();
      await s.pause();
      expect(s.state).toBe('paused');
      s.resume();
      expect(await s.settled()).toBe('finished');
      expect(bytes(s.snapshot()).equals(bytes(straight.params))).toBe(true);
      expect(statesOf(events).slice(0, 4)).toEqual(['running', 'paused', 'running', 'paused']);
      expect(epochsOf(events)).toEqual(epochsOf(straight.events));
    } finally {
      await s.close();
    }
  });

  it('finishes when the last step is done, even if a pause or a Step asked for it', async () => {
    // A pause that arrived while the last round ran left a 'paused' session with nothing to train,
    // whose next Step then stayed 'running' for ever (the studio's e2e test met it on a fast machine).
    const one = { train: blobs(64, 784, 10, 8), config: { ...config, epochs: 1 } }; // one step in all
    const paused = await session(one), stepped = await session(one);
    try {
      paused.s.start();
      await paused.s.pause(); // asked at once: the round under way is the whole run
      expect(paused.s.state).toBe('finished');
      await stepped.s.step();
      expect(stepped.s.state).toBe('finished');
      await stepped.s.step(); // nothing left: no step, no change
      expect(stepped.s.state).toBe('finished');
      expect(statesOf(stepped.events)).toEqual(['running', 'finished']);
    } finally {
      await Promise.all([paused.s.close(), stepped.s.close()]);
    }
  });

  it('stops for good, keeping the weights of the last step', async () => {
    const { s } = await session({ train, config });
    try {
      await s.step();
      const after1 = s.snapshot();
      await s.stop();
      expect(s.state).toBe('stopped');
      s.resume();
      s.start();
      await s.step();
      expect(s.state).toBe('stopped');
      expect(bytes(s.snapshot()).equals(bytes(after1))).toBe(true);
      expect(JSON.parse(s.weightsJson()).tensors.map((t: { name: string }) => t.name)).toEqual(
        ['hidden.weight', 'hidden.bias', 'output.weight', 'output.bias']);
    } finally {
      await s.close();
    }
  });

  it('applies a learning-rate change from the next step', async () => {
    const fast = await trainToEnd({ train, config: { ...config, optimizer: { kind: 'sgd', lr: 0.5 } } });
    const { s, events } = await session({ train, config: { ...config, optimizer: { kind: 'sgd', lr: 0.1 } } });
    try {
      s.setLearningRate(0.5);
      s.start();
      expect(await s.settled()).toBe('finished');
      expect(bytes(s.snapshot()).equals(bytes(fast.params))).toBe(true);
      expect(metricsOf(events).at(-1)!.lr).toBe(0.5);
      expect(() => s.setLearningRate(-1)).toThrow(InputError);
    } finally {
      await s.close();
    }
  });
});

describe('memory', () => {
  it('refuses a model and batch whose vectors do not fit, saying how much they need', async () => {
    // 47 million parameters at batch 4,096: 64 shards' gradients alone are 12 GB.
    const huge: ModelSpec = { type: 'mlp', inputs: 784, hidden: [60_000], classes: 2, activation: 'relu', output: 'softmax', loss: 'cross-entropy' };
    const config: TrainConfig = { spec: huge, optimizer: { kind: 'adam', lr: 0.001 }, batchSize: 4096, epochs: 1, seed: 1, threads: 1 };
    const attempt = session({ train: blobs(8, 784, 2, 1), config });
    await expect(attempt).rejects.toThrow(InputError);
    await expect(attempt).rejects.toThrow(/^model: 47,220,002 parameters at batch 4096 need 13\.4 GB of memory to train \(.* 64 shards' gradients\), more than the trainer has; use a smaller batch or narrower layers$/);
  });
});

describe('checkpoints', () => {
  const train = blobs(200, 784, 10, 10);
  const config: TrainConfig = { spec: mlp784, optimizer: { kind: 'adam', lr: 0.003 }, batchSize: 64, epochs: 3, seed: 11, threads: 2 };

  for (const steps of [2, 4, 6]) {
    it(`resuming after ${steps} steps gives the weights and metrics of never stopping`, async () => {
      const straight = await trainToEnd({ train, config });
      const dir = tempDir();
      const first = await session({ train, config, checkpointDir: dir });
      for (let i = 0; i < steps; i++) await first.s.step();
      await first.s.stop();
      await first.s.close();
      expect(readdirSync(dir)).toEqual(['checkpoint.json']); // no temporary file left

      // Another seed and optimizer: the checkpoint's win.
      const resumed = await trainToEnd({ train, config: { ...config, seed: 99, optimizer: { kind: 'sgd', lr: 1 } }, resumeFrom: join(dir, 'checkpoint.json') });
      expect(bytes(resumed.params).equals(bytes(straight.params))).toBe(true);
      const epochs = [...epochsOf(first.events), ...epochsOf(resumed.events)];
      expect(epochs).toEqual(epochsOf(straight.events));
    });
  }

  it('reports a checkpoint it cannot write, and trains on', async () => {
    const missing = join(tempDir(), 'no', 'such', 'dir');
    const { events } = await trainToEnd({ train, config: { ...config, epochs: 1 }, checkpointDir: missing });
    expect(events.filter((e) => e.type === 'error')).toEqual([
      { type: 'error', message: `${join(missing, 'checkpoint.json')}: cannot write the checkpoint: ENOENT` },
    ]);
  });

  it('rejects a checkpoint that is not one, or is for other data', async () => {
    const dir = tempDir();
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format": "backprop-studio.weights"}');
    await expect(session({ train, config, resumeFrom: bad })).rejects.toThrow(`${bad}: format: expected "backprop-studio.checkpoint"`);
    writeFileSync(bad, '{"format": ');
    await expect(session({ train, config, resumeFrom: bad })).rejects.toThrow(`${bad}: invalid JSON at line 1, column 12: expected a value, got the end of the file`);
    const first = await session({ train, config, checkpointDir: dir });
    await first.s.step();
    await first.s.close();
    const good = join(dir, 'checkpoint.json');
    await expect(session({ train: blobs(150, 784, 10, 1), config, resumeFrom: good }))
      .rejects.toThrow(`${good}: the checkpoint trained on 200 rows, this training set has 150`);

    // Fields that each pass but disagree with the others (a position past the epoch's end made the
    // session loop for ever without a step).
    const saved = JSON.parse(readFileSync(good, 'utf8'));
    const size = Model.create(mlp784).size;
    const edited = (change: object) => {
      writeFileSync(bad, JSON.stringify({ ...saved, ...change }));
      return session({ train, config, resumeFrom: bad });
    };
    await expect(edited({ position: 1e9 })).rejects.toThrow(`${bad}: position: expected a multiple of the batch size 64 up to trainRows 200, got 1000000000`);
    await expect(edited({ position: 65 })).rejects.toThrow(`${bad}: position: expected a multiple of the batch size 64 up to trainRows 200, got 65`);
    await expect(edited({ epochCorrect: 65 })).rejects.toThrow(`${bad}: epochCorrect: expected at most position 64, got 65`);
    await expect(edited({ optimizer: { kind: 'sgd', lr: 0.1 } })).rejects.toThrow(`${bad}: optimizerState.buffers: expected 0 moment vectors for sgd, got 2`);
    await expect(edited({ params: saved.optimizerState.buffers[0].slice(0, 100) })).rejects.toThrow(`${bad}: params: expected ${size} float32 values, got 18`);
    expect(saved.position).toBe(64); // what the edits above are measured against

    // Inputs scaled otherwise than those it trained on.
    const zscore = { kind: 'zscore' as const, mean: new Array(784).fill(0), std: new Array(784).fill(1) };
    await expect(session({ train, config, resumeFrom: good, normalization: zscore }))
      .rejects.toThrow(`${good}: the checkpoint trained on inputs with no normalization, these have zscore normalization`);
    writeFileSync(bad, JSON.stringify({ ...saved, normalization: zscore }));
    await expect(session({ train, config, resumeFrom: bad, normalization: { ...zscore, mean: new Array(784).fill(0.5) } }))
      .rejects.toThrow(`${bad}: the checkpoint trained on inputs with zscore normalization, these have zscore normalization from other data`);
    const same = await session({ train, config, resumeFrom: bad, normalization: zscore });
    await same.s.close();
    writeFileSync(bad, JSON.stringify({ ...saved, normalization: undefined })); // written before it was kept
    const older = await session({ train, config, resumeFrom: bad, normalization: zscore });
    await older.s.close();
    expect(saved.normalization).toBe(null); // kept: the first session had none
  });

  it('leaves no part-written file behind when a checkpoint cannot be written', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'checkpoint.json', 'inside'), { recursive: true }); // the rename fails
    const { events } = await trainToEnd({ train, config: { ...config, epochs: 1 }, checkpointDir: dir });
    expect(events.filter((e) => e.type === 'error')).toEqual([{ type: 'error', message: `${join(dir, 'checkpoint.json')}: cannot write the checkpoint: EISDIR` }]);
    expect(readdirSync(dir)).toEqual(['checkpoint.json']);
  });
});

describe('input', () => {
  const config: TrainConfig = { spec: tiny, optimizer: { kind: 'sgd', lr: 0.1 }, batchSize: 8, epochs: 1, seed: 1, threads: 1 };
  it('says what does not fit', async () => {
    await expect(session({ train: blobs(10, 5, 3, 1), config })).rejects.toThrow('blobs: rows have 5 features, the model expects 4');
    await expect(session({ train: blobs(10, 4, 4, 1), config })).rejects.toThrow('blobs: 4 classes, the model has only 3 outputs');
    await expect(session({ train: blobs(10, 4, 3, 1), config: { ...config, batchSize: 0 } })).rejects.toThrow('batch size: expected a positive integer, got 0');
    await expect(session({ train: blobs(10, 4, 3, 1), config: { ...config, optimizer: { kind: 'sgd', lr: 0 } } }))
      .rejects.toThrow('optimizer: lr: expected a positive number, got 0');
    await expect(session({ train: blobs(10, 4, 3, 1), config: { ...config, optimizer: { kind: 'rmsprop' as 'sgd', lr: 1 } } }))
      .rejects.toThrow(/^optimizer: kind: /);
  });

  it('trains a model with more outputs than the set has classes', async () => {
    const { s, events } = await session({ train: blobs(30, 4, 2, 3), config });
    s.start();
    expect(await s.settled()).toBe('finished');
    expect(JSON.parse(s.weightsJson()).labels).toBeUndefined(); // two names cannot label three outputs
    await s.close();
    const [epoch] = epochsOf(events);
    expect(epoch.confusion).toHaveLength(3);
    expect(epoch.confusion.flat().reduce((a, b) => a + b)).toBe(30);
  });

  it('trains on the first `limit` rows of a seeded shuffle', async () => {
    const train = blobs(100, 4, 3, 2);
    const { params, events } = await trainToEnd({ train, config: { ...config, limit: 30, batchSize: 30 } });
    expect(metricsOf(events).at(-1)!.samplesSeen).toBe(30);
    // The subset is the first 30 of dataRng(seed)'s shuffle: the epoch's loss is theirs at the initial weights.
    const order = Int32Array.from({ length: 100 }, (_, i) => i);
    dataRng(1).shuffle(order);
    const x = new Float32Array(30 * 4);
    const y = new Int32Array(30);
    for (let r = 0; r < 30; r++) {
      x.set(train.features.subarray(order[r] * 4, order[r] * 4 + 4), r * 4);
      y[r] = train.labels[order[r]];
    }
    const ref = Model.create(tiny);
    ref.init(1);
    expect(epochsOf(events)[0].trainLoss).toBeCloseTo(ref.evaluate(x, y, 30).lossSum / 30, 5);
    // No validation set: the confusion matrix is the trained rows' at the final weights.
    const predictions = new Int32Array(30);
    Model.create(tiny, { params }).evaluate(x, y, 30, predictions);
    const confusion = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
    for (let r = 0; r < 30; r++) confusion[y[r]][predictions[r]]++;
    expect(epochsOf(events)[0].confusion).toEqual(confusion);
  });
});
