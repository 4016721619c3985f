// The Piscina pool of one training session, and the one place that knows how tasks can fail.
import Piscina from 'piscina';
import type { Task, TaskResult, WorkerData } from '../../engine/worker.ts';

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
   * Runs the tasks in parallel and hands their results to `consume` in task order (so sums made
   * there have a fixed order). If any task throws or its worker dies, all of them run once more on
   * a fresh pool, after `begin()` has reset what `consume` accumulated; a second failure throws
   * WorkerFailure. Nothing outside `consume` sees a partial result.
   */
  async runAll(tasks: Task[], begin: () => void, consume: (i: number, result: TaskResult) => void): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      begin();
      const pending = tasks.map((task) => this.pool.run(task));
      for (const p of pending) p.catch(() => {}); // a rejection is handled below, in task order
      let failure: unknown = null;
      for (let i = 0; i < pending.length && failure === null; i++) {
        let result: TaskResult;
        try {
          result = await pending[i];
        } catch (e) {
          failure = e;
          break;
        }
        consume(i, result);
      }
      if (failure === null) return;
      await Promise.allSettled(pending);
      const reason = failure instanceof Error ? failure.message : String(failure);
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
