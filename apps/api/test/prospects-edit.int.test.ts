import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './support/api-harness.js';
import {
  addOutreachHistory,
  addUnmatchedInbound,
  enroll,
  insertProspect,
  suppress,
  tablesMentioning,
  type ProspectIds,
} from './support/prospects-fixtures.js';
import { addMemberWithRole, createTenant, expectCrossTenantNotFound, type TenantFixture } from './support/tenants.js';

describe('prospect detail, curated edits and erasure', () => {
  let api: ApiHarness;
  let a: TenantFixture;
  let b: TenantFixture;
  let claire: ProspectIds;
  let claireElsewhere: ProspectIds;
  let paul: ProspectIds;
  let foreign: ProspectIds;

  beforeAll(async () => {
    api = await startApi();
    a = await createTenant(api, 'edit-a');
    b = await createTenant(api, 'edit-b');
  });
  afterAll(async () => {
    await api.close();
  });
  beforeEach(async () => {
    for (const table of ['crm_companies', 'crm_people', 'outreach_messages', 'outreach_suppressions']) {
      await api.db.pool.query(`DELETE FROM ${table}`);
    }
    const db = api.db.pool;
    claire = await insertProspect(db, a.organisationId, {
      company: { name: 'Boulangerie Martin', siren: '512345678', pharow_company_id: 'pc-1', hq_city: 'Lyon' },
      person: {
        first_name: 'Claire',
        last_name: 'Martin',
        salutation: 'Mme',
        linkedin_url: 'https://www.linkedin.com/in/claire-martin',
        mobile_phone: '+33 6 12 34 56 78',
      },
      position: { email: 'claire@boulangerie.example', job_title: 'Gérante', pharow_list_name: 'Artisans' },
    });
    claireElsewhere = await insertProspect(db, a.organisationId, {
      company: { name: 'Éditions Zoé' },
      personId: claire.personId,
      position: { email: 'claire@zoe.example', job_title: 'Associée' },
    });
    paul = await insertProspect(db, a.organisationId, {
      companyId: claire.companyId,
      person: { first_name: 'Paul', last_name: 'Roux', linkedin_url: 'https://www.linkedin.com/in/paul-roux' },
      position: { email: 'paul@boulangerie.example' },
    });
    foreign = await insertProspect(db, b.organisationId, {
      person: { first_name: 'Bruno', last_name: 'Bertin' },
      position: { email: 'bruno@b.example' },
    });
  });

  const patch = (id: string, body: unknown, token = a.adminToken) =>
    api.request('PATCH', `/api/v1/prospects/${id}`, { token, body });

  it('shows a prospect with its full person, company and the person’s other positions', async () => {
    await enroll(api.db.pool, a.organisationId, claireElsewhere.positionId);
    const res = await api.request('GET', `/api/v1/prospects/${claire.positionId}`, { token: a.adminToken });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: claire.positionId,
      email: 'claire@boulangerie.example',
      jobTitle: 'Gérante',
      listName: 'Artisans',
      enrolled: false,
      suppressed: false,
      person: {
        id: claire.personId,
        firstName: 'Claire',
        salutation: 'Mme',
        mobilePhone: '+33 6 12 34 56 78',
        createdAt: expect.any(String),
      },
      company: {
        id: claire.companyId,
        name: 'Boulangerie Martin',
        siren: '512345678',
        pharowCompanyId: 'pc-1',
        city: 'Lyon',
        growing: null,
        annualRevenueEuros: null,
        updatedAt: expect.any(String),
      },
      otherPositions: [
        {
          id: claireElsewhere.positionId,
          email: 'claire@zoe.example',
          jobTitle: 'Associée',
          enrolled: true,
          company: { id: claireElsewhere.companyId, name: 'Éditions Zoé' },
        },
      ],
    });
    for (const id of ['00000000-0000-4000-8000-000000000000', 'nope']) {
      const missing = await api.request('GET', `/api/v1/prospects/${id}`, { token: a.adminToken });
      expect(missing.status).toBe(404);
    }
  });

  it('edits curated position and person fields and answers the updated prospect', async () => {
    const res = await patch(claire.positionId, {
      jobTitle: '  Directrice  ',
      emailStatus: 'valid',
      listName: '',
      email: 'Claire.Martin@Boulangerie.example',
      person: { firstName: 'Clara', salutation: null, linkedinUrl: 'linkedin.com/in/clara', phoneKaspr1: '0102030405' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      id: claire.positionId,
      jobTitle: 'Directrice',
      emailStatus: 'valid',
      listName: null,
      email: 'claire.martin@boulangerie.example',
      person: {
        firstName: 'Clara',
        lastName: 'Martin',
        salutation: null,
        linkedinUrl: 'https://linkedin.com/in/clara',
        phoneKaspr1: '0102030405',
        mobilePhone: '+33 6 12 34 56 78',
      },
    });
    const stored = await api.db.pool.query(
      `SELECT pos.job_title, pos.pharow_list_name, p.first_name, p.linkedin_url FROM crm_positions pos
       JOIN crm_people p ON p.id = pos.person_id WHERE pos.id = $1`,
      [claire.positionId],
    );
    expect(stored.rows[0]).toEqual({
      job_title: 'Directrice',
      pharow_list_name: null,
      first_name: 'Clara',
      linkedin_url: 'https://linkedin.com/in/clara',
    });
    const personOnly = await patch(claireElsewhere.positionId, { person: { lastName: 'Martin-Durand' } });
    expect(personOnly.status).toBe(200);
    expect(personOnly.body.person.lastName).toBe('Martin-Durand');
  });

  it('refuses unknown fields, empty bodies and invalid values with 400', async () => {
    for (const body of [
      {},
      { person: {} },
      { organisationId: b.organisationId },
      { jobTitle: 'x', companyId: foreign.companyId },
      { person: { firstName: 'x', id: foreign.personId } },
      { email: 'not-an-email' },
      { person: { firstName: '' } },
      { person: { linkedinUrl: 'not a url' } },
      { jobTitle: 'x'.repeat(501) },
      { emailStatus: 42 },
      [],
    ]) {
      const res = await patch(claire.positionId, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details.length).toBeGreaterThan(0);
    }
    const noBody = await api.request('PATCH', `/api/v1/prospects/${claire.positionId}`, { token: a.adminToken });
    expect(noBody.status).toBe(400);
  });

  it('answers 409 on a duplicate position or LinkedIn URL and changes nothing', async () => {
    const second = await insertProspect(api.db.pool, a.organisationId, {
      companyId: claire.companyId,
      personId: claire.personId,
      position: { email: 'claire.other@boulangerie.example', job_title: 'Gérante' },
    });
    const duplicate = await patch(second.positionId, { jobTitle: 'Changed', email: 'CLAIRE@boulangerie.example' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.code).toBe('duplicate_position');
    const linkedin = await patch(paul.positionId, {
      jobTitle: 'Changed',
      person: { linkedinUrl: 'https://www.linkedin.com/in/claire-martin' },
    });
    expect(linkedin.status).toBe(409);
    expect(linkedin.body.error.code).toBe('duplicate_linkedin_url');
    const titles = await api.db.pool.query(`SELECT job_title FROM crm_positions WHERE id = ANY($1::uuid[])`, [
      [second.positionId, paul.positionId],
    ]);
    expect(titles.rows.map((r) => r.job_title)).not.toContain('Changed');
  });

  it('lets members read but not edit or erase; managers may', async () => {
    const member = await addMemberWithRole(api, a, 'member@edit-a.example', 'member');
    const manager = await addMemberWithRole(api, a, 'manager@edit-a.example', 'manager');
    const read = await api.request('GET', `/api/v1/prospects/${claire.positionId}`, { token: member });
    expect(read.status).toBe(200);
    expect((await patch(claire.positionId, { jobTitle: 'x' }, member)).status).toBe(403);
    const erase = await api.request('DELETE', `/api/v1/people/${paul.personId}`, { token: member });
    expect(erase.status).toBe(403);
    expect((await patch(claire.positionId, { jobTitle: 'x' }, manager)).status).toBe(200);
    const erased = await api.request('DELETE', `/api/v1/people/${paul.personId}`, { token: manager });
    expect(erased.status).toBe(204);
  });

  it('answers 404 for ids of another organisation and leaves their data alone', async () => {
    await expectCrossTenantNotFound(api, { token: a.adminToken }, [
      { method: 'GET', path: `/api/v1/prospects/${foreign.positionId}` },
      { method: 'PATCH', path: `/api/v1/prospects/${foreign.positionId}`, body: { jobTitle: 'Hacked' } },
      { method: 'PATCH', path: `/api/v1/prospects/${foreign.positionId}`, body: { person: { firstName: 'Hacked' } } },
      { method: 'DELETE', path: `/api/v1/people/${foreign.personId}` },
      { method: 'GET', path: `/api/v1/companies/${foreign.companyId}` },
    ]);
    const untouched = await api.db.pool.query(
      `SELECT pos.job_title, p.first_name FROM crm_positions pos JOIN crm_people p ON p.id = pos.person_id WHERE pos.id = $1`,
      [foreign.positionId],
    );
    expect(untouched.rows[0]).toEqual({ job_title: null, first_name: 'Bruno' });
    // A person id is not a position id, and the other way round.
    await expectCrossTenantNotFound(api, { token: a.adminToken }, [
      { method: 'GET', path: `/api/v1/prospects/${claire.personId}` },
      { method: 'DELETE', path: `/api/v1/people/${claire.positionId}` },
    ]);
  });

  it('erases a person and everything about them in one go', async () => {
    const db = api.db.pool;
    const org = a.organisationId;
    const enrollment = await enroll(db, org, claire.positionId);
    const { messageId } = await addOutreachHistory(db, org, enrollment, 'claire@boulangerie.example');
    await enroll(db, org, claireElsewhere.positionId);
    const inbound = await addUnmatchedInbound(db, org, 'CLAIRE@zoe.example');
    await suppress(db, org, 'claire@zoe.example');
    // Paul keeps his enrollment, and a suppression of an address still used by someone else stays.
    const paulEnrollment = await enroll(db, org, paul.positionId);
    await insertProspect(db, org, {
      companyId: claire.companyId,
      person: { first_name: 'Accueil', last_name: 'Boulangerie' },
      position: { email: 'claire@boulangerie.example' },
    });
    await suppress(db, org, 'claire@boulangerie.example');
    // The same address in another organisation is that organisation's business.
    await addUnmatchedInbound(db, b.organisationId, 'claire@zoe.example');

    const res = await api.request('DELETE', `/api/v1/people/${claire.personId}`, { token: a.adminToken });
    expect(res.status).toBe(204);

    for (const needle of ['Claire', 'claire@zoe.example', 'linkedin.com/in/claire-martin', '+33 6 12 34 56 78']) {
      const left = await tablesMentioning(db, needle);
      // Only org B's own message, and the address shared with the reception desk, may remain.
      if (needle === 'claire@zoe.example') expect(left).toEqual({ outreach_messages: 1 });
      else if (needle === 'Claire')
        expect(Object.keys(left).sort()).toEqual(['crm_positions', 'outreach_messages', 'outreach_suppressions']);
      else expect(left, needle).toEqual({});
    }
    const ids = [claire.positionId, claireElsewhere.positionId, enrollment.enrollmentId, messageId, inbound];
    const remaining = await db.query(
      `SELECT (SELECT count(*) FROM crm_people WHERE id = $1)::int AS people,
              (SELECT count(*) FROM crm_positions WHERE id = ANY($2::uuid[]))::int AS positions,
              (SELECT count(*) FROM outreach_campaign_enrollments WHERE position_id = ANY($2::uuid[]))::int AS enrollments,
              (SELECT count(*) FROM outreach_tasks WHERE enrollment_id = ANY($2::uuid[]))::int AS tasks,
              (SELECT count(*) FROM outreach_enrollment_step_variant_assignments WHERE enrollment_id = ANY($2::uuid[]))::int AS assignments,
              (SELECT count(*) FROM outreach_messages WHERE id = ANY($2::uuid[]))::int AS messages,
              (SELECT count(*) FROM tracking_pixels WHERE message_id = ANY($2::uuid[]))::int AS pixels,
              (SELECT count(*) FROM tracking_message_open_stats WHERE message_id = ANY($2::uuid[]))::int AS opens,
              (SELECT count(*) FROM tracking_click_events WHERE message_id = ANY($2::uuid[]))::int AS clicks`,
      [claire.personId, ids],
    );
    expect(remaining.rows[0]).toEqual({
      people: 0,
      positions: 0,
      enrollments: 0,
      tasks: 0,
      assignments: 0,
      messages: 0,
      pixels: 0,
      opens: 0,
      clicks: 0,
    });
    const kept = await db.query(
      `SELECT (SELECT count(*) FROM crm_companies WHERE id = $1)::int AS company,
              (SELECT count(*) FROM outreach_campaign_enrollments WHERE id = $2)::int AS paul,
              (SELECT count(*) FROM outreach_suppressions WHERE email = 'claire@boulangerie.example')::int AS shared`,
      [claire.companyId, paulEnrollment.enrollmentId],
    );
    expect(kept.rows[0]).toEqual({ company: 1, paul: 1, shared: 1 });
    const log = api.logs.find((line) => line.msg === 'person erased' && line.personId === claire.personId);
    expect(log).toMatchObject({ organisationId: a.organisationId, positions: 2, messages: 2, suppressions: 1 });
    expect(JSON.stringify(log)).not.toContain('claire@');

    const again = await api.request('DELETE', `/api/v1/people/${claire.personId}`, { token: a.adminToken });
    expect(again.status).toBe(404);
  });
});
