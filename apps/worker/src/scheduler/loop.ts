import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from '@prospectflow/db';
import type { Logger } from '@prospectflow/observability';
import { runSchedulerTick, type Clock } from '@prospectflow/outreach';
import { Wakeup } from '../wakeup.js';

export interface SchedulerLoopOptions {
  pool: Pool;
  clock: Clock;
  logger: Logger;
  intervalMs: number;
  /** Least time between the starts of two ticks unless the previous one claimed a full batch. */
  minIntervalMs: number;
  batchSize: number;
  lockSeconds: number;
  workerId: string;
  /** Called after a tick that claimed tasks (their outbox rows are committed). */
  onClaimed?: () => void;
}

/**
 * Runs scheduler ticks until `stop()`: back to back after a full batch; every `minIntervalMs`
 * while ticks claim tasks (so each tick takes what became due meanwhile, and the cap counts are
 * not paid for a handful of tasks); once idle, every `intervalMs` or as soon as `wake()` says
 * tasks may be due (a draft just stored its send task).
 */
export function startScheduler(options: SchedulerLoopOptions): { stop: () => Promise<void>; wake: () => void } {
  const controller = new AbortController();
  const wakeup = new Wakeup();
  const loop = (async () => {
    while (!controller.signal.aborted) {
      let claimed = 0;
      const started = Date.now();
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
      if (claimed >= options.batchSize) continue;
      if (claimed === 0) await wakeup.wait(options.intervalMs, controller.signal);
      const spacing = started + options.minIntervalMs - Date.now();
      if (spacing > 0) await sleep(spacing, undefined, { signal: controller.signal }).catch(() => undefined);
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
