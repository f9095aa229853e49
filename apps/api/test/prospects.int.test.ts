import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './support/api-harness.js';
import { enroll, insertProspect, suppress, type ProspectIds } from './support/prospects-fixtures.js';
import { addMemberWithRole, createTenant, type TenantFixture } from './support/tenants.js';

const BOBBY = "O'Brien'); DROP TABLE crm_people;--";

describe('GET /api/v1/prospects', () => {
  let api: ApiHarness;
  let a: TenantFixture;
  let b: TenantFixture;
  const ids: Record<string, ProspectIds> = {};

  /** Seven positions of org A, created one minute apart in this order (so -createdAt is the reverse). */
  async function seed() {
    const db = api.db.pool;
    const org = a.organisationId;
    const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 9, minute)).toISOString();
    const company = (name: string, naf: string, range: string, city: string) => ({
      name,
      naf_sector: naf,
      employee_range: range,
      hq_city: city,
    });
    ids.claire = await insertProspect(db, org, {
      company: company('Boulangerie Martin', '10.71C', '10-19', 'Lyon'),
      person: { first_name: 'Claire', last_name: 'Martin', linkedin_url: 'https://www.linkedin.com/in/claire' },
      position: {
        email: 'claire.martin@boulangerie.example',
        email_status: 'valid',
        pharow_list_name: 'Artisans',
        created_at: at(1),
      },
    });
    ids.julien = await insertProspect(db, org, {
      company: company('Atelier Durand', '16.23Z', '1-9', 'Nantes'),
      person: { first_name: 'Julien', last_name: 'Durand' },
      position: {
        email: 'julien@durand.example',
        email_status: 'catch_all',
        pharow_list_name: 'Artisans',
        created_at: at(2),
      },
    });
    ids.sophie = await insertProspect(db, org, {
      companyId: ids.julien.companyId,
      person: { first_name: 'Sophie', last_name: 'Lefèvre' },
      position: {
        email: 'sophie.lefevre@durand.example',
        email_status: 'valid',
        pharow_list_name: 'Menuisiers',
        created_at: at(3),
      },
    });
    ids.eloise = await insertProspect(db, org, {
      company: company('Éditions Zoé', '58.11Z', '50-99', 'Paris'),
      person: { first_name: 'Éloïse', last_name: 'Ñúñez' },
      position: {
        email: 'eloise@zoe.example',
        email_status: 'invalid',
        pharow_list_name: 'Éditeurs',
        created_at: at(4),
      },
    });
    ids.bobby = await insertProspect(db, org, {
      company: company('100% Bio_Coop', '47.29Z', '20-49', 'lyon'),
      person: { first_name: 'Bobby', last_name: BOBBY },
      position: { email: 'bobby@coop.example', created_at: at(5) },
    });
    ids.claireZoe = await insertProspect(db, org, {
      companyId: ids.eloise.companyId,
      personId: ids.claire.personId,
      position: { email: 'claire@zoe.example', email_status: 'valid', pharow_list_name: 'Éditeurs', created_at: at(6) },
    });
    ids.marc = await insertProspect(db, org, {
      companyId: ids.claire.companyId,
      person: { first_name: 'Marc', last_name: 'Zola' },
      position: { email: null, job_title: 'Boulanger', created_at: at(7) },
    });
    await enroll(db, org, ids.julien.positionId);
    await suppress(db, org, 'SOPHIE.LEFEVRE@durand.example');
    // The same name in another organisation must never show up in A's results.
    ids.other = await insertProspect(db, b.organisationId, {
      company: company('Boulangerie Martin', '10.71C', '10-19', 'Lyon'),
      person: { first_name: 'Claire', last_name: 'Martin' },
      position: { email: 'claire.martin@boulangerie.example' },
    });
  }

  const list = async (query = '', token = a.adminToken) => {
    const res = await api.request('GET', `/api/v1/prospects${query ? `?${query}` : ''}`, { token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { items: { id: string }[]; nextCursor: string | null; total: number; totalCapped: boolean };
  };
  const idsOf = (body: { items: { id: string }[] }) => body.items.map((item) => item.id);
  const positions = (...names: string[]) => names.map((name) => ids[name]!.positionId);

  beforeAll(async () => {
    api = await startApi();
    a = await createTenant(api, 'prospects-a');
    b = await createTenant(api, 'prospects-b');
    await seed();
  });
  afterAll(async () => {
    await api.close();
  });

  it('lists positions with person, company, enrollment and suppression, newest first, with the total', async () => {
    const body = await list();
    expect(idsOf(body)).toEqual(positions('marc', 'claireZoe', 'bobby', 'eloise', 'sophie', 'julien', 'claire'));
    expect(body).toMatchObject({ nextCursor: null, total: 7, totalCapped: false });
    const julien = body.items.find((item) => item.id === ids.julien!.positionId);
    expect(julien).toEqual({
      id: ids.julien!.positionId,
      email: 'julien@durand.example',
      jobTitle: null,
      emailStatus: 'catch_all',
      emailReliability: null,
      listName: 'Artisans',
      createdAt: '2025-01-01T09:02:00.000Z',
      updatedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      enrolled: true,
      suppressed: false,
      person: {
        id: ids.julien!.personId,
        firstName: 'Julien',
        lastName: 'Durand',
        salutation: null,
        linkedinUrl: null,
        mobilePhone: null,
        phoneKaspr1: null,
        phoneKaspr3: null,
        mobilePhoneBettercontact: null,
        phoneFullenrich1: null,
        phoneFullenrich3: null,
      },
      company: {
        id: ids.julien!.companyId,
        name: 'Atelier Durand',
        brandName: null,
        siren: null,
        nafSector: '16.23Z',
        employeeRange: '1-9',
        city: 'Nantes',
        url: null,
      },
    });
    // Suppression matches the email case-insensitively (citext).
    expect(body.items.find((item) => item.id === ids.sophie!.positionId)).toMatchObject({ suppressed: true });
  });

  it('searches names, emails and company names, every word having to match', async () => {
    expect(new Set(idsOf(await list('q=martin')))).toEqual(new Set(positions('claire', 'claireZoe', 'marc')));
    expect(new Set(idsOf(await list('q=DURAND')))).toEqual(new Set(positions('julien', 'sophie')));
    expect(new Set(idsOf(await list('q=claire%20martin')))).toEqual(new Set(positions('claire', 'claireZoe')));
    expect(idsOf(await list('q=%40coop.exam'))).toEqual(positions('bobby'));
    expect(idsOf(await list('q=julien%20martin'))).toEqual([]);
    const searched = await list('q=martin&limit=1');
    expect(searched).toMatchObject({ total: 3 });
    expect(searched.items).toHaveLength(1);
    expect((await list('q=%20%20')).total).toBe(7);
  });

  it('finds accented and non-Latin names whatever their case', async () => {
    expect(idsOf(await list(`q=${encodeURIComponent('éloïse')}`))).toEqual(positions('eloise'));
    expect(idsOf(await list(`q=${encodeURIComponent('ÑÚÑEZ')}`))).toEqual(positions('eloise'));
    expect(new Set(idsOf(await list(`q=${encodeURIComponent('zoé')}`)))).toEqual(
      new Set(positions('eloise', 'claireZoe')),
    );
    expect(idsOf(await list(`q=${encodeURIComponent('lefèvre')}`))).toEqual(positions('sophie'));
  });

  it('takes SQL and LIKE wildcards in the search literally', async () => {
    expect(idsOf(await list(`q=${encodeURIComponent("'); DROP TABLE")}`))).toEqual(positions('bobby'));
    expect(idsOf(await list(`q=${encodeURIComponent(BOBBY)}`))).toEqual(positions('bobby'));
    expect(idsOf(await list('q=%25'))).toEqual(positions('bobby'));
    expect(idsOf(await list('q=_'))).toEqual(positions('bobby'));
    expect(idsOf(await list(`q=${encodeURIComponent('\\')}`))).toEqual([]);
    expect(idsOf(await list(`q=${encodeURIComponent("' OR 1=1 --")}`))).toEqual([]);
    const people = await api.db.pool.query('SELECT count(*)::int AS n FROM crm_people');
    expect(people.rows[0].n).toBe(7);
  });

  it('filters by list, email status, sector, size, city, company, enrollment and suppression', async () => {
    const cases: [string, string[]][] = [
      ['list=Artisans', ['julien', 'claire']],
      ['list=Artisans&list=Menuisiers', ['sophie', 'julien', 'claire']],
      [`list=${encodeURIComponent('Éditeurs')}`, ['claireZoe', 'eloise']],
      ['emailStatus=valid', ['claireZoe', 'sophie', 'claire']],
      ['emailStatus=valid&emailStatus=invalid', ['claireZoe', 'eloise', 'sophie', 'claire']],
      ['nafSector=10.71C', ['marc', 'claire']],
      ['employeeRange=1-9', ['sophie', 'julien']],
      ['city=LYON', ['marc', 'bobby', 'claire']],
      [`companyId=${ids.eloise!.companyId}`, ['claireZoe', 'eloise']],
      ['enrolled=true', ['julien']],
      ['enrolled=false', ['marc', 'claireZoe', 'bobby', 'eloise', 'sophie', 'claire']],
      ['suppressed=true', ['sophie']],
      ['suppressed=false&list=Menuisiers', []],
      ['q=martin&city=paris', ['claireZoe']],
      ['q=durand&enrolled=false&emailStatus=valid', ['sophie']],
    ];
    for (const [query, expected] of cases) {
      const body = await list(query);
      expect(idsOf(body), query).toEqual(positions(...expected));
      expect(body.total, query).toBe(expected.length);
    }
    // Another organisation's company id filters to nothing rather than leaking.
    expect((await list(`companyId=${ids.other!.companyId}`)).items).toEqual([]);
  });

  it('sorts by last name, company name and email in either direction, then by id', async () => {
    const lastName = positions('julien', 'sophie', 'claire', 'claireZoe', 'eloise', 'bobby', 'marc');
    const byLastName = idsOf(await list('sort=lastName'));
    // Claire's two positions tie on the name: the id decides.
    expect(new Set(byLastName.slice(2, 4))).toEqual(new Set(lastName.slice(2, 4)));
    expect([...byLastName.slice(0, 2), ...byLastName.slice(4)]).toEqual([
      ...lastName.slice(0, 2),
      ...lastName.slice(4),
    ]);
    expect(idsOf(await list('sort=-lastName'))).toEqual([...byLastName].reverse());

    const byCompany = (await list('sort=companyName')).items as unknown as { company: { name: string } }[];
    expect(byCompany.map((p) => p.company.name)).toEqual([
      '100% Bio_Coop',
      'Atelier Durand',
      'Atelier Durand',
      'Boulangerie Martin',
      'Boulangerie Martin',
      'Éditions Zoé',
      'Éditions Zoé',
    ]);
    expect(idsOf(await list('sort=-companyName'))).toEqual(idsOf(await list('sort=companyName')).reverse());

    expect(idsOf(await list('sort=email'))).toEqual(
      positions('marc', 'bobby', 'claire', 'claireZoe', 'eloise', 'julien', 'sophie'),
    );
    expect(idsOf(await list('sort=-email'))[0]).toBe(ids.sophie!.positionId);
    expect(idsOf(await list('sort=createdAt'))).toEqual(idsOf(await list()).reverse());
  });

  it('pages through every sort without duplicates or gaps', async () => {
    for (const sort of [
      '-createdAt',
      'createdAt',
      'lastName',
      '-lastName',
      'companyName',
      '-companyName',
      'email',
      '-email',
    ]) {
      const all = idsOf(await list(`sort=${sort}`));
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await list(`sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.total).toBe(7);
        seen.push(...idsOf(page));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen, sort).toEqual(all);
    }
  });

  it('keeps pages stable when prospects are inserted between two requests', async () => {
    const org = a.organisationId;
    const first = await list('sort=lastName&limit=3');
    const before = await insertProspect(api.db.pool, org, { person: { first_name: 'Aline', last_name: 'Aaron' } });
    const after = await insertProspect(api.db.pool, org, { person: { first_name: 'Zoé', last_name: 'Zzyzx' } });
    const rest: string[] = [];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await list(`sort=lastName&limit=3&cursor=${cursor}`);
      rest.push(...idsOf(page));
      cursor = page.nextCursor;
    }
    const seen = [...idsOf(first), ...rest];
    expect(new Set(seen).size).toBe(seen.length);
    expect(rest).not.toContain(before.positionId);
    expect(rest.at(-1)).toBe(after.positionId);
    expect(seen.filter((id) => id !== after.positionId).sort()).toEqual(
      Object.values(ids)
        .filter((p) => p !== ids.other)
        .map((p) => p.positionId)
        .sort(),
    );

    const newest = await list('limit=2');
    const late = await insertProspect(api.db.pool, org, { person: { last_name: 'Late' } });
    const next = await list(`limit=100&cursor=${newest.nextCursor}`);
    expect(next.items.map((item) => item.id)).not.toContain(late.positionId);
    expect([...idsOf(newest), ...idsOf(next)]).toHaveLength(newest.total);
    await api.db.pool.query('DELETE FROM crm_people WHERE id = ANY($1::uuid[])', [
      [before.personId, after.personId, late.personId],
    ]);
  });

  it('keeps rows created within the same millisecond apart in the cursor', async () => {
    const org = a.organisationId;
    const { rows } = await api.db.pool.query<{ id: string }>(
      `INSERT INTO crm_people (organisation_id, last_name) SELECT $1, 'Tick' || i FROM generate_series(1, 4) i RETURNING id`,
      [org],
    );
    const company = ids.claire!.companyId;
    const created: string[] = [];
    for (const [i, row] of rows.entries()) {
      const position = await insertProspect(api.db.pool, org, {
        companyId: company,
        personId: row.id,
        position: { created_at: `2030-01-01T00:00:00.000${i}00Z` },
      });
      created.push(position.positionId);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(`limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...idsOf(page));
      cursor = seen.length < 4 ? page.nextCursor : null;
    } while (cursor);
    expect(seen).toEqual([...created].reverse());
    await api.db.pool.query('DELETE FROM crm_people WHERE id = ANY($1::uuid[])', [rows.map((r) => r.id)]);
  });

  it('refuses bad parameters and foreign cursors with 400', async () => {
    const sortCursor = (await list('sort=lastName&limit=1')).nextCursor!;
    for (const query of [
      'sort=firstName',
      'limit=0',
      'limit=201',
      'limit=abc',
      'enrolled=yes',
      'suppressed=1',
      'companyId=not-a-uuid',
      'emailstatus=valid',
      `q=${'x'.repeat(201)}`,
      'cursor=not-a-cursor',
      `sort=email&cursor=${sortCursor}`,
      `cursor=${Buffer.from(JSON.stringify({ s: '-createdAt', k: '2025-13-45', id: ids.claire!.positionId })).toString('base64url')}`,
    ]) {
      const res = await api.request('GET', `/api/v1/prospects?${query}`, { token: a.adminToken });
      expect(res.status, query).toBe(400);
      expect(res.body.error.code, query).toMatch(/^(validation_failed|invalid_cursor)$/);
    }
    const bad = await api.request('GET', '/api/v1/prospects?limit=0', { token: a.adminToken });
    expect(bad.body.error.details[0]).toMatchObject({ path: ['limit'] });
  });

  it('lets members and prospects:read API keys read, not ingest-only keys', async () => {
    const member = await addMemberWithRole(api, a, 'member@prospects-a.example', 'member');
    expect((await list('', member)).total).toBeGreaterThan(0);
    const key = async (scopes: string[]) =>
      (await api.request('POST', '/api/v1/api-keys', { token: a.adminToken, body: { name: 'k', scopes } })).body.key;
    const reader = await key(['prospects:read']);
    expect((await list('q=durand', reader)).total).toBe(2);
    const detail = await api.request('GET', `/api/v1/prospects/${ids.julien!.positionId}`, { token: reader });
    expect(detail.status).toBe(200);
    const patch = await api.request('PATCH', `/api/v1/prospects/${ids.julien!.positionId}`, {
      token: reader,
      body: { jobTitle: 'x' },
    });
    expect(patch.status).toBe(403);
    const ingestOnly = await key(['ingest:write']);
    const refused = await api.request('GET', '/api/v1/prospects', { token: ingestOnly });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect((await api.request('GET', '/api/v1/prospects')).status).toBe(401);
  });
});
