import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, saveScreenshot } from '../../../test/e2e/browser.js';
import {
  FAKE_GUIDE_PDF,
  confirmLinkOf,
  openTestPool,
  tokenHash,
  uniqueEmail,
  waitForEmails,
} from './lead-magnet-support.js';

const baseUrl = inject('webBaseUrl');
const landingPort = inject('leadMagnetLandingPort');
const landingUrl = `http://127.0.0.1:${landingPort}/`;
const pool = openTestPool();

/** Light & Shutter's landing page as another site serves it: a form posting to our API (CORS). */
function landingPage(): string {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Guide de la mariée sereine</title></head>
<body><h1>Recevez le guide de la mariée sereine</h1>
<form id="guide"><label>E-mail <input type="email" name="email" required></label>
<label><input type="checkbox" name="consent" required> <span id="consent-text">J'accepte de recevoir le guide et les e-mails de Light &amp; Shutter.</span></label>
<input type="text" name="website" tabindex="-1" autocomplete="off" style="position:absolute;left:-9999px">
<button type="submit">Recevoir le guide</button></form><p id="result" role="status"></p>
<script>
document.getElementById('guide').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const response = await fetch(${JSON.stringify(`${baseUrl}/api/lead-magnet/submit`)}, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: form.get('email'),
      consent: form.get('consent') === 'on',
      consentText: document.getElementById('consent-text').textContent,
      privacyPolicyVersion: '2025-01',
      source: 'landing-e2e',
      honeypot: form.get('website'),
    }),
  });
  document.getElementById('result').textContent =
    response.status === 202 ? 'Merci ! Vérifiez votre boîte mail.' : 'Erreur ' + response.status;
});
</script></body></html>`;
}

describe('a bride on her phone', () => {
  let landing: Server;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const email = uniqueEmail('telephone');

  beforeAll(async () => {
    landing = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(landingPage());
    });
    await new Promise<void>((resolve) => landing.listen(landingPort, '127.0.0.1', resolve));
    browser = await launchBrowser();
    context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'fr-FR',
      acceptDownloads: true,
      userAgent:
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
    });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => landing?.close(resolve));
    await pool.end();
  });

  it('leaves her address on the landing page, opens the emailed link and gets the guide', async () => {
    await page.goto(landingUrl);
    await page.getByRole('textbox', { name: 'E-mail' }).fill(email);
    await page.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Recevoir le guide' }).tap();
    await page.getByText('Merci ! Vérifiez votre boîte mail.').waitFor();

    const [message] = await waitForEmails(email, 1);
    const link = confirmLinkOf(message!);
    const downloadStarted = page.waitForEvent('download');
    await page.goto(link.url);
    expect(new URL(page.url()).pathname).toBe('/lead-magnet/succes');
    await page.getByRole('heading', { name: 'Merci, votre adresse est confirmée !' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    const button = page.getByTestId('download-link');
    expect(await button.textContent()).toContain('Télécharger le guide');
    const download = await downloadStarted;
    expect(download.suggestedFilename()).toBe('guide-mariee-sereine.pdf');
    expect((await readFile((await download.path())!)).equals(FAKE_GUIDE_PDF)).toBe(true);
    await saveScreenshot(page, 'lead-magnet-success-phone');
  });

  it('finds an expired link on the expire page and gets a new one with the resend form', async () => {
    const [message] = await waitForEmails(email, 1);
    const link = confirmLinkOf(message!);
    await pool.query(`UPDATE lm_download_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [
      tokenHash(link.token),
    ]);
    await page.goto(link.url);
    expect(new URL(page.url()).pathname).toBe('/lead-magnet/expire');
    await page.getByRole('heading', { name: 'Ce lien a expiré' }).waitFor();
    await saveScreenshot(page, 'lead-magnet-expired-phone');

    await page.getByLabel('Votre adresse e-mail').fill(email);
    await page.getByTestId('resend-submit').tap();
    await page.getByText('Si cette adresse est inscrite, un nouveau lien vient de partir.', { exact: false }).waitFor();
    const emails = await waitForEmails(email, 2);
    const fresh = confirmLinkOf(emails[1]!);
    const downloadStarted = page.waitForEvent('download');
    await page.goto(fresh.url);
    expect(new URL(page.url()).pathname).toBe('/lead-magnet/succes');
    await downloadStarted;
  });

  it('confirms the unsubscription on the French page before anything changes', async () => {
    const emails = await waitForEmails(email, 2);
    const link = confirmLinkOf(emails[1]!);
    await page.goto(`${baseUrl}/api/lead-magnet/unsubscribe/${link.token}`);
    expect(new URL(page.url()).pathname).toBe('/lead-magnet/desinscription');
    await page.getByRole('heading', { name: /Ne plus recevoir nos e-mails/ }).waitFor();
    const before = await pool.query(`SELECT status FROM lm_subscribers WHERE email = $1`, [email]);
    expect(before.rows[0].status).toBe('confirmed');
    await page.getByTestId('unsubscribe-confirm').tap();
    await page.getByRole('heading', { name: 'Votre désinscription est confirmée' }).waitFor();
    expect(new URL(page.url()).hash).toBe('');
    const after = await pool.query(`SELECT status FROM lm_subscribers WHERE email = $1`, [email]);
    expect(after.rows[0].status).toBe('unsubscribed');
    await saveScreenshot(page, 'lead-magnet-unsubscribed-phone');
  });

  it('shows the invalid page for a mangled link', async () => {
    await page.goto(`${baseUrl}/api/lead-magnet/confirm/mal-copie`);
    expect(new URL(page.url()).pathname).toBe('/lead-magnet/invalide');
    await page.getByRole('heading', { name: 'Ce lien n’est pas valide' }).waitFor();
  });

  it('refuses to follow a non-http URL on the success page', async () => {
    await page.goto(`${baseUrl}/lead-magnet/succes?url=${encodeURIComponent('javascript:alert(1)')}`);
    await page.getByRole('heading', { name: 'Ce lien de téléchargement est incomplet' }).waitFor();
    expect(await page.getByTestId('download-link').count()).toBe(0);
  });
});
