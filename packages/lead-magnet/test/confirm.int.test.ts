import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { findSubscriberByEmail, eraseSubscriber, getSubscriber } from '@prospectflow/db';
import { createTestDatabase, type TestDatabase } from '@prospectflow/db/testing';
import { confirmToken, generateToken, hashToken, submitSignup, unsubscribe } from '../src/index.js';
import { consentEventTypes, issueToken, ORIGIN, signupBody, uniqueEmail } from './fixtures.js';

let db: TestDatabase;
const DOWNLOAD_URL = 'https://s3.example/guide.pdf?signed';
const deps = () => ({ pool: db.pool, presignDownload: async () => DOWNLOAD_URL });

beforeAll(async () => {
  db = await createTestDatabase(inject('templateDatabase'));
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  await db.pool.query('TRUNCATE lm_subscribers, outreach_outbox CASCADE');
});

async function pendingSubscriber(): Promise<string> {
  const email = uniqueEmail();
  await submitSignup(db.pool, signupBody(email), ORIGIN);
  return (await findSubscriberByEmail(db.pool, email))!.id;
}

async function useCountOf(token: string): Promise<number> {
  const { rows } = await db.pool.query('SELECT use_count FROM lm_download_tokens WHERE token_hash = $1', [
    hashToken(token),
  ]);
  return rows[0].use_count;
}

describe('confirmToken', () => {
  it('confirms a pending subscriber, logs one confirm event and returns the download URL', async () => {
    const id = await pendingSubscriber();
    const token = await issueToken(db.pool, id);
    expect(await confirmToken(deps(), token, ORIGIN)).toEqual({
      outcome: 'ok',
      downloadUrl: DOWNLOAD_URL,
      confirmedNow: true,
    });
    const subscriber = await getSubscriber(db.pool, id);
    expect(subscriber).toMatchObject({ status: 'confirmed', confirmedAt: expect.any(Date) });
    expect(await consentEventTypes(db.pool, id)).toEqual(['signup', 'confirm']);
    const { rows } = await db.pool.query('SELECT used_at FROM lm_download_tokens WHERE token_hash = $1', [
      hashToken(token),
    ]);
    expect(rows[0].used_at).toBeInstanceOf(Date);
  });

  it('can be reused within its validity without a second confirm event', async () => {
    const id = await pendingSubscriber();
    const token = await issueToken(db.pool, id);
    await confirmToken(deps(), token, ORIGIN);
    const second = await confirmToken(deps(), token, ORIGIN);
    expect(second).toEqual({ outcome: 'ok', downloadUrl: DOWNLOAD_URL, confirmedNow: false });
    expect(await useCountOf(token)).toBe(2);
    expect(await consentEventTypes(db.pool, id)).toEqual(['signup', 'confirm']);
  });

  it('answers invalid for an unknown or malformed token', async () => {
    expect(await confirmToken(deps(), generateToken())).toEqual({ outcome: 'invalid' });
    expect(await confirmToken(deps(), 'short')).toEqual({ outcome: 'invalid' });
  });

  it('answers expired once the clock passed expires_at, without counting a use', async () => {
    const id = await pendingSubscriber();
    const token = await issueToken(db.pool, id);
    await db.pool.query(`UPDATE lm_download_tokens SET expires_at = now() - interval '1 second'`);
    expect(await confirmToken(deps(), token)).toEqual({ outcome: 'expired' });
    expect(await useCountOf(token)).toBe(0);
    expect((await getSubscriber(db.pool, id))?.status).toBe('pending');
  });

  it('answers expired once the token is exhausted', async () => {
    const id = await pendingSubscriber();
    const token = await issueToken(db.pool, id, { maxUses: 2 });
    expect((await confirmToken(deps(), token)).outcome).toBe('ok');
    expect((await confirmToken(deps(), token)).outcome).toBe('ok');
    expect(await confirmToken(deps(), token)).toEqual({ outcome: 'expired' });
    expect(await useCountOf(token)).toBe(2);
  });

  it('counts 10 concurrent clicks exactly and confirms once', async () => {
    const id = await pendingSubscriber();
    const token = await issueToken(db.pool, id);
    const results = await Promise.all(Array.from({ length: 10 }, () => confirmToken(deps(), token, ORIGIN)));
    expect(results.every((r) => r.outcome === 'ok')).toBe(true);
    expect(results.filter((r) => r.outcome === 'ok' && r.confirmedNow)).toHaveLength(1);
    expect(await useCountOf(token)).toBe(10);
    expect(await consentEventTypes(db.pool, id)).toEqual(['signup', 'confirm']);
  });
});

describe('unsubscribe', () => {
  it('unsubscribes once, logs the event and disables every live link, even through an expired one', async () => {
    const id = await pendingSubscriber();
    const expired = await issueToken(db.pool, id, { ttlSeconds: 1 });
    const live = await issueToken(db.pool, id);
    await db.pool.query(`UPDATE lm_download_tokens SET expires_at = now() - interval '1 hour' WHERE token_hash = $1`, [
      hashToken(expired),
    ]);
    expect(await unsubscribe(db.pool, expired, ORIGIN)).toEqual({ outcome: 'ok', unsubscribedNow: true });
    expect(await unsubscribe(db.pool, live, ORIGIN)).toEqual({ outcome: 'ok', unsubscribedNow: false });
    expect(await getSubscriber(db.pool, id)).toMatchObject({
      status: 'unsubscribed',
      unsubscribedAt: expect.any(Date),
    });
    expect(await consentEventTypes(db.pool, id)).toEqual(['signup', 'unsubscribe']);
    expect(await confirmToken(deps(), live)).toEqual({ outcome: 'expired' });
    expect(await unsubscribe(db.pool, generateToken())).toEqual({ outcome: 'invalid' });
  });
});

describe('right to be forgotten', () => {
  it('erasing a subscriber removes their consent events, tokens and email jobs', async () => {
    const id = await pendingSubscriber();
    const token = await issueToken(db.pool, id);
    await confirmToken(deps(), token, ORIGIN);
    expect(await eraseSubscriber(db.pool, id)).toBe(true);
    for (const table of ['lm_subscribers', 'lm_consent_events', 'lm_download_tokens', 'lm_email_jobs']) {
      const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM ${table}`);
      expect(rows[0].n, table).toBe(0);
    }
    expect(await confirmToken(deps(), token)).toEqual({ outcome: 'invalid' });
  });
});
