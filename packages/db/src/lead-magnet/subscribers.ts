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
