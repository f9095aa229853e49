import { databaseNameOf } from '../database-admin.js';
import { createPool } from '../pool.js';
import { DEMO_ADMIN } from '../seed/demo-data.js';
import { seedDemoData } from '../seed/seed-demo.js';
import { withTransaction } from '../transaction.js';
import { loadCliEnv } from './env.js';

const { DATABASE_URL } = loadCliEnv();
const pool = createPool({ connectionString: DATABASE_URL, max: 1 });
try {
  const result = await withTransaction(pool, (client) => seedDemoData(client));
  console.log(
    `seeded ${databaseNameOf(DATABASE_URL)}: demo organisation, admin ${DEMO_ADMIN.email}, ${result.positions} prospects`,
  );
} catch (error) {
  console.error(`seed failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await pool.end();
}
