import type { Server } from 'node:http';
import { loadConfigOrExit } from '@prospectflow/config';
import { createAppPool, pingDatabase } from '@prospectflow/db';
import { pingBroker } from '@prospectflow/messaging/ping';
import { createLogger, createMetrics, setRootLogger } from '@prospectflow/observability';
import { createRedis, pingRedis } from '@prospectflow/redis';
import { createApp } from './app.js';
import { loadApiConfig } from './config.js';

const config = loadConfigOrExit('api', () => loadApiConfig());
const logger = createLogger({ level: config.LOG_LEVEL, pretty: config.LOG_PRETTY, name: 'api' });
setRootLogger(logger);
const metrics = createMetrics('api');
const pool = createAppPool('api', config, logger, metrics);
const redis = createRedis(config.REDIS_URL);
redis.on('error', (error) => logger.warn({ err: error }, 'redis error'));

const app = createApp({
  logger,
  metrics,
  bodyLimit: config.API_BODY_LIMIT,
  trustProxy: config.API_TRUST_PROXY,
  readinessChecks: [
    { name: 'postgres', check: () => pingDatabase(pool) },
    { name: 'rabbitmq', check: () => pingBroker(config.RABBITMQ_URL) },
    { name: 'redis', check: () => pingRedis(redis) },
  ],
});

const server: Server = app.listen(config.API_PORT, config.API_HOST, () => {
  logger.info({ port: config.API_PORT }, `api listening on http://localhost:${config.API_PORT}`);
});

async function shutdown(signal: string) {
  logger.info({ signal }, 'api shutting down');
  server.close();
  server.closeIdleConnections();
  await Promise.allSettled([pool.end(), redis.quit()]);
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
