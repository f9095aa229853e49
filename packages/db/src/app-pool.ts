import type { Logger, Metrics } from '@prospectflow/observability';
import { createPool, type Pool } from './pool.js';
import { setQueryTimer } from './query.js';

export interface DatabaseSettings {
  DATABASE_URL: string;
  DATABASE_POOL_MAX: number;
  DATABASE_STATEMENT_TIMEOUT_MS: number;
}

/** An app's pool: bounded by config, named after the app, query timings wired to its metrics. */
export function createAppPool(app: string, settings: DatabaseSettings, logger: Logger, metrics: Metrics): Pool {
  setQueryTimer((query, outcome, seconds) => metrics.dbQueryDuration.observe({ query, outcome }, seconds));
  return createPool(
    {
      connectionString: settings.DATABASE_URL,
      max: settings.DATABASE_POOL_MAX,
      statementTimeoutMs: settings.DATABASE_STATEMENT_TIMEOUT_MS,
      applicationName: `prospectflow-${app}`,
    },
    (error) => logger.error({ err: error }, 'idle database client error'),
  );
}
