import { query, type Queryable } from '../query.js';

export type SubscriberStatus = 'pending' | 'confirmed' | 'unsubscribed' | 'bounced';

export interface Subscriber {
  id: string;
  email: string;
  status: SubscriberStatus;
  source: string | null;
  tags: string[];
  createdAt: Date;
  confirmedAt: Date | null;
  unsubscribedAt: Date | null;
  lastEmailSentAt: Date | null;
}

const SUBSCRIBER_COLUMNS = `id, email, status, source, tags, created_at AS "createdAt",
  confirmed_at AS "confirmedAt", unsubscribed_at AS "unsubscribedAt", last_email_sent_at AS "lastEmailSentAt"`;

/**
 * Inserts a pending subscriber or, when the address is known (case-insensitively), locks and
 * returns the existing row unchanged; `inserted` tells which. Safe under concurrent signups.
 */
export async function upsertSignupSubscriber(
  db: Queryable,
  input: { email: string; source: string | null; tags: string[] },
): Promise<Subscriber & { inserted: boolean }> {
  const result = await query<Subscriber & { inserted: boolean }>(
    db,
    'lm.upsert_signup_subscriber',
    `INSERT INTO lm_subscribers (email, source, tags) VALUES ($1, $2, $3::jsonb)
     ON CONFLICT ((lower(email))) DO UPDATE SET email = lm_subscribers.email
     RETURNING ${SUBSCRIBER_COLUMNS}, (xmax = 0) AS inserted`,
    [input.email, input.source, JSON.stringify(input.tags)],
  );
  return result.rows[0]!;
}

/** The subscriber with this address, compared case-insensitively. */
export async function findSubscriberByEmail(db: Queryable, email: string): Promise<Subscriber | null> {
  const result = await query<Subscriber>(
    db,
    'lm.find_subscriber_by_email',
    `SELECT ${SUBSCRIBER_COLUMNS} FROM lm_subscribers WHERE lower(email) = lower($1)`,
    [email],
  );
  return result.rows[0] ?? null;
}

/** The subscriber with this id. */
export async function getSubscriber(db: Queryable, id: string): Promise<Subscriber | null> {
  const result = await query<Subscriber>(
    db,
    'lm.get_subscriber',
    `SELECT ${SUBSCRIBER_COLUMNS} FROM lm_subscribers WHERE id = $1`,
    [id],
  );
  return result.rows[0] ?? null;
}

/** Puts an unsubscribed subscriber back to `pending` for a new double opt-in; false if not unsubscribed. */
export async function reopenSubscriber(db: Queryable, id: string): Promise<boolean> {
  const result = await query(
    db,
    'lm.reopen_subscriber',
    `UPDATE lm_subscribers SET status = 'pending' WHERE id = $1 AND status = 'unsubscribed'`,
    [id],
  );
  return result.rowCount === 1;
}

/** pending → confirmed with `confirmed_at`; false when the subscriber was not pending (already confirmed). */
export async function confirmPendingSubscriber(db: Queryable, id: string): Promise<boolean> {
  const result = await query(
    db,
    'lm.confirm_subscriber',
    `UPDATE lm_subscribers SET status = 'confirmed', confirmed_at = now() WHERE id = $1 AND status = 'pending'`,
    [id],
  );
  return result.rowCount === 1;
}

/** Any status but unsubscribed → unsubscribed with `unsubscribed_at`; false when already unsubscribed. */
export async function unsubscribeSubscriber(db: Queryable, id: string): Promise<boolean> {
  const result = await query(
    db,
    'lm.unsubscribe_subscriber',
    `UPDATE lm_subscribers SET status = 'unsubscribed', unsubscribed_at = now()
     WHERE id = $1 AND status <> 'unsubscribed'`,
    [id],
  );
  return result.rowCount === 1;
}

/** Right to be forgotten: deletes the subscriber, cascading to consent events, tokens and email jobs. */
export async function eraseSubscriber(db: Queryable, id: string): Promise<boolean> {
  const result = await query(db, 'lm.erase_subscriber', `DELETE FROM lm_subscribers WHERE id = $1`, [id]);
  return result.rowCount === 1;
}

/** What a signup did to the address; see doc/LEAD-MAGNET.md "Signup outcomes". */
export type SignupRecordOutcome = 'created' | 'pending_again' | 'download_sent' | 'reopened' | 'bounced';

export interface SignupRecord {
  email: string;
  source: string | null;
  tags: string[];
  consentText: string;
  privacyPolicyVersion: string;
  ip: string | null;
  userAgent: string | null;
  /** Routing key of the outbox message announcing the email job. */
  routingKey: string;
}

/*
 * The whole signup in one statement (one implicit transaction, one round trip, one commit):
 * - `upserted` inserts the address or locks the existing row (the latest committed version, as
 *   ON CONFLICT always does) and returns its status, except when it is unsubscribed: the row then
 *   stays locked but untouched, so that `reopened` is the only change to it in this statement
 *   (a row changed twice by one statement keeps only one of the changes);
 * - `reopened` puts that unsubscribed row back to pending;
 * - a `signup` consent event for a new or reopened address, an email job (confirm, or download
 *   when confirmed; none when bounced) and its outbox message with payload { jobId, kind, subscriberId }.
 * `reopened` reads the statement's snapshot: if the row changed after it (a concurrent unsubscribe
 * or first signup), neither part returns it, nothing is written and the caller runs it again.
 */
const RECORD_SIGNUP_SQL = `
WITH upserted AS (
  INSERT INTO lm_subscribers (email, source, tags) VALUES ($1, $2, $3::jsonb)
  ON CONFLICT ((lower(email))) DO UPDATE SET email = lm_subscribers.email
    WHERE lm_subscribers.status <> 'unsubscribed'
  RETURNING id, CASE WHEN xmax = 0 THEN 'created' WHEN status = 'pending' THEN 'pending_again'
                     WHEN status = 'confirmed' THEN 'download_sent' ELSE status END AS outcome
), reopened AS (
  UPDATE lm_subscribers SET status = 'pending'
  WHERE lower(email) = lower($1) AND status = 'unsubscribed' AND NOT EXISTS (SELECT 1 FROM upserted)
  RETURNING id, 'reopened'::text AS outcome
), subscriber AS (
  SELECT id, outcome FROM upserted UNION ALL SELECT id, outcome FROM reopened
), consent AS (
  INSERT INTO lm_consent_events (subscriber_id, event_type, consent_text, privacy_policy_version, ip, user_agent)
  SELECT id, 'signup', $4, $5, $6::inet, $7 FROM subscriber WHERE outcome IN ('created', 'reopened')
), job AS (
  INSERT INTO lm_email_jobs (subscriber_id, kind)
  SELECT id, CASE WHEN outcome = 'download_sent' THEN 'download' ELSE 'confirm' END
  FROM subscriber WHERE outcome IN ('created', 'pending_again', 'download_sent', 'reopened')
  RETURNING id, subscriber_id, kind
), message AS (
  INSERT INTO outreach_outbox (routing_key, payload)
  SELECT $8, jsonb_build_object('jobId', id, 'kind', kind, 'subscriberId', subscriber_id) FROM job
)
SELECT outcome FROM subscriber`;

const RECORD_SIGNUP_ATTEMPTS = 3;

/**
 * Records a landing-page signup in one statement: subscriber upsert (or reopening), consent
 * event, email job and outbox message commit together or not at all. Safe under concurrent
 * signups and unsubscribes of the same address.
 */
export async function recordSignup(db: Queryable, input: SignupRecord): Promise<SignupRecordOutcome> {
  const params = [
    input.email,
    input.source,
    JSON.stringify(input.tags),
    input.consentText,
    input.privacyPolicyVersion,
    input.ip,
    input.userAgent,
    input.routingKey,
  ];
  for (let attempt = 1; attempt <= RECORD_SIGNUP_ATTEMPTS; attempt++) {
    const result = await query<{ outcome: SignupRecordOutcome }>(db, 'lm.record_signup', RECORD_SIGNUP_SQL, params, {
      prepare: true,
    });
    const outcome = result.rows[0]?.outcome;
    if (outcome) return outcome;
  }
  throw new Error('recordSignup: the subscriber kept changing under the signup');
}
