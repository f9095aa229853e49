import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pharowItems } from '@prospectflow/testing';
import { startApi, type ApiHarness } from './support/api-harness.js';
import { createTenant, type TenantFixture } from './support/tenants.js';

describe('ingest identity rules, concurrency and tenancy', () => {
  let api: ApiHarness;
  let a: TenantFixture;
  let b: TenantFixture;
  const ingest = (tenant: TenantFixture, data: unknown[]) =>
    api.request('POST', '/api/v1/ingest', { token: tenant.adminToken, body: { data } });
  const countIn = async (table: string, tenant: TenantFixture) =>
    (
      await api.db.pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE organisation_id = $1`, [
        tenant.organisationId,
      ])
    ).rows[0].n;

  beforeAll(async () => {
    api = await startApi();
    a = await createTenant(api, 'ident-a');
    b = await createTenant(api, 'ident-b');
  });
  afterAll(async () => {
    await api.close();
  });

  it('matches a person without LinkedIn by name within the same company, and gives them the URL later', async () => {
    const [item] = pharowItems(1, { seed: 21, prefix: 'name' });
    const base = { ...item!, personLinkedinUrl: '' };
    await ingest(a, [base]);
    const second = await ingest(a, [
      { ...base, personFirstName: base.personFirstName.toUpperCase(), positionEmail: 'other@name0.example.fr' },
    ]);
    expect(second.body.people.inserted).toBe(0);
    expect(second.body.positions.inserted).toBe(1);
    const third = await ingest(a, [{ ...base, personLinkedinUrl: 'https://www.linkedin.com/in/found-later' }]);
    expect(third.body.people).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
    const elsewhere = await ingest(a, [{ ...base, pharowCompanyId: 'name-other', companySiren: '' }]);
    expect(elsewhere.body.people.inserted).toBe(1);
  });

  it('matches a company by SIREN when Pharow gives it another id', async () => {
    const [item] = pharowItems(1, { seed: 22, prefix: 'siren' });
    await ingest(a, [item]);
    const res = await ingest(a, [{ ...item, pharowCompanyId: 'siren-renumbered', companyBrandName: 'Renamed' }]);
    expect(res.body.companies).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
  });

  it('finishes four concurrent overlapping ingests without deadlock or duplicate rows', async () => {
    const items = pharowItems(400, { seed: 23, prefix: 'race' });
    const batches = [
      items.slice(0, 250),
      items.slice(100, 350),
      items.slice(150, 400),
      [...items].reverse().slice(0, 300),
    ];
    const results = await Promise.all(batches.map((batch) => ingest(b, batch)));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    expect(await countIn('crm_positions', b)).toBe(400);
    expect(await countIn('crm_companies', b)).toBe(Math.ceil(400 / 3));
    const dupes = await api.db.pool.query(
      `SELECT count(*)::int AS n FROM (SELECT linkedin_url FROM crm_people WHERE organisation_id = $1 AND linkedin_url IS NOT NULL
       GROUP BY linkedin_url HAVING count(*) > 1) d`,
      [b.organisationId],
    );
    expect(dupes.rows[0].n).toBe(0);
  });

  it('keeps the same Pharow ids of two organisations apart', async () => {
    const items = pharowItems(9, { seed: 24, prefix: 'shared' });
    const beforeB = await countIn('crm_companies', b);
    const first = await ingest(a, items);
    const second = await ingest(b, items);
    expect(first.body.companies.inserted).toBe(3);
    expect(second.body.companies.inserted).toBe(3);
    expect(await countIn('crm_companies', b)).toBe(beforeB + 3);
  });
});
