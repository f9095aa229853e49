import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from '@prospectflow/db';
import type { Logger } from '@prospectflow/observability';
import { runSchedulerTick, type Clock } from '@prospectflow/outreach';

export interface SchedulerLoopOptions {
  pool: Pool;
  clock: Clock;
  logger: Logger;
  intervalMs: number;
  batchSize: number;
  lockSeconds: number;
  workerId: string;
}

/** Runs scheduler ticks until `stop()`: full batches back to back, otherwise every `intervalMs`. */
export function startScheduler(options: SchedulerLoopOptions): { stop: () => Promise<void> } {
  const controller = new AbortController();
  const loop = (async () => {
    while (!controller.signal.aborted) {
      let claimed = 0;
      try {
        const result = await runSchedulerTick(options);
        claimed = result.claimed;
        if (result.claimed || result.deferred || result.reclaimed)
          options.logger.debug(result, 'outreach tasks scheduled');
        if (result.reclaimed) options.logger.warn({ reclaimed: result.reclaimed }, 'stale outreach claims taken back');
      } catch (error) {
        options.logger.error({ err: error }, 'outreach scheduler tick failed');
      }
      if (claimed < options.batchSize) {
        await sleep(options.intervalMs, undefined, { signal: controller.signal }).catch(() => undefined);
      }
    }
  })();
  return {
    stop: async () => {
      controller.abort();
      await loop;
    },
  };
}
