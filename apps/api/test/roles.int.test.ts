import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_PERMISSIONS } from '@prospectflow/contracts';
import { startApi, type ApiHarness } from './support/api-harness.js';
import { addMemberWithRole, createTenant, type TenantFixture } from './support/tenants.js';

type Role = 'admin' | 'manager' | 'member';

describe('roles', () => {
  let api: ApiHarness;
  let org: TenantFixture;
  const tokens = {} as Record<Role, string>;

  beforeAll(async () => {
    api = await startApi();
    org = await createTenant(api, 'roles');
    tokens.admin = org.adminToken;
    tokens.manager = await addMemberWithRole(api, org, 'manager@roles.example', 'manager');
    tokens.member = await addMemberWithRole(api, org, 'member@roles.example', 'member');
  });
  afterAll(async () => {
    await api.close();
  });

  it.each(['admin', 'manager', 'member'] as const)(
    '%s sees exactly the permissions of the matrix in /me',
    async (role) => {
      const me = await api.request('GET', '/api/v1/me', { token: tokens[role] });
      expect(me.body.organisation.role).toBe(role);
      expect(me.body.permissions).toEqual([...ROLE_PERMISSIONS[role]].sort());
    },
  );

  const adminOnly = [
    { method: 'GET', path: '/api/v1/members' },
    { method: 'POST', path: '/api/v1/members', body: { email: 'x@roles.example', role: 'member' } },
    { method: 'GET', path: '/api/v1/api-keys' },
    { method: 'POST', path: '/api/v1/api-keys', body: { name: 'k', scopes: ['ingest:write'] } },
  ];

  it.each(['manager', 'member'] as const)('%s is refused the admin actions with 403', async (role) => {
    for (const action of adminOnly) {
      const res = await api.request(action.method, action.path, { token: tokens[role], body: action.body });
      expect(res.status, `${role} ${action.method} ${action.path}`).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
  });

  it('admin is allowed the admin actions', async () => {
    const statuses = [];
    for (const action of adminOnly) {
      statuses.push((await api.request(action.method, action.path, { token: tokens.admin, body: action.body })).status);
    }
    expect(statuses).toEqual([200, 201, 200, 201]);
  });

  it('a role change takes effect on the next request', async () => {
    const token = await addMemberWithRole(api, org, 'promoted@roles.example', 'member');
    expect((await api.request('GET', '/api/v1/members', { token })).status).toBe(403);
    const me = await api.request('GET', '/api/v1/me', { token });
    const patched = await api.request('PATCH', `/api/v1/members/${me.body.user.id}`, {
      token: tokens.admin,
      body: { role: 'admin' },
    });
    expect(patched.status).toBe(200);
    expect((await api.request('GET', '/api/v1/members', { token })).status).toBe(200);
  });
});
