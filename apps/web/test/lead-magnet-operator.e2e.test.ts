import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pollUntil } from '@prospectflow/testing';
import { DEMO_EMAIL } from '../../../test/e2e/sign-in.js';
import {
  LANDING_TEST_ORIGIN,
  operatorCookie,
  openTestPool,
  postJson,
  randomIp,
  signupBody,
  uniqueEmail,
  waitForEmails,
  readJson,
} from './lead-magnet-support.js';

const baseUrl = inject('webBaseUrl');
const pool = openTestPool();

interface Call {
  cookie?: string;
  method?: string;
  sameOrigin?: boolean;
}

function call(path: string, { cookie, method = 'GET', sameOrigin = true }: Call = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  if (cookie) headers.cookie = cookie;
  if (sameOrigin) headers.origin = baseUrl;
  return fetch(`${baseUrl}${path}`, { method, headers });
}

async function signUp(email: string, ip = randomIp()) {
  const response = await postJson(baseUrl, '/api/lead-magnet/submit', signupBody(email), {
    ip,
    origin: LANDING_TEST_ORIGIN,
  });
  expect(response.status).toBe(202);
}

async function listByEmail(cookie: string, email: string, status?: string) {
  const query = new URLSearchParams({ email, ...(status ? { status } : {}) });
  const response = await call(`/api/lead-magnet/subscribers?${query}`, { cookie });
  expect(response.status).toBe(200);
  return (await readJson(response)) as { items: { id: string; email: string; status: string }[]; total: number };
}

describe('lead-magnet operator routes', () => {
  let admin: string;
  let member: string;

  beforeAll(async () => {
    admin = await operatorCookie(baseUrl, DEMO_EMAIL);
    const memberEmail = `lm-member-${randomUUID().slice(0, 8)}@prospectflow.local`;
    const added = await fetch(`${baseUrl}/api/v1/members`, {
      method: 'POST',
      headers: { cookie: admin, origin: baseUrl, 'content-type': 'application/json' },
      body: JSON.stringify({ email: memberEmail, role: 'member' }),
    });
    expect(added.status).toBe(201);
    member = await operatorCookie(baseUrl, memberEmail);
  });

  afterAll(async () => {
    await pool.end();
  });

  it('refuses the stats to visitors without a session (401) or without a membership (403)', async () => {
    const anonymous = await call('/api/lead-magnet/stats');
    expect(anonymous.status).toBe(401);
    expect((await readJson(anonymous)).error.code).toBe('unauthenticated');
    const loner = await operatorCookie(baseUrl, `lm-loner-${randomUUID().slice(0, 8)}@example.com`);
    const forbidden = await call('/api/lead-magnet/stats', { cookie: loner });
    expect(forbidden.status).toBe(403);
    expect((await readJson(forbidden)).error.code).toBe('no_membership');
  });

  it('shows the KPIs beside their targets, counting new signups and visits', async () => {
    const read = async () => {
      const response = await call('/api/lead-magnet/stats?days=7', { cookie: member });
      expect(response.status).toBe(200);
      return readJson(response);
    };
    const before = await read();
    await signUp(uniqueEmail());
    await postJson(baseUrl, '/api/lead-magnet/visit', {}, { ip: randomIp() });
    const after = await read();
    expect(after.totals.signups).toBeGreaterThan(before.totals.signups);
    expect(after.totals.visits).toBeGreaterThan(before.totals.visits);
    expect(after.confirmationRate.target).toEqual({ min: 0.4, max: 0.6 });
    expect(after.captureRate.target).toEqual({ min: 0.15, max: 0.25 });
    expect(after.medianTimeToConfirmSeconds.target).toEqual({ max: 7200 });
    expect(after.signupsPerDay.at(-1)).toMatchObject({ day: new Date().toISOString().slice(0, 10) });
    expect((await call('/api/lead-magnet/stats?days=0', { cookie: member })).status).toBe(400);
  });

  it('lists subscribers by page with a status filter and their consent history on demand', async () => {
    const email = uniqueEmail('liste');
    const ip = randomIp();
    await signUp(email, ip);
    const page = await listByEmail(member, email);
    expect(page).toMatchObject({ total: 1, items: [{ email, status: 'pending' }] });
    expect((await listByEmail(member, email, 'confirmed')).total).toBe(0);
    const firstPage = await readJson(await call('/api/lead-magnet/subscribers?limit=1&page=1', { cookie: member }));
    expect(firstPage).toMatchObject({ page: 1, limit: 1 });
    expect(firstPage.items).toHaveLength(1);
    expect(firstPage.total).toBeGreaterThanOrEqual(1);

    const history = await call(`/api/lead-magnet/subscribers/${page.items[0]!.id}/consent-events`, { cookie: member });
    expect(history.status).toBe(200);
    const { items } = await readJson(history);
    expect(items).toEqual([
      expect.objectContaining({
        eventType: 'signup',
        ip,
        privacyPolicyVersion: '2025-01',
        consentText: expect.any(String),
      }),
    ]);

    const bad = await call('/api/lead-magnet/subscribers?status=maybe&colour=red', { cookie: member });
    expect(bad.status).toBe(400);
    expect((await readJson(bad)).error.code).toBe('validation_failed');
    expect((await call(`/api/lead-magnet/subscribers/not-a-uuid/consent-events`, { cookie: member })).status).toBe(400);
    expect((await call(`/api/lead-magnet/subscribers/${randomUUID()}/consent-events`, { cookie: member })).status).toBe(
      404,
    );
  });

  it('server-renders the operator page: KPI cards with targets, the chart panel and the subscriber list', async () => {
    const email = uniqueEmail('tableau');
    await signUp(email);
    const response = await fetch(`${baseUrl}/lead-magnet`, { headers: { cookie: admin } });
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('data-testid="kpi-confirmationRate"');
    expect(page).toContain('Target 40–60 %');
    expect(page).toContain('Signups and confirmations per day');
    expect(page).toContain(email);
    expect(page).toContain('data-testid="subscriber-export"');
    const anonymous = await fetch(`${baseUrl}/lead-magnet`, { redirect: 'manual' });
    expect(anonymous.headers.get('location')).toBe('/login?next=/lead-magnet');
  });

  it('keeps the consent log append-only: a direct UPDATE or DELETE is rejected', async () => {
    const email = uniqueEmail();
    await signUp(email);
    const { id } = (await listByEmail(member, email)).items[0]!;
    await expect(
      pool.query(`UPDATE lm_consent_events SET ip = '10.0.0.1' WHERE subscriber_id = $1`, [id]),
    ).rejects.toThrow();
    await expect(pool.query(`DELETE FROM lm_consent_events WHERE subscriber_id = $1`, [id])).rejects.toThrow();
  });

  it('exports everything held about an address and erases it (admins only), leaving nothing', async () => {
    const email = uniqueEmail('rgpd');
    await signUp(email);
    await waitForEmails(email, 1);
    const { id } = (await listByEmail(admin, email)).items[0]!;
    await pollUntil(
      async () => {
        const job = await pool.query(`SELECT 1 FROM lm_email_jobs WHERE subscriber_id = $1 AND status = 'sent'`, [id]);
        return job.rowCount === 1;
      },
      { what: 'the email job marked sent' },
    );

    expect((await call(`/api/lead-magnet/subscribers/${id}/export`, { cookie: member })).status).toBe(403);
    expect((await call(`/api/lead-magnet/subscribers/${id}`, { cookie: member, method: 'DELETE' })).status).toBe(403);

    const exported = await call(`/api/lead-magnet/subscribers/${id}/export`, { cookie: admin });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toContain(`lead-magnet-subscriber-${id}.json`);
    const data = await readJson(exported);
    expect(data.subscriber).toMatchObject({ id, email, status: 'pending' });
    expect(data.consentEvents.map((e: { eventType: string }) => e.eventType)).toEqual(['signup']);
    expect(data.downloadTokens).toHaveLength(1);
    expect(data.downloadTokens[0]).not.toHaveProperty('tokenHash');
    expect(data.emailJobs).toEqual([expect.objectContaining({ kind: 'confirm', status: 'sent' })]);
    const hash = await pool.query(`SELECT token_hash FROM lm_download_tokens WHERE subscriber_id = $1`, [id]);
    expect(JSON.stringify(data)).not.toContain(hash.rows[0].token_hash);

    const crossSite = await call(`/api/lead-magnet/subscribers/${id}`, {
      cookie: admin,
      method: 'DELETE',
      sameOrigin: false,
    });
    expect(crossSite.status).toBe(403);
    expect((await call(`/api/lead-magnet/subscribers/${id}`, { cookie: admin, method: 'DELETE' })).status).toBe(204);

    expect((await call(`/api/lead-magnet/subscribers/${id}/export`, { cookie: admin })).status).toBe(404);
    expect((await listByEmail(admin, email)).total).toBe(0);
    const left = await pool.query(
      `SELECT (SELECT count(*) FROM lm_subscribers WHERE id = $1)::int AS subscribers,
              (SELECT count(*) FROM lm_consent_events WHERE subscriber_id = $1)::int AS events,
              (SELECT count(*) FROM lm_download_tokens WHERE subscriber_id = $1)::int AS tokens,
              (SELECT count(*) FROM lm_email_jobs WHERE subscriber_id = $1)::int AS jobs`,
      [id],
    );
    expect(left.rows[0]).toEqual({ subscribers: 0, events: 0, tokens: 0, jobs: 0 });
    expect((await call(`/api/lead-magnet/subscribers/${id}`, { cookie: admin, method: 'DELETE' })).status).toBe(404);
  });
});
