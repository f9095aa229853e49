import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './support/api-harness.js';
import { insertProspect } from './support/prospects-fixtures.js';
import { addMemberWithRole, createTenant, expectCrossTenantNotFound, type TenantFixture } from './support/tenants.js';

describe('companies', () => {
  let api: ApiHarness;
  let a: TenantFixture;
  let b: TenantFixture;
  const companies: Record<string, string> = {};
  let foreignCompany: string;

  const insertCompany = async (organisationId: string, row: Record<string, unknown>) => {
    const columns = Object.keys(row);
    const { rows } = await api.db.pool.query<{ id: string }>(
      `INSERT INTO crm_companies (organisation_id, ${columns.join(', ')})
       VALUES ($1, ${columns.map((_, i) => `$${i + 2}`).join(', ')}) RETURNING id`,
      [organisationId, ...Object.values(row)],
    );
    return rows[0]!.id;
  };

  beforeAll(async () => {
    api = await startApi();
    a = await createTenant(api, 'companies-a');
    b = await createTenant(api, 'companies-b');
    const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 9, minute)).toISOString();
    const rows: [string, string, string, string, string][] = [
      ['zola', 'Zola Transports', '49.41A', '10-19', 'Lille'],
      ['atelier', 'atelier Durand', '16.23Z', '1-9', 'Nantes'],
      ['editions', 'Éditions Zoé', '58.11Z', '50-99', 'Paris'],
      ['boulangerie', 'Boulangerie Martin', '10.71C', '10-19', 'Lyon'],
      ['eve', 'Eve Conseil', '70.22Z', '1-9', 'lyon'],
      ['durand', 'Durand & Fils', '16.23Z', '20-49', 'Paris'],
    ];
    for (const [i, [key, name, naf, range, city]] of rows.entries()) {
      companies[key] = await insertCompany(a.organisationId, {
        name,
        naf_sector: naf,
        employee_range: range,
        hq_city: city,
        siren: String(100000000 + i),
        created_at: at(i),
      });
    }
    foreignCompany = await insertCompany(b.organisationId, { name: 'Boulangerie Martin' });
    const staff: [string, string, string][] = [
      ['Martin', 'Claire', 'claire@boulangerie.example'],
      ['Adam', 'Luc', 'luc@boulangerie.example'],
      ['Émery', 'Anne', null as unknown as string],
    ];
    for (const [last, first, email] of staff) {
      await insertProspect(api.db.pool, a.organisationId, {
        companyId: companies.boulangerie,
        person: { first_name: first, last_name: last },
        position: { email, job_title: 'Staff' },
      });
    }
  });
  afterAll(async () => {
    await api.close();
  });

  const list = async (query = '', token = a.adminToken) => {
    const res = await api.request('GET', `/api/v1/companies${query ? `?${query}` : ''}`, { token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { items: { id: string; name: string }[]; nextCursor: string | null; total: number };
  };
  const names = (body: { items: { name: string }[] }) => body.items.map((c) => c.name);

  it('lists companies by name (accents and case folded into the order) with their position count', async () => {
    const body = await list();
    expect(names(body)).toEqual([
      'atelier Durand',
      'Boulangerie Martin',
      'Durand & Fils',
      'Éditions Zoé',
      'Eve Conseil',
      'Zola Transports',
    ]);
    expect(body).toMatchObject({ total: 6, totalCapped: false, nextCursor: null });
    expect(body.items[1]).toEqual({
      id: companies.boulangerie,
      name: 'Boulangerie Martin',
      brandName: null,
      siren: '100000003',
      nafSector: '10.71C',
      employeeRange: '10-19',
      city: 'Lyon',
      url: null,
      createdAt: '2025-01-01T09:03:00.000Z',
      positionCount: 3,
    });
    expect(names(await list('sort=-name'))).toEqual([...names(body)].reverse());
    expect(names(await list('sort=createdAt'))).toEqual([
      'Zola Transports',
      'atelier Durand',
      'Éditions Zoé',
      'Boulangerie Martin',
      'Eve Conseil',
      'Durand & Fils',
    ]);
    expect(names(await list('sort=-createdAt'))[0]).toBe('Durand & Fils');
  });

  it('searches names and filters by sector, size and city', async () => {
    expect(names(await list('q=DURAND'))).toEqual(['atelier Durand', 'Durand & Fils']);
    expect(names(await list(`q=${encodeURIComponent('éditions zoé')}`))).toEqual(['Éditions Zoé']);
    expect(names(await list(`q=${encodeURIComponent('& fils')}`))).toEqual(['Durand & Fils']);
    expect(names(await list(`q=${encodeURIComponent("'; DELETE FROM crm_companies; --")}`))).toEqual([]);
    expect(names(await list('q=%25'))).toEqual([]);
    expect(names(await list('nafSector=16.23Z'))).toEqual(['atelier Durand', 'Durand & Fils']);
    expect(names(await list('employeeRange=1-9&employeeRange=10-19'))).toEqual([
      'atelier Durand',
      'Boulangerie Martin',
      'Eve Conseil',
      'Zola Transports',
    ]);
    const lyon = await list('city=Lyon');
    expect(names(lyon)).toEqual(['Boulangerie Martin', 'Eve Conseil']);
    expect(lyon.total).toBe(2);
    expect(names(await list('city=paris&q=durand'))).toEqual(['Durand & Fils']);
    expect((await api.db.pool.query('SELECT count(*)::int AS n FROM crm_companies')).rows[0].n).toBe(7);
  });

  it('pages without duplicates or gaps, also when companies are added between pages', async () => {
    for (const sort of ['name', '-name', 'createdAt', '-createdAt']) {
      const all = (await list(`sort=${sort}`)).items.map((c) => c.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await list(`sort=${sort}&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.total).toBe(6);
        seen.push(...page.items.map((c) => c.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen, sort).toEqual(all);
    }
    const first = await list('limit=2');
    const early = await insertCompany(a.organisationId, { name: 'Aaa Early' });
    const late = await insertCompany(a.organisationId, { name: 'Zzz Late' });
    const rest = await list(`limit=100&cursor=${first.nextCursor}`);
    const ids = rest.items.map((c) => c.id);
    expect(ids).not.toContain(early);
    expect(ids.at(-1)).toBe(late);
    expect(new Set([...first.items.map((c) => c.id), ...ids]).size).toBe(7);
    await api.db.pool.query('DELETE FROM crm_companies WHERE id = ANY($1::uuid[])', [[early, late]]);
  });

  it('refuses bad parameters with 400', async () => {
    const cursor = (await list('limit=1')).nextCursor!;
    for (const query of [
      'sort=city',
      'limit=500',
      'list=x',
      'city=a&foo=b',
      `sort=createdAt&cursor=${cursor}`,
      'cursor=%%%',
    ]) {
      const res = await api.request('GET', `/api/v1/companies?${query}`, { token: a.adminToken });
      expect(res.status, query).toBe(400);
    }
  });

  it('shows a company with its people, by last name', async () => {
    const res = await api.request('GET', `/api/v1/companies/${companies.boulangerie}`, { token: a.adminToken });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: companies.boulangerie,
      name: 'Boulangerie Martin',
      city: 'Lyon',
      siren: '100000003',
      positionCount: 3,
    });
    expect(res.body.people.map((p: { person: { lastName: string } }) => p.person.lastName)).toEqual([
      'Adam',
      'Émery',
      'Martin',
    ]);
    expect(res.body.people[2]).toMatchObject({
      email: 'claire@boulangerie.example',
      jobTitle: 'Staff',
      enrolled: false,
      suppressed: false,
      person: { firstName: 'Claire', lastName: 'Martin' },
    });
    const empty = await api.request('GET', `/api/v1/companies/${companies.zola}`, { token: a.adminToken });
    expect(empty.body).toMatchObject({ positionCount: 0, people: [] });
  });

  it('is readable by members and prospects:read keys, tenant-scoped', async () => {
    const member = await addMemberWithRole(api, a, 'member@companies-a.example', 'member');
    expect((await list('', member)).total).toBe(6);
    const key = await api.request('POST', '/api/v1/api-keys', {
      token: a.adminToken,
      body: { name: 'reader', scopes: ['prospects:read'] },
    });
    expect((await list('q=martin', key.body.key)).items.map((c) => c.id)).toEqual([companies.boulangerie]);
    const ingest = await api.request('POST', '/api/v1/api-keys', {
      token: a.adminToken,
      body: { name: 'pharow', scopes: ['ingest:write'] },
    });
    expect((await api.request('GET', '/api/v1/companies', { token: ingest.body.key })).status).toBe(403);
    expect((await list('', b.adminToken)).items.map((c) => c.id)).toEqual([foreignCompany]);
    await expectCrossTenantNotFound(api, { token: a.adminToken }, [
      { method: 'GET', path: `/api/v1/companies/${foreignCompany}` },
      { method: 'GET', path: '/api/v1/companies/not-a-uuid' },
    ]);
  });
});
