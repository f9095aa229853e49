import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '@prospectflow/redis';
import { pollUntil } from '@prospectflow/testing';
import { startApi, type ApiHarness } from './support/api-harness.js';
import { createTenant } from './support/tenants.js';

describe('rate limits', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApi({ RATE_LIMIT_DEFAULT: '3/1', RATE_LIMIT_PROBES: '2/1' });
  });
  afterAll(async () => {
    await api.close();
  });

  it('answers 429 with Retry-After after the limit and recovers after the window', async () => {
    const org = await createTenant(api, 'limited');
    await pollUntil(async () => (await api.request('GET', '/api/v1/me', { token: org.adminToken })).status === 429, {
      timeoutMs: 5000,
      intervalMs: 1,
    });
    const limited = await api.request('GET', '/api/v1/me', { token: org.adminToken });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get('ratelimit-limit')).toBe('3');
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    const recovered = await pollUntil(
      async () => {
        const res = await api.request('GET', '/api/v1/me', { token: org.adminToken });
        return res.status === 200 ? res : null;
      },
      { timeoutMs: 3000, intervalMs: 100 },
    );
    expect(Number(recovered.headers.get('ratelimit-remaining'))).toBeLessThan(3);
  });

  it('keys anonymous callers by client IP, honouring X-Forwarded-For from a trusted proxy', async () => {
    const probe = (ip: string) => api.request('GET', '/health', { headers: { 'x-forwarded-for': ip } });
    expect((await probe('203.0.113.1')).status).toBe(200);
    expect((await probe('203.0.113.1')).status).toBe(200);
    expect((await probe('203.0.113.1')).status).toBe(429);
    expect((await probe('203.0.113.2')).status).toBe(200);
  });

  it('keys signed-in callers by organisation, so one tenant cannot starve another', async () => {
    const a = await createTenant(api, 'bucket-a');
    const b = await createTenant(api, 'bucket-b');
    await pollUntil(async () => (await api.request('GET', '/api/v1/me', { token: a.adminToken })).status === 429, {
      timeoutMs: 5000,
      intervalMs: 1,
    });
    expect((await api.request('GET', '/api/v1/me', { token: b.adminToken })).status).toBe(200);
  });
});

describe('rate limits when Redis is down', () => {
  it('fails open: requests pass, the failure is logged and counted', async () => {
    const deadRedis = createRedis('redis://127.0.0.1:6390');
    deadRedis.on('error', () => undefined);
    const api = await startApi({ RATE_LIMIT_DEFAULT: '1/60' }, { redis: deadRedis });
    try {
      const token = await api.tokenFor('down@example.com');
      for (let i = 0; i < 3; i++) expect((await api.request('GET', '/api/v1/me', { token })).status).toBe(200);
      const metrics = await (await fetch(`${api.url}/metrics`)).text();
      expect(metrics).toMatch(/rate_limit_store_errors_total\{service="api-test"\} [4-9]/);
      expect(api.logs.some((l) => l.msg === 'rate limiter store unavailable, failing open' && l.level === 50)).toBe(
        true,
      );
    } finally {
      await api.close();
      deadRedis.disconnect();
    }
  });
});
