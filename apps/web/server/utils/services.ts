import type { H3Event } from 'h3';
import { createAppPool, setQueryTimer, type Pool } from '@prospectflow/db';
import { createLogger, createMetrics, setRootLogger, type Logger, type Metrics } from '@prospectflow/observability';
import { createRedis, type Redis } from '@prospectflow/redis';
import type { WebConfig } from './config.js';

/** What the web server builds once per process and hands to every request. */
export interface WebServices {
  config: WebConfig;
  logger: Logger;
  metrics: Metrics;
  pool: Pool;
  redis: Redis;
}

declare module 'h3' {
  interface H3EventContext {
    services: WebServices;
    requestId: string;
  }
}

/** Opens the pg pool and Redis client and wires query timings to the metrics registry. */
export function createWebServices(config: WebConfig): WebServices {
  // pino-pretty is a dev-only transport: the production build does not ship it.
  const pretty = config.LOG_PRETTY && import.meta.dev;
  const logger = createLogger({ level: config.LOG_LEVEL, pretty, name: 'web' });
  setRootLogger(logger);
  if (config.LOG_PRETTY && !pretty) logger.warn('LOG_PRETTY ignored: the production build logs JSON lines');
  const metrics = createMetrics('web');
  const pool = createAppPool('web', config, logger, metrics);
  const redis = createRedis(config.REDIS_URL);
  redis.on('error', (err: Error) => logger.warn({ err }, 'redis connection error'));
  return { config, logger, metrics, pool, redis };
}

/** Closes the pool and Redis client; called from Nitro's `close` hook. */
export async function closeWebServices(services: WebServices): Promise<void> {
  setQueryTimer(undefined);
  await Promise.allSettled([services.pool.end(), services.redis.quit()]);
}

/** The process services attached to this request by the services plugin. */
export function useServices(event: H3Event): WebServices {
  return event.context.services;
}
