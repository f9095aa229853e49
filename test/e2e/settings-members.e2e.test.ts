import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, saveScreenshot } from './browser.js';
import { DEMO_EMAIL, signIn } from './sign-in.js';

describe('settings: members and role-aware navigation', () => {
  const baseUrl = inject('webBaseUrl');
  const suffix = randomBytes(4).toString('hex');
  const colleague = `colleague-${suffix}@example.com`;
  const reader = `reader-${suffix}@example.com`;
  let browser: Browser;
  let admin: Page;

  const row = (page: Page, email: string) => page.locator(`[data-testid=member-row][data-email="${email}"]`);

  async function addMember(email: string, role: string) {
    await admin.getByTestId('member-email').fill(email);
    await admin.getByTestId('member-role').selectOption(role);
    await admin.getByTestId('member-add').click();
    await row(admin, email).waitFor();
  }

  beforeAll(async () => {
    browser = await launchBrowser();
    admin = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(admin, baseUrl);
    await admin.goto(`${baseUrl}/settings/members`);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('lists the members, adds one with a role and changes it', async () => {
    expect(await row(admin, DEMO_EMAIL).textContent()).toContain('you');
    await addMember(colleague, 'member');
    expect(await row(admin, colleague).textContent()).toContain('not signed in yet');
    await row(admin, colleague).getByTestId('member-role-select').selectOption('manager');
    await admin.reload();
    expect(await row(admin, colleague).getByTestId('member-role-select').inputValue()).toBe('manager');
  });

  it('explains why the last admin cannot step down, and keeps the role shown as it is', async () => {
    await admin.getByTestId('member-email').fill(colleague);
    await admin.getByTestId('member-add').click();
    await admin.getByTestId('member-add-error').waitFor();
    expect(await admin.getByTestId('member-add-error').textContent()).toContain('already a member');

    await row(admin, DEMO_EMAIL).getByTestId('member-role-select').selectOption('member');
    const error = admin.getByTestId('members-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('at least one admin');
    expect(await row(admin, DEMO_EMAIL).getByTestId('member-role-select').inputValue()).toBe('admin');
    await saveScreenshot(admin, 'members-last-admin');
  });

  it('removes a member after confirmation', async () => {
    await row(admin, colleague).getByTestId('member-remove').click();
    await row(admin, colleague).getByTestId('member-remove-confirm').click();
    await row(admin, colleague).waitFor({ state: 'detached' });
    await admin.reload();
    expect(await row(admin, colleague).count()).toBe(0);
  });

  it('shows a member neither the admin settings nor the admin actions', async () => {
    await addMember(reader, 'member');
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, baseUrl, reader);
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'Prospects' }).isVisible()).toBe(true);
    expect(await nav.getByRole('link', { name: 'Members' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'API keys' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'New campaign' }).count()).toBe(0);
    expect((await page.getByTestId('user-role').textContent())?.trim()).toBe('member');

    await page.goto(`${baseUrl}/settings/api-keys`);
    expect(new URL(page.url()).pathname).toBe('/settings');
    expect(await page.getByText('does not manage organisation settings').isVisible()).toBe(true);
    await saveScreenshot(page, 'settings-as-member');
    await page.close();
  });
});
