import { expect } from 'vitest';
import type { ApiHarness } from './api-harness.js';

export interface TenantFixture {
  organisationId: string;
  slug: string;
  adminEmail: string;
  adminToken: string;
  adminUserId: string;
}

/** Signs `email` in and creates an organisation with them as admin. */
export async function createTenant(
  api: ApiHarness,
  slug: string,
  email = `admin@${slug}.example`,
): Promise<TenantFixture> {
  const adminToken = await api.tokenFor(email);
  const created = await api.request('POST', '/api/v1/organisations', {
    token: adminToken,
    body: { name: `Org ${slug}`, slug },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const me = await api.request('GET', '/api/v1/me', { token: adminToken, organisationId: created.body.id });
  return { organisationId: created.body.id, slug, adminEmail: email, adminToken, adminUserId: me.body.user.id };
}

/** Signs `email` in as a member of `tenant` with `role`; returns their token. */
export async function addMemberWithRole(
  api: ApiHarness,
  tenant: TenantFixture,
  email: string,
  role: 'admin' | 'manager' | 'member',
): Promise<string> {
  const added = await api.request('POST', '/api/v1/members', {
    token: tenant.adminToken,
    organisationId: tenant.organisationId,
    body: { email, role },
  });
  expect(added.status, JSON.stringify(added.body)).toBe(201);
  return api.tokenFor(email);
}

export interface CrossTenantRequest {
  method: string;
  path: string;
  body?: unknown;
}

/**
 * Tenant isolation check reused by every domain: `caller` (acting in their own organisation)
 * addresses ids that belong to another organisation; each request must answer 404 — never 403,
 * never the data — so ids of other tenants are indistinguishable from ids that do not exist.
 */
export async function expectCrossTenantNotFound(
  api: ApiHarness,
  caller: { token: string; organisationId?: string },
  requests: CrossTenantRequest[],
): Promise<void> {
  expect(requests.length).toBeGreaterThan(0);
  for (const r of requests) {
    const res = await api.request(r.method, r.path, {
      token: caller.token,
      organisationId: caller.organisationId,
      body: r.body,
    });
    expect(res.status, `${r.method} ${r.path} → ${res.status} ${JSON.stringify(res.body)}`).toBe(404);
  }
}
