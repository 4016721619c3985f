// The real worker entry, made to fail on demand for the fault tests. A training task that manages to
// delete one file from $BPS_FAULT_DIR fails: it throws, or ends its thread when $BPS_FAULT_MODE is
// "exit"; when it is "late", a task of three steps or more does two (the second overwrites the copy the
// round began from), then throws.
// Tokens make the count of failures exact across threads (unlink succeeds only once).
import { readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import run, { type Task, type TaskResult } from '../../../engine/worker.ts';

function takeToken(dir: string): boolean {
  for (const name of readdirSync(dir)) {
    try {
      unlinkSync(join(dir, name));
      return true;
    } catch {
      // another worker took it
    }
  }
  return false;
}

export default function faulty(task: Task): TaskResult {
  const dir = process.env.BPS_FAULT_DIR;
  const mode = process.env.BPS_FAULT_MODE;
  if (dir && task.kind === 'steps' && (mode !== 'late' || task.steps.length > 2) && takeToken(dir)) {
    if (mode === 'exit') process.exit(3);
    if (mode === 'late') run({ ...task, steps: task.steps.slice(0, 2) });
    throw new Error('injected fault');
  }
  return run(task);
}
