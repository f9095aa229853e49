import { join } from 'node:path';
import { ReadyResponse } from '@prospectflow/contracts';
import { describe, expect, inject, it } from 'vitest';
import { ROOT_DIR, startWebApp } from './web-app.js';

const baseUrl = inject('webBaseUrl');

describe('web server probes', () => {
  it('answers /health', async () => {
    const response = await fetch(`${baseUrl}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers /ready with Postgres, RabbitMQ and Redis all up', async () => {
    const response = await fetch(`${baseUrl}/ready`);
    expect(response.status).toBe(200);
    const body = ReadyResponse.parse(await response.json());
    expect(body.status).toBe('ready');
    for (const name of ['postgres', 'rabbitmq', 'redis']) expect(body.checks[name]).toMatchObject({ ok: true });
  });

  it('exposes Prometheus metrics labelled by route template, never by raw path', async () => {
    await fetch(`${baseUrl}/api/does-not-exist/12345`);
    const response = await fetch(`${baseUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain('http_request_duration_seconds');
    expect(text).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/health"/);
    expect(text).not.toContain('12345');
  });

  it('echoes an incoming X-Request-Id and generates one otherwise', async () => {
    const echoed = await fetch(`${baseUrl}/health`, { headers: { 'x-request-id': 'e2e-req-42' } });
    expect(echoed.headers.get('x-request-id')).toBe('e2e-req-42');
    const generated = await fetch(`${baseUrl}/health`);
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown API routes with the JSON error shape', async () => {
    const response = await fetch(`${baseUrl}/api/does-not-exist`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: 'route_not_found', message: 'No route for GET /api/does-not-exist' },
    });
  });

  it('answers /ready with 503 naming the dependency that is down', async () => {
    const env = { ...inject('webEnv'), RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:1' };
    const web = await startWebApp(env, join(ROOT_DIR, 'test-results/web-server-broker-down.log'));
    try {
      const response = await fetch(`${web.baseUrl}/ready`);
      expect(response.status).toBe(503);
      const body = ReadyResponse.parse(await response.json());
      expect(body.status).toBe('not_ready');
      expect(body.checks.rabbitmq?.ok).toBe(false);
      expect(body.checks.postgres?.ok && body.checks.redis?.ok).toBe(true);
    } finally {
      await web.stop();
    }
  });
});
