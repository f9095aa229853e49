import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pharowItems } from '@prospectflow/testing';
import { startApi, type ApiHarness } from './support/api-harness.js';
import { addMemberWithRole, createTenant, type TenantFixture } from './support/tenants.js';

describe('POST /api/v1/ingest', () => {
  let api: ApiHarness;
  let org: TenantFixture;
  let key: string;
  const ingest = (body: unknown, opts: { query?: string; headers?: Record<string, string>; token?: string } = {}) =>
    api.request('POST', `/api/v1/ingest${opts.query ?? ''}`, { token: opts.token ?? key, body, headers: opts.headers });
  const count = async (table: string) =>
    (
      await api.db.pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE organisation_id = $1`, [
        org.organisationId,
      ])
    ).rows[0].n;

  beforeAll(async () => {
    api = await startApi();
    org = await createTenant(api, 'ingest');
    const created = await api.request('POST', '/api/v1/api-keys', {
      token: org.adminToken,
      body: { name: 'Pharow', scopes: ['ingest:write'] },
    });
    key = created.body.key;
  });
  afterAll(async () => {
    await api.close();
  });

  it('inserts, then reports an identical re-ingest as unchanged and changed fields as updated', async () => {
    const items = pharowItems(30, { seed: 11, prefix: 'first' });
    const first = await ingest({ data: items });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      received: 30,
      accepted: 30,
      companies: { inserted: 10, updated: 0, unchanged: 0 },
      people: { inserted: 30, updated: 0, unchanged: 0 },
      positions: { inserted: 30, updated: 0, unchanged: 0 },
      rejected: [],
    });
    const again = await ingest({ data: items });
    expect(again.body.companies).toEqual({ inserted: 0, updated: 0, unchanged: 10 });
    expect(again.body.people).toEqual({ inserted: 0, updated: 0, unchanged: 30 });
    expect(again.body.positions).toEqual({ inserted: 0, updated: 0, unchanged: 30 });

    const changed = items.map((i, n) => (n === 0 ? { ...i, positionJobTitle: 'CEO', companyBrandName: 'Brand' } : i));
    const third = await ingest({ data: changed });
    expect(third.body.positions).toEqual({ inserted: 0, updated: 1, unchanged: 29 });
    expect(third.body.companies).toEqual({ inserted: 0, updated: 1, unchanged: 9 });
    expect(await count('crm_positions')).toBe(30);
  });

  it('never erases a stored value with an empty one', async () => {
    const [item] = pharowItems(1, { seed: 12, prefix: 'keep' });
    await ingest({ data: [{ ...item, companyBrandName: 'Kept', personMobilePhone: '+33 6 11 22 33 44' }] });
    const res = await ingest({ data: [{ ...item, companyBrandName: '', personMobilePhone: '' }] });
    expect(res.body.companies.unchanged).toBe(1);
    const row = await api.db.pool.query(
      `SELECT c.brand_name, p.mobile_phone FROM crm_companies c, crm_people p
       WHERE c.organisation_id = $1 AND c.pharow_company_id = $2 AND p.linkedin_url IS NOT DISTINCT FROM $3 AND p.organisation_id = $1`,
      [org.organisationId, item!.pharowCompanyId, item!.personLinkedinUrl || null],
    );
    expect(row.rows[0]).toEqual({ brand_name: 'Kept', mobile_phone: '+33 6 11 22 33 44' });
  });

  it('merges duplicates inside one payload', async () => {
    const [item] = pharowItems(1, { seed: 13, prefix: 'dup' });
    const res = await ingest({
      data: [
        { ...item, positionJobTitle: 'Old title' },
        { ...item, positionEmail: item!.positionEmail.toUpperCase(), positionJobTitle: 'New title' },
        { ...item, personLinkedinUrl: '', companyHqFullAddress: '', positionJobTitle: '' },
      ],
    });
    expect(res.body).toMatchObject({
      accepted: 3,
      companies: { inserted: 1 },
      people: { inserted: 1 },
      positions: { inserted: 1 },
    });
    const title = await api.db.pool.query(`SELECT job_title FROM crm_positions WHERE email = $1`, [
      item!.positionEmail,
    ]);
    expect(title.rows).toEqual([{ job_title: 'New title' }]);
  });

  it('rejects invalid items with their path and keeps the valid ones', async () => {
    const [good, other] = pharowItems(2, { seed: 14, prefix: 'rej' });
    const res = await ingest({
      data: [
        good,
        { ...other, positionEmail: 'not-an-email' },
        { ...other, personFirstName: '', companyName: undefined },
        42,
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected).toEqual(
      expect.arrayContaining([
        { index: 1, path: 'positionEmail', reason: 'Invalid email address' },
        expect.objectContaining({ index: 2, path: 'personFirstName' }),
        expect.objectContaining({ index: 2, path: 'companyName' }),
        expect.objectContaining({ index: 3, path: '(item)' }),
      ]),
    );
  });

  it('stores nothing when atomic=true and one item is invalid', async () => {
    const before = await count('crm_positions');
    const items = pharowItems(3, { seed: 15, prefix: 'atomic' });
    const res = await ingest({ data: [...items, { ...items[0], companyUrl: 'not a url' }] }, { query: '?atomic=true' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_items');
    expect(res.body.error.details.rejected[0]).toMatchObject({ index: 3, path: 'companyUrl' });
    expect(await count('crm_positions')).toBe(before);
    expect((await ingest({ data: items }, { query: '?atomic=true' })).status).toBe(201);
  });

  it('refuses more than 10,000 items and malformed envelopes', async () => {
    const tooMany = await ingest({ data: Array.from({ length: 10_001 }, () => ({})) });
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.error).toMatchObject({
      code: 'too_many_items',
      details: { maxItems: 10_000, received: 10_001 },
    });
    expect((await ingest({ items: [] })).status).toBe(400);
    expect((await ingest({ data: 'nope' })).status).toBe(400);
    expect((await ingest({ data: [] }, { query: '?atomic=maybe' })).status).toBe(400);
  });

  it('stores unicode and SQL-looking strings literally', async () => {
    const [item] = pharowItems(1, { seed: 16, prefix: 'lit' });
    const nasty = "Robert'); DROP TABLE crm_people;-- 🎉 Zoë Ñúñez";
    const res = await ingest({
      data: [{ ...item, personLastName: nasty, companyName: '株式会社 テスト $1 %s \\x00' }],
    });
    expect(res.status).toBe(201);
    const row = await api.db.pool.query(`SELECT last_name FROM crm_people WHERE last_name = $1`, [nasty]);
    expect(row.rows).toHaveLength(1);
    const company = await api.db.pool.query(`SELECT name FROM crm_companies WHERE pharow_company_id = $1`, [
      item!.pharowCompanyId,
    ]);
    expect(company.rows[0].name).toBe('株式会社 テスト $1 %s \\x00');
  });

  it('replays a retried request with the same Idempotency-Key without re-applying it', async () => {
    const items = pharowItems(6, { seed: 17, prefix: 'idem' });
    const headers = { 'idempotency-key': 'pharow-batch-42' };
    const first = await ingest({ data: items }, { headers });
    const runs = async () =>
      (
        await api.db.pool.query(`SELECT count(*)::int AS n FROM crm_ingest_runs WHERE organisation_id = $1`, [
          org.organisationId,
        ])
      ).rows[0].n;
    const runsAfterFirst = await runs();
    const replay = await ingest({ data: items }, { headers });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(await runs()).toBe(runsAfterFirst);
    const reused = await ingest({ data: items.slice(1) }, { headers });
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('idempotency_key_reused');
  });

  it('records each run with its source and counts', async () => {
    const runs = await api.db.pool.query(
      `SELECT source, status, api_key_id IS NOT NULL AS by_key, counts FROM crm_ingest_runs WHERE organisation_id = $1 ORDER BY created_at`,
      [org.organisationId],
    );
    expect(runs.rows[0]).toMatchObject({ source: 'pharow', status: 'succeeded', by_key: true });
    expect(runs.rows[0].counts.companies).toEqual({ inserted: 10, updated: 0, unchanged: 0 });
  });

  it('enforces scopes and roles', async () => {
    const readKey = await api.request('POST', '/api/v1/api-keys', {
      token: org.adminToken,
      body: { name: 'reader', scopes: ['prospects:read'] },
    });
    expect((await ingest({ data: [] }, { token: readKey.body.key })).status).toBe(403);
    const member = await addMemberWithRole(api, org, 'member@ingest.example', 'member');
    expect((await ingest({ data: [] }, { token: member })).status).toBe(403);
    const manager = await addMemberWithRole(api, org, 'manager@ingest.example', 'manager');
    const byManager = await ingest({ data: pharowItems(1, { seed: 18, prefix: 'mgr' }) }, { token: manager });
    expect(byManager.status).toBe(201);
    expect((await ingest({ data: [] }, { token: 'pf_' + 'x'.repeat(43) })).status).toBe(401);
  });
});
