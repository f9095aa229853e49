import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './support/api-harness.js';
import { createTenant, type TenantFixture } from './support/tenants.js';

describe('members', () => {
  let api: ApiHarness;
  let org: TenantFixture;
  const as = () => ({ token: org.adminToken });

  beforeAll(async () => {
    api = await startApi();
    org = await createTenant(api, 'team');
  });
  afterAll(async () => {
    await api.close();
  });

  it('invites by email; the invitee is activated by their first sign-in', async () => {
    const added = await api.request('POST', '/api/v1/members', {
      ...as(),
      body: { email: ' Invitee@Team.Example ', role: 'manager' },
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ email: 'invitee@team.example', role: 'manager', activated: false });
    const token = await api.tokenFor('invitee@team.example');
    const me = await api.request('GET', '/api/v1/me', { token });
    expect(me.body.user.id).toBe(added.body.userId);
    expect(me.body.organisation).toMatchObject({ id: org.organisationId, role: 'manager' });
    const listed = await api.request('GET', '/api/v1/members', as());
    expect(listed.body.items.find((m: { email: string }) => m.email === 'invitee@team.example').activated).toBe(true);
  });

  it('refuses a duplicate member with 409 and bad input with 400', async () => {
    const dup = await api.request('POST', '/api/v1/members', {
      ...as(),
      body: { email: 'invitee@team.example', role: 'member' },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('already_member');
    const bad = await api.request('POST', '/api/v1/members', { ...as(), body: { email: 'nope', role: 'owner' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.length).toBe(2);
  });

  it('never leaves an organisation without an admin', async () => {
    const demote = await api.request('PATCH', `/api/v1/members/${org.adminUserId}`, {
      ...as(),
      body: { role: 'member' },
    });
    expect(demote.status).toBe(409);
    expect(demote.body.error.code).toBe('last_admin');
    const remove = await api.request('DELETE', `/api/v1/members/${org.adminUserId}`, as());
    expect(remove.status).toBe(409);
    const admins = await api.db.pool.query(
      `SELECT count(*)::int AS n FROM iam_organisation_users WHERE organisation_id = $1 AND role = 'admin'`,
      [org.organisationId],
    );
    expect(admins.rows[0].n).toBe(1);
  });

  it('removes a member, who then loses access', async () => {
    const added = await api.request('POST', '/api/v1/members', {
      ...as(),
      body: { email: 'leaver@team.example', role: 'member' },
    });
    const token = await api.tokenFor('leaver@team.example');
    expect((await api.request('GET', '/api/v1/me', { token })).body.organisation.id).toBe(org.organisationId);
    expect((await api.request('DELETE', `/api/v1/members/${added.body.userId}`, as())).status).toBe(204);
    expect((await api.request('GET', '/api/v1/me', { token })).body.organisation).toBeNull();
    expect((await api.request('DELETE', `/api/v1/members/${added.body.userId}`, as())).status).toBe(404);
  });

  it('paginates members with a stable cursor and rejects a forged cursor', async () => {
    for (const n of [1, 2, 3, 4]) {
      await api.request('POST', '/api/v1/members', {
        ...as(),
        body: { email: `page${n}@team.example`, role: 'member' },
      });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { email: string }[]; nextCursor: string | null } } = await api.request(
        'GET',
        `/api/v1/members?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        as(),
      );
      seen.push(...page.body.items.map((m) => m.email));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toContain('page4@team.example');
    const forged = await api.request('GET', '/api/v1/members?cursor=%7Bnope', as());
    expect(forged.status).toBe(400);
    expect(forged.body.error.code).toBe('invalid_cursor');
    expect((await api.request('GET', '/api/v1/members?limit=0', as())).status).toBe(400);
  });
});
