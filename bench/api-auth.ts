import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { createPool, dropDatabase, ensureDatabase, migrate, seedDemoData, withDatabaseName } from '@prospectflow/db';
import { createLogger, createMetrics } from '@prospectflow/observability';
import { createRedis } from '@prospectflow/redis';
import { buildApi } from '../apps/api/src/compose.js';
import { loadApiConfig } from '../apps/api/src/config.js';
import { benchEnv, printTable } from './support.js';

// What authentication costs per request: /health (no auth) against operator-token and API-key
// requests through identify (JWT verification or key hash lookup + user/membership queries).
const env = benchEnv();
const dbName = `prospectflow_bench_auth_${Date.now()}`;
const url = withDatabaseName(env.DATABASE_URL, dbName);
await ensureDatabase(url);
await migrate(url);
const generous = '1000000/60';
const config = loadApiConfig({
  ...process.env,
  DATABASE_URL: url,
  RATE_LIMIT_PROBES: generous,
  RATE_LIMIT_DEFAULT: generous,
  LOG_LEVEL: 'silent',
});
const pool = createPool({ connectionString: url, max: 10 });
await seedDemoData(pool);
const redis = createRedis(config.REDIS_URL, { keyPrefix: 'bench:' });
redis.on('error', () => undefined);
const app = await buildApi({
  config,
  pool,
  redis,
  logger: createLogger({ level: 'silent' }),
  metrics: createMetrics('bench'),
});
const server = app.listen(0);
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const post = (path: string, body: unknown, token?: string) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  }).then((r) => r.json() as Promise<Record<string, unknown>>);
const token = (await post('/api/v1/auth/dev/token', { email: 'demo@prospectflow.local' })).accessToken as string;
const key = (await post('/api/v1/api-keys', { name: 'bench', scopes: ['prospects:read'] }, token)).key as string;

const targets = [
  { label: 'GET /health (baseline, no auth)', path: '/health', auth: undefined },
  { label: 'GET /api/v1/me (operator JWT)', path: '/api/v1/me', auth: token },
  { label: 'GET /api/v1/api-keys (JWT + permission + query)', path: '/api/v1/api-keys', auth: token },
  { label: 'GET /api/v1/me (API key → 403 user_required)', path: '/api/v1/me', auth: key },
];
const rows = [];
for (const t of targets) {
  const headers: Record<string, string> = t.auth ? { authorization: `Bearer ${t.auth}` } : {};
  const r = await autocannon({ url: `${base}${t.path}`, headers, connections: 20, duration: 5, workers: 1 });
  rows.push({
    request: t.label,
    'req/s': Math.round(r.requests.average),
    'p50 ms': r.latency.p50,
    'p99 ms': r.latency.p99,
  });
}
printTable('authentication cost (20 connections, 5 s each, load from a worker thread)', rows);
server.closeAllConnections();
await new Promise((resolve) => server.close(resolve));
await Promise.all([pool.end(), redis.quit()]);
await dropDatabase(env.DATABASE_URL, dbName);
