import { randomUUID } from 'node:crypto';
import { insertDownloadToken, type Pool, type TokenPurpose } from '@prospectflow/db';
import { generateToken, hashToken, TOKEN_TTL_SECONDS } from '../src/index.js';

/** A unique address per test, in mixed case to exercise normalisation. */
export function uniqueEmail(): string {
  return `Mariee.${randomUUID().slice(0, 8)}@Example.FR`;
}

/** A valid signup body for `email`. */
export function signupBody(email: string, extra: Record<string, unknown> = {}) {
  return {
    email,
    consent: true,
    consentText: "J'accepte de recevoir le guide et les e-mails de Light & Shutter.",
    privacyPolicyVersion: '2025-01',
    source: 'instagram',
    tags: ['guide'],
    honeypot: '',
    ...extra,
  };
}

export const ORIGIN = { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (iPhone) Test' };

/** Creates a token row directly (as the email job would) and returns the plain token. */
export async function issueToken(
  pool: Pool,
  subscriberId: string,
  options: { purpose?: TokenPurpose; ttlSeconds?: number; maxUses?: number } = {},
): Promise<string> {
  const token = generateToken();
  await insertDownloadToken(pool, {
    subscriberId,
    tokenHash: hashToken(token),
    purpose: options.purpose ?? 'confirm_and_download',
    ttlSeconds: options.ttlSeconds ?? TOKEN_TTL_SECONDS,
    maxUses: options.maxUses,
  });
  return token;
}

/** Outbox payloads queued for lead-magnet emails, oldest first. */
export async function emailJobsInOutbox(pool: Pool): Promise<{ jobId: string; kind: string; subscriberId: string }[]> {
  const result = await pool.query(
    `SELECT payload FROM outreach_outbox WHERE routing_key = 'lead-magnet.email' ORDER BY id`,
  );
  return result.rows.map((row: { payload: { jobId: string; kind: string; subscriberId: string } }) => row.payload);
}

/** The consent event types of a subscriber, oldest first. */
export async function consentEventTypes(pool: Pool, subscriberId: string): Promise<string[]> {
  const result = await pool.query(
    `SELECT event_type FROM lm_consent_events WHERE subscriber_id = $1 ORDER BY occurred_at, id`,
    [subscriberId],
  );
  return result.rows.map((row: { event_type: string }) => row.event_type);
}
