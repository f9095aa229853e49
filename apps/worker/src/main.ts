import { loadConfigOrExit } from '@prospectflow/config';
import { createAppPool, pingDatabase } from '@prospectflow/db';
import { createLogger, setRootLogger } from '@prospectflow/observability';
import { createRedis, pingRedis } from '@prospectflow/redis';
import { composeWorker } from './compose.js';
import { loadWorkerConfig } from './config.js';
import { createWorkerHttp } from './http-server.js';
import { createWorkerMetrics } from './metrics.js';

const config = loadConfigOrExit('worker', () => loadWorkerConfig());
const logger = createLogger({ level: config.LOG_LEVEL, pretty: config.LOG_PRETTY, name: 'worker' });
setRootLogger(logger);
const metrics = createWorkerMetrics();
const pool = createAppPool('worker', config, logger, metrics);
const redis = createRedis(config.REDIS_URL);
redis.on('error', (error) => logger.warn({ err: error }, 'redis error'));
const worker = await composeWorker({ config, pool, logger, metrics });
const { broker } = worker;

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

async function shutdown(signal: string) {
  logger.info({ signal }, 'worker shutting down');
  http.close();
  http.closeIdleConnections();
  await worker.stop();
  await Promise.allSettled([pool.end(), redis.quit()]);
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
