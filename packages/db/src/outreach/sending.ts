import { query, type Queryable } from '../query.js';
import { insertTasks } from './tasks.js';

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
  },
): Promise<boolean> {
  const result = await query(
    db,
    'outreach.mark_sending',
    `UPDATE outreach_messages
     SET status = 'sending', message_id = $3, in_reply_to = $4, references_header = $5, unsubscribe_token_hash = $6,
         error = NULL
     WHERE organisation_id = $1 AND id = $2 AND status IN ('approved', 'queued')`,
    [organisationId, messageId, send.rfcMessageId, send.inReplyTo, send.references, send.unsubscribeTokenHash],
  );
  if (result.rowCount !== 1) return false;
  await query(
    db,
    'outreach.replace_pixel',
    `DELETE FROM tracking_pixels WHERE organisation_id = $1 AND message_id = $2`,
    [organisationId, messageId],
  );
  if (send.pixelTokenHash !== null) {
    await query(
      db,
      'outreach.insert_pixel',
      `INSERT INTO tracking_pixels (organisation_id, message_id, token_hash) VALUES ($1, $2, $3)`,
      [organisationId, messageId, send.pixelTokenHash],
    );
  }
  return true;
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

/** Records that the message left: sent, at `sentAt`. */
export async function markSent(db: Queryable, organisationId: string, messageId: string, sentAt: Date): Promise<void> {
  await query(
    db,
    'outreach.mark_sent',
    `UPDATE outreach_messages SET status = 'sent', sent_at = $3 WHERE organisation_id = $1 AND id = $2 AND status = 'sending'`,
    [organisationId, messageId, sentAt.toISOString()],
  );
}

/**
 * Moves the enrollment past the step just sent: the next enabled step's draft task at
 * `sentAt + delay_days`, or the enrollment finished after its last step. Idempotent.
 */
export async function advanceEnrollment(
  db: Queryable,
  organisationId: string,
  enrollmentId: string,
  sentStepId: string,
  sentAt: Date,
): Promise<{ nextStepId: string | null; scheduledFor: Date | null }> {
  const next = await query<{ id: string; step_index: number; delay_days: number }>(
    db,
    'outreach.next_step',
    `SELECT n.id, n.step_index, n.delay_days
     FROM outreach_workflow_steps s
     JOIN outreach_workflow_steps n ON n.organisation_id = s.organisation_id AND n.campaign_id = s.campaign_id
       AND n.step_index > s.step_index AND n.enabled
     WHERE s.organisation_id = $1 AND s.id = $2
     ORDER BY n.step_index LIMIT 1`,
    [organisationId, sentStepId],
  );
  const step = next.rows[0];
  if (!step) {
    await query(
      db,
      'outreach.finish_enrollment',
      `UPDATE outreach_campaign_enrollments SET state = 'finished', finished_at = coalesce(finished_at, $3)
       WHERE organisation_id = $1 AND id = $2 AND state = 'active'`,
      [organisationId, enrollmentId, sentAt.toISOString()],
    );
    return { nextStepId: null, scheduledFor: null };
  }
  const scheduledFor = new Date(sentAt.getTime() + step.delay_days * 86_400_000);
  await query(
    db,
    'outreach.advance_enrollment',
    `UPDATE outreach_campaign_enrollments SET current_step_index = $3
     WHERE organisation_id = $1 AND id = $2 AND state = 'active' AND current_step_index < $3`,
    [organisationId, enrollmentId, step.step_index],
  );
  // A step already drafted (e.g. a redelivered send job) is not drafted again.
  const drafted = await query(
    db,
    'outreach.step_has_message',
    `SELECT 1 FROM outreach_messages WHERE organisation_id = $1 AND enrollment_id = $2 AND step_id = $3
       AND direction = 'outbound' AND status NOT IN ('rejected', 'failed')`,
    [organisationId, enrollmentId, step.id],
  );
  if (drafted.rowCount === 0) {
    await insertTasks(db, [{ organisationId, enrollmentId, stepId: step.id, kind: 'draft', scheduledFor }]);
  }
  return { nextStepId: step.id, scheduledFor };
}

/** The Message-ID and References of the latest sent message of the enrollment (for threading). */
export async function lastSentHeaders(
  db: Queryable,
  organisationId: string,
  enrollmentId: string,
): Promise<{ messageId: string; references: string | null } | null> {
  const result = await query<{ messageId: string; references: string | null }>(
    db,
    'outreach.last_sent_headers',
    `SELECT message_id AS "messageId", references_header AS "references"
     FROM outreach_messages
     WHERE organisation_id = $1 AND enrollment_id = $2 AND direction = 'outbound' AND status = 'sent'
       AND message_id IS NOT NULL
     ORDER BY sent_at DESC LIMIT 1`,
    [organisationId, enrollmentId],
  );
  return result.rows[0] ?? null;
}

/** Mailbox transport settings and encrypted secrets (decrypted by the caller). */
export interface MailboxForSending {
  id: string;
  transport: 'smtp' | 'ses';
  fromName: string;
  fromEmail: string;
  replyTo: string | null;
  smtpHost: string | null;
  smtpPort: number | null;
  smtpSecure: boolean;
  smtpUser: string | null;
  smtpPasswordEncrypted: string | null;
  updatedAt: Date;
}

export async function getMailboxForSending(
  db: Queryable,
  organisationId: string,
  mailboxId: string,
): Promise<MailboxForSending | null> {
  const result = await query<MailboxForSending>(
    db,
    'outreach.mailbox_for_sending',
    `SELECT id, transport, from_name AS "fromName", from_email AS "fromEmail", reply_to AS "replyTo",
            smtp_host AS "smtpHost", smtp_port AS "smtpPort", smtp_secure AS "smtpSecure", smtp_user AS "smtpUser",
            smtp_password_encrypted AS "smtpPasswordEncrypted", updated_at AS "updatedAt"
     FROM outreach_mailboxes WHERE organisation_id = $1 AND id = $2`,
    [organisationId, mailboxId],
  );
  return result.rows[0] ?? null;
}
