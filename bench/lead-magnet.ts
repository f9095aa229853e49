import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import autocannon from 'autocannon';
import {
  createPool,
  dropDatabase,
  ensureDatabase,
  insertDownloadToken,
  migrate,
  upsertSignupSubscriber,
  withDatabaseName,
} from '@prospectflow/db';
import { ROOT_DIR, buildWebAppIfStale, startWebApp } from '../test/e2e/web-app.js';
import { benchEnv, printTable } from './support.js';

// The production web server (node .output/server/index.mjs, its own process) with the default
// abuse limits: every request comes from a distinct X-Forwarded-For address and every signup
// from a distinct address, so the limiter is exercised but never cuts the run. Baseline in the
// same run: /health on the same server (the Nitro stack, no I/O).
const CONNECTIONS = 50;
const DURATION_SECONDS = 10;
const TOKENS = 2000;

const env = benchEnv();
const dbName = `prospectflow_bench_lm_${Date.now()}`;
const url = withDatabaseName(env.DATABASE_URL, dbName);
await ensureDatabase(url);
await migrate(url);
const pool = createPool({ connectionString: url, max: 4 });

// Links to click: one subscriber per token, as in real life (no contention on one row).
const tokens: string[] = [];
for (let i = 0; i < TOKENS; i++) {
  const subscriber = await upsertSignupSubscriber(pool, { email: `bench.${i}@example.fr`, source: 'bench', tags: [] });
  // As @prospectflow/lead-magnet's generateToken/hashToken (the root has no dependency on it).
  const token = randomBytes(32).toString('base64url');
  await insertDownloadToken(pool, {
    subscriberId: subscriber.id,
    tokenHash: createHash('sha256').update(token).digest('hex'),
    purpose: 'confirm_and_download',
    ttlSeconds: 3600,
    maxUses: 1_000_000,
  });
  tokens.push(token);
}

await buildWebAppIfStale();
const web = await startWebApp(
  {
    DATABASE_URL: url,
    REDIS_URL: env.REDIS_URL,
    RABBITMQ_URL: env.RABBITMQ_URL,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_POOL_MAX: '20',
    // The presigner signs locally: no S3 round trip, so any static key will do.
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    LEAD_MAGNET_CORS_ORIGINS: 'https://landing.example',
  },
  join(ROOT_DIR, 'test-results/bench-lead-magnet-web.log'),
);

let sequence = 0;
const runId = Date.now().toString(36);
/** A fresh client address per request (10.x.y.z), so no per-IP window fills up. */
const nextIp = () => {
  const n = ++sequence;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
};

const submitBody = () =>
  JSON.stringify({
    email: `bench.${runId}.${sequence}@example.fr`,
    consent: true,
    consentText: "J'accepte de recevoir le guide.",
    privacyPolicyVersion: '2025-01',
    source: 'bench',
  });

const targets: { label: string; options: autocannon.Options }[] = [
  { label: 'web /health (baseline)', options: { url: `${web.baseUrl}/health` } },
  {
    label: 'POST /api/lead-magnet/submit',
    options: {
      url: web.baseUrl,
      requests: [
        {
          method: 'POST',
          path: '/api/lead-magnet/submit',
          setupRequest: (request) => {
            const ip = nextIp();
            return {
              ...request,
              headers: { 'content-type': 'application/json', origin: 'https://landing.example', 'x-forwarded-for': ip },
              body: submitBody(),
            };
          },
        },
      ],
    },
  },
  {
    label: 'GET /api/lead-magnet/confirm/:token',
    options: {
      url: web.baseUrl,
      requests: [
        {
          method: 'GET',
          setupRequest: (request) => ({
            ...request,
            path: `/api/lead-magnet/confirm/${tokens[sequence % TOKENS]}`,
            headers: { 'x-forwarded-for': nextIp() },
          }),
        },
      ],
    },
  },
];

const rows = [];
for (const target of targets) {
  const expectedStatus = target.label.startsWith('GET') ? 302 : target.label.startsWith('POST') ? 202 : 200;
  const run = await measure(
    { ...target.options, connections: CONNECTIONS, duration: DURATION_SECONDS },
    expectedStatus,
  );
  rows.push({
    route: target.label,
    'req/s': Math.round(run.result.requests.average),
    'p50 ms': percentile(run.times, 0.5),
    'p95 ms': percentile(run.times, 0.95),
    'p99 ms': percentile(run.times, 0.99),
    'errors + unexpected status': run.result.errors + run.result.timeouts + run.unexpected,
  });
}
printTable(`lead magnet (${CONNECTIONS} connections, ${DURATION_SECONDS} s each, web server in its own process)`, rows);

const leftover = await pool.query<{ subscribers: number; uses: number }>(
  `SELECT (SELECT count(*)::int FROM lm_subscribers WHERE source = 'bench' AND email LIKE $1) AS subscribers,
          (SELECT coalesce(sum(use_count), 0)::int FROM lm_download_tokens) AS uses`,
  [`bench.${runId}.%`],
);
console.log(`\nstored: ${leftover.rows[0]!.subscribers} signups, ${leftover.rows[0]!.uses} link uses counted`);

await web.stop();
await pool.end();
await dropDatabase(env.DATABASE_URL, dbName);

/** Runs autocannon, keeping every response time (it reports p90 and p97.5, not p95) and status. */
function measure(options: autocannon.Options, expectedStatus: number) {
  const times: number[] = [];
  let unexpected = 0;
  return new Promise<{ result: autocannon.Result; times: number[]; unexpected: number }>((resolve, reject) => {
    const instance = autocannon(options, (error: unknown, result: autocannon.Result) =>
      error ? reject(error) : resolve({ result, times, unexpected }),
    );
    // The typings omit the first argument (the client) that autocannon passes.
    (instance as NodeJS.EventEmitter).on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      times.push(ms);
      if (status !== expectedStatus) unexpected++;
    });
  });
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const values = [...sorted].sort((a, b) => a - b);
  return Math.round(values[Math.min(values.length - 1, Math.floor(p * values.length))]! * 10) / 10;
}
