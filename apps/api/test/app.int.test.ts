import { Router } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { z } from 'zod';
import { ConflictError } from '@prospectflow/contracts';
import { pingDatabase } from '@prospectflow/db';
import { createTestDatabase, type TestDatabase } from '@prospectflow/db/testing';
import { pingBroker } from '@prospectflow/messaging/ping';
import { createLogger, createMetrics } from '@prospectflow/observability';
import { createRedis, pingRedis, type Redis } from '@prospectflow/redis';
import { createApp, type AppDeps } from '../src/app.js';

function testRoutes(): Router {
  const router = Router();
  router.post('/test/echo', (req, res) => {
    const body = z.object({ name: z.string().min(1) }).parse(req.body);
    res.status(201).json(body);
  });
  router.get('/test/items/:id', (req, res) => {
    res.json({ id: req.params.id });
  });
  router.get('/test/conflict', () => {
    throw new ConflictError('Already there', 'duplicate_thing', { field: 'name' });
  });
  router.get('/test/boom', async () => {
    throw new Error('secret internal detail: password=hunter2');
  });
  return router;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
async function json(res: Response): Promise<any> {
  return res.json();
}

async function listen(deps: AppDeps): Promise<{ server: Server; url: string }> {
  const server = createApp(deps).listen(0);
  await new Promise<void>((resolve) => server.once('listening', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('api http foundation', () => {
  let db: TestDatabase;
  let redis: Redis;
  let deadRedis: Redis;
  let up: { server: Server; url: string };
  let down: { server: Server; url: string };

  beforeAll(async () => {
    db = await createTestDatabase(inject('templateDatabase'));
    redis = createRedis('redis://127.0.0.1:6379');
    deadRedis = createRedis('redis://127.0.0.1:6390');
    deadRedis.on('error', () => undefined);
    const base = { logger: createLogger({ level: 'silent' }), routers: [testRoutes()], bodyLimit: '1kb' };
    const broker = inject('rabbitmqUrl');
    up = await listen({
      ...base,
      metrics: createMetrics('api-test'),
      readinessChecks: [
        { name: 'postgres', check: () => pingDatabase(db.pool) },
        { name: 'rabbitmq', check: () => pingBroker(broker) },
        { name: 'redis', check: () => pingRedis(redis) },
      ],
    });
    down = await listen({
      ...base,
      metrics: createMetrics('api-test-down'),
      readinessChecks: [
        { name: 'postgres', check: () => pingDatabase(db.pool) },
        { name: 'redis', check: () => pingRedis(deadRedis) },
      ],
    });
  });

  afterAll(async () => {
    up.server.close();
    down.server.close();
    redis.disconnect();
    deadRedis.disconnect();
    await db.drop();
  });

  it('answers /health', async () => {
    const res = await fetch(`${up.url}/health`);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ status: 'ok' });
  });

  it('reports ready when postgres, rabbitmq and redis answer', async () => {
    const res = await fetch(`${up.url}/ready`);
    const body = await json(res);
    expect(res.status).toBe(200);
    expect(body.status).toBe('ready');
    expect(Object.keys(body.checks).sort()).toEqual(['postgres', 'rabbitmq', 'redis']);
  });

  it('answers 503 naming the dependency that is down', async () => {
    const res = await fetch(`${down.url}/ready`);
    const body = await json(res);
    expect(res.status).toBe(503);
    expect(body.status).toBe('not_ready');
    expect(body.checks.redis.ok).toBe(false);
    expect(body.checks.postgres.ok).toBe(true);
  });

  it('echoes an incoming X-Request-Id and generates one otherwise', async () => {
    const given = await fetch(`${up.url}/health`, { headers: { 'x-request-id': 'req-123' } });
    expect(given.headers.get('x-request-id')).toBe('req-123');
    const generated = await fetch(`${up.url}/health`);
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const hostile = await fetch(`${up.url}/health`, { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('records request durations by route template, not raw path', async () => {
    await fetch(`${up.url}/test/items/8b0e1f4c-1d2a-4bde-9d0f-000000000001`);
    const text = await (await fetch(`${up.url}/metrics`)).text();
    expect(text).toContain('http_request_duration_seconds_bucket');
    expect(text).toMatch(/route="\/test\/items\/:id"/);
    expect(text).not.toContain('8b0e1f4c-1d2a');
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('answers unknown routes with 404 in the error shape', async () => {
    const res = await fetch(`${up.url}/nope`);
    expect(res.status).toBe(404);
    expect((await json(res)).error.code).toBe('route_not_found');
  });

  it('answers malformed JSON with 400', async () => {
    const res = await fetch(`${up.url}/test/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe('malformed_json');
  });

  it('answers an oversized body with 413', async () => {
    const res = await fetch(`${up.url}/test/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(5000) }),
    });
    expect(res.status).toBe(413);
    expect((await json(res)).error.code).toBe('payload_too_large');
  });

  it('answers zod failures with 400 and the issues', async () => {
    const res = await fetch(`${up.url}/test/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":""}',
    });
    const body = await json(res);
    expect(res.status).toBe(400);
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details[0].path).toEqual(['name']);
  });

  it('maps typed errors to their status and code', async () => {
    const res = await fetch(`${up.url}/test/conflict`);
    expect(res.status).toBe(409);
    expect(await json(res)).toEqual({
      error: { code: 'duplicate_thing', message: 'Already there', details: { field: 'name' } },
    });
  });

  it('answers unexpected errors with 500 without internals', async () => {
    const res = await fetch(`${up.url}/test/boom`);
    const text = await res.text();
    expect(res.status).toBe(500);
    expect(JSON.parse(text).error.code).toBe('internal_error');
    expect(text).not.toContain('hunter2');
  });

  it('sets helmet security headers', async () => {
    const res = await fetch(`${up.url}/health`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});
