import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, saveScreenshot } from './browser.js';
import { signIn } from './sign-in.js';

describe('operator dashboard', () => {
  const baseUrl = inject('webBaseUrl');
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows the login page with the demo address pre-filled', async () => {
    const response = await page.goto(`${baseUrl}/login`);
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe('Sign in · ProspectFlow');
    expect(await page.getByTestId('login-email').inputValue()).toBe('demo@prospectflow.local');
    await saveScreenshot(page, 'dashboard-login');
  });

  it('renders the home page with its title, navigation and welcome card once signed in', async () => {
    await signIn(page, baseUrl);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.title()).toContain('ProspectFlow');
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.isVisible()).toBe(true);
    for (const label of ['Prospects', 'Campaigns', 'Inbox', 'Lead magnet', 'Settings']) {
      expect(await nav.getByRole('link', { name: label, exact: true }).isVisible()).toBe(true);
    }
    expect(await page.getByRole('heading', { name: 'Welcome to ProspectFlow' }).isVisible()).toBe(true);
    await saveScreenshot(page, 'dashboard-home');
  });

  it('navigates client-side to another section', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Campaigns' }).click();
    await page.waitForURL(`${baseUrl}/campaigns`);
    await page.getByRole('heading', { name: 'New campaign' }).waitFor();
    expect(await page.title()).toBe('Campaigns · ProspectFlow');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Campaigns');
    await saveScreenshot(page, 'dashboard-campaigns');
  });
});
