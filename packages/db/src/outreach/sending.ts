import { query, type Queryable } from '../query.js';

/** The message a send task delivers, with the state needed to decide whether to send it. */
export interface SendableMessage {
  id: string;
  status: string;
  enrollmentId: string;
  stepId: string;
  mailboxId: string | null;
  fromEmail: string | null;
  toEmail: string | null;
  subject: string | null;
  bodyText: string | null;
  bodyHtml: string | null;
  enrollmentState: string;
  campaignId: string;
  campaignStatus: string;
  openTracking: boolean;
}

/** Locks the live outbound message of an (enrollment, step) with its enrollment and campaign state. */
export async function lockSendableMessage(
  db: Queryable,
  organisationId: string,
  enrollmentId: string,
  stepId: string,
): Promise<SendableMessage | null> {
  const result = await query<SendableMessage>(
    db,
    'outreach.lock_sendable_message',
    `SELECT m.id, m.status, m.enrollment_id AS "enrollmentId", m.step_id AS "stepId", m.mailbox_id AS "mailboxId",
            m.from_email AS "fromEmail", m.to_email AS "toEmail", m.subject, m.body_text AS "bodyText",
            m.body_html AS "bodyHtml", e.state AS "enrollmentState", c.id AS "campaignId",
            c.status AS "campaignStatus", c.open_tracking AS "openTracking"
     FROM outreach_messages m
     JOIN outreach_campaign_enrollments e ON e.organisation_id = m.organisation_id AND e.id = m.enrollment_id
     JOIN outreach_campaigns c ON c.organisation_id = e.organisation_id AND c.id = e.campaign_id
     WHERE m.organisation_id = $1 AND m.enrollment_id = $2 AND m.step_id = $3 AND m.direction = 'outbound'
       AND m.status NOT IN ('rejected', 'failed')
     FOR UPDATE OF m`,
    [organisationId, enrollmentId, stepId],
  );
  return result.rows[0] ?? null;
}

/**
 * The guard before any SMTP/SES call: approved (or queued) → sending, with our Message-ID,
 * threading headers, the unsubscribe token hash and, when tracking is on, a pixel token hash.
 * Returns false when another delivery got there first.
 */
export async function markSending(
  db: Queryable,
  organisationId: string,
  messageId: string,
  send: {
    rfcMessageId: string;
    inReplyTo: string | null;
    references: string | null;
    unsubscribeTokenHash: string;
    pixelTokenHash: string | null;
    /** The send task, whose `attempts` is counted in the same statement. */
    taskId?: string;
  },
): Promise<boolean> {
  const result = await query<{ n: number }>(
    db,
    'outreach.mark_sending',
    `WITH m AS (
       UPDATE outreach_messages
       SET status = 'sending', message_id = $3, in_reply_to = $4, references_header = $5, unsubscribe_token_hash = $6,
           error = NULL
       WHERE organisation_id = $1 AND id = $2 AND status IN ('approved', 'queued')
       RETURNING organisation_id, id
     ), dropped AS (
       DELETE FROM tracking_pixels p USING m
       WHERE $7::text IS NULL AND p.organisation_id = m.organisation_id AND p.message_id = m.id
     ), pixel AS (
       INSERT INTO tracking_pixels (organisation_id, message_id, token_hash)
       SELECT organisation_id, id, $7::text FROM m WHERE $7::text IS NOT NULL
       ON CONFLICT (organisation_id, message_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, created_at = now()
     ), attempt AS (
       UPDATE outreach_tasks SET attempts = attempts + 1
       WHERE organisation_id = $1 AND id = $8::uuid AND EXISTS (SELECT 1 FROM m)
     )
     SELECT count(*)::int AS n FROM m`,
    [
      organisationId,
      messageId,
      send.rfcMessageId,
      send.inReplyTo,
      send.references,
      send.unsubscribeTokenHash,
      send.pixelTokenHash,
      send.taskId ?? null,
    ],
    { prepare: true },
  );
  return result.rows[0]!.n === 1;
}

/** A send that certainly did not reach the server: back to approved (retry) or failed (permanent). */
export async function markSendFailed(
  db: Queryable,
  organisationId: string,
  messageId: string,
  outcome: { status: 'approved' | 'failed'; error: string },
): Promise<void> {
  await query(
    db,
    'outreach.mark_send_failed',
    `UPDATE outreach_messages SET status = $3, error = left($4, 1000), message_id = NULL, unsubscribe_token_hash = NULL
     WHERE organisation_id = $1 AND id = $2 AND status IN ('approved', 'queued', 'sending')`,
    [organisationId, messageId, outcome.status, outcome.error],
  );
  await query(db, 'outreach.drop_pixel', `DELETE FROM tracking_pixels WHERE organisation_id = $1 AND message_id = $2`, [
    organisationId,
    messageId,
  ]);
}
