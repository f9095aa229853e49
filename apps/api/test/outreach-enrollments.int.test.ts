import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './support/api-harness.js';
import { createRunnableCampaign, outreachClient } from './support/outreach-fixtures.js';
import { insertProspect, suppress } from './support/prospects-fixtures.js';
import { addMemberWithRole, createTenant, type TenantFixture } from './support/tenants.js';

describe('outreach enrollment', () => {
  let api: ApiHarness;
  let a: TenantFixture;
  let call: ReturnType<typeof outreachClient>;
  let n = 0;

  beforeAll(async () => {
    api = await startApi();
    a = await createTenant(api, 'enr-a');
    call = outreachClient(api, a);
  });
  afterAll(async () => {
    await api.close();
  });

  const prospect = (email: string | null, position: Record<string, unknown> = {}) =>
    insertProspect(api.db.pool, a.organisationId, {
      person: { first_name: `P${++n}`, last_name: 'Test' },
      position: { email, ...position },
    });

  const tasksOf = async (campaignId: string) =>
    (
      await api.db.pool.query(
        `SELECT t.kind, t.status, t.step_id AS "stepId", t.scheduled_for AS "scheduledFor", e.position_id AS "positionId"
         FROM outreach_tasks t JOIN outreach_campaign_enrollments e ON e.id = t.enrollment_id WHERE e.campaign_id = $1`,
        [campaignId],
      )
    ).rows;

  it('enrolls by position ids, counting each skip reason, with one draft task per new enrollment', async () => {
    const { campaignId } = await createRunnableCampaign(call);
    const disabled = await call('POST', `/campaigns/${campaignId}/steps`, { bodyTemplate: 'x' }, 201);
    const ok1 = await prospect('ok1@enr.example');
    const ok2 = await prospect('ok2@enr.example');
    const noEmail = await prospect(null);
    const suppressed = await prospect('gone@enr.example');
    await suppress(api.db.pool, a.organisationId, 'GONE@enr.example');
    const already = await prospect('already@enr.example');
    await call('POST', `/campaigns/${campaignId}/enrollments`, { positionIds: [already.positionId] }, 201);
    // The first enabled step is the second one now: enrollment starts there.
    const steps = (await call('GET', `/campaigns/${campaignId}`)).steps;
    await call('PUT', `/campaigns/${campaignId}/steps/order`, { stepIds: [disabled.id, steps[0].id] });
    await call('PATCH', `/campaigns/${campaignId}/steps/${disabled.id}`, { enabled: false });

    const before = Date.now();
    const result = await call(
      'POST',
      `/campaigns/${campaignId}/enrollments`,
      {
        positionIds: [
          ok1.positionId,
          ok2.positionId,
          ok2.positionId,
          noEmail.positionId,
          suppressed.positionId,
          already.positionId,
          '00000000-0000-4000-8000-000000000000',
        ],
      },
      201,
    );
    expect(result).toEqual({
      requested: 6,
      enrolled: 2,
      skipped: { suppressed: 1, noEmail: 1, alreadyEnrolled: 1, notFound: 1 },
      truncated: false,
    });
    const tasks = (await tasksOf(campaignId)).filter((t) => t.positionId !== already.positionId);
    expect(tasks.map((t) => t.positionId).sort()).toEqual([ok1.positionId, ok2.positionId].sort());
    for (const task of tasks) {
      expect(task).toMatchObject({ kind: 'draft', status: 'pending', stepId: steps[0].id });
      expect(task.scheduledFor.getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(task.scheduledFor.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    }
    const list = await call('GET', `/campaigns/${campaignId}/enrollments`);
    expect(list.items).toHaveLength(3);
    const enrolled = list.items.find((e: { positionId: string }) => e.positionId === ok1.positionId);
    expect(enrolled).toMatchObject({
      campaignId,
      state: 'active',
      currentStepIndex: 1,
      pausedUntil: null,
      finishedAt: null,
      prospect: {
        email: 'ok1@enr.example',
        firstName: expect.stringMatching(/^P/),
        lastName: 'Test',
        companyName: 'Company',
      },
    });
    expect((await call('GET', `/campaigns/${campaignId}`)).counters).toMatchObject({ enrolled: 3, active: 3 });
  });

  it('enrolls through the prospects filter of the CRM', async () => {
    const { campaignId } = await createRunnableCampaign(call);
    const listed = [
      await prospect('f1@enr.example', { pharow_list_name: 'Salon 2026' }),
      await prospect('f2@enr.example', { pharow_list_name: 'Salon 2026' }),
    ];
    await prospect('f3@enr.example', { pharow_list_name: 'Autre' });
    await prospect(null, { pharow_list_name: 'Salon 2026' });
    const result = await call('POST', `/campaigns/${campaignId}/enrollments`, { filter: { list: 'Salon 2026' } }, 201);
    expect(result).toEqual({
      requested: 3,
      enrolled: 2,
      skipped: { suppressed: 0, noEmail: 1, alreadyEnrolled: 0, notFound: 0 },
      truncated: false,
    });
    const enrolled = (await call('GET', `/campaigns/${campaignId}/enrollments`)).items.map(
      (e: { positionId: string }) => e.positionId,
    );
    expect(enrolled.sort()).toEqual(listed.map((p) => p.positionId).sort());
    const again = await call(
      'POST',
      `/campaigns/${campaignId}/enrollments`,
      { filter: { list: ['Salon 2026'], enrolled: 'true' } },
      201,
    );
    expect(again).toMatchObject({ requested: 2, enrolled: 0, skipped: { alreadyEnrolled: 2 } });
    await call('POST', `/campaigns/${campaignId}/enrollments`, { filter: { lists: 'typo' } }, 400);
    await call('POST', `/campaigns/${campaignId}/enrollments`, { positionIds: [] }, 400);
    await call('POST', `/campaigns/${campaignId}/enrollments`, { positionIds: ['x'] }, 400);
    await call('POST', `/campaigns/${campaignId}/enrollments`, {}, 400);
  });

  it('refuses enrollment without an enabled step (422) and in an archived campaign (409)', async () => {
    const p = await prospect('refused@enr.example');
    const empty = await call('POST', '/campaigns', { name: 'No steps' }, 201);
    const res = await call('POST', `/campaigns/${empty.id}/enrollments`, { positionIds: [p.positionId] }, 422);
    expect(res.error.code).toBe('no_enabled_step');
    const { campaignId } = await createRunnableCampaign(call);
    await call('POST', `/campaigns/${campaignId}/archive`);
    expect(
      (await call('POST', `/campaigns/${campaignId}/enrollments`, { positionIds: [p.positionId] }, 409)).error.code,
    ).toBe('campaign_archived');
  });

  it('pauses, resumes and removes enrollments; lists by state with pages', async () => {
    const { campaignId } = await createRunnableCampaign(call);
    const ps = [await prospect('s1@enr.example'), await prospect('s2@enr.example'), await prospect('s3@enr.example')];
    await call('POST', `/campaigns/${campaignId}/enrollments`, { positionIds: ps.map((p) => p.positionId) }, 201);
    const page1 = await call('GET', `/campaigns/${campaignId}/enrollments?limit=2`);
    const page2 = await call('GET', `/campaigns/${campaignId}/enrollments?limit=2&cursor=${page1.nextCursor}`);
    expect(page1.items).toHaveLength(2);
    expect(page2.items).toHaveLength(1);
    expect(page2.nextCursor).toBeNull();
    const [e1, e2] = page1.items;

    expect((await call('POST', `/enrollments/${e1.id}/pause`)).state).toBe('paused');
    expect((await call('POST', `/enrollments/${e1.id}/pause`, undefined, 409)).error.code).toBe('invalid_transition');
    const paused = await call('GET', `/campaigns/${campaignId}/enrollments?state=paused`);
    expect(paused.items.map((e: { id: string }) => e.id)).toEqual([e1.id]);
    expect((await call('POST', `/enrollments/${e1.id}/resume`)).state).toBe('active');
    await call('POST', `/enrollments/${e1.id}/resume`, undefined, 409);
    // The pending draft task was kept, so resuming queued nothing new.
    const live = await api.db.pool.query(`SELECT count(*)::int AS n FROM outreach_tasks WHERE enrollment_id = $1`, [
      e1.id,
    ]);
    expect(live.rows[0].n).toBe(1);

    expect(await call('DELETE', `/enrollments/${e1.id}`)).toEqual({ removed: 'deleted' });
    await call('GET', `/enrollments/${e1.id}`, undefined, 404);
    // An enrollment with a sent email is stopped, not erased.
    await api.db.pool.query(
      `INSERT INTO outreach_messages (organisation_id, enrollment_id, direction, status, sent_at) VALUES ($1, $2, 'outbound', 'sent', now())`,
      [a.organisationId, e2.id],
    );
    expect(await call('DELETE', `/enrollments/${e2.id}`)).toEqual({ removed: 'stopped' });
    expect(await call('GET', `/enrollments/${e2.id}`)).toMatchObject({
      state: 'finished',
      finishedAt: expect.any(String),
    });
    const tasks = await api.db.pool.query(`SELECT status FROM outreach_tasks WHERE enrollment_id = $1`, [e2.id]);
    expect(tasks.rows).toEqual([{ status: 'cancelled' }]);
    await call('GET', `/campaigns/${campaignId}/enrollments?state=gone`, undefined, 400);
  });

  it('needs enrollments:write to enroll, pause or remove', async () => {
    const member = await addMemberWithRole(api, a, 'member@enr-a.example', 'member');
    const manager = await addMemberWithRole(api, a, 'manager@enr-a.example', 'manager');
    const { campaignId } = await createRunnableCampaign(call);
    const p = await prospect('perm@enr.example');
    await call('POST', `/campaigns/${campaignId}/enrollments`, { positionIds: [p.positionId] }, 403, member);
    await call('POST', `/campaigns/${campaignId}/enrollments`, { positionIds: [p.positionId] }, 201, manager);
    const [e] = (await call('GET', `/campaigns/${campaignId}/enrollments`, undefined, 200, member)).items;
    await call('GET', `/enrollments/${e.id}`, undefined, 200, member);
    await call('POST', `/enrollments/${e.id}/pause`, undefined, 403, member);
    await call('DELETE', `/enrollments/${e.id}`, undefined, 403, member);
    await call('POST', `/enrollments/${e.id}/pause`, undefined, 200, manager);
  });
});
