import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { findSubscriberByEmail, listConsentEvents, withTransaction } from '@prospectflow/db';
import { createTestDatabase, type TestDatabase } from '@prospectflow/db/testing';
import { NEUTRAL_RESULT, resend, submitSignup, unsubscribe } from '../src/index.js';
import { consentEventTypes, emailJobsInOutbox, issueToken, ORIGIN, signupBody, uniqueEmail } from './fixtures.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase(inject('templateDatabase'));
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  await db.pool.query('TRUNCATE lm_subscribers, lm_visits, outreach_outbox CASCADE');
});

async function subscriberOf(email: string) {
  const subscriber = await findSubscriberByEmail(db.pool, email);
  if (!subscriber) throw new Error('subscriber expected');
  return subscriber;
}

describe('submitSignup', () => {
  it('creates a pending subscriber, a signup consent event and a confirm email job', async () => {
    const email = uniqueEmail();
    const result = await submitSignup(db.pool, signupBody(`  ${email} `), ORIGIN);
    expect(result).toEqual({ response: NEUTRAL_RESULT, outcome: 'created' });
    const subscriber = await subscriberOf(email);
    expect(subscriber).toMatchObject({ email: email.toLowerCase(), status: 'pending', source: 'instagram' });
    expect(subscriber.tags).toEqual(['guide']);
    const [event, ...rest] = await listConsentEvents(db.pool, subscriber.id);
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      eventType: 'signup',
      ip: ORIGIN.ip,
      userAgent: ORIGIN.userAgent,
      privacyPolicyVersion: '2025-01',
      consentText: signupBody(email).consentText,
    });
    const jobs = await emailJobsInOutbox(db.pool);
    expect(jobs).toEqual([{ jobId: expect.any(String), kind: 'confirm', subscriberId: subscriber.id }]);
    expect(JSON.stringify(jobs)).not.toContain('@');
  });

  it('queues a fresh confirmation for an address still pending, without a second subscriber', async () => {
    const email = uniqueEmail();
    await submitSignup(db.pool, signupBody(email), ORIGIN);
    const again = await submitSignup(db.pool, signupBody(email.toUpperCase()), ORIGIN);
    expect(again).toEqual({ response: NEUTRAL_RESULT, outcome: 'pending_again' });
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM lm_subscribers');
    expect(rows[0].n).toBe(1);
    expect((await emailJobsInOutbox(db.pool)).map((j) => j.kind)).toEqual(['confirm', 'confirm']);
  });

  it('sends a download-only email to a confirmed address', async () => {
    const email = uniqueEmail();
    await submitSignup(db.pool, signupBody(email), ORIGIN);
    await db.pool.query(`UPDATE lm_subscribers SET status = 'confirmed', confirmed_at = now()`);
    const again = await submitSignup(db.pool, signupBody(email), ORIGIN);
    expect(again).toEqual({ response: NEUTRAL_RESULT, outcome: 'download_sent' });
    expect((await emailJobsInOutbox(db.pool)).map((j) => j.kind)).toEqual(['confirm', 'download']);
    expect(await consentEventTypes(db.pool, (await subscriberOf(email)).id)).toEqual(['signup']);
  });

  it('starts the double opt-in again for an unsubscribed address, with a new signup event', async () => {
    const email = uniqueEmail();
    await submitSignup(db.pool, signupBody(email), ORIGIN);
    const subscriber = await subscriberOf(email);
    const token = await issueToken(db.pool, subscriber.id);
    await unsubscribe(db.pool, token, ORIGIN);
    const again = await submitSignup(db.pool, signupBody(email), ORIGIN);
    expect(again).toEqual({ response: NEUTRAL_RESULT, outcome: 'reopened' });
    expect((await subscriberOf(email)).status).toBe('pending');
    expect(await consentEventTypes(db.pool, subscriber.id)).toEqual(['signup', 'unsubscribe', 'signup']);
    expect((await emailJobsInOutbox(db.pool)).map((j) => j.kind)).toEqual(['confirm', 'confirm']);
  });

  it('stores nothing when the honeypot is filled, and answers the same', async () => {
    const email = uniqueEmail();
    const result = await submitSignup(db.pool, signupBody(email, { honeypot: 'http://spam.example' }), ORIGIN);
    expect(result.response).toEqual(NEUTRAL_RESULT);
    expect(await findSubscriberByEmail(db.pool, email)).toBeNull();
    expect(await emailJobsInOutbox(db.pool)).toEqual([]);
  });

  it('rejects a missing consent or an invalid address with a ValidationError', async () => {
    await expect(submitSignup(db.pool, signupBody(uniqueEmail(), { consent: false }))).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await expect(submitSignup(db.pool, signupBody('pas-une-adresse'))).rejects.toMatchObject({
      kind: 'validation',
    });
  });

  it('keeps one subscriber when the same new address signs up concurrently', async () => {
    const email = uniqueEmail();
    await Promise.all(Array.from({ length: 5 }, () => submitSignup(db.pool, signupBody(email), ORIGIN)));
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM lm_subscribers');
    expect(rows[0].n).toBe(1);
    expect(await consentEventTypes(db.pool, (await subscriberOf(email)).id)).toEqual(['signup']);
  });

  it('queues nothing for a bounced address: mail would bounce again', async () => {
    const email = uniqueEmail();
    await submitSignup(db.pool, signupBody(email), ORIGIN);
    await db.pool.query(`UPDATE lm_subscribers SET status = 'bounced'`);
    const again = await submitSignup(db.pool, signupBody(email), ORIGIN);
    expect(again).toEqual({ response: NEUTRAL_RESULT, outcome: 'bounced' });
    expect((await subscriberOf(email)).status).toBe('bounced');
    expect((await emailJobsInOutbox(db.pool)).map((j) => j.kind)).toEqual(['confirm']);
    expect(await consentEventTypes(db.pool, (await subscriberOf(email)).id)).toEqual(['signup']);
  });

  it('stays consistent when re-signups of an unsubscribed address race each other', async () => {
    const email = uniqueEmail();
    await submitSignup(db.pool, signupBody(email), ORIGIN);
    const subscriber = await subscriberOf(email);
    await unsubscribe(db.pool, await issueToken(db.pool, subscriber.id), ORIGIN);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => submitSignup(db.pool, signupBody(email), ORIGIN)),
    );
    // Exactly one of them reopens the subscription; the others find it pending again.
    expect(results.filter((r) => r.outcome === 'reopened')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'pending_again')).toHaveLength(7);
    expect((await subscriberOf(email)).status).toBe('pending');
    expect(await consentEventTypes(db.pool, subscriber.id)).toEqual(['signup', 'unsubscribe', 'signup']);
    // One email job (and one outbox row) per signup: the first confirm plus eight.
    expect(await emailJobsInOutbox(db.pool)).toHaveLength(9);
  });
});

describe('resend', () => {
  it('queues a confirmation while pending, a download once confirmed, nothing otherwise', async () => {
    const email = uniqueEmail();
    expect(await resend(db.pool, { email })).toEqual({ response: NEUTRAL_RESULT, outcome: 'unknown' });
    await submitSignup(db.pool, signupBody(email), ORIGIN);
    expect((await resend(db.pool, { email })).outcome).toBe('confirm_sent');
    await db.pool.query(`UPDATE lm_subscribers SET status = 'confirmed'`);
    expect((await resend(db.pool, { email })).outcome).toBe('download_sent');
    await db.pool.query(`UPDATE lm_subscribers SET status = 'unsubscribed'`);
    expect((await resend(db.pool, { email })).outcome).toBe('not_sent');
    expect((await emailJobsInOutbox(db.pool)).map((j) => j.kind)).toEqual(['confirm', 'confirm', 'download']);
  });
});

describe('consent log', () => {
  it('rejects an UPDATE of a consent event', async () => {
    await submitSignup(db.pool, signupBody(uniqueEmail()), ORIGIN);
    await expect(
      withTransaction(db.pool, (client) => client.query(`UPDATE lm_consent_events SET consent_text = 'forged'`)),
    ).rejects.toThrow(/append-only/);
  });
});
