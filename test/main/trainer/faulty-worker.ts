// The real worker entry, made to fail on demand for the fault tests. A gradient task that manages to
// delete one file from $BPS_FAULT_DIR fails: it throws, or ends its thread when $BPS_FAULT_MODE is
// "exit". Tokens make the count of failures exact across threads (unlink succeeds only once).
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
  if (dir && task.kind === 'step' && takeToken(dir)) {
    if (process.env.BPS_FAULT_MODE === 'exit') process.exit(3);
    throw new Error('injected fault');
  }
  return run(task);
}
