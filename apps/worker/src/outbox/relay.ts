import { setTimeout as sleep } from 'node:timers/promises';
import {
  claimOutboxBatch,
  markOutboxFailed,
  markOutboxPublished,
  withTransaction,
  type OutboxRow,
  type Pool,
} from '@prospectflow/db';
import type { Logger } from '@prospectflow/observability';

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

/** Runs the relay until `stop()`: drains full batches back to back, then polls every `intervalMs`. */
export function startOutboxRelay(options: RelayOptions): { stop: () => Promise<void> } {
  const controller = new AbortController();
  const batchSize = options.batchSize ?? 100;
  const loop = (async () => {
    while (!controller.signal.aborted) {
      let handled = 0;
      try {
        handled = await relayOutboxBatch(options);
      } catch (error) {
        options.logger.error({ err: error }, 'outbox relay batch failed');
      }
      if (handled < batchSize)
        await sleep(options.intervalMs ?? 500, undefined, { signal: controller.signal }).catch(() => undefined);
    }
  })();
  return {
    stop: async () => {
      controller.abort();
      await loop;
    },
  };
}
