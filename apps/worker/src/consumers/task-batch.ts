import type pLimit from 'p-limit';

/** The outcome of one task of a job: its result, the error it threw, or not started. */
export type TaskOutcome<R> =
  { taskId: string; result: R } | { taskId: string; error: unknown } | { taskId: string; notStarted: true };

/**
 * Runs a job's tasks through the consumer's limiter (shared by its jobs, so `concurrency` bounds
 * the tasks in flight, not the jobs) and reports each one's outcome; never throws. Once `signal`
 * aborts (the job's channel closed: it will be delivered again), tasks not started yet are left
 * for that redelivery.
 */
export async function runTasks<R>(
  limit: ReturnType<typeof pLimit>,
  taskIds: string[],
  signal: AbortSignal,
  run: (taskId: string) => Promise<R>,
): Promise<TaskOutcome<R>[]> {
  return Promise.all(
    taskIds.map((taskId) =>
      limit(async (): Promise<TaskOutcome<R>> => {
        if (signal.aborted) return { taskId, notStarted: true };
        try {
          return { taskId, result: await run(taskId) };
        } catch (error) {
          return { taskId, error };
        }
      }),
    ),
  );
}

/** Jobs the broker hands a consumer at once: enough whole jobs to keep `concurrency` tasks busy. */
export function prefetchFor(concurrency: number, tasksPerJob: number): number {
  return Math.min(1000, Math.ceil(concurrency / tasksPerJob) + 1);
}
