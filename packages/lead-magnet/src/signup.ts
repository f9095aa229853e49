import {
  enqueueOutbox,
  findSubscriberByEmail,
  insertConsentEvent,
  insertEmailJob,
  reopenSubscriber,
  upsertSignupSubscriber,
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
 * same transaction. `response` is the same neutral body whatever the address's state: it is all
 * the HTTP answer may contain; `outcome` is for logs and metrics.
 */
export async function submitSignup(
  pool: Pool,
  input: unknown,
  origin: RequestOrigin = {},
): Promise<{ response: NeutralResult; outcome: SignupOutcome }> {
  const request = parseOrThrow(SignupRequest, input);
  if (request.honeypot) return { response: NEUTRAL_RESULT, outcome: 'ignored' };
  const outcome = await withTransaction(pool, (client) => recordSignup(client, request, origin));
  return { response: NEUTRAL_RESULT, outcome };
}

async function recordSignup(db: Queryable, request: SignupRequest, origin: RequestOrigin): Promise<SignupOutcome> {
  const subscriber = await upsertSignupSubscriber(db, {
    email: request.email,
    source: request.source ?? null,
    tags: request.tags,
  });
  const consent = { consentText: request.consentText, privacyPolicyVersion: request.privacyPolicyVersion };
  const signupEvent = { subscriberId: subscriber.id, eventType: 'signup' as const, ...consent, ...origin };
  if (subscriber.inserted) {
    await insertConsentEvent(db, signupEvent);
    await queueEmail(db, subscriber.id, 'confirm');
    return 'created';
  }
  switch (subscriber.status) {
    case 'pending':
      await queueEmail(db, subscriber.id, 'confirm');
      return 'pending_again';
    case 'confirmed':
      await queueEmail(db, subscriber.id, 'download');
      return 'download_sent';
    case 'unsubscribed':
      await reopenSubscriber(db, subscriber.id);
      await insertConsentEvent(db, signupEvent);
      await queueEmail(db, subscriber.id, 'confirm');
      return 'reopened';
    case 'bounced':
      return 'bounced';
  }
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
