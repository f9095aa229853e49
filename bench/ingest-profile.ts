import { performance } from 'node:perf_hooks';
import { mergePayload, upsertProspects, validateItems } from '@prospectflow/crm';
import {
  analyseGrownIngestTables,
  createPool,
  dropDatabase,
  ensureDatabase,
  migrate,
  setQueryTimer,
  withDatabaseName,
  withTransaction,
} from '@prospectflow/db';
import { pharowItems } from '@prospectflow/testing';
import { benchEnv } from './support.js';

// In-process profile of ingests by phase (no HTTP): where the time of 10,000 items goes.
//   pnpm tsx bench/ingest-profile.ts [batches=5] [items=10000]
// INGEST_PROFILE_EXPLAIN=1   plans of statements over 200 ms (auto_explain, with trigger times)
// INGEST_PROFILE_PRE_SQL=…   a schema experiment run before the batches (e.g. 'DROP INDEX …')
// INGEST_PROFILE_NO_ANALYSE=1  skip the statistics refresh that ingestProspects does after each run
// INGEST_PROFILE_KEEP_DB=1   keep the database for EXPLAIN ANALYZE by hand
const env = benchEnv();
const dbName = `prospectflow_bench_profile_${Date.now()}`;
const url = withDatabaseName(env.DATABASE_URL, dbName);
await ensureDatabase(url);
await migrate(url);
const pool = createPool({ connectionString: url, max: 2 });
if (process.env.INGEST_PROFILE_EXPLAIN) {
  // auto_explain sends each slow statement's plan (with trigger times) back as a notice.
  pool.on('connect', (client) => {
    client.on('notice', (n) => console.log(n.message));
    void client.query(
      `LOAD 'auto_explain'; SET auto_explain.log_min_duration = 200; SET auto_explain.log_analyze = on;
       SET auto_explain.log_buffers = on; SET auto_explain.log_triggers = on; SET auto_explain.log_level = notice`,
    );
  });
}
const org = (
  await pool.query<{ id: string }>(`INSERT INTO iam_organisations (name, slug) VALUES ('Bench', 'bench') RETURNING id`)
).rows[0]!.id;

if (process.env.INGEST_PROFILE_PRE_SQL) await pool.query(process.env.INGEST_PROFILE_PRE_SQL);
const phases = new Map<string, number>();
setQueryTimer((name, _outcome, seconds) => phases.set(name, (phases.get(name) ?? 0) + seconds * 1000));
const timed = <T>(name: string, fn: () => T): T => {
  const started = performance.now();
  const result = fn();
  phases.set(name, (phases.get(name) ?? 0) + performance.now() - started);
  return result;
};

const batches = Number(process.argv[2] ?? 5);
const size = Number(process.argv[3] ?? 10_000);
for (const [label, seed] of [
  ['warm', 99],
  ...Array.from({ length: batches }, (_, i) => [`new ${i + 1}`, i + 1]),
  ['again', 1],
] as [string, number][]) {
  const raw = JSON.stringify({ data: pharowItems(label === 'warm' ? 1000 : size, { seed, prefix: `p${seed}` }) });
  phases.clear();
  const started = performance.now();
  const body = timed('json parse', () => JSON.parse(raw) as { data: unknown[] });
  const { valid } = timed('validate', () => validateItems(body.data));
  const items = valid.map((v) => v.item);
  // Merged once more inside upsertProspects: timed apart and left out of the total.
  timed('merge (alone)', () => mergePayload(items));
  const mergeMs = phases.get('merge (alone)')!;
  await withTransaction(pool, (client) => upsertProspects(client, org, items));
  if (!process.env.INGEST_PROFILE_NO_ANALYSE) await analyseGrownIngestTables(pool);
  const total = performance.now() - started - mergeMs;
  console.log(
    `${label.padEnd(6)} total ${Math.round(total)} ms | ` +
      [...phases].map(([k, v]) => `${k} ${Math.round(v)}`).join(' | '),
  );
}
await pool.end();
if (!process.env.INGEST_PROFILE_KEEP_DB) await dropDatabase(env.DATABASE_URL, dbName);
else console.log(`kept ${dbName}`);
