import { query, type Queryable } from '../query.js';
import type { SubscriberStatus } from './subscribers.js';

export type EmailJobKind = 'confirm' | 'download';

export interface ClaimedEmailJob {
  id: string;
  kind: EmailJobKind;
  subscriberId: string;
  email: string;
  subscriberStatus: SubscriberStatus;
  attempts: number;
}

/** Creates the ledger row of one email to send; call it in the transaction that enqueues the outbox message. */
export async function insertEmailJob(
  db: Queryable,
  job: { subscriberId: string; kind: EmailJobKind },
): Promise<string> {
  const result = await query<{ id: string }>(
    db,
    'lm.insert_email_job',
    `INSERT INTO lm_email_jobs (subscriber_id, kind) VALUES ($1, $2) RETURNING id`,
    [job.subscriberId, job.kind],
  );
  return result.rows[0]!.id;
}

/**
 * Leases a pending job for `leaseSeconds` (one sender at a time) and returns it with its
 * subscriber; null when the job is sent, skipped, erased or leased by another sender.
 */
export async function claimEmailJob(db: Queryable, id: string, leaseSeconds: number): Promise<ClaimedEmailJob | null> {
  const result = await query<ClaimedEmailJob>(
    db,
    'lm.claim_email_job',
    `UPDATE lm_email_jobs j SET attempts = j.attempts + 1, locked_until = now() + make_interval(secs => $2)
     FROM lm_subscribers s
     WHERE j.id = $1 AND j.status = 'pending' AND (j.locked_until IS NULL OR j.locked_until < now())
       AND s.id = j.subscriber_id
     RETURNING j.id, j.kind, j.subscriber_id AS "subscriberId", s.email, s.status AS "subscriberStatus", j.attempts`,
    [id, leaseSeconds],
  );
  return result.rows[0] ?? null;
}

/** A job's status, or null when it does not exist (never created, or erased with its subscriber). */
export async function getEmailJobStatus(db: Queryable, id: string): Promise<'pending' | 'sent' | 'skipped' | null> {
  const result = await query<{ status: 'pending' | 'sent' | 'skipped' }>(
    db,
    'lm.get_email_job_status',
    `SELECT status FROM lm_email_jobs WHERE id = $1`,
    [id],
  );
  return result.rows[0]?.status ?? null;
}

/** Marks a job sent (with its token and the provider's message id) and stamps the subscriber. */
export async function markEmailJobSent(
  db: Queryable,
  id: string,
  sent: { tokenId: string; providerMessageId: string },
): Promise<void> {
  await query(
    db,
    'lm.mark_email_job_sent',
    `WITH job AS (
       UPDATE lm_email_jobs SET status = 'sent', sent_at = now(), locked_until = NULL, last_error = NULL,
              token_id = $2, provider_message_id = $3
       WHERE id = $1 RETURNING subscriber_id
     )
     UPDATE lm_subscribers s SET last_email_sent_at = now() FROM job WHERE s.id = job.subscriber_id`,
    [id, sent.tokenId, sent.providerMessageId],
  );
}

/** Marks a job that must not be sent (the subscriber unsubscribed or bounced meanwhile). */
export async function markEmailJobSkipped(db: Queryable, id: string): Promise<void> {
  await query(
    db,
    'lm.mark_email_job_skipped',
    `UPDATE lm_email_jobs SET status = 'skipped', locked_until = NULL WHERE id = $1`,
    [id],
  );
}

/** Releases the lease after a failed send so that the next delivery retries. */
export async function releaseEmailJob(db: Queryable, id: string, error: string): Promise<void> {
  await query(
    db,
    'lm.release_email_job',
    `UPDATE lm_email_jobs SET locked_until = NULL, last_error = left($2, 1000) WHERE id = $1`,
    [id, error],
  );
}
