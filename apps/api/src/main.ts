import type { Server } from 'node:http';
import { loadConfigOrExit } from '@prospectflow/config';
import { createAppPool } from '@prospectflow/db';
import { createLogger, createMetrics, setRootLogger } from '@prospectflow/observability';
import { createRedis } from '@prospectflow/redis';
import { buildApi } from './compose.js';
import { loadApiConfig } from './config.js';

const config = loadConfigOrExit('api', () => loadApiConfig());
const logger = createLogger({ level: config.LOG_LEVEL, pretty: config.LOG_PRETTY, name: 'api' });
setRootLogger(logger);
const metrics = createMetrics('api');
const pool = createAppPool('api', config, logger, metrics);
const redis = createRedis(config.REDIS_URL);
redis.on('error', (error) => logger.warn({ err: error }, 'redis error'));

const app = await buildApi({ config, pool, redis, logger, metrics });
const server: Server = app.listen(config.API_PORT, config.API_HOST, () => {
  logger.info(
    { port: config.API_PORT, authMode: config.AUTH_MODE },
    `api listening on http://localhost:${config.API_PORT}`,
  );
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
