import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pollUntil, pharowItems } from '@prospectflow/testing';
import { launchBrowser, saveScreenshot } from '../../../test/e2e/browser.js';
import { signInToNewOrganisation } from '../../../test/e2e/sign-in.js';

const suffix = randomBytes(3).toString('hex');
const LIST = `E2E campaign ${suffix}`;
const CAMPAIGN = `E2E sequence ${suffix}`;
const MAILBOX_EMAIL = `sales.${suffix}@prospectflow.test`;
/** Two prospects of a list of their own, pushed through the operator ingest route. */
const PEOPLE = [
  { first: 'Camille', last: `Arnaud${suffix}`, email: `camille.${suffix}@enroll.example` },
  { first: 'Bastien', last: `Morel${suffix}`, email: `bastien.${suffix}@enroll.example` },
];

interface Received {
  to: string[];
  raw: string;
}

/** A local SMTP server (no TLS, no auth) keeping every accepted message as raw text. */
async function startSmtpCatcher() {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString() });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return { received, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Quoted-printable soft line breaks and `=XX` escapes removed, so body words can be searched. */
const decoded = (raw: string) =>
  raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

describe('campaign dashboard: mailbox, two-step sequence, enrollment, approval, sending', () => {
  const baseUrl = inject('webBaseUrl');
  let browser: Browser;
  let page: Page;
  let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
  let campaignUrl: string;

  const goto = async (path: string) => {
    await page.goto(`${baseUrl}${path}`);
    await page.waitForLoadState('networkidle');
  };

  beforeAll(async () => {
    smtp = await startSmtpCatcher();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await signInToNewOrganisation(page, baseUrl, `Campaigns E2E ${suffix}`);
    const data = PEOPLE.map((person, n) => ({
      ...pharowItems(1, { seed: n + 7, prefix: `e2e${suffix}${n}` })[0]!,
      pharowListName: LIST,
      personFirstName: person.first,
      personLastName: person.last,
      positionEmail: person.email,
      positionEmailStatus: 'valid',
    }));
    const ingest = await page.request.post(`${baseUrl}/api/v1/ingest`, {
      headers: { origin: baseUrl },
      data: { data },
    });
    expect(ingest.status()).toBe(201);
  });

  afterAll(async () => {
    await browser?.close();
    await smtp?.close();
  });

  it('adds a mailbox on the local SMTP server; the test email arrives and marks it verified', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Mailboxes' }).click();
    await page.waitForURL(`${baseUrl}/settings/mailboxes`);
    await page.waitForLoadState('networkidle');
    await page.getByTestId('mailbox-new').click();
    await page.getByTestId('mailbox-from-name').fill('Sales team');
    await page.getByTestId('mailbox-from-email').fill(MAILBOX_EMAIL);
    await page.getByTestId('mailbox-host').fill('127.0.0.1');
    await page.getByTestId('mailbox-port').fill(String(smtp.port));
    await page.getByTestId('mailbox-password').fill('not-a-real-secret');
    await page.getByTestId('mailbox-min-gap').fill('0');
    await page.getByTestId('mailbox-save').click();

    const card = page.locator(`[data-testid=mailbox-card][data-email="${MAILBOX_EMAIL}"]`);
    await card.waitFor();
    expect(await card.getByTestId('mailbox-verified').textContent()).toContain('not verified');
    await card.getByTestId('mailbox-edit').click();
    // Write-only: the stored password is never sent back to the page.
    expect(await page.getByTestId('mailbox-password').inputValue()).toBe('');
    expect(await page.getByTestId('mailbox-password').getAttribute('placeholder')).toContain('Stored');
    await page.getByRole('button', { name: 'Cancel' }).click();

    await card.getByTestId('mailbox-test-to').fill('ops@prospectflow.test');
    await card.getByTestId('mailbox-test').click();
    await card.getByTestId('mailbox-test-sent').waitFor();
    expect(await card.getByTestId('mailbox-verified').textContent()).toBe('verified');
    await pollUntil(() => smtp.received.some((m) => m.to.includes('ops@prospectflow.test')), {
      what: 'the test email',
    });
    await saveScreenshot(page, 'campaigns-mailboxes');

    expect(await card.getByTestId('mailbox-imap-status').textContent()).toContain('IMAP polling off');
    // The inbound webhook secret: generated after a confirmation, shown once, gone once dismissed.
    await card.getByTestId('mailbox-inbound-generate').click();
    expect(await card.getByTestId('mailbox-inbound-secret').textContent()).toMatch(/^pfin_[\w-]{43}$/);
    await card.getByTestId('mailbox-inbound-dismiss').click();
    expect(await card.getByTestId('mailbox-inbound-secret').count()).toBe(0);
    // A second secret replaces the first: asked for first.
    await card.getByTestId('mailbox-inbound-generate').click();
    await card.getByTestId('mailbox-inbound-confirm').click();
    expect(await card.getByTestId('mailbox-inbound-secret').textContent()).toMatch(/^pfin_[\w-]{43}$/);
    await card.getByTestId('mailbox-inbound-dismiss').click();
  });

  it('creates a campaign; starting it too early lists what is missing', async () => {
    await goto('/campaigns');
    await page.getByTestId('campaign-name').fill(CAMPAIGN);
    await page.getByTestId('campaign-create').click();
    await page.waitForURL(/\/campaigns\/[0-9a-f-]{36}$/);
    campaignUrl = page.url();
    expect(await page.getByTestId('campaign-title').textContent()).toBe(CAMPAIGN);
    expect(await page.getByTestId('campaign-status').textContent()).toContain('draft');

    await page.getByTestId('campaign-start').click();
    const blockers = page.getByTestId('campaign-blockers');
    await blockers.waitFor();
    const codes = await blockers.locator('li').evaluateAll((items) => items.map((li) => li.getAttribute('data-code')));
    expect(codes).toEqual(expect.arrayContaining(['mailbox_missing', 'no_enabled_step']));
  });

  it('sets the mailbox, an always-open window and approval, then builds two template steps', async () => {
    // A refused field is named under the field itself.
    await page.getByTestId('settings-timezone').fill('Mars/Olympus_Mons');
    await page.getByTestId('settings-save').click();
    const timezoneError = page.locator('#settings-timezone-error');
    await timezoneError.waitFor();
    expect(await timezoneError.textContent()).toContain('Unknown IANA time zone');
    expect(await page.getByTestId('settings-timezone').getAttribute('aria-describedby')).toBe(
      'settings-timezone-error',
    );
    await page.getByTestId('settings-timezone').fill('Europe/Paris');
    await page.getByTestId('settings-mailbox').selectOption({ label: `Sales team <${MAILBOX_EMAIL}>` });
    for (const day of [1, 2, 3, 4, 5, 6, 7]) await page.getByTestId(`settings-day-${day}`).check();
    await page.getByTestId('settings-start-hour').selectOption('0');
    await page.getByTestId('settings-end-hour').selectOption('24');
    await page.getByTestId('settings-require-approval').check();
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-saved').waitFor();

    const steps = [
      {
        subject: 'Hello {{person.firstName | "there"}}',
        body: 'Bonjour {{person.firstName}},\n\nA word about {{company.name}}.',
      },
      { subject: 'Following up, {{person.firstName}}', body: 'Any news, {{person.firstName | "Bonjour"}}?' },
    ];
    for (const [index, step] of steps.entries()) {
      await page.getByTestId('step-add').click();
      await page.locator('[data-testid=step-card]').nth(index).waitFor();
      await page.getByTestId(`step-${index}-subject`).fill(step.subject);
      await page.getByTestId(`step-${index}-body`).fill(step.body);
      if (index > 0) await page.getByTestId(`step-${index}-delay`).fill('2');
      await page.getByTestId(`step-${index}-save`).click();
      await page.getByTestId(`step-${index}-saved`).waitFor();
    }

    await page.getByTestId('preview-search').fill(PEOPLE[0]!.last);
    await page.getByTestId('preview-find').click();
    await page.getByTestId('preview-prospect').waitFor();
    await page.getByTestId('preview-render').click();
    await page.getByTestId('preview-result').waitFor();
    expect(await page.getByTestId('preview-subject').textContent()).toBe(`Hello ${PEOPLE[0]!.first}`);
    const previewBody = page.frameLocator('[data-testid=step-preview] iframe').locator('body');
    expect(await previewBody.textContent()).toContain(`Bonjour ${PEOPLE[0]!.first},`);

    await page.getByTestId('campaign-start').click();
    await pollUntil(
      async () => (await page.getByTestId('campaign-status').first().textContent())?.includes('running'),
      {
        what: 'the running status',
      },
    );
    await saveScreenshot(page, 'campaigns-builder');
  });

  it('enrolls the two prospects from the Prospects page selection', async () => {
    await goto(`/prospects?list=${encodeURIComponent(LIST)}`);
    await pollUntil(async () => (await page.getByTestId('prospect-row').count()) === 2, { what: 'two prospects' });
    await page.getByTestId('select-all').check();
    await page.getByTestId('bulk-enroll').click();
    await page.getByTestId('enroll-campaign').selectOption({ label: `${CAMPAIGN} (running)` });
    await page.getByTestId('enroll-submit').click();
    await page.getByTestId('enroll-result').waitFor();
    expect(await page.getByTestId('enroll-enrolled').textContent()).toBe('2');

    await page.getByTestId('enroll-submit').click();
    await page.getByTestId('enroll-skipped-alreadyEnrolled').waitFor();
    expect(await page.getByTestId('enroll-enrolled').textContent()).toBe('0');
    expect(await page.getByTestId('enroll-skipped-alreadyEnrolled').textContent()).toContain('2 skipped');
  });

  it('shows the two drafts for review, approves them together, and follows a message to "sent"', async () => {
    const campaignId = campaignUrl.split('/').pop()!;
    await goto(`/drafts?campaignId=${campaignId}`);
    const cards = page.getByTestId('draft-card');
    await pollUntil(
      async () => {
        if ((await cards.count()) === 2) return true;
        await page.getByTestId('drafts-refresh').click();
        await page.waitForLoadState('networkidle');
        return false;
      },
      { timeoutMs: 45_000, intervalMs: 500, what: 'two drafts in the review queue' },
    );
    const first = page.locator(`[data-testid=draft-card][data-to="${PEOPLE[0]!.email}"]`);
    expect(await first.getByTestId('draft-subject').textContent()).toBe(`Hello ${PEOPLE[0]!.first}`);
    expect(await first.getByTestId('draft-body').textContent()).toContain(`Bonjour ${PEOPLE[0]!.first},`);
    await saveScreenshot(page, 'campaigns-drafts');

    await page.getByTestId('drafts-select-all').click();
    await page.getByTestId('drafts-approve-selected').click();
    expect(await page.getByTestId('drafts-notice').textContent()).toContain('2 approved');

    await first.getByTestId('draft-view').click();
    await page.waitForURL(/\/messages\/[0-9a-f-]{36}$/);
    await page.getByTestId('message-status').waitFor();
    await pollUntil(async () => (await page.getByTestId('message-status').textContent())?.trim() === 'sent', {
      timeoutMs: 45_000,
      intervalMs: 250,
      what: 'the message status "sent"',
    });
    const history = await page
      .getByTestId('message-event')
      .evaluateAll((items) => items.map((li) => li.getAttribute('data-status')));
    expect(history).toEqual(['draft', 'approved', 'sent']);
    expect(await page.getByTestId('message-headers').textContent()).toContain('Message-ID');
    expect(await page.getByTestId('email-frame').getAttribute('sandbox')).toBe('');
    await saveScreenshot(page, 'campaigns-message');

    const emails = await pollUntil(
      () => {
        const mine = smtp.received.filter((m) => PEOPLE.some((p) => m.to.includes(p.email)));
        return mine.length >= 2 ? mine : undefined;
      },
      { timeoutMs: 45_000, what: 'the two campaign emails' },
    );
    expect(emails).toHaveLength(2);
    for (const person of PEOPLE) {
      const email = emails.find((m) => m.to.includes(person.email))!;
      expect(email.raw).toContain(`Subject: Hello ${person.first}`);
      expect(decoded(email.raw)).toContain(`Bonjour ${person.first},`);
    }

    await page.goto(campaignUrl);
    await pollUntil(
      async () => {
        await page.getByTestId('campaign-refresh').click();
        await page.waitForLoadState('networkidle');
        return (await page.getByTestId('counter-sent').locator('dd').textContent()) === '2';
      },
      { timeoutMs: 30_000, intervalMs: 500, what: 'two sent in the counters' },
    );
    expect(await page.getByTestId('enrollment-row').count()).toBe(2);
  }, 180_000);

  it('writes a prompt and saves a second version; an A/B test on step 2 shows its weights', async () => {
    await goto('/campaigns/prompts');
    await page.getByTestId('prompt-new').click();
    await page.getByTestId('prompt-name').fill(`Intro ${suffix}`);
    await page
      .getByTestId('prompt-user')
      .fill('Write two lines to {{person.firstName | "the owner"}} of {{company.name}}.');
    await page.getByTestId('prompt-create').click();
    await page.getByTestId('prompt-editor').waitFor();
    expect(await page.getByTestId('prompt-version').textContent()).toBe('v1');
    await page.getByTestId('prompt-edit-user').fill('Write three lines to {{person.firstName}}.');
    await page.getByTestId('prompt-save').click();
    await pollUntil(async () => (await page.getByTestId('prompt-version').textContent()) === 'v2', {
      what: 'version 2',
    });
    expect(await page.getByTestId('prompt-history').locator('li').count()).toBe(2);

    await page.goto(campaignUrl);
    await page.waitForLoadState('networkidle');
    await page.getByTestId('step-1-experiments').locator('summary').click();
    await page.getByTestId('step-1-experiment-new').click();
    const form = page.getByTestId('step-1-experiment-form');
    await page.getByTestId('step-1-v0-weight').fill('3');
    for (const index of [0, 1]) {
      await page.getByTestId(`step-1-v${index}-subject`).fill(`Variant ${index} for {{person.firstName}}`);
      await page.getByTestId(`step-1-v${index}-body`).fill(`Body ${index}`);
    }
    expect(await form.textContent()).toContain('75 % of enrollments');
    await page.getByTestId('step-1-experiment-save').click();
    const experiments = page.getByTestId('step-1-experiments');
    await experiments.locator('table').waitFor();
    expect(await experiments.locator('tbody tr').allTextContents()).toEqual([
      expect.stringMatching(/^A\s*3\s*75 %/),
      expect.stringMatching(/^B\s*1\s*25 %/),
    ]);
    await saveScreenshot(page, 'campaigns-ab-test');
  });
});
