import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROOT_DIR, startWebApp, type RunningService } from '../../../test/e2e/web-app.js';
import { postJson, randomIp, readJson, signupBody, uniqueEmail } from './lead-magnet-support.js';

/** A web server of its own with low lead-magnet limits (the shared one has generous limits). */
async function startLimitedWeb(extra: Record<string, string>, log: string): Promise<RunningService> {
  const env = {
    ...inject('webEnv'),
    LEAD_MAGNET_RATE_IP: '3/600',
    LEAD_MAGNET_RATE_EMAIL: '2/3600',
    LEAD_MAGNET_RATE_RESEND: '2/600',
    LEAD_MAGNET_RATE_CONFIRM: '3/600',
    ...extra,
  };
  return startWebApp(env, join(ROOT_DIR, `test-results/${log}.log`));
}

async function expectRateLimited(response: Response, maxRetryAfter: number) {
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(maxRetryAfter);
  expect((await readJson(response)).error.code).toBe('rate_limited');
}

describe('lead-magnet abuse limits (Redis)', () => {
  let web: RunningService;
  let untrusting: RunningService;

  beforeAll(async () => {
    [web, untrusting] = await Promise.all([
      startLimitedWeb({}, 'web-server-lead-magnet-limits'),
      startLimitedWeb({ WEB_TRUST_PROXY: 'false' }, 'web-server-lead-magnet-no-proxy'),
    ]);
  });

  afterAll(async () => {
    await Promise.all([web?.stop(), untrusting?.stop()]);
  });

  const submit = (baseUrl: string, email: string, ip: string) =>
    postJson(baseUrl, '/api/lead-magnet/submit', signupBody(email), { ip });

  it('refuses the 4th signup from one client IP within the window (429 + Retry-After), not other IPs', async () => {
    const ip = randomIp();
    for (let i = 0; i < 3; i++) expect((await submit(web.baseUrl, uniqueEmail(), ip)).status).toBe(202);
    await expectRateLimited(await submit(web.baseUrl, uniqueEmail(), ip), 600);
    expect((await submit(web.baseUrl, uniqueEmail(), randomIp())).status).toBe(202);
  });

  it('refuses the 3rd signup of one address within the hour, whatever its case and IP', async () => {
    const email = uniqueEmail();
    expect((await submit(web.baseUrl, email, randomIp())).status).toBe(202);
    expect((await submit(web.baseUrl, email.toUpperCase(), randomIp())).status).toBe(202);
    await expectRateLimited(await submit(web.baseUrl, ` ${email} `, randomIp()), 3600);
    expect((await submit(web.baseUrl, uniqueEmail(), randomIp())).status).toBe(202);
  });

  it('limits resend per IP and shares the per-address budget with signups', async () => {
    const ip = randomIp();
    const resend = (email: string) => postJson(web.baseUrl, '/api/lead-magnet/resend', { email }, { ip });
    expect((await resend(uniqueEmail())).status).toBe(202);
    expect((await resend(uniqueEmail())).status).toBe(202);
    await expectRateLimited(await resend(uniqueEmail()), 600);

    const email = uniqueEmail();
    expect((await submit(web.baseUrl, email, randomIp())).status).toBe(202);
    expect((await postJson(web.baseUrl, '/api/lead-magnet/resend', { email }, { ip: randomIp() })).status).toBe(202);
    await expectRateLimited(
      await postJson(web.baseUrl, '/api/lead-magnet/resend', { email }, { ip: randomIp() }),
      3600,
    );
  });

  it('limits link clicks (confirm and unsubscribe) per IP, so tokens cannot be guessed at speed', async () => {
    const ip = randomIp();
    const click = (path: string, method = 'GET') =>
      fetch(`${web.baseUrl}/api/lead-magnet/${path}/${randomBytes(32).toString('base64url')}`, {
        method,
        redirect: 'manual',
        headers: { 'x-forwarded-for': ip },
      });
    for (let i = 0; i < 3; i++) expect((await click('confirm')).status).toBe(302);
    await expectRateLimited(await click('confirm'), 600);
    // The unsubscribe GET only leads to the page (no lookup); the POST that acts is limited.
    await expectRateLimited(await click('unsubscribe', 'POST'), 600);
  });

  it('believes X-Forwarded-For only from trusted proxies (WEB_TRUST_PROXY=false: the peer address counts)', async () => {
    // Every request comes from 127.0.0.1: rotating the header must not escape the limit. Earlier
    // runs may have used this peer's budget already, so at most 3 more pass.
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await submit(untrusting.baseUrl, uniqueEmail(), randomIp())).status);
    expect(statuses.at(-1)).toBe(429);
  });
});
