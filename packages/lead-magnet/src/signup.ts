import {
  enqueueOutbox,
  findSubscriberByEmail,
  insertEmailJob,
  recordSignup,
  withTransaction,
  type EmailJobKind,
  type Pool,
  type Queryable,
} from '@prospectflow/db';
import {
  LEAD_MAGNET_EMAIL_ROUTING_KEY,
  NEUTRAL_RESULT,
  ResendRequest,
  SignupRequest,
  type LeadMagnetEmailJob,
  type NeutralResult,
  type RequestOrigin,
} from './contracts.js';
import { parseOrThrow } from './errors.js';

/** What happened to a signup; for logs and metrics only, never for the HTTP answer. */
export type SignupOutcome = 'ignored' | 'created' | 'pending_again' | 'download_sent' | 'reopened' | 'bounced';

/**
 * Handles a landing-page signup (double opt-in) and queues the email through the outbox in the
 * same statement (`recordSignup`: one round trip, one commit). `response` is the same neutral
 * body whatever the address's state: it is all the HTTP answer may contain; `outcome` is for
 * logs and metrics.
 */
export async function submitSignup(
  pool: Pool,
  input: unknown,
  origin: RequestOrigin = {},
): Promise<{ response: NeutralResult; outcome: SignupOutcome }> {
  const request = parseOrThrow(SignupRequest, input);
  if (request.honeypot) return { response: NEUTRAL_RESULT, outcome: 'ignored' };
  const outcome = await recordSignup(pool, {
    email: request.email,
    source: request.source ?? null,
    tags: request.tags,
    consentText: request.consentText,
    privacyPolicyVersion: request.privacyPolicyVersion,
    ip: origin.ip ?? null,
    userAgent: origin.userAgent ?? null,
    routingKey: LEAD_MAGNET_EMAIL_ROUTING_KEY,
  });
  return { response: NEUTRAL_RESULT, outcome };
}

/** Creates an email job and its outbox message; the consumer creates the token when it sends. */
export async function queueEmail(db: Queryable, subscriberId: string, kind: EmailJobKind): Promise<string> {
  const jobId = await insertEmailJob(db, { subscriberId, kind });
  const payload: LeadMagnetEmailJob = { jobId, kind, subscriberId };
  await enqueueOutbox(db, [{ routingKey: LEAD_MAGNET_EMAIL_ROUTING_KEY, payload }]);
  return jobId;
}

/** What a resend did; for logs and metrics only. */
export type ResendOutcome = 'unknown' | 'confirm_sent' | 'download_sent' | 'not_sent';

/**
 * Sends a fresh link to a known, still-interested address (expire page): a confirmation link
 * while pending, a download link once confirmed, nothing otherwise. Neutral result in every case.
 */
export async function resend(pool: Pool, input: unknown): Promise<{ response: NeutralResult; outcome: ResendOutcome }> {
  const { email } = parseOrThrow(ResendRequest, input);
  const outcome = await withTransaction(pool, async (client): Promise<ResendOutcome> => {
    const subscriber = await findSubscriberByEmail(client, email);
    if (!subscriber) return 'unknown';
    if (subscriber.status === 'pending') await queueEmail(client, subscriber.id, 'confirm');
    else if (subscriber.status === 'confirmed') await queueEmail(client, subscriber.id, 'download');
    else return 'not_sent';
    return subscriber.status === 'pending' ? 'confirm_sent' : 'download_sent';
  });
  return { response: NEUTRAL_RESULT, outcome };
}
