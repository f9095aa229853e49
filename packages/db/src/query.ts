import type pg from 'pg';

/** A pool or a checked-out client: repositories accept either. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** Receives the duration of each named query; wired to the `db_query_duration_seconds` histogram. */
export type QueryTimer = (name: string, outcome: 'ok' | 'error', seconds: number) => void;

let timer: QueryTimer | undefined;

/** Installs the process-wide query timer (main.ts wires it to the metrics registry). */
export function setQueryTimer(next: QueryTimer | undefined): void {
  timer = next;
}

/**
 * Runs one SQL statement and records its duration under `name`. `prepare`: a named prepared
 * statement (parsed and planned once per connection) for hot statements whose planning costs more
 * than their execution, e.g. many joins looked up by key; not with a transaction-mode pooler.
 */
export async function query<R extends pg.QueryResultRow = Record<string, unknown>>(
  db: Queryable,
  name: string,
  sql: string,
  params: unknown[] = [],
  options: { prepare?: boolean } = {},
): Promise<pg.QueryResult<R>> {
  const started = process.hrtime.bigint();
  let outcome: 'ok' | 'error' = 'ok';
  try {
    if (options.prepare) return await db.query<R>({ name, text: sql, values: params });
    return await db.query<R>(sql, params);
  } catch (error) {
    outcome = 'error';
    throw error;
  } finally {
    timer?.(name, outcome, Number(process.hrtime.bigint() - started) / 1e9);
  }
}
