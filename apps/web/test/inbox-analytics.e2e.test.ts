import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPool, type Pool } from '@prospectflow/db';
import { pollUntil } from '@prospectflow/testing';
import { launchBrowser, saveScreenshot } from '../../../test/e2e/browser.js';
import { signInToNewOrganisation } from '../../../test/e2e/sign-in.js';
import { seedAbCampaign, type ProspectPlan, type SeededCampaign } from '../../api/test/support/analytics-fixtures.js';

const CAMPAIGN = `E2E A/B ${randomBytes(3).toString('hex')}`;
const sentAt = '2026-03-02T09:00:00Z';
const answer = (classification: 'human_reply' | 'auto_reply' | 'bounce_permanent', minutes: number, body: string) => ({
  classification,
  at: new Date(Date.parse(sentAt) + minutes * 60_000).toISOString(),
  body,
  reason: classification === 'auto_reply' ? 'Auto-Submitted: auto-replied' : undefined,
});

/**
 * Variant A: 40 sent, 2 replies, 1 out-of-office (a reply in fact: reclassified in the test), 1 hard
 * bounce. Variant B: 40 sent, 14 replies. After the reclassification A has 3 replies over 39
 * delivered (7.7 %) and B 14 over 40 (35 %).
 */
const PLANS: ProspectPlan[] = [
  ...Array.from({ length: 40 }, (_, n) => ({
    firstName: n === 2 ? 'Odile' : `Anna${n}`,
    variant: 'A',
    steps: [
      {
        sentAt,
        answer:
          n < 2
            ? answer('human_reply', 60 + n, 'Volontiers, appelez-moi.')
            : n === 2
              ? answer('auto_reply', 90, "Je suis absente jusqu'au 12 mars. Sinon oui, intéressée !")
              : n === 3
                ? answer('bounce_permanent', 1, 'Delivery to the following recipient failed permanently.')
                : undefined,
      },
    ],
  })),
  ...Array.from({ length: 40 }, (_, n) => ({
    firstName: `Bea${n}`,
    variant: 'B',
    steps: [{ sentAt, answer: n < 14 ? answer('human_reply', 30 + n, 'Oui, parlons-en.') : undefined }],
  })),
];

describe('inbox and campaign analytics in the dashboard', () => {
  const baseUrl = inject('webBaseUrl');
  let pool: Pool;
  let browser: Browser;
  let page: Page;
  let seeded: SeededCampaign;

  const goto = async (path: string) => {
    await page.goto(`${baseUrl}${path}`);
    await page.waitForLoadState('networkidle');
  };
  const items = () => page.getByTestId('inbox-item');

  beforeAll(async () => {
    pool = createPool({ connectionString: inject('webEnv').DATABASE_URL!, max: 2, applicationName: 'inbox-e2e' });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const organisation = `Inbox E2E ${randomBytes(4).toString('hex')}`;
    await signInToNewOrganisation(page, baseUrl, organisation);
    const { rows } = await pool.query(`SELECT id FROM iam_organisations WHERE name = $1`, [organisation]);
    seeded = await seedAbCampaign(pool, rows[0].id, PLANS, { name: CAMPAIGN });
  });

  afterAll(async () => {
    await browser?.close();
    await pool?.end();
  });

  it('lists the replies of the campaign with their class and reason, filtered by class', async () => {
    await goto('/inbox');
    await page.getByTestId('inbox-filter-campaign').selectOption({ label: CAMPAIGN });
    await pollUntil(async () => (await items().count()) === 18, { what: 'the 18 inbound messages' });
    const classes = await page
      .getByTestId('inbox-list')
      .getByTestId('inbox-class')
      .evaluateAll((badges) => badges.map((b) => b.getAttribute('data-class')));
    expect(classes.filter((c) => c === 'human_reply')).toHaveLength(16);
    expect(classes).toEqual(expect.arrayContaining(['auto_reply', 'bounce_permanent']));

    await page.getByTestId('inbox-filter-class').selectOption('auto_reply');
    await pollUntil(async () => (await items().count()) === 1, { what: 'the out-of-office only' });
    expect(await items().first().textContent()).toContain('Odile');
    expect(await items().first().getByTestId('inbox-reason').textContent()).toBe('Auto-Submitted: auto-replied');
  });

  it('shows the thread and reclassifies the out-of-office as a reply; the enrollment follows', async () => {
    await items().first().click();
    const thread = page.getByTestId('inbox-thread');
    await thread.getByTestId('inbox-triage').waitFor();
    const directions = await thread
      .getByTestId('thread-message')
      .evaluateAll((messages) => messages.map((m) => m.getAttribute('data-direction')));
    expect(directions).toEqual(['outbound', 'inbound']);
    const reply = thread.frameLocator('[data-testid=email-frame]').nth(1).locator('body');
    expect(await reply.textContent()).toContain('intéressée');
    expect(await thread.textContent()).toContain('enrollment active');

    await thread.getByTestId('inbox-reclassify-select').selectOption('human_reply');
    await thread.getByTestId('inbox-reclassify-note').fill('interested despite the absence');
    await thread.getByTestId('inbox-reclassify').click();
    await pollUntil(async () => (await thread.textContent())?.includes('enrollment replied'), {
      what: 'the enrollment replied',
    });
    expect(await thread.getByTestId('inbox-thread-reason').textContent()).toContain(
      'Set by an operator: interested despite the absence',
    );
    expect(await items().first().getByTestId('inbox-class').getAttribute('data-class')).toBe('human_reply');
    await saveScreenshot(page, 'inbox');

    await thread.getByTestId('inbox-handled').click();
    await pollUntil(async () => (await thread.getByTestId('inbox-handled').textContent())?.includes('not handled'), {
      what: 'the handled state',
    });
    await page.getByTestId('inbox-filter-class').selectOption('');
    await page.getByTestId('inbox-filter-handled').selectOption('true');
    // The list refreshes after each filter change: wait for the final one, not an intermediate list.
    await pollUntil(
      async () => (await items().count()) === 1 && (await items().first().textContent())?.includes('Odile'),
      { what: 'the handled message alone' },
    );
  });

  it('shows the funnel and the A/B verdict on the analytics page', async () => {
    await goto(`/campaigns/${seeded.campaignId}`);
    await page.getByTestId('campaign-analytics').click();
    await page.waitForURL(`${baseUrl}/analytics/${seeded.campaignId}`);
    await page.getByTestId('analytics-funnel').waitFor();
    const cell = (row: string, col: string) =>
      page.locator(`[data-testid=funnel-row][data-key="${row}"] [data-col=${col}]`).textContent();
    expect((await cell('campaign', 'enrolled'))?.trim()).toBe('80');
    expect((await cell('campaign', 'sent'))?.trim()).toBe('80');
    expect(await cell('campaign', 'delivered')).toMatch(/^\s*79\s/);
    expect(await cell('campaign', 'replied')).toMatch(/^\s*17\s/);
    expect(await cell('step-0-A', 'replied')).toMatch(/^\s*3\s+7\.7 %/);
    expect(await cell('step-0-B', 'replied')).toMatch(/^\s*14\s+35\.0 %/);

    const verdict = page.locator('[data-testid=ab-verdict][data-metric=reply]');
    expect(await verdict.getAttribute('data-verdict')).toBe('likely_better');
    expect(await verdict.getByTestId('ab-summary').textContent()).toMatch(
      /^B leads A by 27\.3 points \(95 % CI \d+\.\d to \d+\.\d\): likely better$/,
    );
    await page.getByTestId('analytics-daily').locator('canvas').waitFor();
    await saveScreenshot(page, 'campaign-analytics');
  });
});
