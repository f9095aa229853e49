import { randomBytes, randomUUID } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { pollUntil } from '@prospectflow/testing';
import { ROOT_DIR } from '../../../test/e2e/web-app.js';
import {
  FAKE_GUIDE_PDF,
  LANDING_TEST_ORIGIN,
  confirmLinkOf,
  openLink,
  openTestPool,
  postJson,
  randomIp,
  signupBody,
  tokenHash,
  uniqueEmail,
  waitForEmails,
  readJson,
} from './lead-magnet-support.js';

const baseUrl = inject('webBaseUrl');
const pool = openTestPool();
/** Every plain token this file saw: none may appear in any log line. */
const seenTokens = new Set<string>();

afterAll(async () => {
  await pool.end();
});

const submit = (email: string, extra: Record<string, unknown> = {}) =>
  postJson(baseUrl, '/api/lead-magnet/submit', signupBody(email, extra), {
    ip: randomIp(),
    origin: LANDING_TEST_ORIGIN,
  });

async function subscriberOf(email: string) {
  const result = await pool.query<{ id: string; status: string; confirmed_at: Date | null }>(
    `SELECT id, status, confirmed_at FROM lm_subscribers WHERE lower(email) = lower($1)`,
    [email],
  );
  return result.rows[0];
}

async function consentEvents(subscriberId: string) {
  const result = await pool.query<{ event_type: string; ip: string | null }>(
    `SELECT event_type, host(ip) AS ip FROM lm_consent_events WHERE subscriber_id = $1 ORDER BY occurred_at, id`,
    [subscriberId],
  );
  return result.rows;
}

/** Submits `email` and returns the link of the `count`-th email it receives. */
async function linkAfterSubmit(email: string, count = 1) {
  expect((await submit(email)).status).toBe(202);
  const emails = await waitForEmails(email, count);
  const link = confirmLinkOf(emails[count - 1]!);
  seenTokens.add(link.token);
  return link;
}

function successUrlOf(location: string): string {
  const url = new URL(location, baseUrl);
  expect(url.pathname).toBe('/lead-magnet/succes');
  return url.searchParams.get('url')!;
}

describe('lead magnet: signup, email, confirm, download', () => {
  it('delivers the guide: submit → email in the SES emulator → link → 302 → PDF bytes', async () => {
    const email = uniqueEmail();
    const ip = randomIp();
    const response = await postJson(baseUrl, '/api/lead-magnet/submit', signupBody(email), {
      ip,
      origin: LANDING_TEST_ORIGIN,
      headers: { 'user-agent': 'Mozilla/5.0 (iPhone) e2e' },
    });
    expect(response.status).toBe(202);
    expect(response.headers.get('access-control-allow-origin')).toBe(LANDING_TEST_ORIGIN);
    expect(await readJson(response)).toEqual({ status: 'accepted' });

    const [message] = await waitForEmails(email, 1);
    expect(message!.subject).toMatch(/guide/i);
    const link = confirmLinkOf(message!);
    seenTokens.add(link.token);
    expect(link.url.startsWith(`${baseUrl}/api/lead-magnet/confirm/`)).toBe(true);
    const headers = Object.fromEntries((message!.headers ?? []).map((h) => [h.name.toLowerCase(), h.value]));
    expect(headers['list-unsubscribe']).toBe(`<${baseUrl}/api/lead-magnet/unsubscribe/${link.token}>`);

    const confirm = await fetch(link.url, { redirect: 'manual' });
    expect(confirm.status).toBe(302);
    expect(confirm.headers.get('cache-control')).toBe('no-store');
    const download = await fetch(successUrlOf(confirm.headers.get('location')!));
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toContain('guide-mariee-sereine.pdf');
    expect(Buffer.from(await download.arrayBuffer()).equals(FAKE_GUIDE_PDF)).toBe(true);

    const subscriber = await subscriberOf(email);
    expect(subscriber).toMatchObject({ status: 'confirmed' });
    expect((await consentEvents(subscriber!.id)).map((e) => [e.event_type, e.ip])).toEqual([
      ['signup', ip],
      ['confirm', '127.0.0.1'],
    ]);
  });

  it('answers the same 202 to all four submit outcomes and does what each needs', async () => {
    const email = uniqueEmail();
    const first = await linkAfterSubmit(email, 1);
    const { id } = (await subscriberOf(email))!;
    expect((await subscriberOf(email))!.status).toBe('pending');

    await linkAfterSubmit(email, 2); // still pending: a fresh confirmation email
    expect((await consentEvents(id)).map((e) => e.event_type)).toEqual(['signup']);

    expect((await openLink(first.url)).status).toBe(302);
    expect((await subscriberOf(email))!.status).toBe('confirmed');
    const downloadOnly = await linkAfterSubmit(email, 3); // confirmed: a download link
    const tokenRow = await pool.query(`SELECT purpose FROM lm_download_tokens WHERE token_hash = $1`, [
      tokenHash(downloadOnly.token),
    ]);
    expect(tokenRow.rows[0]).toEqual({ purpose: 'download_only' });

    const unsubscribed = await fetch(`${baseUrl}/api/lead-magnet/unsubscribe/${first.token}`, { method: 'POST' });
    expect(unsubscribed.status).toBe(200);
    expect((await subscriberOf(email))!.status).toBe('unsubscribed');
    const reopened = await linkAfterSubmit(email, 4); // unsubscribed: a new double opt-in
    expect((await subscriberOf(email))!.status).toBe('pending');
    expect((await consentEvents(id)).map((e) => e.event_type)).toEqual(['signup', 'confirm', 'unsubscribe', 'signup']);
    expect((await openLink(reopened.url)).location).toMatch(/^\/lead-magnet\/succes\?url=/);
  });

  it('ignores a filled honeypot with the same answer and stores nothing', async () => {
    const email = uniqueEmail('bot');
    const response = await submit(email, { honeypot: 'http://spam.example' });
    expect(response.status).toBe(202);
    expect(await readJson(response)).toEqual({ status: 'accepted' });
    expect(await subscriberOf(email)).toBeUndefined();
  });
});

describe('lead magnet: links', () => {
  it('sends unknown and malformed tokens to the invalid page', async () => {
    const unknown = randomBytes(32).toString('base64url');
    expect(await openLink(`${baseUrl}/api/lead-magnet/confirm/${unknown}`)).toEqual({
      status: 302,
      location: '/lead-magnet/invalide',
    });
    expect((await openLink(`${baseUrl}/api/lead-magnet/confirm/not-a-token`)).location).toBe('/lead-magnet/invalide');
  });

  it('works again within 48 h, counting each use', async () => {
    const email = uniqueEmail();
    const link = await linkAfterSubmit(email);
    for (let i = 0; i < 3; i++) expect((await openLink(link.url)).location).toMatch(/^\/lead-magnet\/succes/);
    const row = await pool.query(`SELECT use_count FROM lm_download_tokens WHERE token_hash = $1`, [
      tokenHash(link.token),
    ]);
    expect(row.rows[0]).toEqual({ use_count: 3 });
  });

  it('sends an expired link (clock moved past 48 h) and an exhausted one to the expire page', async () => {
    const expired = await linkAfterSubmit(uniqueEmail());
    await pool.query(`UPDATE lm_download_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [
      tokenHash(expired.token),
    ]);
    expect(await openLink(expired.url)).toEqual({ status: 302, location: '/lead-magnet/expire' });

    const exhausted = await linkAfterSubmit(uniqueEmail());
    await pool.query(`UPDATE lm_download_tokens SET use_count = max_uses WHERE token_hash = $1`, [
      tokenHash(exhausted.token),
    ]);
    expect((await openLink(exhausted.url)).location).toBe('/lead-magnet/expire');
  });

  it('asks before unsubscribing from the GET link, and unsubscribes with the RFC 8058 one-click POST', async () => {
    const viaGet = uniqueEmail();
    const getLink = await linkAfterSubmit(viaGet);
    // A GET (a mail scanner, a link preview) changes nothing: the page asks, the token in the fragment.
    const answer = await openLink(`${baseUrl}/api/lead-magnet/unsubscribe/${getLink.token}`);
    expect(answer).toEqual({ status: 302, location: `/lead-magnet/desinscription#${getLink.token}` });
    expect((await subscriberOf(viaGet))!.status).toBe('pending');
    const page = await fetch(`${baseUrl}/lead-magnet/desinscription`);
    expect(await page.text()).toContain('Ne plus recevoir nos e-mails');

    const viaPost = uniqueEmail();
    const postLink = await linkAfterSubmit(viaPost);
    const oneClick = await fetch(`${baseUrl}/api/lead-magnet/unsubscribe/${postLink.token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect(await readJson(oneClick)).toEqual({ status: 'unsubscribed' });
    expect((await subscriberOf(viaPost))!.status).toBe('unsubscribed');
    const { id } = (await subscriberOf(viaPost))!;
    expect((await consentEvents(id)).map((e) => e.event_type)).toEqual(['signup', 'unsubscribe']);

    const unknown = await fetch(`${baseUrl}/api/lead-magnet/unsubscribe/${randomBytes(32).toString('base64url')}`, {
      method: 'POST',
    });
    expect(unknown.status).toBe(404);
    expect((await readJson(unknown)).error.code).toBe('invalid_link');
  });

  it('resends a working link to a pending address, and answers the same for an unknown one', async () => {
    const email = uniqueEmail();
    await linkAfterSubmit(email);
    const response = await postJson(
      baseUrl,
      '/api/lead-magnet/resend',
      { email: email.toUpperCase() },
      { ip: randomIp() },
    );
    expect(response.status).toBe(202);
    expect(await readJson(response)).toEqual({ status: 'accepted' });
    const emails = await waitForEmails(email, 2);
    const fresh = confirmLinkOf(emails[1]!);
    seenTokens.add(fresh.token);
    expect((await openLink(fresh.url)).location).toMatch(/^\/lead-magnet\/succes/);

    const stranger = uniqueEmail('inconnue');
    const neutral = await postJson(baseUrl, '/api/lead-magnet/resend', { email: stranger }, { ip: randomIp() });
    expect(neutral.status).toBe(202);
    expect(await readJson(neutral)).toEqual({ status: 'accepted' });
    expect(await subscriberOf(stranger)).toBeUndefined();
  });
});

describe('lead magnet: HTTP contract', () => {
  it('answers a CORS preflight from an allowed origin, and without CORS headers for a refused one', async () => {
    const preflight = (origin: string) =>
      fetch(`${baseUrl}/api/lead-magnet/submit`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const allowed = await preflight(LANDING_TEST_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(LANDING_TEST_ORIGIN);
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('content-type');

    const refused = await preflight('https://evil.example');
    expect(refused.status).toBe(204);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(refused.headers.get('access-control-allow-methods')).toBeNull();

    const post = await postJson(baseUrl, '/api/lead-magnet/submit', signupBody(uniqueEmail()), {
      origin: 'https://evil.example',
    });
    expect(post.status).toBe(403);
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
    expect((await readJson(post)).error.code).toBe('origin_not_allowed');
  });

  it('refuses bad input with 400 and the JSON error shape, and keeps JSON 404s under /api/lead-magnet', async () => {
    const noConsent = await postJson(baseUrl, '/api/lead-magnet/submit', signupBody(uniqueEmail(), { consent: false }));
    expect(noConsent.status).toBe(400);
    const body = await readJson(noConsent);
    expect(body.error).toMatchObject({ code: 'validation_failed', message: 'Invalid request' });
    expect(JSON.stringify(body.error.details)).toContain('consent');

    const badEmail = await postJson(baseUrl, '/api/lead-magnet/submit', signupBody('pas-une-adresse'));
    expect(badEmail.status).toBe(400);
    const notJson = await fetch(`${baseUrl}/api/lead-magnet/submit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":',
    });
    expect(notJson.status).toBe(400);
    expect((await readJson(notJson)).error.code).toBe('invalid_json');
    const huge = await postJson(
      baseUrl,
      '/api/lead-magnet/submit',
      signupBody(uniqueEmail(), { consentText: 'x'.repeat(20_000) }),
    );
    expect(huge.status).toBe(413);

    const unknown = await fetch(`${baseUrl}/api/lead-magnet/nope`);
    expect(unknown.status).toBe(404);
    expect(await readJson(unknown)).toEqual({
      error: { code: 'route_not_found', message: 'No route for GET /api/lead-magnet/nope' },
    });
  });

  it('counts a landing-page visit (204) from an allowed origin', async () => {
    const before = await pool.query<{ count: number }>(`SELECT coalesce(sum(count), 0)::int AS count FROM lm_visits`);
    const response = await postJson(
      baseUrl,
      '/api/lead-magnet/visit',
      {},
      { origin: LANDING_TEST_ORIGIN, ip: randomIp() },
    );
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(LANDING_TEST_ORIGIN);
    const after = await pool.query<{ count: number }>(`SELECT coalesce(sum(count), 0)::int AS count FROM lm_visits`);
    expect(after.rows[0]!.count).toBeGreaterThan(before.rows[0]!.count);
  });
});

describe('lead magnet: bride pages (server-rendered, French)', () => {
  const html = async (path: string) => {
    const response = await fetch(`${baseUrl}${path}`);
    expect(response.status).toBe(200);
    return response.text();
  };

  it('renders the success page with the download button for an http(s) URL only', async () => {
    const presigned = 'https://bucket.example/guide.pdf?X-Amz-Signature=abc';
    const page = await html(`/lead-magnet/succes?url=${encodeURIComponent(presigned)}`);
    expect(page).toMatch(/<html[^>]* lang="fr"/);
    expect(page).toContain('Merci, votre adresse est confirmée');
    expect(page).toContain(`href="${presigned.replace('&', '&amp;')}"`);
    expect(page).toContain('name="referrer" content="no-referrer"');
    const refused = await html(`/lead-magnet/succes?url=${encodeURIComponent('javascript:alert(1)')}`);
    expect(refused).toContain('Ce lien de téléchargement est incomplet');
    expect(refused).not.toContain('javascript:alert');
  });

  it('renders the expire page with its resend form, and the invalid page, without signing in', async () => {
    const expire = await html('/lead-magnet/expire');
    expect(expire).toContain('Ce lien a expiré');
    expect(expire).toContain('data-testid="resend-form"');
    expect(expire).toContain('Light &amp; Shutter');
    expect(await html('/lead-magnet/invalide')).toContain('Ce lien n’est pas valide');
  });
});

describe('lead magnet: logs', () => {
  it('never writes a plain token in any web or worker log line of the flows above', async () => {
    expect(seenTokens.size).toBeGreaterThan(5);
    // The web server logs the request once its socket closes: wait for a marker request to appear.
    const marker = `lm-log-check-${randomUUID()}`;
    const logFile = join(ROOT_DIR, 'test-results/web-server.log');
    await fetch(`${baseUrl}/api/lead-magnet/confirm/${[...seenTokens][0]}`, {
      redirect: 'manual',
      headers: { 'x-request-id': marker },
    });
    await pollUntil(async () => (await readFile(logFile, 'utf8')).includes(marker), { what: 'the marker log line' });
    const dir = join(ROOT_DIR, 'test-results');
    const logs = (await readdir(dir)).filter((name) => name.endsWith('.log'));
    expect(logs).toEqual(expect.arrayContaining(['web-server.log', 'worker.log']));
    for (const name of logs) {
      const text = await readFile(join(dir, name), 'utf8');
      for (const token of seenTokens) expect(text.includes(token), `${name} holds a token`).toBe(false);
    }
  });
});
