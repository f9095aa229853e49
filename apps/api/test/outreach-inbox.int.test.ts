import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './support/api-harness.js';
import { seedAbCampaign, type ProspectPlan, type SeededCampaign } from './support/analytics-fixtures.js';
import { outreachClient } from './support/outreach-fixtures.js';
import { addMemberWithRole, createTenant, expectCrossTenantNotFound, type TenantFixture } from './support/tenants.js';

const PLANS: ProspectPlan[] = [
  {
    firstName: 'Anne',
    variant: 'A',
    steps: [
      {
        sentAt: '2026-03-02T09:00:00Z',
        answer: { classification: 'human_reply', at: '2026-03-02T10:00:00Z', body: 'Oui, appelez-moi.' },
      },
    ],
  },
  {
    firstName: 'Bruno',
    variant: 'B',
    steps: [
      { sentAt: '2026-03-02T09:05:00Z' },
      {
        sentAt: '2026-03-05T09:00:00Z',
        answer: { classification: 'auto_reply', at: '2026-03-05T12:00:00Z', body: 'Absent until further notice.' },
      },
    ],
  },
  {
    firstName: 'Chloé',
    variant: 'A',
    steps: [
      { sentAt: '2026-03-02T09:10:00Z', answer: { classification: 'bounce_temporary', at: '2026-03-02T09:11:00Z' } },
    ],
  },
];

type Item = { id: string; classification: string };
const ids = (body: { items: Item[] }) => body.items.map((i) => i.id);

describe('inbox API', () => {
  let api: ApiHarness;
  let a: TenantFixture;
  let b: TenantFixture;
  let call: ReturnType<typeof outreachClient>;
  let seeded: SeededCampaign;
  let other: SeededCampaign;

  beforeAll(async () => {
    api = await startApi();
    a = await createTenant(api, 'inbox-a');
    b = await createTenant(api, 'inbox-b');
    call = outreachClient(api, a);
    seeded = await seedAbCampaign(api.db.pool, a.organisationId, PLANS, { name: 'Inbox campaign' });
    other = await seedAbCampaign(api.db.pool, a.organisationId, [
      {
        variant: 'A',
        steps: [
          { sentAt: '2026-03-01T09:00:00Z', answer: { classification: 'human_reply', at: '2026-03-01T10:00:00Z' } },
        ],
      },
    ]);
  });
  afterAll(async () => {
    await api.close();
  });

  it('lists inbound messages newest first with class, reason, campaign and prospect; filters and pages', async () => {
    const [anne, bruno, chloe] = seeded.inboundIds as [string, string, string];
    const [elsewhere] = other.inboundIds as [string];
    const all = await call('GET', '/inbox');
    expect(ids(all)).toEqual([bruno, anne, chloe, elsewhere]);
    expect(all.items[1]).toMatchObject({
      id: anne,
      campaignId: seeded.campaignId,
      campaignName: 'Inbox campaign',
      enrollmentState: 'replied',
      stepIndex: 0,
      variantKey: 'A',
      subject: 'Re: Hello there',
      snippet: 'Oui, appelez-moi.',
      classification: 'human_reply',
      classificationReason: 'detected human_reply',
      receivedAt: '2026-03-02T10:00:00.000Z',
      handledAt: null,
      prospect: { firstName: 'Anne', lastName: 'Martin' },
    });

    const replies = await call('GET', '/inbox?classification=human_reply');
    expect(ids(replies)).toEqual([anne, elsewhere]);
    const ofCampaign = await call('GET', `/inbox?campaignId=${seeded.campaignId}&classification=human_reply`);
    expect(ids(ofCampaign)).toEqual([anne]);

    const first = await call('GET', `/inbox?campaignId=${seeded.campaignId}&limit=2`);
    expect(ids(first)).toEqual([bruno, anne]);
    const next = await call('GET', `/inbox?campaignId=${seeded.campaignId}&limit=2&cursor=${first.nextCursor}`);
    expect(ids(next)).toEqual([chloe]);
    expect(next.nextCursor).toBeNull();

    for (const query of ['classification=spam', 'handled=maybe', 'campaignId=nope', 'cursor=garbage', 'limit=0']) {
      const res = await api.request('GET', `/api/v1/inbox?${query}`, {
        token: a.adminToken,
        organisationId: a.organisationId,
      });
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toMatch(/^(validation_failed|invalid_cursor)$/);
    }
  });

  it('shows the thread: what we sent and what came back, in time order', async () => {
    const bruno = seeded.inboundIds[1]!;
    const detail = await call('GET', `/inbox/${bruno}`);
    expect(detail).toMatchObject({ id: bruno, classification: 'auto_reply', prospect: { firstName: 'Bruno' } });
    expect(
      detail.thread.map((m: { direction: string; stepIndex: number; at: string }) => [m.direction, m.stepIndex, m.at]),
    ).toEqual([
      ['outbound', 0, '2026-03-02T09:05:00.000Z'],
      ['outbound', 1, '2026-03-05T09:00:00.000Z'],
      ['inbound', 1, '2026-03-05T12:00:00.000Z'],
    ]);
    expect(detail.thread[0]).toMatchObject({ variantKey: 'B', bodyHtml: '<p>Bonjour, a word about your bakery.</p>' });
    expect(detail.thread[2]).toMatchObject({ bodyText: 'Absent until further notice.', classification: 'auto_reply' });
  });

  it('marks messages handled and back; the handled filter follows', async () => {
    const anne = seeded.inboundIds[0]!;
    const handled = await call('PUT', `/inbox/${anne}/handled`);
    expect(handled.handledAt).toEqual(expect.any(String));
    const again = await call('PUT', `/inbox/${anne}/handled`);
    expect(again.handledAt).toBe(handled.handledAt);
    expect(ids(await call('GET', `/inbox?campaignId=${seeded.campaignId}&handled=true`))).toEqual([anne]);
    expect(ids(await call('GET', `/inbox?campaignId=${seeded.campaignId}&handled=false`))).not.toContain(anne);
    const reopened = await call('DELETE', `/inbox/${anne}/handled`);
    expect(reopened.handledAt).toBeNull();
    expect(ids(await call('GET', `/inbox?campaignId=${seeded.campaignId}&handled=true`))).toEqual([]);
  });

  it('reclassifies by hand: the enrollment follows and the previous class is undone', async () => {
    const chloe = seeded.inboundIds[2]!;
    const enrollmentId = seeded.enrollmentIds[2]!;
    const suppressed = async () =>
      (
        await api.db.pool.query(
          `SELECT 1 FROM outreach_suppressions WHERE organisation_id = $1 AND source_message_id = $2`,
          [a.organisationId, chloe],
        )
      ).rowCount;
    // A soft bounce the operator knows is final: suppression and enrollment bounced.
    const asBounce = await call('POST', `/inbox/${chloe}/classification`, { classification: 'bounce_permanent' });
    expect(asBounce).toMatchObject({ classification: 'bounce_permanent', enrollmentState: 'bounced' });
    expect(await suppressed()).toBe(1);

    const asReply = await call('POST', `/inbox/${chloe}/classification`, {
      classification: 'human_reply',
      note: 'a real answer quoting the bounce',
    });
    expect(asReply).toMatchObject({
      classification: 'human_reply',
      classificationReason: 'Set by an operator: a real answer quoting the bounce',
      enrollmentState: 'replied',
    });
    expect(await suppressed()).toBe(0);
    const { rows } = await api.db.pool.query(`SELECT state FROM outreach_campaign_enrollments WHERE id = $1`, [
      enrollmentId,
    ]);
    expect(rows[0].state).toBe('replied');
    const listed = await call('GET', `/inbox?classification=human_reply&campaignId=${seeded.campaignId}`);
    expect(ids(listed)).toContain(chloe);

    await call('POST', `/inbox/${chloe}/classification`, { classification: 'spam' }, 400);
    await call('POST', `/inbox/${chloe}/classification`, { classification: 'human_reply', extra: 1 }, 400);
    await call('POST', `/inbox/${seeded.enrollmentIds[0]}/classification`, { classification: 'human_reply' }, 404);
  });

  it('refuses outbound messages, unknown ids and other tenants with 404; members may triage', async () => {
    const anne = seeded.inboundIds[0]!;
    const { rows } = await api.db.pool.query(
      `SELECT id FROM outreach_messages WHERE enrollment_id = $1 AND direction = 'outbound'`,
      [seeded.enrollmentIds[0]],
    );
    await call('GET', `/inbox/${rows[0].id}`, undefined, 404);
    await call('PUT', `/inbox/${rows[0].id}/handled`, undefined, 404);
    await call('GET', '/inbox/00000000-0000-4000-8000-000000000000', undefined, 404);
    await call('GET', '/inbox/not-a-uuid', undefined, 404);
    await expectCrossTenantNotFound(api, { token: b.adminToken, organisationId: b.organisationId }, [
      { method: 'GET', path: `/api/v1/inbox/${anne}` },
      { method: 'PUT', path: `/api/v1/inbox/${anne}/handled` },
      { method: 'DELETE', path: `/api/v1/inbox/${anne}/handled` },
      { method: 'POST', path: `/api/v1/inbox/${anne}/classification`, body: { classification: 'auto_reply' } },
    ]);
    const foreign = await api.request('GET', '/api/v1/inbox', {
      token: b.adminToken,
      organisationId: b.organisationId,
    });
    expect(foreign.body.items).toEqual([]);
    const { rows: still } = await api.db.pool.query(`SELECT classification FROM outreach_messages WHERE id = $1`, [
      anne,
    ]);
    expect(still[0].classification).toBe('human_reply');

    const member = await addMemberWithRole(api, a, 'member@inbox-a.example', 'member');
    await call('GET', '/inbox', undefined, 200, member);
    const marked = await call('PUT', `/inbox/${anne}/handled`, undefined, 200, member);
    expect(marked.handledAt).not.toBeNull();
    const me = await api.request('GET', '/api/v1/me', { token: member, organisationId: a.organisationId });
    expect(me.body.permissions).toEqual(expect.arrayContaining(['inbox:read', 'inbox:triage']));
  });
});
