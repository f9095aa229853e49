import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './support/api-harness.js';
import { createRunnableCampaign, outreachClient } from './support/outreach-fixtures.js';
import { insertProspect } from './support/prospects-fixtures.js';
import { createTenant, expectCrossTenantNotFound, type TenantFixture } from './support/tenants.js';

describe('outreach tenant isolation', () => {
  let api: ApiHarness;
  let a: TenantFixture;
  let b: TenantFixture;
  let callA: ReturnType<typeof outreachClient>;
  let foreign: Record<string, string>;
  let own: { campaignId: string; stepId: string; positionId: string };

  beforeAll(async () => {
    api = await startApi();
    a = await createTenant(api, 'iso-a');
    b = await createTenant(api, 'iso-b');
    callA = outreachClient(api, a);
    const callB = outreachClient(api, b);
    const campaign = await createRunnableCampaign(callB, { fromEmail: 'b@b.example' });
    const prompt = await callB('POST', '/prompts', { name: 'B prompt', userPrompt: 'x' }, 201);
    const experiment = await callB(
      'POST',
      `/steps/${campaign.stepId}/experiments`,
      {
        name: 'B test',
        variants: [
          { key: 'A', bodyTemplate: 'a' },
          { key: 'B', bodyTemplate: 'b' },
        ],
      },
      201,
    );
    const p = await insertProspect(api.db.pool, b.organisationId, { position: { email: 'bp@b.example' } });
    await callB('POST', `/campaigns/${campaign.campaignId}/enrollments`, { positionIds: [p.positionId] }, 201);
    const enrollment = (await callB('GET', `/campaigns/${campaign.campaignId}/enrollments`)).items[0];
    const { rows } = await api.db.pool.query(
      `INSERT INTO outreach_messages (organisation_id, enrollment_id, step_id, direction, status, subject, body_text)
       VALUES ($1, $2, $3, 'outbound', 'draft', 'B secret subject', 'B body') RETURNING id`,
      [b.organisationId, enrollment.id, campaign.stepId],
    );
    foreign = {
      ...campaign,
      promptId: prompt.id,
      experimentId: experiment.id,
      positionId: p.positionId,
      enrollmentId: enrollment.id,
      messageId: rows[0].id,
    };
    const mine = await createRunnableCampaign(callA, { fromEmail: 'a@a.example' });
    const ap = await insertProspect(api.db.pool, a.organisationId, { position: { email: 'ap@a.example' } });
    own = { ...mine, positionId: ap.positionId };
  });
  afterAll(async () => {
    await api.close();
  });

  it('answers 404 for every id-addressed endpoint with an id of another organisation', async () => {
    const f = foreign;
    await expectCrossTenantNotFound(api, { token: a.adminToken, organisationId: a.organisationId }, [
      { method: 'GET', path: `/api/v1/mailboxes/${f.mailboxId}` },
      { method: 'PATCH', path: `/api/v1/mailboxes/${f.mailboxId}`, body: { dailyCap: 1 } },
      { method: 'POST', path: `/api/v1/mailboxes/${f.mailboxId}/test`, body: { to: 'x@a.example' } },
      { method: 'DELETE', path: `/api/v1/mailboxes/${f.mailboxId}` },
      { method: 'GET', path: `/api/v1/campaigns/${f.campaignId}` },
      { method: 'PATCH', path: `/api/v1/campaigns/${f.campaignId}`, body: { name: 'stolen' } },
      { method: 'POST', path: `/api/v1/campaigns/${f.campaignId}/start` },
      { method: 'POST', path: `/api/v1/campaigns/${f.campaignId}/pause` },
      { method: 'POST', path: `/api/v1/campaigns/${f.campaignId}/resume` },
      { method: 'POST', path: `/api/v1/campaigns/${f.campaignId}/archive` },
      { method: 'POST', path: `/api/v1/campaigns/${f.campaignId}/steps`, body: { bodyTemplate: 'x' } },
      { method: 'PUT', path: `/api/v1/campaigns/${f.campaignId}/steps/order`, body: { stepIds: [f.stepId] } },
      { method: 'PATCH', path: `/api/v1/campaigns/${f.campaignId}/steps/${f.stepId}`, body: { delayDays: 9 } },
      { method: 'PATCH', path: `/api/v1/campaigns/${own.campaignId}/steps/${f.stepId}`, body: { delayDays: 9 } },
      { method: 'DELETE', path: `/api/v1/campaigns/${own.campaignId}/steps/${f.stepId}` },
      {
        method: 'POST',
        path: `/api/v1/campaigns/${f.campaignId}/steps/${f.stepId}/preview`,
        body: { positionId: own.positionId },
      },
      {
        method: 'POST',
        path: `/api/v1/campaigns/${own.campaignId}/steps/${own.stepId}/preview`,
        body: { positionId: f.positionId },
      },
      { method: 'DELETE', path: `/api/v1/campaigns/${f.campaignId}` },
      { method: 'GET', path: `/api/v1/prompts/${f.promptId}` },
      { method: 'GET', path: `/api/v1/prompts/${f.promptId}/versions` },
      { method: 'PATCH', path: `/api/v1/prompts/${f.promptId}`, body: { userPrompt: 'stolen' } },
      { method: 'GET', path: `/api/v1/steps/${f.stepId}/experiments` },
      {
        method: 'POST',
        path: `/api/v1/steps/${f.stepId}/experiments`,
        body: {
          name: 'x',
          variants: [
            { key: 'A', bodyTemplate: 'a' },
            { key: 'B', bodyTemplate: 'b' },
          ],
        },
      },
      { method: 'GET', path: `/api/v1/experiments/${f.experimentId}` },
      { method: 'PATCH', path: `/api/v1/experiments/${f.experimentId}`, body: { status: 'stopped' } },
      { method: 'DELETE', path: `/api/v1/experiments/${f.experimentId}` },
      {
        method: 'POST',
        path: `/api/v1/campaigns/${f.campaignId}/enrollments`,
        body: { positionIds: [own.positionId] },
      },
      { method: 'GET', path: `/api/v1/campaigns/${f.campaignId}/enrollments` },
      { method: 'GET', path: `/api/v1/enrollments/${f.enrollmentId}` },
      { method: 'POST', path: `/api/v1/enrollments/${f.enrollmentId}/pause` },
      { method: 'POST', path: `/api/v1/enrollments/${f.enrollmentId}/resume` },
      { method: 'DELETE', path: `/api/v1/enrollments/${f.enrollmentId}` },
      { method: 'GET', path: `/api/v1/messages/${f.messageId}` },
      { method: 'PATCH', path: `/api/v1/messages/${f.messageId}`, body: { subject: 'stolen' } },
      { method: 'POST', path: `/api/v1/messages/${f.messageId}/approve` },
      { method: 'POST', path: `/api/v1/messages/${f.messageId}/reject` },
    ]);
  });

  it('never lets ids of another organisation in through bodies, filters or lists', async () => {
    const f = foreign;
    expect((await callA('POST', '/campaigns', { name: 'x', mailboxId: f.mailboxId }, 400)).error.code).toBe(
      'unknown_mailbox',
    );
    expect(
      (await callA('PATCH', `/campaigns/${own.campaignId}/steps/${own.stepId}`, { promptId: f.promptId }, 400)).error
        .code,
    ).toBe('unknown_prompt');
    const xp = await callA(
      'POST',
      `/steps/${own.stepId}/experiments`,
      {
        name: 'x',
        variants: [
          { key: 'A', promptId: f.promptId },
          { key: 'B', bodyTemplate: 'b' },
        ],
      },
      400,
    );
    expect(xp.error.code).toBe('unknown_prompt');
    const enrolled = await callA(
      'POST',
      `/campaigns/${own.campaignId}/enrollments`,
      { positionIds: [f.positionId] },
      201,
    );
    expect(enrolled).toMatchObject({ enrolled: 0, skipped: { notFound: 1 } });
    expect(await callA('POST', '/drafts/approve', { messageIds: [f.messageId] })).toEqual({
      approved: [],
      skipped: [{ id: f.messageId, reason: 'not_found' }],
    });
    expect((await callA('GET', `/drafts?campaignId=${f.campaignId}`)).items).toEqual([]);
    for (const path of ['/drafts', '/campaigns', '/mailboxes', '/prompts']) {
      expect(JSON.stringify(await callA('GET', path))).not.toMatch(/B secret subject|b@b\.example|B prompt/);
    }
    const { rows } = await api.db.pool.query(`SELECT status, subject FROM outreach_messages WHERE id = $1`, [
      f.messageId,
    ]);
    expect(rows).toEqual([{ status: 'draft', subject: 'B secret subject' }]);
    const campaign = await api.db.pool.query(`SELECT name, status FROM outreach_campaigns WHERE id = $1`, [
      f.campaignId,
    ]);
    expect(campaign.rows).toEqual([{ name: 'Boulangeries', status: 'draft' }]);
  });
});
