import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './support/api-harness.js';
import { createTenant, expectCrossTenantNotFound, type TenantFixture } from './support/tenants.js';

describe('API keys for machine clients', () => {
  let api: ApiHarness;
  let a: TenantFixture;
  let b: TenantFixture;

  async function createKey(tenant: TenantFixture, scopes: string[], name = 'Pharow') {
    const res = await api.request('POST', '/api/v1/api-keys', { token: tenant.adminToken, body: { name, scopes } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { key: string; apiKey: { id: string; keyPrefix: string } };
  }

  beforeAll(async () => {
    api = await startApi();
    a = await createTenant(api, 'keys-a');
    b = await createTenant(api, 'keys-b');
  });
  afterAll(async () => {
    await api.close();
  });

  it('shows the plain key once and stores only its SHA-256', async () => {
    const { key, apiKey } = await createKey(a, ['ingest:write', 'ingest:write']);
    expect(key).toMatch(/^pf_[A-Za-z0-9_-]{43}$/);
    expect(key.startsWith(apiKey.keyPrefix)).toBe(true);
    const stored = await api.db.pool.query('SELECT key_hash, scopes FROM iam_api_keys WHERE id = $1', [apiKey.id]);
    expect(stored.rows[0].key_hash).toBe(createHash('sha256').update(key).digest('hex'));
    expect(stored.rows[0].scopes).toEqual(['ingest:write']);
    const dump = JSON.stringify((await api.db.pool.query('SELECT * FROM iam_api_keys')).rows);
    expect(dump).not.toContain(key);
    const listed = await api.request('GET', '/api/v1/api-keys', { token: a.adminToken });
    expect(JSON.stringify(listed.body)).not.toContain(key);
    expect(listed.body.items[0]).toMatchObject({ id: apiKey.id, scopes: ['ingest:write'], revokedAt: null });
  });

  it('authenticates the key’s organisation with its scopes only, and records last use', async () => {
    const { key, apiKey } = await createKey(a, ['prospects:read']);
    expect((await api.request('GET', '/api/v1/prospects', { token: key })).status).toBe(200);
    const members = await api.request('GET', '/api/v1/members', { token: key });
    expect(members.status).toBe(403);
    expect(members.body.error.code).toBe('forbidden');
    const me = await api.request('GET', '/api/v1/me', { token: key });
    expect(me.status).toBe(403);
    expect(me.body.error.code).toBe('user_required');
    const createAnother = await api.request('POST', '/api/v1/api-keys', {
      token: key,
      body: { name: 'x', scopes: ['ingest:write'] },
    });
    expect(createAnother.status).toBe(403);
    const used = await api.db.pool.query('SELECT last_used_at FROM iam_api_keys WHERE id = $1', [apiKey.id]);
    expect(used.rows[0].last_used_at).not.toBeNull();
  });

  it('refuses a revoked key, an unknown key and a malformed key with 401', async () => {
    const { key, apiKey } = await createKey(a, ['ingest:write']);
    const revoked = await api.request('DELETE', `/api/v1/api-keys/${apiKey.id}`, { token: a.adminToken });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    const again = await api.request('DELETE', `/api/v1/api-keys/${apiKey.id}`, { token: a.adminToken });
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
    for (const token of [key, `pf_${'A'.repeat(43)}`, 'pf_short']) {
      const res = await api.request('GET', '/api/v1/members', { token });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('invalid_api_key');
    }
  });

  it('pages through keys created within the same millisecond without skipping any', async () => {
    const tenant = await createTenant(api, 'keys-paging');
    await api.db.pool.query(
      `INSERT INTO iam_api_keys (organisation_id, name, key_prefix, key_hash, scopes, created_at)
       SELECT $1, 'k' || n, 'pf_x', lpad(to_hex(n), 64, '0'), '{ingest:write}', '2026-01-01T00:00:00.123Z'::timestamptz + n * interval '1 microsecond'
       FROM generate_series(1, 7) n`,
      [tenant.organisationId],
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await api.request(
        'GET',
        `/api/v1/api-keys?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { token: tenant.adminToken },
      );
      seen.push(...page.body.items.map((k) => k.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(7);
  });

  it('validates key creation input', async () => {
    const noScopes = await api.request('POST', '/api/v1/api-keys', {
      token: a.adminToken,
      body: { name: 'x', scopes: [] },
    });
    expect(noScopes.status).toBe(400);
    const badScope = await api.request('POST', '/api/v1/api-keys', {
      token: a.adminToken,
      body: { name: 'x', scopes: ['admin'] },
    });
    expect(badScope.status).toBe(400);
    const past = await api.request('POST', '/api/v1/api-keys', {
      token: a.adminToken,
      body: { name: 'x', scopes: ['ingest:write'], expiresAt: '2001-01-01T00:00:00Z' },
    });
    expect(past.status).toBe(400);
  });

  it('keeps each organisation’s keys and members out of the other’s reach (404, never 403)', async () => {
    const keyOfB = await createKey(b, ['ingest:write'], 'B key');
    const memberOfB = await api.request('POST', '/api/v1/members', {
      token: b.adminToken,
      body: { email: 'someone@keys-b.example', role: 'member' },
    });
    await expectCrossTenantNotFound(api, { token: a.adminToken }, [
      { method: 'DELETE', path: `/api/v1/api-keys/${keyOfB.apiKey.id}` },
      { method: 'PATCH', path: `/api/v1/members/${memberOfB.body.userId}`, body: { role: 'admin' } },
      { method: 'DELETE', path: `/api/v1/members/${memberOfB.body.userId}` },
      { method: 'PATCH', path: `/api/v1/members/${b.adminUserId}`, body: { role: 'member' } },
      { method: 'DELETE', path: '/api/v1/api-keys/not-a-uuid' },
    ]);
    const listA = await api.request('GET', '/api/v1/api-keys', { token: a.adminToken });
    expect(listA.body.items.map((k: { id: string }) => k.id)).not.toContain(keyOfB.apiKey.id);
    const stillActive = await api.db.pool.query('SELECT revoked_at FROM iam_api_keys WHERE id = $1', [
      keyOfB.apiKey.id,
    ]);
    expect(stillActive.rows[0].revoked_at).toBeNull();
  });
});
