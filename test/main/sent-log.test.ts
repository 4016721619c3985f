// The services' log of a session's metrics, which a reloaded renderer replays: what is kept, when it
// resets, and its bound. Replayed here as the renderer does (every history point, then the event's
// own figures, upserted by step; an epoch's validation point at the step of the metrics before it).
import * as v from 'valibot';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { SentMetricsSchema, type EventName, type EventPayload, type Reply, type SentMetrics } from '../../main/api/contract.ts';
import { MAX_POINTS, SentLog } from '../../main/sent-log.ts';
import { Services } from '../../main/services.ts';

type StepMetrics = EventPayload<'metrics'>;
type EpochMetrics = EventPayload<'epoch'>;

// Figures that are functions of the step, so a replayed point can be checked against its step.
const loss = (step: number) => 1 / step;
const accuracy = (step: number) => step / (step + 1);
const norms = (step: number) => [step * 2, step * 3];
const point = (step: number) => ({ step, trainLoss: loss(step), trainAccuracy: accuracy(step), gradNorms: norms(step) });

/** The metrics event the trainer sends after `step`, with the history of steps `from` to `step`. */
function metricsAt(step: number, from: number, extra: Partial<StepMetrics> = {}): StepMetrics {
  return {
    step, epoch: 1, epochs: 1, stepsPerEpoch: 100, samplesSeen: step * 8, trainLoss: loss(step), trainAccuracy: accuracy(step),
    samplesPerSecond: 1000, etaSeconds: 1, lr: 0.1, gradNorms: norms(step).map((norm, i) => ({ name: `layer${i}`, norm })),
    history: Array.from({ length: step - from + 1 }, (_, i) => point(from + i)),
    ...extra,
  };
}
const epochAt = (epoch: number): EpochMetrics => ({
  epoch, trainLoss: epoch, trainAccuracy: 0.5, valLoss: epoch + 0.5, valAccuracy: 0.25, confusion: [[epoch, 1], [2, 3]], perClassAccuracy: [0.5, 0.6],
});

/** The per-step points and the validation points' steps a renderer builds from `sent`. */
function replay(sent: SentMetrics) {
  const points = new Map<number, ReturnType<typeof point>>();
  const validationSteps: number[] = [];
  for (const { metrics, epochs } of sent) {
    for (const p of metrics.history) points.set(p.step, p);
    points.set(metrics.step, { step: metrics.step, trainLoss: metrics.trainLoss, trainAccuracy: metrics.trainAccuracy, gradNorms: metrics.gradNorms.map((g) => g.norm) });
    for (const _ of epochs) validationSteps.push(metrics.step);
  }
  return { points: [...points.values()], validationSteps };
}
const countPoints = (sent: SentMetrics) => sent.reduce((n, e) => n + e.metrics.history.length + 1, 0);

describe('the log of what a session sent', () => {
  it('keeps every event as sent while under the bound, with only the latest epoch\'s confusion matrix', () => {
    const log = new SentLog();
    const sent = [metricsAt(3, 1), metricsAt(5, 4), metricsAt(6, 6, { history: [] })];
    log.metrics(sent[0]);
    log.metrics(sent[1]);
    log.epoch(epochAt(1));
    log.metrics(sent[2]);
    log.epoch(epochAt(2));
    const stripped = { ...epochAt(1), confusion: [], perClassAccuracy: [] };
    expect(log.entries).toEqual([{ metrics: sent[0], epochs: [] }, { metrics: sent[1], epochs: [stripped] }, { metrics: sent[2], epochs: [epochAt(2)] }]);
    expect(v.safeParse(SentMetricsSchema, log.entries).success).toBe(true);
    // a copy: what was handed out does not change as the log goes on
    const before = log.entries;
    log.epoch(epochAt(3));
    expect(before[2].epochs).toEqual([epochAt(2)]);
    log.clear();
    expect(log.entries).toEqual([]);
  });

  it('thins a long run evenly to at most MAX_POINTS points, each still its own step\'s, and keeps every epoch', () => {
    // 30,000 steps (more than the trainer's 20,000 history points), an event every 7 steps with
    // those steps, an epoch every 1,500 steps (its last step sent just before its end)
    const log = new SentLog();
    const steps = 30_000, perEpoch = 1_500;
    let from = 1;
    for (let step = 1; step <= steps; step++) {
      if (step % 7 !== 0 && step % perEpoch !== 0) continue;
      log.metrics(metricsAt(step, from, { epoch: Math.ceil(step / perEpoch) }));
      if (step % perEpoch === 0) log.epoch(epochAt(step / perEpoch));
      from = step + 1;
      if (step % 700 === 0) expect(countPoints(log.entries)).toBeLessThanOrEqual(MAX_POINTS);
    }
    const sent = log.entries;
    expect(v.safeParse(SentMetricsSchema, sent).success).toBe(true);
    const { points, validationSteps } = replay(sent);

    // each point is its step's figures, steps rising from the run's start to its last step
    for (const p of points) expect(p).toEqual(point(p.step));
    const at = points.map((p) => p.step);
    for (let i = 1; i < at.length; i++) expect(at[i]).toBeGreaterThan(at[i - 1]);
    expect(at[0]).toBeLessThan(20);
    expect(at.at(-1)).toBe(steps);
    // enough to draw, and even: no wide holes, as many in the first half of the run as in the second
    expect(points.length).toBeGreaterThan(MAX_POINTS / 4);
    const gaps = at.slice(1).map((s, i) => s - at[i]);
    const meanGap = steps / points.length;
    expect(Math.max(...gaps)).toBeLessThanOrEqual(3 * meanGap);
    const firstHalf = at.filter((s) => s <= steps / 2).length;
    expect(firstHalf / points.length).toBeGreaterThan(0.45);
    expect(firstHalf / points.length).toBeLessThan(0.55);

    // the status line's figures are the last event's
    expect(sent.at(-1)!.metrics).toMatchObject({ step: steps, epoch: 20, samplesSeen: steps * 8 });
    // every epoch, in order, its validation point at its last step or a little later (at the end of
    // the entry it fell in): less than a thousandth of the run, a pixel on the curve
    const epochs = sent.flatMap((e) => e.epochs);
    expect(epochs.map((e) => e.epoch)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    validationSteps.forEach((s, i) => {
      expect(s).toBeGreaterThanOrEqual((i + 1) * perEpoch);
      expect(s - (i + 1) * perEpoch).toBeLessThan(steps / 1000);
    });
    expect(epochs.slice(0, -1).every((e) => e.confusion.length === 0 && e.perClassAccuracy.length === 0)).toBe(true);
    expect(epochs.at(-1)).toEqual(epochAt(20));
  });

  it('halves by hand-worked steps: a bound of 6 points, events of one step each', () => {
    const log = new SentLog(6);
    for (let step = 1; step <= 4; step++) log.metrics(metricsAt(step, step));
    // 4 events of 2 points (history and own figures at the same step) are 8 > 6: the gap becomes 2
    // steps, so events 1 and 2 merge (event 1's point stays), and 3 and 4 (event 3's point stays)
    expect(log.entries.map((e) => [e.metrics.step, e.metrics.history.map((p) => p.step)])).toEqual([[2, [1]], [4, [3]]]);
    expect(replay(log.entries).points.map((p) => p.step)).toEqual([1, 2, 3, 4]);
    const shape = () => log.entries.map((e) => [e.metrics.step, e.metrics.history.map((p) => p.step)]);
    log.metrics(metricsAt(5, 5)); // a new entry (the last spans steps 3 and 4); step 5 is 2 after 3: kept
    expect(shape()).toEqual([[2, [1]], [4, [3]], [5, [5]]]);
    log.metrics(metricsAt(6, 6)); // joins the last entry (it spans step 5 only); step 6 is 1 after 5: not kept
    expect(shape()).toEqual([[2, [1]], [4, [3]], [6, [5]]]);
    log.metrics(metricsAt(7, 7)); // a new entry, step 7 kept: 8 points, so the gap becomes 4
    // entries ending at 2 and 4 merge (step 2 is not 4 after 1, nor 3), then 6 and 7 (neither 6 nor 7 is 4 after 5)
    expect(shape()).toEqual([[4, [1]], [7, [5]]]);
    expect(replay(log.entries).points.map((p) => p.step)).toEqual([1, 4, 5, 7]);
  });
});

describe('the services\' log', () => {
  type Emitted = { event: EventName; payload: unknown };
  const open: Services[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  const value = <T>(r: Reply): T => {
    if (!r.ok) throw new Error(`expected success, got: ${r.message}`);
    return r.value as T;
  };
  const MLP = { type: 'mlp', inputs: 2, hidden: [4], classes: 2, activation: 'tanh', output: 'softmax', loss: 'cross-entropy' } as const;
  const prepare = { spec: MLP, valSplit: 0.25, normalize: 'zscore', seed: 1 };

  it('holds the events sent since the session started, until a session starts, the data change or fresh weights', async () => {
    const emitted: Emitted[] = [];
    const s = new Services({ emit: (event, payload) => emitted.push({ event, payload }), workerFile: inject('workerFile') });
    open.push(s);
    const sent = async () => value<{ sent: SentMetrics }>(await s.call('getStatus', undefined)).sent;
    const finished = () => emitted.some((e) => e.event === 'state' && (e.payload as { state: string }).state === 'finished');

    value(await s.call('loadDataset', { source: { kind: 'builtin', name: 'xor', rows: 80 } }));
    value(await s.call('prepare', prepare));
    expect(await sent()).toEqual([]);
    value(await s.call('start', { optimizer: { kind: 'sgd', lr: 0.5 }, batchSize: 8, epochs: 3, threads: 1 }));
    await expect.poll(finished, { timeout: 30_000 }).toBe(true);

    // what was sent, grouped: each metrics event with the epoch events after it; the earlier
    // epochs without their confusion matrices
    const log = await sent();
    expect(v.safeParse(SentMetricsSchema, log).success).toBe(true);
    const expected: SentMetrics = [];
    for (const e of emitted) {
      if (e.event === 'metrics') expected.push({ metrics: e.payload as StepMetrics, epochs: [] });
      if (e.event === 'epoch') expected.at(-1)!.epochs.push(e.payload as EpochMetrics);
    }
    const epochs = expected.flatMap((e) => e.epochs);
    expect(epochs).toHaveLength(3);
    epochs.slice(0, -1).forEach((e) => Object.assign(e, { confusion: [], perClassAccuracy: [] }));
    expect(log).toEqual(expected);
    expect(log.at(-1)!.metrics).toMatchObject({ step: 24, epoch: 3 }); // 60 training rows in batches of 8, 3 epochs

    // kept: a gradient check's prepare that keeps the weights, an import (the renderer keeps its curves)
    value(await s.call('prepare', { ...prepare, keepWeights: true }));
    expect(await sent()).toEqual(log);
    const weights = value<{ text: string }>(await s.call('exportWeights', undefined)).text;
    value(await s.call('importWeights', { name: 'xor.weights.json', text: weights }));
    expect(await sent()).toEqual(log);

    // cleared: a new session, even before it sends anything
    value(await s.call('start', { optimizer: { kind: 'sgd', lr: 0.5 }, batchSize: 8, epochs: 1, threads: 1, paused: true }));
    expect(await sent()).toEqual([]);
    value(await s.call('step', undefined));
    expect((await sent()).map((e) => e.metrics.step)).toEqual([1]);
    // cleared: fresh weights (reset, or prepare without keeping them)
    value(await s.call('reset', undefined));
    expect(await sent()).toEqual([]);
    value(await s.call('start', { optimizer: { kind: 'sgd', lr: 0.5 }, batchSize: 8, epochs: 1, threads: 1, paused: true }));
    value(await s.call('step', undefined));
    value(await s.call('prepare', prepare));
    expect(await sent()).toEqual([]);
    // cleared: other data
    value(await s.call('start', { optimizer: { kind: 'sgd', lr: 0.5 }, batchSize: 8, epochs: 1, threads: 1, paused: true }));
    value(await s.call('step', undefined));
    expect(await sent()).toHaveLength(1);
    value(await s.call('loadDataset', { source: { kind: 'builtin', name: 'blobs', rows: 40 } }));
    expect(await sent()).toEqual([]);
  });
});
