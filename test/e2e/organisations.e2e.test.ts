import { randomBytes, randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, saveScreenshot } from './browser.js';
import { actingOrganisation, sessionCookie, signIn } from './sign-in.js';

describe('organisations: onboarding and switcher', () => {
  const baseUrl = inject('webBaseUrl');
  const suffix = randomBytes(4).toString('hex');
  // Fresh user: the demo admin's memberships (and so its default organisation) stay untouched.
  const founder = `founder-${suffix}@example.com`;
  const zeta = `Zeta ${suffix}`;
  const alpha = `Alpha ${suffix}`;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  async function createOrganisation(name: string) {
    await page.getByTestId('organisation-name-input').fill(name);
    await page.getByTestId('organisation-create').click();
    await page.waitForURL(`${baseUrl}/`);
    await expect.poll(() => actingOrganisation(page), { timeout: 10_000 }).toBe(name);
  }

  beforeAll(async () => {
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('asks an operator without an organisation to create one', async () => {
    await signIn(page, baseUrl, founder);
    expect(new URL(page.url()).pathname).toBe('/onboarding');
    await page.getByTestId('organisation-name-input').fill(zeta);
    expect(await page.getByTestId('organisation-slug-input').inputValue()).toBe(`zeta-${suffix}`);
    await saveScreenshot(page, 'onboarding');
    await createOrganisation(zeta);
    expect((await page.getByTestId('user-role').textContent())?.trim()).toBe('admin');
  });

  it('creates a second organisation from the switcher and acts in it', async () => {
    await page.getByTestId('organisation-switcher').selectOption({ label: 'New organisation…' });
    await page.waitForURL(`${baseUrl}/onboarding`);
    await createOrganisation(alpha);
    const options = await page.locator('[data-testid=organisation-switcher] option').allTextContents();
    expect(options.map((o) => o.trim())).toEqual([alpha, zeta, 'New organisation…']);
  });

  it('switches organisation; the choice lives in the session and survives a reload', async () => {
    await page.goto(`${baseUrl}/settings/api-keys`);
    // The switch reloads the app (every page's data belongs to the organisation).
    // The next `load` event is the reloaded document's (same-document navigations fire none).
    await Promise.all([
      page.waitForEvent('load'),
      page.getByTestId('organisation-switcher').selectOption({ label: zeta }),
    ]);
    expect(await actingOrganisation(page)).toBe(zeta);
    expect(new URL(page.url()).pathname).toBe('/settings/api-keys');
    await page.reload();
    expect(await actingOrganisation(page)).toBe(zeta);
    await saveScreenshot(page, 'organisation-switched');
  });

  it('refuses to switch to an organisation the operator does not belong to', async () => {
    const cookie = `pf_session=${(await sessionCookie(context, baseUrl))!.value}`;
    const response = await fetch(`${baseUrl}/auth/organisation`, {
      method: 'POST',
      headers: { cookie, origin: baseUrl, 'content-type': 'application/json' },
      body: JSON.stringify({ organisationId: randomUUID() }),
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'organisation_not_found' } });
    await page.reload();
    expect(await actingOrganisation(page)).toBe(zeta);
  });
});
