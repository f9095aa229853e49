import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pingDatabase } from '@prospectflow/db';
import { createTestDatabase, type TestDatabase } from '@prospectflow/db/testing';
import { createConnectionManager, defineTopology, type ConnectionManager } from '@prospectflow/messaging';
import { createLogger } from '@prospectflow/observability';
import { createRedis, pingRedis, type Redis } from '@prospectflow/redis';
import { createWorkerHttp } from '../src/http-server.js';
import { createWorkerMetrics } from '../src/metrics.js';

describe('worker http surface', () => {
  let db: TestDatabase;
  let redis: Redis;
  let broker: ConnectionManager;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    db = await createTestDatabase(inject('templateDatabase'));
    redis = createRedis('redis://127.0.0.1:6379');
    const topology = defineTopology({ prefix: `t${randomBytes(3).toString('hex')}-http`, queues: ['jobs'] });
    broker = createConnectionManager({
      url: inject('rabbitmqUrl'),
      topologies: [topology],
      logger: createLogger({ level: 'silent' }),
    });
    await broker.connect();
    server = createWorkerHttp({
      logger: createLogger({ level: 'silent' }),
      metrics: createWorkerMetrics(),
      readinessChecks: [
        { name: 'postgres', check: () => pingDatabase(db.pool) },
        { name: 'rabbitmq', check: () => broker.ping() },
        { name: 'redis', check: () => pingRedis(redis) },
      ],
    }).listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.close();
    redis.disconnect();
    await db.drop();
  });

  it('reports the broker in /ready and turns 503 when it is gone', async () => {
    const ready = await fetch(`${base}/ready`);
    const body = (await ready.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    expect(ready.status).toBe(200);
    expect(body.checks.rabbitmq?.ok).toBe(true);

    await broker.close();
    const down = await fetch(`${base}/ready`);
    const downBody = (await down.json()) as { checks: Record<string, { ok: boolean }> };
    expect(down.status).toBe(503);
    expect(downBody.checks.rabbitmq?.ok).toBe(false);
    expect(downBody.checks.postgres?.ok).toBe(true);
  });

  it('exposes job and outbox metrics', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('worker_jobs_total');
    expect(text).toContain('outbox_published_total');
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });
});
