import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTrackingToken, hashTrackingToken } from '@prospectflow/outreach';
import { startApi, type ApiHarness } from './support/api-harness.js';
import { enroll, insertProspect } from './support/prospects-fixtures.js';

describe('public tracking routes: open pixel and unsubscribe', () => {
  let api: ApiHarness;
  let organisationId: string;
  let enrollmentId: string;
  let messageId: string;
  const pixel = generateTrackingToken();
  const unsubscribe = generateTrackingToken();
  const email = `amelie.${randomBytes(3).toString('hex')}@atelier.example.fr`;
  const HUMAN = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Thunderbird/128.0';

  const stats = async () =>
    (
      await api.db.pool.query(
        `SELECT open_count, machine_open_count, first_opened_at, last_opened_at FROM tracking_message_open_stats WHERE message_id = $1`,
        [messageId],
      )
    ).rows[0];

  beforeAll(async () => {
    api = await startApi();
    const db = api.db.pool;
    organisationId = (
      await db.query(`INSERT INTO iam_organisations (name, slug) VALUES ('T', $1) RETURNING id`, [
        `t-${randomBytes(4).toString('hex')}`,
      ])
    ).rows[0].id;
    const { positionId } = await insertProspect(db, organisationId, { position: { email } });
    ({ enrollmentId } = await enroll(db, organisationId, positionId));
    messageId = (
      await db.query(
        `INSERT INTO outreach_messages (organisation_id, enrollment_id, direction, status, to_email, sent_at, unsubscribe_token_hash)
         VALUES ($1, $2, 'outbound', 'sent', $3, now() - interval '1 hour', $4) RETURNING id`,
        [organisationId, enrollmentId, email, hashTrackingToken(unsubscribe)],
      )
    ).rows[0].id;
    await db.query(`INSERT INTO tracking_pixels (organisation_id, message_id, token_hash) VALUES ($1, $2, $3)`, [
      organisationId,
      messageId,
      hashTrackingToken(pixel),
    ]);
    await db.query(`INSERT INTO outreach_tasks (organisation_id, enrollment_id, kind) VALUES ($1, $2, 'draft')`, [
      organisationId,
      enrollmentId,
    ]);
  });
  afterAll(async () => api?.close());

  const gif = (token: string, userAgent: string) =>
    fetch(`${api.url}/t/o/${token}.gif`, { headers: { 'user-agent': userAgent } });

  it('answers a no-store 1×1 GIF and counts human and machine opens apart', async () => {
    const response = await gif(pixel, HUMAN);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/gif');
    expect(response.headers.get('cache-control')).toContain('no-store');
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.subarray(0, 6).toString()).toBe('GIF89a');
    expect(await stats()).toMatchObject({ open_count: 1, machine_open_count: 0 });
    await gif(pixel, 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)');
    await gif(pixel, HUMAN);
    const after = await stats();
    expect(after).toMatchObject({ open_count: 2, machine_open_count: 1 });
    expect(after.last_opened_at.getTime()).toBeGreaterThanOrEqual(after.first_opened_at.getTime());
  });

  it('answers the same GIF for unknown or malformed tokens and records nothing', async () => {
    const known = await (await gif(pixel, HUMAN)).arrayBuffer();
    for (const token of [generateTrackingToken(), 'short', '%00']) {
      const response = await gif(token, HUMAN);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toContain('no-store');
      expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(known))).toBe(true);
    }
    expect(await stats()).toMatchObject({ open_count: 3 });
  });

  it('shows a neutral confirmation page, and the one-click POST unsubscribes and cancels pending tasks', async () => {
    const page = await fetch(`${api.url}/u/${unsubscribe}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Se désinscrire');
    expect(html).toContain('Unsubscribe');
    expect(html).not.toContain(email);
    const unknownPage = await fetch(`${api.url}/u/${generateTrackingToken()}`);
    expect((await unknownPage.text()).replace(/\/u\/[^"]+/, '')).toBe(html.replace(/\/u\/[^"]+/, ''));

    const post = await fetch(`${api.url}/u/${unsubscribe}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(post.status).toBe(200);
    const db = api.db.pool;
    expect(
      (
        await db.query(`SELECT reason FROM outreach_suppressions WHERE organisation_id = $1 AND email = $2`, [
          organisationId,
          email,
        ])
      ).rows,
    ).toEqual([{ reason: 'unsubscribed' }]);
    expect(
      (await db.query(`SELECT state FROM outreach_campaign_enrollments WHERE id = $1`, [enrollmentId])).rows[0].state,
    ).toBe('unsubscribed');
    expect((await db.query(`SELECT status FROM outreach_tasks WHERE enrollment_id = $1`, [enrollmentId])).rows).toEqual(
      [{ status: 'cancelled' }],
    );
    // Again, and with an unknown token: the same 200 page.
    for (const token of [unsubscribe, generateTrackingToken()]) {
      const again = await fetch(`${api.url}/u/${token}`, {
        method: 'POST',
        body: 'List-Unsubscribe=One-Click',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(again.status).toBe(200);
      expect(await again.text()).toContain('Désinscription enregistrée');
    }
  });
});
