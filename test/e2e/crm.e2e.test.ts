import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, saveScreenshot } from './browser.js';
import { signIn } from './sign-in.js';

const suffix = randomBytes(3).toString('hex');
const LIST = `E2E salon ${suffix}`;
const COMPANY = `Boulangerie "Le Fournil ${suffix}"; Lyon`;
/** Three valid rows (accents, a company name holding quotes and the separator) and one without a valid email. */
const PEOPLE = [
  ['Hélène', 'Faÿ', `helene.fay.${suffix}@fournil.example`, 'Gérante', 'valid'],
  ['François', 'Lemaître', `francois.lemaitre.${suffix}@fournil.example`, 'Boulanger', 'catch_all'],
  ['Zoé', 'Brûlé', `zoe.brule.${suffix}@fournil.example`, 'Pâtissière', 'valid'],
  ['Noël', 'Sansmail', 'pas-un-email', 'Apprenti', ''],
];
const CSV_ROWS = [
  ['Prénom', 'Nom', 'Email', 'Poste', 'Statut email', 'Entreprise', 'SIREN', 'Adresse', 'Liste'],
  ...PEOPLE.map((person) => [...person, COMPANY, '812345678', '12 rue Mercière, 69002 Lyon', LIST]),
];
const quoted = (cell: string) => `"${cell.replace(/"/g, '""')}"`;
const CSV = `\uFEFF${CSV_ROWS.map((row) => row.map(quoted).join(';')).join('\r\n')}\r\n`;

describe('CRM dashboard: CSV import, prospects, companies', () => {
  const baseUrl = inject('webBaseUrl');
  let browser: Browser;
  let page: Page;
  let dir: string;

  const rows = () => page.getByTestId('prospect-row');
  const names = () => page.getByTestId('prospect-name').allTextContents();
  const query = (name: string) => new URL(page.url()).searchParams.get(name);
  const goto = async (path: string) => {
    await page.goto(`${baseUrl}${path}`);
    await page.waitForLoadState('networkidle');
  };
  /** Runs an action that changes the list, waits for the API answer it causes and for its rendering. */
  const listChange = async (action: () => Promise<unknown>, api = '/api/v1/prospects?') => {
    await Promise.all([page.waitForResponse((r) => r.url().includes(api)), action()]);
    await page.locator('[data-list-status=success]').waitFor();
  };

  /** Types an exact-match filter; it applies on Enter (or when the field loses focus). */
  const setFilter = (name: string, value: string) =>
    listChange(async () => {
      await page.getByTestId(`filter-${name}`).fill(value);
      await page.keyboard.press('Enter');
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pf-e2e-crm-'));
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await signIn(page, baseUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('imports a CSV: detected format, pre-filled mapping, live progress to 100 %, one rejected row', async () => {
    const file = join(dir, `salon-${suffix}.csv`);
    await writeFile(file, CSV, 'utf8');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Imports' }).click();
    await page.waitForURL(`${baseUrl}/imports`);
    await page.getByTestId('import-file').setInputFiles(file);
    await page.getByTestId('import-upload').click();

    await page.getByTestId('import-mapping').waitFor();
    expect(await page.getByTestId('import-encoding').textContent()).toBe('UTF-8');
    expect(await page.getByTestId('import-separator').textContent()).toContain(';');
    expect(await page.getByTestId('import-rows').textContent()).toBe('4');
    const mapped = async (header: string) =>
      page.locator(`[data-testid=mapping-row][data-header="${header}"] select`).inputValue();
    expect(await mapped('Prénom')).toBe('personFirstName');
    expect(await mapped('Nom')).toBe('personLastName');
    expect(await mapped('Email')).toBe('positionEmail');
    expect(await mapped('Entreprise')).toBe('companyName');
    expect(await mapped('Liste')).toBe('pharowListName');
    expect(await page.locator('[data-testid^=required-].pf-badge--danger').count()).toBe(0);
    await page.getByTestId('import-preview').locator('summary').click();
    expect(await page.getByTestId('preview-row').first().textContent()).toContain('Faÿ');
    await saveScreenshot(page, 'crm-import-mapping');

    await page.getByTestId('import-start').click();
    await page.locator('[data-testid=import-progress][data-status=succeeded]').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('import-percent').textContent()).toBe('100 %');
    expect(await page.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    expect(await page.getByTestId('import-rejected-count').textContent()).toBe('1');
    expect(await page.getByTestId('import-accepted-count').textContent()).toBe('3');
    expect(await page.getByTestId('import-counts-positions').textContent()).toContain('3');
    await saveScreenshot(page, 'crm-import-done');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('import-rejected-download').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`salon-${suffix}-rejected.csv`);
    const rejected = await readFile((await download.path())!, 'utf8');
    expect(rejected).toContain('pas-un-email');
    expect(rejected).toContain('Noël');

    const run = page.locator(`[data-testid=ingest-run-row][data-filename="salon-${suffix}.csv"]`);
    await run.waitFor();
    expect(await run.getByTestId('ingest-run-rejected').textContent()).toContain('1');
  });

  it('shows the imported people in Prospects; the search finds one by name and opens its page', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Prospects' }).click();
    await page.waitForURL(`${baseUrl}/prospects`);
    await page.locator(`[data-testid=prospect-row][data-email="zoe.brule.${suffix}@fournil.example"]`).waitFor();
    expect(await names()).toEqual(expect.arrayContaining(['Hélène Faÿ', 'François Lemaître', 'Zoé Brûlé']));

    await listChange(() => page.getByTestId('list-search').fill('Lemaître'));
    expect(query('q')).toBe('Lemaître');
    expect(await names()).toEqual(['François Lemaître']);
    await saveScreenshot(page, 'crm-prospects-search');

    await page.getByTestId('prospect-name').click();
    await page.waitForURL(/\/prospects\/[0-9a-f-]{36}$/);
    expect(await page.getByTestId('prospect-title').textContent()).toBe('François Lemaître');
    expect(await page.getByTestId('company-panel').textContent()).toContain(COMPANY);
    expect(await page.getByTestId('company-panel').textContent()).toContain('Lyon');
    expect(await page.getByTestId('timeline-panel').textContent()).toContain('Coming with campaigns');
    await saveScreenshot(page, 'crm-prospect-detail');
  });

  it('filters and sorts through the URL', async () => {
    await goto('/prospects');
    await setFilter('list', LIST);
    expect(query('list')).toBe(LIST);
    expect(await rows().count()).toBe(3);

    await listChange(() => page.getByTestId('sort-lastName').click());
    expect(query('sort')).toBe('lastName');
    expect(await names()).toEqual(['Zoé Brûlé', 'Hélène Faÿ', 'François Lemaître']);
    await listChange(() => page.getByTestId('sort-lastName').click());
    expect(query('sort')).toBe('-lastName');
    expect(await names()).toEqual(['François Lemaître', 'Hélène Faÿ', 'Zoé Brûlé']);

    await setFilter('emailStatus', 'catch_all');
    expect(query('emailStatus')).toBe('catch_all');
    expect(await names()).toEqual(['François Lemaître']);
    await listChange(() => page.getByTestId('filter-enrolled').selectOption('true'));
    expect(query('enrolled')).toBe('true');
    expect(await page.getByTestId('prospects-empty').textContent()).toContain('No prospect matches');
    await saveScreenshot(page, 'crm-prospects-empty');

    await listChange(() => page.getByTestId('clear-filters').click());
    expect(query('list')).toBeNull();
    expect(query('sort')).toBe('-lastName');
    expect(await rows().count()).toBe(8);
  });

  it('pages with Next and Previous, and selects rows across the page for a CSV export', async () => {
    await goto('/prospects?limit=3&sort=email');
    expect(await page.getByTestId('list-total').textContent()).toContain('8 prospects');
    expect(await page.getByTestId('page-previous').isDisabled()).toBe(true);
    const first = await names();
    await listChange(() => page.getByTestId('page-next').click());
    const second = await names();
    expect(query('cursor')).toBeTruthy();
    await listChange(() => page.getByTestId('page-next').click());
    const third = await names();
    expect(third).toHaveLength(2);
    expect(await page.getByTestId('page-next').isDisabled()).toBe(true);
    expect(new Set([...first, ...second, ...third]).size).toBe(8);
    await listChange(() => page.getByTestId('page-previous').click());
    expect(await names()).toEqual(second);
    // The browser's back button and "Previous" share the cursor stack.
    await listChange(() => page.getByTestId('page-next').click());
    await listChange(() => page.goBack());
    expect(await names()).toEqual(second);
    await listChange(() => page.getByTestId('page-previous').click());
    expect(await names()).toEqual(first);
    expect(query('cursor')).toBeNull();
    expect(await page.getByTestId('page-previous').isDisabled()).toBe(true);

    await page.getByTestId('select-all').check();
    await page.getByTestId('select-prospect').first().uncheck();
    expect(await page.getByTestId('selected-count').textContent()).toBe('2 selected');
    expect(await page.getByTestId('bulk-enroll').isEnabled()).toBe(true);
    await saveScreenshot(page, 'crm-prospects-selection');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('bulk-export').click()]);
    const exported = await readFile((await download.path())!, 'utf8');
    expect(exported.startsWith('\uFEFF')).toBe(true);
    const lines = exported.slice(1).split('\r\n');
    expect(lines[0]).toBe('First name;Last name;Email;Job title;Company;City;List;Email status');
    expect(lines).toHaveLength(3);
  });

  it('edits a prospect on its page; the change is stored', async () => {
    await goto(`/prospects?q=${encodeURIComponent('Faÿ')}`);
    await page.getByTestId('prospect-name').click();
    await page.waitForURL(/\/prospects\/[0-9a-f-]{36}$/);
    await page.getByTestId('edit-jobTitle').fill('Gérante associée');
    await page.getByTestId('edit-mobilePhone').fill('+33 6 12 34 56 78');
    await page.getByTestId('prospect-save').click();
    await page.getByTestId('prospect-saved').waitFor();
    await page.reload();
    expect(await page.getByTestId('edit-jobTitle').inputValue()).toBe('Gérante associée');
    expect(await page.getByTestId('person-panel').textContent()).toContain('+33 6 12 34 56 78');

    await page.getByTestId('edit-linkedinUrl').fill('not a url');
    await page.getByTestId('prospect-save').click();
    expect(await page.getByTestId('prospect-edit-error').textContent()).toContain('Invalid URL');
    await saveScreenshot(page, 'crm-prospect-edit');
  });

  it('lists companies with search, and shows a company with its people', async () => {
    await goto('/companies');
    await listChange(() => page.getByTestId('list-search').fill(`Fournil ${suffix}`), '/api/v1/companies?');
    expect(query('q')).toBe(`Fournil ${suffix}`);
    expect(await page.getByTestId('company-row').count()).toBe(1);
    await page.getByTestId('company-row').getByRole('link', { name: COMPANY }).click();
    await page.waitForURL(/\/companies\/[0-9a-f-]{36}$/);
    expect(await page.getByTestId('company-title').textContent()).toBe(COMPANY);
    expect(await page.getByTestId('company-person-row').count()).toBe(3);
    await saveScreenshot(page, 'crm-company-detail');
  });

  it('erases a person after a confirmation explaining the right to erasure', async () => {
    await goto(`/prospects?q=${encodeURIComponent('Brûlé')}`);
    await page.getByTestId('prospect-name').click();
    await page.waitForURL(/\/prospects\/[0-9a-f-]{36}$/);
    expect(await page.getByTestId('erase-panel').textContent()).toContain('right to erasure');
    await page.getByTestId('erase-person').click();
    await saveScreenshot(page, 'crm-erase-confirm');
    await page.getByTestId('erase-confirm').click();
    await page.waitForURL(`${baseUrl}/prospects`);
    await goto(`/prospects?q=${encodeURIComponent('Brûlé')}`);
    expect(await page.getByTestId('prospects-empty').isVisible()).toBe(true);
  });

  it('lets a member read prospects and the import history, without edit, erase or upload', async () => {
    const email = `reader-${suffix}@example.com`;
    await goto('/settings/members');
    await page.getByTestId('member-email').fill(email);
    await page.getByTestId('member-role').selectOption('member');
    await page.getByTestId('member-add').click();
    await page.locator(`[data-testid=member-row][data-email="${email}"]`).waitFor();
    const reader = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await signIn(reader, baseUrl, email);
    const nav = reader.getByRole('navigation', { name: 'Main' });
    for (const label of ['Prospects', 'Companies', 'Imports']) {
      expect(await nav.getByRole('link', { name: label }).isVisible()).toBe(true);
    }
    await reader.goto(`${baseUrl}/prospects?q=${encodeURIComponent('Lemaître')}`);
    await reader.getByTestId('prospect-name').click();
    await reader.getByTestId('prospect-title').waitFor();
    expect(await reader.getByTestId('prospect-edit-form').count()).toBe(0);
    expect(await reader.getByTestId('erase-panel').count()).toBe(0);
    await reader.goto(`${baseUrl}/imports`);
    expect(await reader.getByTestId('ingest-history').isVisible()).toBe(true);
    expect(await reader.getByTestId('import-panel').count()).toBe(0);
    await saveScreenshot(reader, 'crm-imports-as-member');
    await reader.close();
  });

  it('shows API errors instead of an empty list', async () => {
    await goto('/prospects?cursor=not-a-cursor');
    expect(await page.getByTestId('prospects-error').isVisible()).toBe(true);
    await goto('/prospects/00000000-0000-4000-8000-000000000000');
    expect(await page.getByTestId('prospect-error').textContent()).toContain('not found');
  });
});
