// The Piscina pool of one training session, and the one place that knows how tasks can fail.
import Piscina from 'piscina';
import type { ResultOf, Task, TaskResult, WorkerData } from '../../engine/worker.ts';

/** A task threw or its worker died (with retries: again, on fresh workers); the pool is fresh again. */
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
   * Runs a round of tasks in parallel, one per thread at most (a round's tasks wait for each other
   * at barriers, so none may queue behind another), and returns their results in task order (so
   * sums made from them have a fixed order). If any task throws or its worker dies, the others are
   * released from the round's barriers and the pool is renewed; with `retry`, all of them run once
   * more (tasks that are safe to run again: they only write what a rerun rewrites whole), and a
   * second failure throws WorkerFailure; without, the first one does.
   */
  async runAll<T extends Task>(tasks: T[], { retry }: { retry: boolean }): Promise<ResultOf<T>[]> {
    if (tasks.length > this.threads) throw new RangeError(`${tasks.length} tasks for ${this.threads} threads`);
    const { round } = this.data;
    for (let attempt = 1; ; attempt++) {
      round.fill(0);
      let failure: { reason: unknown } | null = null; // the first, not the tasks it made give up
      const pending = tasks.map((task) => this.pool.run(task));
      for (const p of pending) {
        p.catch((reason) => {
          failure ??= { reason };
          Atomics.store(round, 1, 1);
          Atomics.notify(round, 0);
        });
      }
      const settled = await Promise.allSettled(pending);
      if (failure === null) return settled.map((r) => (r as PromiseFulfilledResult<TaskResult>).value as ResultOf<T>);
      const { reason: e } = failure as { reason: unknown };
      const reason = e instanceof Error ? e.message : String(e);
      await this.renew();
      if (!retry) throw new WorkerFailure(reason);
      if (attempt === 2) throw new WorkerFailure(`a worker failed twice on the same work: ${reason}`);
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
