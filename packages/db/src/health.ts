import type pg from 'pg';

/** Readiness probe: a trivial round trip through the pool. */
export async function pingDatabase(pool: pg.Pool): Promise<void> {
  await pool.query('SELECT 1');
}
