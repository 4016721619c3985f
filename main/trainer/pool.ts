// The Piscina pool of one training session, and the one place that knows how tasks can fail.
import Piscina from 'piscina';
import type { ResultOf, Task, TaskResult, WorkerData } from '../../engine/worker.ts';

/** A task failed, then failed again on fresh workers. */
export class WorkerFailure extends Error {}

export class ShardPool {
  private pool: Piscina<Task, TaskResult>;

  constructor(
    private readonly workerFile: string,
    private readonly data: WorkerData,
    readonly threads: number,
  ) {
    this.pool = this.open();
  }

  private open(): Piscina<Task, TaskResult> {
    // Shared arrays in workerData reach every worker (and every replacement) without a copy.
    return new Piscina({ filename: this.workerFile, workerData: this.data, minThreads: this.threads, maxThreads: this.threads });
  }

  /**
   * Runs the tasks in parallel and returns their results in task order (so sums made from them
   * have a fixed order). If any task throws or its worker dies, all of them run once more on a
   * fresh pool; a second failure throws WorkerFailure. Tasks must be safe to run again: they only
   * write what a rerun rewrites whole.
   */
  async runAll<T extends Task>(tasks: T[]): Promise<ResultOf<T>[]> {
    for (let attempt = 1; ; attempt++) {
      const pending = tasks.map((task) => this.pool.run(task));
      const settled = await Promise.allSettled(pending);
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (!failed) return settled.map((r) => (r as PromiseFulfilledResult<TaskResult>).value as ResultOf<T>);
      const reason = failed.reason instanceof Error ? failed.reason.message : String(failed.reason);
      if (attempt === 2) throw new WorkerFailure(`a worker failed twice on the same work: ${reason}`);
      await this.renew();
    }
  }

  private async renew(): Promise<void> {
    await this.pool.destroy();
    this.pool = this.open();
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}
