import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './support/api-harness.js';
import { createRunnableCampaign, outreachClient } from './support/outreach-fixtures.js';
import { insertProspect } from './support/prospects-fixtures.js';
import { createTenant, expectCrossTenantNotFound, type TenantFixture } from './support/tenants.js';

describe('outreach campaign messages', () => {
  let api: ApiHarness;
  let a: TenantFixture;
  let b: TenantFixture;
  let call: ReturnType<typeof outreachClient>;
  let n = 0;

  beforeAll(async () => {
    api = await startApi();
    a = await createTenant(api, 'cmsg-a');
    b = await createTenant(api, 'cmsg-b');
    call = outreachClient(api, a);
  });
  afterAll(async () => {
    await api.close();
  });

  /** Enrolls a new prospect in the campaign; returns its enrollment id. */
  async function enroll(campaignId: string) {
    const p = await insertProspect(api.db.pool, a.organisationId, {
      person: { first_name: `P${++n}`, last_name: 'Test' },
      position: { email: `p${n}@cmsg.example` },
    });
    await call('POST', `/campaigns/${campaignId}/enrollments`, { positionIds: [p.positionId] }, 201);
    const { rows } = await api.db.pool.query(`SELECT id FROM outreach_campaign_enrollments WHERE position_id = $1`, [
      p.positionId,
    ]);
    return rows[0].id as string;
  }

  /** An outbound message as the worker would have left it, created `minutesAgo` minutes ago. */
  async function message(
    enrollmentId: string,
    stepId: string,
    status: string,
    minutesAgo: number,
    extra: { error?: string; sent?: boolean } = {},
  ) {
    const { rows } = await api.db.pool.query(
      `INSERT INTO outreach_messages (organisation_id, enrollment_id, step_id, direction, status, from_email,
         to_email, subject, body_text, error, sent_at, created_at, updated_at)
       VALUES ($1, $2, $3, 'outbound', $4, 'sender@sender.example', 'to@cmsg.example', $5, 'Hello', $6,
         CASE WHEN $7 THEN now() END, now() - make_interval(mins => $8), now() - make_interval(mins => $8))
       RETURNING id`,
      [
        a.organisationId,
        enrollmentId,
        stepId,
        status,
        `Subject ${status}`,
        extra.error ?? null,
        !!extra.sent,
        minutesAgo,
      ],
    );
    return rows[0].id as string;
  }

  const ids = (page: { items: { id: string }[] }) => page.items.map((m) => m.id);

  it('lists a campaign’s outbound messages newest first, filtered by status and step, paged', async () => {
    const c = await createRunnableCampaign(call);
    const other = await createRunnableCampaign(call);
    const step2 = await call('POST', `/campaigns/${c.campaignId}/steps`, { bodyTemplate: 'Follow-up' }, 201);
    const e1 = await enroll(c.campaignId);
    const e2 = await enroll(c.campaignId);
    const sent = await message(e1, c.stepId, 'sent', 50, { sent: true });
    const failed = await message(e2, c.stepId, 'failed', 40, { error: '550 mailbox unavailable' });
    const draft = await message(e1, step2.id, 'draft', 30);
    await message(await enroll(other.campaignId), other.stepId, 'sent', 20, { sent: true });
    await api.db.pool.query(
      `INSERT INTO outreach_messages (organisation_id, enrollment_id, direction, status, from_email, subject)
       VALUES ($1, $2, 'inbound', 'received', 'p@cmsg.example', 'Re: hi')`,
      [a.organisationId, e1],
    );
    await api.db.pool.query(
      `INSERT INTO tracking_message_open_stats (organisation_id, message_id, open_count) VALUES ($1, $2, 2)`,
      [a.organisationId, sent],
    );

    const all = await call('GET', `/campaigns/${c.campaignId}/messages`);
    expect(ids(all)).toEqual([draft, failed, sent]);
    expect(all.nextCursor).toBeNull();
    expect(all.items[2]).toMatchObject({
      id: sent,
      status: 'sent',
      enrollmentId: e1,
      stepId: c.stepId,
      stepIndex: 0,
      variantKey: null,
      toEmail: 'to@cmsg.example',
      subject: 'Subject sent',
      sentAt: expect.any(String),
      error: null,
      opened: true,
    });
    expect(all.items[1]).toMatchObject({
      status: 'failed',
      error: '550 mailbox unavailable',
      sentAt: null,
      opened: false,
    });
    expect(all.items[0]).toMatchObject({ stepIndex: 1, opened: false });

    expect(ids(await call('GET', `/campaigns/${c.campaignId}/messages?status=failed`))).toEqual([failed]);
    expect(ids(await call('GET', `/campaigns/${c.campaignId}/messages?stepId=${c.stepId}`))).toEqual([failed, sent]);
    expect(ids(await call('GET', `/campaigns/${c.campaignId}/messages?stepId=${step2.id}&status=sent`))).toEqual([]);

    const first = await call('GET', `/campaigns/${c.campaignId}/messages?limit=2`);
    expect(ids(first)).toEqual([draft, failed]);
    const second = await call('GET', `/campaigns/${c.campaignId}/messages?limit=2&cursor=${first.nextCursor}`);
    expect(ids(second)).toEqual([sent]);
    expect(second.nextCursor).toBeNull();
  });

  it('rejects bad filters and cursors with a 400', async () => {
    const c = await createRunnableCampaign(call);
    const bad = async (query: string, code: string) => {
      const body = await call('GET', `/campaigns/${c.campaignId}/messages?${query}`, undefined, 400);
      expect(body.error.code).toBe(code);
    };
    await bad('status=received', 'validation_failed');
    await bad('stepId=nope', 'validation_failed');
    await bad('limit=0', 'validation_failed');
    await bad('cursor=bm9wZQ', 'invalid_cursor');
  });

  it('answers 404 for another organisation’s campaign or an unknown one', async () => {
    const c = await createRunnableCampaign(call);
    await message(await enroll(c.campaignId), c.stepId, 'sent', 1, { sent: true });
    await expectCrossTenantNotFound(api, { token: b.adminToken, organisationId: b.organisationId }, [
      { method: 'GET', path: `/api/v1/campaigns/${c.campaignId}/messages` },
      { method: 'GET', path: `/api/v1/campaigns/${c.campaignId}/messages?status=sent` },
    ]);
    await call('GET', '/campaigns/00000000-0000-4000-8000-000000000000/messages', undefined, 404);
    await call('GET', '/campaigns/nope/messages', undefined, 404);
  });

  it('says why an enrollment paused after a failed send: failed count and latest error', async () => {
    const c = await createRunnableCampaign(call);
    const paused = await enroll(c.campaignId);
    const fine = await enroll(c.campaignId);
    await message(paused, c.stepId, 'failed', 30, { error: 'old error' });
    await message(paused, c.stepId, 'failed', 10, { error: '554 rejected as spam' });
    await message(fine, c.stepId, 'sent', 10, { sent: true });
    await api.db.pool.query(`UPDATE outreach_campaign_enrollments SET state = 'paused' WHERE id = $1`, [paused]);

    const list = await call('GET', `/campaigns/${c.campaignId}/enrollments`);
    const byId = new Map(list.items.map((e: { id: string }) => [e.id, e]));
    expect(byId.get(paused)).toMatchObject({ state: 'paused', failedMessages: 2, lastError: '554 rejected as spam' });
    expect(byId.get(fine)).toMatchObject({ state: 'active', failedMessages: 0, lastError: null });
    expect(await call('GET', `/enrollments/${paused}`)).toMatchObject({ failedMessages: 2 });
    const onlyPaused = await call('GET', `/campaigns/${c.campaignId}/enrollments?state=paused`);
    expect(onlyPaused.items.map((e: { id: string }) => e.id)).toEqual([paused]);
  });
});
