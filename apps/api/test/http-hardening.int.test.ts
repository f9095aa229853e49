import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './support/api-harness.js';

describe('HTTP hardening', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({
      API_CORS_ORIGINS: 'https://app.example.com',
      API_BODY_LIMIT: '1kb',
      API_INGEST_BODY_LIMIT: '64kb',
    });
  });
  afterAll(async () => {
    await api.close();
  });

  it('answers CORS preflights for allowed origins only', async () => {
    const preflight = (origin: string) =>
      fetch(`${api.url}/api/v1/me`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
    const allowed = await preflight('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('Authorization');
    const refused = await preflight('https://evil.example');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('keeps small bodies small and lets ingest take large ones', async () => {
    const body = { name: 'x'.repeat(10_000), scopes: ['ingest:write'] };
    const small = await api.request('POST', '/api/v1/api-keys', { body });
    expect(small.status).toBe(413);
    expect(small.body.error.code).toBe('payload_too_large');
    const ingest = await api.request('POST', '/api/v1/ingest', { body: { data: [{ filler: 'x'.repeat(10_000) }] } });
    expect(ingest.status).not.toBe(413);
    const tooBigForIngest = await api.request('POST', '/api/v1/ingest', { body: { data: 'x'.repeat(70_000) } });
    expect(tooBigForIngest.status).toBe(413);
  });

  it('sends helmet security headers on API answers', async () => {
    const res = await fetch(`${api.url}/api/v1/me`);
    expect(res.headers.get('strict-transport-security')).toContain('max-age');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });
});
