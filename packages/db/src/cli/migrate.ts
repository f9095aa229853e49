import { databaseNameOf, ensureDatabase } from '../database-admin.js';
import { migrate } from '../migrate.js';
import { loadCliEnv } from './env.js';

const { DATABASE_URL } = loadCliEnv();
const name = databaseNameOf(DATABASE_URL);
try {
  if (await ensureDatabase(DATABASE_URL)) console.log(`created database ${name}`);
  const { applied, version } = await migrate(DATABASE_URL);
  console.log(applied.length ? `applied ${applied.join(', ')}` : 'no pending migrations');
  console.log(`database ${name} is at version ${version}`);
} catch (error) {
  console.error(`migration of ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
