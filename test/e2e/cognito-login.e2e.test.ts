import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { TokenResponse } from '@prospectflow/contracts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, saveScreenshot } from './browser.js';
import { startFakeHostedUi, type FakeHostedUi } from './fake-hosted-ui.js';
import { DEMO_EMAIL, actingOrganisation } from './sign-in.js';
import { ROOT_DIR, startWebApp, type RunningService } from './web-app.js';

const CLIENT_ID = 'e2e-web-client';

/** The ID token the fake Hosted UI hands out: a dev-issuer token, which the e2e API accepts. */
async function mintIdToken(email: string): Promise<string> {
  const response = await fetch(`${inject('apiBaseUrl')}/api/v1/auth/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  return TokenResponse.parse(await response.json()).accessToken;
}

function cookieOf(response: Response): string {
  const header = response.headers.getSetCookie().find((c) => c.startsWith('pf_session='));
  return header?.split(';')[0] ?? '';
}

describe('Cognito sign-in (authorisation code + PKCE) against a fake Hosted UI', () => {
  let hostedUi: FakeHostedUi;
  let web: RunningService;
  let browser: Browser;

  beforeAll(async () => {
    hostedUi = await startFakeHostedUi({ clientId: CLIENT_ID, email: DEMO_EMAIL, mintIdToken });
    // NODE_ENV=production: the Cognito mode is the production one.
    const env = {
      ...inject('webEnv'),
      NODE_ENV: 'production',
      AUTH_MODE: 'cognito',
      COGNITO_DOMAIN: hostedUi.url,
      COGNITO_CLIENT_ID: CLIENT_ID,
    };
    web = await startWebApp(env, join(ROOT_DIR, 'test-results/web-server-cognito.log'));
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await hostedUi?.close();
  });

  it('signs in through the Hosted UI and out again', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${web.baseUrl}/settings`);
    expect(page.url()).toBe(`${web.baseUrl}/login?next=/settings`);
    expect(await page.getByTestId('dev-login-form').count()).toBe(0);
    await saveScreenshot(page, 'cognito-login');
    await Promise.all([page.waitForURL(`${web.baseUrl}/settings`), page.getByTestId('cognito-login').click()]);
    expect(await actingOrganisation(page)).toBe('Demo Prospection');
    expect(hostedUi.tokenRequests.at(-1)).toEqual({ grantType: 'authorization_code', verifierMatched: true });

    await Promise.all([page.waitForURL(`${web.baseUrl}/login`), page.getByTestId('logout').click()]);
    await page.goto(`${web.baseUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.close();
  });

  it('sends the PKCE challenge only, and keeps the verifier and state on the server', async () => {
    const start = await fetch(`${web.baseUrl}/auth/login?next=/prospects`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get('location')!);
    expect(authorize.origin + authorize.pathname).toBe(`${hostedUi.url}/oauth2/authorize`);
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${web.baseUrl}/auth/callback`);
    expect(authorize.searchParams.has('code_verifier')).toBe(false);
    expect(cookieOf(start)).toMatch(/^pf_session=[\w-]{43}$/);
  });

  it('refuses a callback whose state does not match, with no pending sign-in, or with a bad code', async () => {
    const callback = (query: string, cookie = '') =>
      fetch(`${web.baseUrl}/auth/callback?${query}`, { redirect: 'manual', headers: { cookie } });
    const begin = async () => {
      const start = await fetch(`${web.baseUrl}/auth/login`, { redirect: 'manual' });
      return { cookie: cookieOf(start), state: new URL(start.headers.get('location')!).searchParams.get('state')! };
    };

    const forged = await begin();
    const wrongState = await callback(`code=whatever&state=forged`, forged.cookie);
    expect(wrongState.headers.get('location')).toBe('/login?error=sign_in_failed');
    // The pending sign-in was used up by the failed attempt: the right state no longer helps.
    const replay = await callback(`code=whatever&state=${forged.state}`, forged.cookie);
    expect(replay.headers.get('location')).toBe('/login?error=sign_in_failed');

    const noPending = await callback(`code=whatever&state=${forged.state}`);
    expect(noPending.headers.get('location')).toBe('/login?error=sign_in_failed');

    const badCode = await begin();
    const refused = await callback(`code=not-issued&state=${badCode.state}`, badCode.cookie);
    expect(refused.headers.get('location')).toBe('/login?error=sign_in_failed');
    expect(cookieOf(refused)).toBe('pf_session='); // cleared
    expect(hostedUi.tokenRequests.at(-1)).toEqual({ grantType: 'authorization_code', verifierMatched: false });
  });
});
