import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './support/api-harness.js';
import { createRunnableCampaign, outreachClient } from './support/outreach-fixtures.js';
import { insertProspect } from './support/prospects-fixtures.js';
import { addMemberWithRole, createTenant, type TenantFixture } from './support/tenants.js';

describe('outreach review queue', () => {
  let api: ApiHarness;
  let a: TenantFixture;
  let call: ReturnType<typeof outreachClient>;
  let n = 0;

  beforeAll(async () => {
    api = await startApi();
    a = await createTenant(api, 'drafts-a');
    call = outreachClient(api, a);
  });
  afterAll(async () => {
    await api.close();
  });

  /** An enrolled prospect whose draft task the worker turned into a draft message (done here in SQL). */
  async function draftFor(campaign: { campaignId: string; stepId: string; mailboxId: string }, firstName = 'Claire') {
    const email = `p${++n}@drafts.example`;
    const p = await insertProspect(api.db.pool, a.organisationId, {
      company: { name: 'Boulangerie Martin' },
      person: { first_name: firstName, last_name: 'Martin' },
      position: { email },
    });
    await call('POST', `/campaigns/${campaign.campaignId}/enrollments`, { positionIds: [p.positionId] }, 201);
    const { rows } = await api.db.pool.query(
      `WITH e AS (SELECT id FROM outreach_campaign_enrollments WHERE position_id = $2),
       t AS (UPDATE outreach_tasks SET status = 'done' WHERE enrollment_id = (SELECT id FROM e))
       INSERT INTO outreach_messages (organisation_id, enrollment_id, step_id, mailbox_id, direction, status,
         from_email, to_email, subject, body_text, body_html)
       SELECT $1, e.id, $3, $4, 'outbound', 'draft', 'sender@sender.example', $5, $6, 'Hello', '<p>Hello</p>' FROM e
       RETURNING id, enrollment_id AS "enrollmentId"`,
      [a.organisationId, p.positionId, campaign.stepId, campaign.mailboxId, email, `Bonjour ${firstName}`],
    );
    return { messageId: rows[0].id as string, enrollmentId: rows[0].enrollmentId as string, positionId: p.positionId };
  }

  const sendTasks = async (enrollmentId: string) =>
    (
      await api.db.pool.query(
        `SELECT kind, status, step_id AS "stepId" FROM outreach_tasks WHERE enrollment_id = $1 AND kind = 'send'`,
        [enrollmentId],
      )
    ).rows;

  it('lists drafts oldest first, filtered by campaign and paged', async () => {
    const c1 = await createRunnableCampaign(call, { name: 'Queue one' });
    const c2 = await createRunnableCampaign(call, { name: 'Queue two' });
    const d1 = await draftFor(c1, 'Anne');
    const d2 = await draftFor(c2, 'Bruno');
    const d3 = await draftFor(c1, 'Chloé');
    const all = await call('GET', '/drafts');
    expect(all.items.map((d: { id: string }) => d.id)).toEqual([d1.messageId, d2.messageId, d3.messageId]);
    expect(all.items[0]).toMatchObject({
      campaignId: c1.campaignId,
      campaignName: 'Queue one',
      enrollmentId: d1.enrollmentId,
      positionId: d1.positionId,
      stepId: c1.stepId,
      stepIndex: 0,
      variantKey: null,
      subject: 'Bonjour Anne',
      bodyText: 'Hello',
      prospect: { firstName: 'Anne', lastName: 'Martin', companyName: 'Boulangerie Martin' },
    });
    const only1 = await call('GET', `/drafts?campaignId=${c1.campaignId}&limit=1`);
    expect(only1.items.map((d: { id: string }) => d.id)).toEqual([d1.messageId]);
    const next = await call('GET', `/drafts?campaignId=${c1.campaignId}&limit=1&cursor=${only1.nextCursor}`);
    expect(next.items.map((d: { id: string }) => d.id)).toEqual([d3.messageId]);
    expect(next.nextCursor).toBeNull();
    await call('GET', '/drafts?campaignId=nope', undefined, 400);
  });

  it('shows a message with its headers and history, and edits a draft (HTML follows the text)', async () => {
    const c = await createRunnableCampaign(call);
    const d = await draftFor(c);
    const shown = await call('GET', `/messages/${d.messageId}`);
    expect(shown).toMatchObject({
      id: d.messageId,
      direction: 'outbound',
      status: 'draft',
      campaignId: c.campaignId,
      stepIndex: 0,
      bodyHtml: '<p>Hello</p>',
      headers: {
        From: '"Alice Martin" <sender@sender.example>',
        To: expect.stringMatching(/@drafts\.example$/),
        'Reply-To': 'replies@sender.example',
        Subject: 'Bonjour Claire',
      },
      history: [{ status: 'draft', at: expect.any(String) }],
      opens: null,
    });
    const edited = await call('PATCH', `/messages/${d.messageId}`, {
      subject: 'Bonjour Claire !',
      bodyText: 'Line <1>\n\nLine 2',
    });
    expect(edited).toMatchObject({
      subject: 'Bonjour Claire !',
      bodyText: 'Line <1>\n\nLine 2',
      bodyHtml: '<p>Line &lt;1&gt;</p>\n<p>Line 2</p>',
    });
    await call('PATCH', `/messages/${d.messageId}`, { subject: '' }, 400);
    await call('PATCH', `/messages/${d.messageId}`, { status: 'sent' }, 400);
  });

  it('approving creates the send task in the same transaction; an approved message cannot be edited', async () => {
    const c = await createRunnableCampaign(call);
    const d = await draftFor(c);
    const approved = await call('POST', `/messages/${d.messageId}/approve`);
    expect(approved).toMatchObject({ status: 'approved', approvedBy: a.adminUserId, approvedAt: expect.any(String) });
    expect(approved.history.map((h: { status: string }) => h.status)).toEqual(['draft', 'approved']);
    expect(await sendTasks(d.enrollmentId)).toEqual([{ kind: 'send', status: 'pending', stepId: c.stepId }]);
    expect((await call('POST', `/messages/${d.messageId}/approve`, undefined, 409)).error.code).toBe(
      'message_not_draft',
    );
    expect((await call('PATCH', `/messages/${d.messageId}`, { subject: 'late' }, 409)).error.code).toBe(
      'message_not_draft',
    );
    await call('POST', `/messages/${d.messageId}/reject`, undefined, 409);
    expect(await sendTasks(d.enrollmentId)).toHaveLength(1);
    expect((await call('GET', `/campaigns/${c.campaignId}`)).counters).toMatchObject({ drafts: 0, approved: 1 });
  });

  it('bulk-approves drafts, reporting what it skipped and why', async () => {
    const c = await createRunnableCampaign(call);
    const ok = await draftFor(c);
    const stopped = await draftFor(c);
    await api.db.pool.query(`UPDATE outreach_campaign_enrollments SET state = 'replied' WHERE id = $1`, [
      stopped.enrollmentId,
    ]);
    const done = await draftFor(c);
    await call('POST', `/messages/${done.messageId}/approve`);
    const unknown = '00000000-0000-4000-8000-000000000000';
    const result = await call('POST', '/drafts/approve', {
      messageIds: [ok.messageId, stopped.messageId, done.messageId, unknown, ok.messageId],
    });
    expect(result).toEqual({
      approved: [ok.messageId],
      skipped: [
        { id: stopped.messageId, reason: 'enrollment_stopped' },
        { id: done.messageId, reason: 'not_draft' },
        { id: unknown, reason: 'not_found' },
      ],
    });
    expect(await sendTasks(ok.enrollmentId)).toHaveLength(1);
    expect(await sendTasks(stopped.enrollmentId)).toHaveLength(0);
    expect((await call('POST', `/messages/${stopped.messageId}/approve`, undefined, 409)).error.code).toBe(
      'enrollment_stopped',
    );
    await call('POST', '/drafts/approve', { messageIds: [] }, 400);
  });

  it('rejecting pauses the enrollment; resuming it queues a new draft of the same step', async () => {
    const c = await createRunnableCampaign(call);
    const d = await draftFor(c);
    const rejected = await call('POST', `/messages/${d.messageId}/reject`);
    expect(rejected.status).toBe('rejected');
    expect(await sendTasks(d.enrollmentId)).toHaveLength(0);
    expect((await call('GET', `/enrollments/${d.enrollmentId}`)).state).toBe('paused');
    await call('POST', `/enrollments/${d.enrollmentId}/resume`);
    const { rows } = await api.db.pool.query(
      `SELECT kind, status, step_id AS "stepId" FROM outreach_tasks WHERE enrollment_id = $1 AND status = 'pending'`,
      [d.enrollmentId],
    );
    expect(rows).toEqual([{ kind: 'draft', status: 'pending', stepId: c.stepId }]);
    expect((await call('GET', '/drafts')).items.map((x: { id: string }) => x.id)).not.toContain(d.messageId);
  });

  it('members review and approve (drafts:approve); only the organisation’s own drafts', async () => {
    const member = await addMemberWithRole(api, a, 'member@drafts-a.example', 'member');
    const c = await createRunnableCampaign(call);
    const d = await draftFor(c);
    await call('GET', '/drafts', undefined, 200, member);
    await call('PATCH', `/messages/${d.messageId}`, { subject: 'By member' }, 200, member);
    expect((await call('POST', `/messages/${d.messageId}/approve`, undefined, 200, member)).status).toBe('approved');
  });
});
