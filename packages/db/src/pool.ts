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
    // Named prepared statements (`query(…, { prepare: true })`) are the hot key lookups whose
    // planning costs more than their execution: plan them once per connection, not the first
    // five executions each (the default's custom plans), e.g. ~60 ms for the draft context.
    options: '-c plan_cache_mode=force_generic_plan',
  });
  pool.on('error', (error) => onError?.(error));
  return pool;
}
