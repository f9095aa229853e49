import { query, type Queryable } from '../query.js';
import { cancelEnrollmentTasks } from './tasks.js';
import { emitWebhookEvent } from './webhooks.js';

/**
 * Unsubscribes the recipient of the message whose unsubscribe token has this hash: suppression
 * (reason `unsubscribed`), enrollment `unsubscribed`, its pending tasks cancelled. Idempotent;
 * false for an unknown token. Call inside a transaction.
 */
export async function unsubscribeByToken(db: Queryable, tokenHash: string): Promise<boolean> {
  const found = await query<{
    organisation_id: string;
    id: string;
    enrollment_id: string | null;
    to_email: string | null;
  }>(
    db,
    'outreach.message_by_unsubscribe_token',
    `SELECT organisation_id, id, enrollment_id, to_email FROM outreach_messages
     WHERE unsubscribe_token_hash = $1 AND direction = 'outbound'`,
    [tokenHash],
  );
  const message = found.rows[0];
  if (!message) return false;
  if (message.to_email) {
    const inserted = await query(
      db,
      'outreach.insert_suppression',
      `INSERT INTO outreach_suppressions (organisation_id, email, reason, source_message_id)
       VALUES ($1, $2, 'unsubscribed', $3) ON CONFLICT (organisation_id, email) DO NOTHING`,
      [message.organisation_id, message.to_email, message.id],
    );
    if (inserted.rowCount === 1) {
      await emitWebhookEvent(db, message.organisation_id, 'prospect.unsubscribed', {
        email: message.to_email,
        source: 'unsubscribe_link',
        messageId: message.id,
        enrollmentId: message.enrollment_id,
      });
    }
  }
  // Every running sequence to this address in the organisation stops, not only this one.
  const stopped = await query<{ id: string }>(
    db,
    'outreach.unsubscribe_enrollments',
    `UPDATE outreach_campaign_enrollments e SET state = 'unsubscribed'
     FROM crm_positions p
     WHERE e.organisation_id = $1 AND e.state IN ('active', 'paused') AND p.organisation_id = e.organisation_id
       AND p.id = e.position_id AND (e.id = $2 OR p.email = $3)
     RETURNING e.id`,
    [message.organisation_id, message.enrollment_id, message.to_email],
  );
  for (const enrollment of stopped.rows) await cancelEnrollmentTasks(db, message.organisation_id, enrollment.id);
  return true;
}

/** Whether an address is suppressed for the organisation. */
export async function isSuppressed(db: Queryable, organisationId: string, email: string): Promise<boolean> {
  const result = await query(
    db,
    'outreach.is_suppressed',
    `SELECT 1 FROM outreach_suppressions WHERE organisation_id = $1 AND email = $2`,
    [organisationId, email],
  );
  return (result.rowCount ?? 0) > 0;
}
