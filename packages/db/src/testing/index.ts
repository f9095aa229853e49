import { randomBytes } from 'node:crypto';
import { createPool, type Pool } from '../pool.js';
import { dropDatabase, ensureDatabase, withDatabaseName } from '../database-admin.js';
import { migrate } from '../migrate.js';

export interface TestDatabase {
  url: string;
  name: string;
  pool: Pool;
  drop: () => Promise<void>;
}

/** Server URL tests use; never the dev database (a throwaway database is created per use). */
export function testServerUrl(): string {
  return process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** Creates and migrates the template database that test databases are cloned from. */
export async function createTemplateDatabase(): Promise<{ name: string; drop: () => Promise<void> }> {
  const name = `pf_test_tpl_${randomBytes(4).toString('hex')}`;
  const url = withDatabaseName(testServerUrl(), name);
  await ensureDatabase(url);
  await migrate(url);
  return { name, drop: () => dropDatabase(testServerUrl(), name) };
}

/** A fresh, migrated database cloned from the template (fast: no migrations replayed). */
export async function createTestDatabase(template: string): Promise<TestDatabase> {
  const name = `pf_test_${randomBytes(6).toString('hex')}`;
  const url = withDatabaseName(testServerUrl(), name);
  await ensureDatabase(url, { template });
  const pool = createPool({ connectionString: url, max: 5 });
  return {
    url,
    name,
    pool,
    drop: async () => {
      await pool.end();
      await dropDatabase(testServerUrl(), name);
    },
  };
}
