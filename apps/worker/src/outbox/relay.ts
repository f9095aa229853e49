import {
  claimOutboxBatch,
  markOutboxFailed,
  markOutboxPublished,
  purgePublishedOutbox,
  withTransaction,
  type OutboxRow,
  type Pool,
} from '@prospectflow/db';
import type { Logger } from '@prospectflow/observability';
import { Wakeup } from '../wakeup.js';

export type PublishFn = (
  routingKey: string,
  payload: unknown,
  options: { messageId: string; headers: Record<string, string | number | boolean> },
) => Promise<void>;

export interface RelayOptions {
  pool: Pool;
  publish: PublishFn;
  logger: Logger;
  batchSize?: number;
  intervalMs?: number;
  onPublished?: (count: number) => void;
  onFailed?: (count: number) => void;
  /** Published rows older than this are deleted (default 72 h). */
  retentionMs?: number;
  /** How often the purge runs (default every 10 minutes). */
  purgeEveryMs?: number;
}

const PURGE_BATCH = 5000;

/** Deletes published rows past the retention, in batches so no statement holds locks for long. */
export async function purgeOutbox(pool: Pool, now: Date, retentionMs: number): Promise<number> {
  const before = new Date(now.getTime() - retentionMs);
  let total = 0;
  for (;;) {
    const deleted = await purgePublishedOutbox(pool, before, PURGE_BATCH);
    total += deleted;
    if (deleted < PURGE_BATCH) return total;
  }
}

/** Back-off for a row whose publish failed: 1 s, 2 s, 4 s … capped at 5 minutes. */
export function outboxRetryDelayMs(attempts: number): number {
  return Math.min(1000 * 2 ** attempts, 300_000);
}

/** The message id consumers deduplicate on: stable across relay retries of the same row. */
export function outboxMessageId(row: Pick<OutboxRow, 'id'>): string {
  return `outbox-${row.id}`;
}

/**
 * Publishes one batch of due outbox rows with broker confirms, inside the transaction that
 * locked them: confirmed rows are marked published, failed ones postponed. Returns rows handled.
 */
export async function relayOutboxBatch(options: RelayOptions): Promise<number> {
  return withTransaction(options.pool, async (client) => {
    const rows = await claimOutboxBatch(client, options.batchSize ?? 100);
    if (rows.length === 0) return 0;
    const results = await Promise.allSettled(
      rows.map((row) =>
        options.publish(row.routingKey, row.payload, { messageId: outboxMessageId(row), headers: row.headers }),
      ),
    );
    const published: string[] = [];
    for (const [index, result] of results.entries()) {
      const row = rows[index]!;
      if (result.status === 'fulfilled') {
        published.push(row.id);
        continue;
      }
      const message = result.reason instanceof Error ? result.reason.message : String(result.reason);
      await markOutboxFailed(client, row.id, message, new Date(Date.now() + outboxRetryDelayMs(row.attempts)));
    }
    await markOutboxPublished(client, published);
    const failed = rows.length - published.length;
    if (published.length) options.onPublished?.(published.length);
    if (failed) {
      options.onFailed?.(failed);
      options.logger.warn({ published: published.length, failed }, 'outbox publish failures, rows postponed');
    }
    return rows.length;
  });
}

/**
 * Runs the relay until `stop()`: batches back to back while there are rows, then polls every
 * `intervalMs` or as soon as `wake()` says rows were written (by this process's scheduler).
 */
export function startOutboxRelay(options: RelayOptions): { stop: () => Promise<void>; wake: () => void } {
  const controller = new AbortController();
  const wakeup = new Wakeup();
  const retentionMs = options.retentionMs ?? 72 * 3_600_000;
  const purgeEveryMs = options.purgeEveryMs ?? 600_000;
  let nextPurge = 0;
  const loop = (async () => {
    while (!controller.signal.aborted) {
      let handled = 0;
      try {
        handled = await relayOutboxBatch(options);
      } catch (error) {
        options.logger.error({ err: error }, 'outbox relay batch failed');
      }
      if (Date.now() >= nextPurge) {
        nextPurge = Date.now() + purgeEveryMs;
        try {
          const purged = await purgeOutbox(options.pool, new Date(), retentionMs);
          if (purged) options.logger.info({ purged }, 'published outbox rows purged');
        } catch (error) {
          options.logger.error({ err: error }, 'outbox purge failed');
        }
      }
      if (handled === 0) await wakeup.wait(options.intervalMs ?? 500, controller.signal);
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
