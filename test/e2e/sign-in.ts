import { randomBytes } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';

export const DEMO_EMAIL = 'demo@prospectflow.local';

/** Signs in through the dev login form and waits for the dashboard shell. */
export async function signIn(page: Page, baseUrl: string, email = DEMO_EMAIL): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByTestId('login-email').fill(email);
  await Promise.all([page.waitForURL((url) => url.pathname !== '/login'), page.getByTestId('login-submit').click()]);
}

/**
 * Signs a fresh user in and creates an organisation of its own through onboarding: a test that
 * adds prospects or campaigns there never changes the counts other test files see in the demo org.
 */
export async function signInToNewOrganisation(page: Page, baseUrl: string, name: string): Promise<void> {
  await signIn(page, baseUrl, `owner-${randomBytes(4).toString('hex')}@example.com`);
  await page.waitForURL(`${baseUrl}/onboarding`);
  await page.getByTestId('organisation-name-input').fill(name);
  await Promise.all([page.waitForURL(`${baseUrl}/`), page.getByTestId('organisation-create').click()]);
}

/** The value of the session cookie held by the browser (read through the context, not the page). */
export async function sessionCookie(context: BrowserContext, baseUrl: string) {
  const cookies = await context.cookies(baseUrl);
  return cookies.find((cookie) => cookie.name === 'pf_session');
}

/** Text of the selected option of the organisation switcher. */
export async function actingOrganisation(page: Page): Promise<string | undefined> {
  return (await page.locator('[data-testid=organisation-switcher] option:checked').textContent())?.trim();
}
