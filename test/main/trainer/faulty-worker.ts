// The real worker entry, made to fail on demand for the fault tests. A training task that manages to
// delete one file from $BPS_FAULT_DIR fails in the file's mode: a file named "throw-...", "exit-..." or
// "late-..." says it, any other $BPS_FAULT_MODE. "throw": it throws; "exit": it ends its thread;
// "late": a task of three steps or more (shorter ones leave the file) does two (the second overwrites
// the copy the round began from), then throws. Files are taken in name order, none past a late one.
// Tokens make the count of failures exact across threads (unlink succeeds only once).
import { readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import run, { type Task, type TaskResult } from '../../../engine/worker.ts';

const MODES = ['throw', 'exit', 'late'];

/** The mode of the token this task took, or null. */
function takeToken(dir: string, steps: number): string | null {
  for (const name of readdirSync(dir).sort()) {
    const mode = MODES.find((m) => name.startsWith(`${m}-`)) ?? process.env.BPS_FAULT_MODE ?? 'throw';
    if (mode === 'late' && steps <= 2) return null; // the next files wait for it
    try {
      unlinkSync(join(dir, name));
      return mode;
    } catch {
      // another worker took it
    }
  }
  return null;
}

export default function faulty(task: Task): TaskResult {
  const dir = process.env.BPS_FAULT_DIR;
  if (!dir || task.kind !== 'steps') return run(task);
  const mode = takeToken(dir, task.steps.length);
  if (mode === 'exit') process.exit(3);
  if (mode === 'late') run({ ...task, steps: task.steps.slice(0, 2) });
  if (mode !== null) throw new Error('injected fault');
  return run(task);
}
