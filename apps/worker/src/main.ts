import { loadConfigOrExit } from '@prospectflow/config';
import { createAppPool, pingDatabase } from '@prospectflow/db';
import { createConnectionManager, defineOutreachTopology } from '@prospectflow/messaging';
import { createChildLogger, createLogger, setRootLogger } from '@prospectflow/observability';
import { createRedis, pingRedis } from '@prospectflow/redis';
import { loadWorkerConfig } from './config.js';
import { createWorkerHttp } from './http-server.js';
import { createWorkerMetrics } from './metrics.js';
import { startOutboxRelay } from './outbox/relay.js';

const config = loadConfigOrExit('worker', () => loadWorkerConfig());
const logger = createLogger({ level: config.LOG_LEVEL, pretty: config.LOG_PRETTY, name: 'worker' });
setRootLogger(logger);
const metrics = createWorkerMetrics();
const pool = createAppPool('worker', config, logger, metrics);
const redis = createRedis(config.REDIS_URL);
redis.on('error', (error) => logger.warn({ err: error }, 'redis error'));
const broker = createConnectionManager({
  url: config.RABBITMQ_URL,
  topologies: [defineOutreachTopology({ maxDeliveries: config.RABBITMQ_MAX_DELIVERIES })],
  logger: createChildLogger('Messaging', logger),
  connectionName: 'prospectflow-worker',
});

const http = createWorkerHttp({
  logger,
  metrics,
  readinessChecks: [
    { name: 'postgres', check: () => pingDatabase(pool) },
    { name: 'rabbitmq', check: () => broker.ping() },
    { name: 'redis', check: () => pingRedis(redis) },
  ],
}).listen(config.WORKER_PORT, config.WORKER_HOST, () => {
  logger.info({ port: config.WORKER_PORT }, `worker health on http://localhost:${config.WORKER_PORT}`);
});

// The HTTP port answers (and /ready says "rabbitmq down") while the broker is still unreachable.
void broker.connect().then(
  () => logger.info('broker connected, topology declared'),
  (error: unknown) => logger.error({ err: error }, 'broker connection gave up'),
);
const relay = startOutboxRelay({
  pool,
  publish: (routingKey, payload, options) => broker.publish(routingKey, payload, options),
  logger: createChildLogger('OutboxRelay', logger),
  batchSize: config.OUTBOX_BATCH_SIZE,
  intervalMs: config.OUTBOX_POLL_INTERVAL_MS,
  onPublished: (count) => metrics.outboxPublished.inc(count),
  onFailed: (count) => metrics.outboxFailed.inc(count),
});

async function shutdown(signal: string) {
  logger.info({ signal }, 'worker shutting down');
  http.close();
  http.closeIdleConnections();
  await relay.stop();
  await broker.close();
  await Promise.allSettled([pool.end(), redis.quit()]);
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
