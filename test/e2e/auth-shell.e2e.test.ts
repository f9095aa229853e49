import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, saveScreenshot } from './browser.js';
import { DEMO_EMAIL, actingOrganisation, sessionCookie, signIn } from './sign-in.js';
import { ROOT_DIR } from './web-app.js';

const JWT = /eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/;

describe('sign-in, session and dashboard shell', () => {
  const baseUrl = inject('webBaseUrl');
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const secrets: string[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('sends a visitor without a session to the login page', async () => {
    const anonymous = await browser.newPage();
    await anonymous.goto(`${baseUrl}/`);
    expect(new URL(anonymous.url()).pathname).toBe('/login');
    await anonymous.goto(`${baseUrl}/settings/api-keys`);
    expect(anonymous.url()).toBe(`${baseUrl}/login?next=/settings/api-keys`);
    await anonymous.getByTestId('dev-login-form').waitFor();
    await anonymous.close();
  });

  it('signs in with the dev form and shows the shell of the demo organisation', async () => {
    await signIn(page, baseUrl);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await actingOrganisation(page)).toBe('Demo Prospection');
    expect(await page.getByTestId('user-email').textContent()).toBe(DEMO_EMAIL);
    expect((await page.getByTestId('user-role').textContent())?.trim()).toBe('admin');
    await saveScreenshot(page, 'shell-home');
  });

  it('keeps the session in an httpOnly cookie and no token in the page', async () => {
    const cookie = await sessionCookie(context, baseUrl);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    // String expressions: the test project is typed without the DOM library.
    expect(await page.evaluate<string>('document.cookie')).not.toContain('pf_session');
    expect(await page.content()).not.toMatch(JWT);
    const payload = await page.evaluate<string>('JSON.stringify(window.__NUXT__ ?? {})');
    expect(payload).not.toMatch(JWT);
    expect(payload).not.toContain(cookie!.value);
  });

  it('creates an API key, shows it once with a copy button, then revokes it', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).click();
    await page.waitForURL(`${baseUrl}/settings/api-keys`);
    const name = `e2e key ${Date.now()}`;
    await page.getByTestId('api-key-name').fill(name);
    await page.getByTestId('api-key-scope-prospects:read').check();
    await page.getByTestId('api-key-create').click();

    const shown = page.getByTestId('new-api-key-value');
    await shown.waitFor();
    const plainKey = (await shown.textContent())?.trim() ?? '';
    expect(plainKey).toMatch(/^pf_[\w-]{43}$/);
    secrets.push(plainKey);
    await page.getByTestId('copy-api-key').click();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(plainKey);
    await saveScreenshot(page, 'api-key-created');

    const row = page.locator(`[data-testid=api-key-row][data-key-name="${name}"]`);
    expect(plainKey.startsWith((await row.getByTestId('api-key-prefix').textContent())!.replace('…', ''))).toBe(true);
    expect(await row.textContent()).toContain('ingest:write');
    expect(await row.textContent()).toContain('prospects:read');
    expect((await row.getByTestId('api-key-status').textContent())?.trim()).toBe('active');

    await page.getByTestId('dismiss-api-key').click();
    await page.getByTestId('new-api-key-panel').waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(plainKey);
    await page.reload();
    await row.waitFor();
    expect(await page.content()).not.toContain(plainKey);

    await row.getByTestId('api-key-revoke').click();
    await row.getByTestId('api-key-revoke-confirm').click();
    await row.locator('[data-testid=api-key-status]', { hasText: 'revoked' }).waitFor();
    expect(await row.getByTestId('api-key-revoke').count()).toBe(0);
    await saveScreenshot(page, 'api-key-revoked');
    await page.reload();
    expect((await row.getByTestId('api-key-status').textContent())?.trim()).toBe('revoked');
  });

  it('refuses cross-origin writes to the proxy, and calls without a session', async () => {
    const cookie = `pf_session=${(await sessionCookie(context, baseUrl))!.value}`;
    const create = (headers: Record<string, string>) =>
      fetch(`${baseUrl}/api/v1/api-keys`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, ...headers },
        body: JSON.stringify({ name: 'csrf', scopes: ['ingest:write'] }),
      });
    const foreign: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { referer: 'https://evil.example/page' },
      {},
    ];
    for (const headers of foreign) {
      const refused = await create(headers);
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ error: { code: 'cross_origin_request' } });
    }
    const anonymous = await fetch(`${baseUrl}/api/v1/me`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: 'unauthenticated' } });
    const authenticated = await fetch(`${baseUrl}/api/v1/me`, { headers: { cookie } });
    expect(authenticated.status).toBe(200);
    expect(authenticated.headers.get('ratelimit-limit')).toBeTruthy();
  });

  it('signs out: back to the login page, and the old cookie no longer works', async () => {
    const oldCookie = `pf_session=${(await sessionCookie(context, baseUrl))!.value}`;
    secrets.push(oldCookie.slice('pf_session='.length));
    await Promise.all([page.waitForURL(`${baseUrl}/login`), page.getByTestId('logout').click()]);
    expect(await sessionCookie(context, baseUrl)).toBeUndefined();
    const replayed = await fetch(`${baseUrl}/api/v1/me`, { headers: { cookie: oldCookie } });
    expect(replayed.status).toBe(401);
    const page2 = await fetch(`${baseUrl}/settings`, { headers: { cookie: oldCookie }, redirect: 'manual' });
    expect(page2.status).toBe(302);
    expect(page2.headers.get('location')).toBe('/login?next=/settings');
    await saveScreenshot(page, 'signed-out');
  });

  it('never logs a token, the session id or the plain API key', async () => {
    const log = await readFile(join(ROOT_DIR, 'test-results/web-server.log'), 'utf8');
    expect(log).toContain('operator signed in');
    expect(log).not.toMatch(JWT);
    expect(secrets).toHaveLength(2);
    for (const secret of secrets) expect(log).not.toContain(secret);
  });
});
