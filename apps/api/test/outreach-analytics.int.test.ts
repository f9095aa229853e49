import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './support/api-harness.js';
import { seedAbCampaign, type ProspectPlan } from './support/analytics-fixtures.js';
import { outreachClient } from './support/outreach-fixtures.js';
import { addMemberWithRole, createTenant, expectCrossTenantNotFound, type TenantFixture } from './support/tenants.js';

/**
 * Hand-counted data set (Europe/Paris, UTC+1 in early March 2026):
 * step 0 runs A/B; step 1 is reached by prospects 2 and 8; prospect 9 never got an email.
 */
const PLANS: ProspectPlan[] = [
  // 1 A: opened twice (counts once), human reply at 23:30 UTC = 00:30 the next day in Paris.
  {
    variant: 'A',
    steps: [
      {
        sentAt: '2026-03-02T09:00:00Z',
        humanOpens: 2,
        firstOpenedAt: '2026-03-02T10:00:00Z',
        answer: { classification: 'human_reply', at: '2026-03-02T23:30:00Z' },
      },
    ],
  },
  // 2 A: machine opens only (not opened); step 1 opened, answered by an out-of-office (not a reply).
  {
    variant: 'A',
    steps: [
      { sentAt: '2026-03-02T09:05:00Z', machineOpens: 3 },
      {
        sentAt: '2026-03-05T09:00:00Z',
        humanOpens: 1,
        firstOpenedAt: '2026-03-05T12:00:00Z',
        answer: { classification: 'auto_reply', at: '2026-03-05T12:05:00Z' },
      },
    ],
  },
  // 3 A: hard bounce (sent, not delivered).
  {
    variant: 'A',
    steps: [
      { sentAt: '2026-03-02T09:10:00Z', answer: { classification: 'bounce_permanent', at: '2026-03-02T09:11:00Z' } },
    ],
  },
  // 4 B: one human and one machine open, human reply.
  {
    variant: 'B',
    steps: [
      {
        sentAt: '2026-03-02T09:00:00Z',
        humanOpens: 1,
        machineOpens: 1,
        firstOpenedAt: '2026-03-02T11:00:00Z',
        answer: { classification: 'human_reply', at: '2026-03-03T08:00:00Z' },
      },
    ],
  },
  // 5 B: opened, unsubscribed by the link.
  {
    variant: 'B',
    steps: [
      {
        sentAt: '2026-03-02T09:20:00Z',
        humanOpens: 1,
        firstOpenedAt: '2026-03-02T15:00:00Z',
        unsubscribedByLink: true,
      },
    ],
  },
  // 6 B: asked to unsubscribe by reply.
  {
    variant: 'B',
    steps: [
      {
        sentAt: '2026-03-03T10:00:00Z',
        answer: { classification: 'unsubscribe_request', at: '2026-03-03T11:00:00Z' },
      },
    ],
  },
  // 7 B: drafted, never sent (reached the step, counts as enrolled there, not as sent).
  { variant: 'B', steps: [{ status: 'draft' }] },
  // 8 A: soft bounce (still delivered); step 1 replied.
  {
    variant: 'A',
    steps: [
      { sentAt: '2026-03-03T10:00:00Z', answer: { classification: 'bounce_temporary', at: '2026-03-04T10:00:00Z' } },
      { sentAt: '2026-03-06T09:00:00Z', answer: { classification: 'human_reply', at: '2026-03-06T10:00:00Z' } },
    ],
  },
  // 9: enrolled, nothing drafted yet.
  { steps: [] },
];

const counts = (f: Record<string, unknown>) => {
  const { rates: _rates, ...rest } = f;
  return rest;
};

describe('campaign analytics API', () => {
  let api: ApiHarness;
  let a: TenantFixture;
  let b: TenantFixture;
  let call: ReturnType<typeof outreachClient>;

  beforeAll(async () => {
    api = await startApi();
    a = await createTenant(api, 'analytics-a');
    b = await createTenant(api, 'analytics-b');
    call = outreachClient(api, a);
  });
  afterAll(async () => {
    await api.close();
  });

  it('counts the funnel per campaign, step and variant as hand-counted', async () => {
    const seeded = await seedAbCampaign(api.db.pool, a.organisationId, PLANS, { name: 'Hand counted' });
    const body = await call('GET', `/campaigns/${seeded.campaignId}/analytics`);
    expect(body).toMatchObject({
      campaignId: seeded.campaignId,
      campaignName: 'Hand counted',
      timezone: 'Europe/Paris',
    });
    expect(counts(body.totals)).toEqual({
      enrolled: 9,
      sent: 9,
      delivered: 8,
      opened: 4,
      replied: 3,
      bounced: 1,
      unsubscribed: 2,
    });
    expect(body.totals.rates).toEqual({ delivery: 8 / 9, open: 0.5, reply: 3 / 8, bounce: 1 / 9, unsubscribe: 0.25 });

    const [step0, step1] = body.steps;
    expect(step0.stepIndex).toBe(0);
    expect(counts(step0.funnel)).toEqual({
      enrolled: 8,
      sent: 7,
      delivered: 6,
      opened: 3,
      replied: 2,
      bounced: 1,
      unsubscribed: 2,
    });
    expect(counts(step1.funnel)).toEqual({
      enrolled: 2,
      sent: 2,
      delivered: 2,
      opened: 1,
      replied: 1,
      bounced: 0,
      unsubscribed: 0,
    });
    expect(step1.experiments).toEqual([]);

    const [experiment] = step0.experiments;
    expect(experiment).toMatchObject({ experimentId: seeded.experimentId, name: 'Subject line', status: 'running' });
    const variants = Object.fromEntries(
      experiment.variants.map((v: { key: string; funnel: Record<string, unknown> }) => [v.key, counts(v.funnel)]),
    );
    expect(variants).toEqual({
      A: { enrolled: 4, sent: 4, delivered: 3, opened: 1, replied: 1, bounced: 1, unsubscribed: 0 },
      B: { enrolled: 4, sent: 3, delivered: 3, opened: 2, replied: 1, bounced: 0, unsubscribed: 2 },
    });
  });

  it('draws the daily series in the campaign timezone, empty days included', async () => {
    const seeded = await seedAbCampaign(api.db.pool, a.organisationId, PLANS);
    const { daily } = await call('GET', `/campaigns/${seeded.campaignId}/analytics`);
    expect(daily).toEqual([
      { date: '2026-03-02', sent: 5, opened: 3, replied: 0 },
      { date: '2026-03-03', sent: 2, opened: 0, replied: 2 },
      { date: '2026-03-04', sent: 0, opened: 0, replied: 0 },
      { date: '2026-03-05', sent: 1, opened: 1, replied: 0 },
      { date: '2026-03-06', sent: 1, opened: 0, replied: 1 },
    ]);
    const utc = await seedAbCampaign(api.db.pool, a.organisationId, PLANS, { timezone: 'UTC' });
    const inUtc = await call('GET', `/campaigns/${utc.campaignId}/analytics`);
    // The reply at 23:30 UTC stays on March 2 in UTC.
    expect(inUtc.daily[0]).toEqual({ date: '2026-03-02', sent: 5, opened: 3, replied: 1 });
  });

  it('compares the variants: too few sends on the small set, a clear winner on a large one', async () => {
    const small = await seedAbCampaign(api.db.pool, a.organisationId, PLANS);
    const smallBody = await call('GET', `/campaigns/${small.campaignId}/analytics`);
    const comparisons = smallBody.steps[0].experiments[0].comparisons;
    expect(comparisons.map((c: { metric: string }) => c.metric)).toEqual(['reply', 'open']);
    expect(comparisons[0]).toMatchObject({
      baselineKey: 'A',
      challengerKey: 'B',
      baselineRate: 1 / 3,
      challengerRate: 1 / 3,
      differencePoints: 0,
      verdict: 'too_few',
    });
    expect(comparisons[0].neededPerVariant).toBeGreaterThan(30);
    expect(comparisons[0].summary).toMatch(/^too few sends to tell: need about \d+ per variant/);

    const sentAt = '2026-03-02T09:00:00Z';
    const reply = { classification: 'human_reply' as const, at: '2026-03-02T12:00:00Z' };
    const plans: ProspectPlan[] = [
      ...Array.from({ length: 40 }, (_, n) => ({
        variant: 'A',
        steps: [{ sentAt, answer: n < 2 ? reply : undefined }],
      })),
      ...Array.from({ length: 40 }, (_, n) => ({
        variant: 'B',
        steps: [{ sentAt, answer: n < 14 ? reply : undefined }],
      })),
    ];
    const large = await seedAbCampaign(api.db.pool, a.organisationId, plans);
    const [replyRate] = (await call('GET', `/campaigns/${large.campaignId}/analytics`)).steps[0].experiments[0]
      .comparisons;
    expect(replyRate).toMatchObject({ metric: 'reply', differencePoints: 30, verdict: 'likely_better' });
    expect(replyRate.ciLowPoints).toBeGreaterThan(0);
    expect(replyRate.summary).toMatch(/^B leads A by 30\.0 points \(95 % CI \d+\.\d to \d+\.\d\): likely better$/);
  });

  it('answers 404 for unknown or foreign campaigns and lets members read', async () => {
    const seeded = await seedAbCampaign(api.db.pool, a.organisationId, PLANS.slice(0, 2));
    await call('GET', '/campaigns/00000000-0000-4000-8000-000000000000/analytics', undefined, 404);
    await call('GET', '/campaigns/not-a-uuid/analytics', undefined, 404);
    await expectCrossTenantNotFound(api, { token: b.adminToken, organisationId: b.organisationId }, [
      { method: 'GET', path: `/api/v1/campaigns/${seeded.campaignId}/analytics` },
    ]);
    const member = await addMemberWithRole(api, a, 'viewer@analytics-a.example', 'member');
    const body = await call('GET', `/campaigns/${seeded.campaignId}/analytics`, undefined, 200, member);
    expect(body.totals.sent).toBe(3);
  });

  it('answers zeros and null rates for a campaign without sends', async () => {
    const seeded = await seedAbCampaign(api.db.pool, a.organisationId, []);
    const body = await call('GET', `/campaigns/${seeded.campaignId}/analytics`);
    expect(body.totals).toMatchObject({ enrolled: 0, sent: 0, rates: { delivery: null, reply: null } });
    expect(body.daily).toEqual([]);
    expect(body.steps).toHaveLength(2);
  });
});
