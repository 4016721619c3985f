// What the window shows of a run outside the page: the taskbar/dock progress and the notification
// at its end. Plain functions of the events (tested without Electron).
import type { EventPayload } from '../api/contract.ts';

/** The run's fraction done, in [0, 1]. */
export function runProgress(m: EventPayload<'metrics'>): number {
  const total = m.epochs * m.stepsPerEpoch;
  return total > 0 ? Math.min(1, Math.max(0, m.step / total)) : 0;
}

/** The notification for a run that ended, or null for a state that is not an end. */
export function endNotice(state: EventPayload<'state'>, last: EventPayload<'epoch'> | null): { title: string; body: string } | null {
  const percent = (x: number) => `${(100 * x).toFixed(1)} %`;
  const result = last
    ? `epoch ${last.epoch}: training accuracy ${percent(last.trainAccuracy)}${last.valAccuracy === null ? '' : `, validation accuracy ${percent(last.valAccuracy)}`}`
    : 'no epoch completed';
  if (state.state === 'finished') return { title: 'Training finished', body: result };
  if (state.state === 'failed') return { title: 'Training failed', body: state.message ?? result };
  return null;
}
