import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './support/api-harness.js';
import { createTenant } from './support/tenants.js';

describe('secrets never reach the logs', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ LOG_LEVEL: 'trace' });
  });
  afterAll(async () => {
    await api.close();
  });

  it('logs neither tokens nor API keys during sign-in, key creation, key use and refused credentials', async () => {
    const org = await createTenant(api, 'logs');
    const created = await api.request('POST', '/api/v1/api-keys', {
      token: org.adminToken,
      body: { name: 'Pharow', scopes: ['ingest:write'] },
    });
    const key: string = created.body.key;
    await api.request('GET', '/api/v1/members', { token: key });
    await api.request('GET', `/api/v1/me?token=${org.adminToken}`, { token: `${org.adminToken}x` });
    await api.request('DELETE', `/api/v1/api-keys/${created.body.apiKey.id}`, { token: org.adminToken });
    await api.request('GET', '/api/v1/members', { token: key });

    expect(api.logs.length).toBeGreaterThan(5);
    const text = JSON.stringify(api.logs);
    expect(text).not.toContain(key);
    expect(text).not.toContain(key.slice(3, 20));
    expect(text).not.toContain(org.adminToken.split('.')[2]!);
    expect(text).not.toContain(org.adminToken.split('.')[1]!);
    expect(text).not.toMatch(/Bearer /i);
    expect(api.logs.some((l) => l.msg === 'credentials refused')).toBe(true);
  });
});
