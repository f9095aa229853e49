import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import express from 'express';
import { createPool, pingDatabase } from '@prospectflow/db';
import { pingBroker } from '@prospectflow/messaging/ping';
import { createLogger, createMetrics } from '@prospectflow/observability';
import { createRedis, pingRedis } from '@prospectflow/redis';
import { createApp } from '../apps/api/src/app.js';
import { benchEnv, printTable } from './support.js';

// Baseline (/health: no I/O) against /ready (Postgres + Redis + broker round trips) and /metrics,
// through the real middleware stack (request log, metrics, helmet) and real services.
const env = benchEnv();
const pool = createPool({ connectionString: env.DATABASE_URL, max: 10 });
const redis = createRedis(env.REDIS_URL);
const app = createApp({
  logger: createLogger({ level: 'silent' }),
  metrics: createMetrics('bench'),
  readinessChecks: [
    { name: 'postgres', check: () => pingDatabase(pool) },
    { name: 'rabbitmq', check: () => pingBroker(env.RABBITMQ_URL) },
    { name: 'redis', check: () => pingRedis(redis) },
  ],
});
const server = app.listen(0);
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

// Same-run baseline: a bare Express app with no middleware, to separate our cost from the machine's.
const bare = express();
bare.get('/health', (_req, res) => {
  res.json({ status: 'ok' });
});
const bareServer = bare.listen(0);
await new Promise((resolve) => bareServer.once('listening', resolve));
const bareBase = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}`;

const targets = [
  { label: 'bare express /health (baseline)', url: `${bareBase}/health` },
  { label: 'api /health', url: `${base}/health` },
  { label: 'api /metrics', url: `${base}/metrics` },
  { label: 'api /ready', url: `${base}/ready` },
];
const rows = [];
for (const target of targets) {
  const result = await autocannon({ url: target.url, connections: 20, duration: 5, workers: 1 });
  rows.push({
    route: target.label,
    'req/s': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    errors: result.errors + result.non2xx,
  });
}
printTable('api foundation routes (20 connections, 5 s each, load from a worker thread)', rows);
server.closeAllConnections();
bareServer.closeAllConnections();
await new Promise((resolve) => server.close(resolve));
bareServer.close();
await Promise.all([pool.end(), redis.quit()]);
