import type { Pool } from '@prospectflow/db';
import {
  createConnectionManager,
  defineCrmTopology,
  defineOutreachTopology,
  type ConnectionManager,
} from '@prospectflow/messaging';
import { createChildLogger, type Logger } from '@prospectflow/observability';
import type { WorkerConfig } from './config.js';
import { consumeImports } from './consumers/crm-import.js';
import type { WorkerMetrics } from './metrics.js';
import { startOutboxRelay } from './outbox/relay.js';

export interface WorkerServices {
  config: WorkerConfig;
  pool: Pool;
  logger: Logger;
  metrics: WorkerMetrics;
}

export interface Worker {
  broker: ConnectionManager;
  /** Stops the relay, lets running jobs reach a safe point, then closes the broker connection. */
  stop(): Promise<void>;
}

/** Wires the broker, the consumers and the outbox relay (main.ts and tests); call `broker.connect()` to start. */
export async function composeWorker(services: WorkerServices): Promise<Worker> {
  const { config, pool, logger, metrics } = services;
  const maxDeliveries = config.RABBITMQ_MAX_DELIVERIES;
  const broker = createConnectionManager({
    url: config.RABBITMQ_URL,
    topologies: [defineOutreachTopology({ maxDeliveries }), defineCrmTopology({ maxDeliveries })],
    logger: createChildLogger('Messaging', logger),
    connectionName: 'prospectflow-worker',
  });
  const shutdown = new AbortController();
  await consumeImports({
    broker,
    pool,
    logger: createChildLogger('CrmImport', logger),
    metrics,
    batchSize: config.CRM_IMPORT_BATCH_SIZE,
    concurrency: config.CRM_IMPORT_CONCURRENCY,
    signal: shutdown.signal,
  });
  const relay = startOutboxRelay({
    pool,
    publish: (routingKey, payload, options) => broker.publish(routingKey, payload, options),
    logger: createChildLogger('OutboxRelay', logger),
    batchSize: config.OUTBOX_BATCH_SIZE,
    intervalMs: config.OUTBOX_POLL_INTERVAL_MS,
    onPublished: (count) => metrics.outboxPublished.inc(count),
    onFailed: (count) => metrics.outboxFailed.inc(count),
  });
  return {
    broker,
    stop: async () => {
      shutdown.abort();
      await relay.stop();
      await broker.close();
    },
  };
}
