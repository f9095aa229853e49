import type { Pool } from '@prospectflow/db';
import type { Logger } from '@prospectflow/observability';
import { runSchedulerTick, type Clock } from '@prospectflow/outreach';
import { Wakeup } from '../wakeup.js';

export interface SchedulerLoopOptions {
  pool: Pool;
  clock: Clock;
  logger: Logger;
  intervalMs: number;
  batchSize: number;
  lockSeconds: number;
  workerId: string;
  /** Called after a tick that claimed tasks (their outbox rows are committed). */
  onClaimed?: () => void;
}

/**
 * Runs scheduler ticks until `stop()`: back to back while ticks claim tasks, otherwise every
 * `intervalMs` or as soon as `wake()` says tasks may be due (a draft just stored its send task).
 */
export function startScheduler(options: SchedulerLoopOptions): { stop: () => Promise<void>; wake: () => void } {
  const controller = new AbortController();
  const wakeup = new Wakeup();
  const loop = (async () => {
    while (!controller.signal.aborted) {
      let claimed = 0;
      try {
        const result = await runSchedulerTick(options);
        claimed = result.claimed;
        if (claimed) options.onClaimed?.();
        if (result.claimed || result.deferred || result.reclaimed)
          options.logger.debug(result, 'outreach tasks scheduled');
        if (result.reclaimed) options.logger.warn({ reclaimed: result.reclaimed }, 'stale outreach claims taken back');
      } catch (error) {
        options.logger.error({ err: error }, 'outreach scheduler tick failed');
      }
      if (claimed === 0) await wakeup.wait(options.intervalMs, controller.signal);
    }
  })();
  return {
    wake: () => wakeup.wake(),
    stop: async () => {
      controller.abort();
      await loop;
    },
  };
}
