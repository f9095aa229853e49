import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import Postgrator from 'postgrator';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

// Arbitrary constant: serialises migration runs from several processes (dev + tests + CI).
const MIGRATION_LOCK_KEY = 7_311_202_611;

export interface MigrationResult {
  applied: string[];
  version: number;
}

/**
 * Applies pending `migrations/NNN.do.name.sql` files in order with postgrator (history table
 * `schema_migrations` with md5 checksums; an edited, already-applied file is refused).
 * Each file runs in its own transaction; an advisory lock keeps concurrent runs apart.
 */
export async function migrate(databaseUrl: string, options: { migrationsDir?: string } = {}): Promise<MigrationResult> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'prospectflow-migrate' });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const postgrator = new Postgrator({
      migrationPattern: `${options.migrationsDir ?? MIGRATIONS_DIR}/*`,
      driver: 'pg',
      schemaTable: 'schema_migrations',
      validateChecksums: true,
      execQuery: (sql) => client.query(sql),
      execSqlScript: async (sql) => {
        await client.query('BEGIN');
        try {
          await client.query(sql);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      },
    });
    const applied = await postgrator.migrate();
    const version = await postgrator.getDatabaseVersion();
    return { applied: applied.map((m) => basename(m.filename)), version };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}
