import pg from 'pg';

export type Pool = pg.Pool;

export interface PoolConfig {
  connectionString: string;
  max?: number;
  statementTimeoutMs?: number;
  applicationName?: string;
}

/** A bounded pg pool; errors on idle clients are reported instead of crashing the process. */
export function createPool(config: PoolConfig, onError?: (error: Error) => void): Pool {
  const pool = new pg.Pool({
    connectionString: config.connectionString,
    max: config.max ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    statement_timeout: config.statementTimeoutMs || undefined,
    application_name: config.applicationName ?? 'prospectflow',
  });
  pool.on('error', (error) => onError?.(error));
  return pool;
}
