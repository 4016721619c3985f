// What the services have sent of the current training session, kept so that a renderer that loads
// mid-run or after it (a page reload) can replay it and show the training as it is.
//
// Bounded: metrics events come ~10 a second, each with the steps since the last (up to the trainer's
// CURVE_POINTS per run), so the log keeps at most MAX_POINTS step points. Past that it halves its
// resolution evenly over the whole run, old steps and new alike: points at least `gap` steps apart,
// events merged into entries that span at least `gap` steps, the gap doubling each time. The curves
// are a few hundred pixels wide: a few thousand points draw them as the live ones look.
// Every epoch is kept (the epoch table lists each; the contract allows at most 100,000), but only the
// latest keeps its confusion matrix and per-class accuracy: the only ones shown, and classes² numbers
// an epoch.
import type { EventPayload, SentMetrics } from './api/contract.ts';

type StepMetrics = EventPayload<'metrics'>;
type EpochMetrics = EventPayload<'epoch'>;
type StepPoint = StepMetrics['history'][number];

export const MAX_POINTS = 4_000;

/** An event's own figures as a step point, unless its history already ends at its step. */
function ownPoint(m: StepMetrics): StepPoint[] {
  if (m.history.at(-1)?.step === m.step) return [];
  return [{ step: m.step, trainLoss: m.trainLoss, trainAccuracy: m.trainAccuracy, gradNorms: m.gradNorms.map((g) => g.norm) }];
}

export class SentLog {
  private log: SentMetrics = [];
  private points = 0; // history points plus one per entry (its own figures): what the curves get
  private gap = 0; // steps between kept points and spanned by an entry, at least; 0 until the first halving
  private lastKept = -Infinity; // the step of the last history point kept
  private latestEpoch: EpochMetrics | null = null;

  constructor(private readonly maxPoints = MAX_POINTS) {}

  /** A copy: the log goes on changing. */
  get entries(): SentMetrics {
    return structuredClone(this.log);
  }

  clear(): void {
    this.log = [];
    this.points = 0;
    this.gap = 0;
    this.lastKept = -Infinity;
    this.latestEpoch = null;
  }

  metrics(m: StepMetrics): void {
    this.append(m, []);
    while (this.points > this.maxPoints && this.log.length > 1) this.halve();
  }

  epoch(e: EpochMetrics): void {
    if (this.latestEpoch) Object.assign(this.latestEpoch, { confusion: [], perClassAccuracy: [] }); // a copy of ours
    this.latestEpoch = { ...e };
    this.log.at(-1)?.epochs.push(this.latestEpoch); // the trainer sends an epoch's last step before its end
  }

  /** Adds an event at the current gap: its history points `gap` steps apart, and the event itself
   *  as a new entry, or merged into the last one (which keeps its own figures as a point) while
   *  that spans fewer than `gap` steps. Its epochs then follow the later step. */
  private append(m: StepMetrics, epochs: EpochMetrics[]): void {
    const last = this.log.at(-1);
    const start = this.log.at(-2)?.metrics.step ?? 0;
    const merge = last !== undefined && last.metrics.step - start < this.gap;
    const kept: StepPoint[] = [];
    for (const p of merge ? [...ownPoint(last.metrics), ...m.history] : m.history) {
      if (p.step < this.lastKept + this.gap) continue;
      kept.push(p);
      this.lastKept = p.step;
    }
    if (merge) {
      last.metrics = { ...m, history: [...last.metrics.history, ...kept] };
      last.epochs.push(...epochs);
      this.points += kept.length;
    } else {
      this.log.push({ metrics: { ...m, history: kept }, epochs });
      this.points += kept.length + 1;
    }
  }

  /** Doubles the gap (the first: twice the steps per point so far) and adds everything again. */
  private halve(): void {
    const entries = this.log;
    this.gap = this.gap ? this.gap * 2 : Math.max(1, Math.ceil((2 * entries[entries.length - 1].metrics.step) / this.points));
    this.log = [];
    this.points = 0;
    this.lastKept = -Infinity;
    for (const { metrics, epochs } of entries) this.append(metrics, epochs);
  }
}
