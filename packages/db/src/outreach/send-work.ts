import { query, type Queryable } from '../query.js';
import type { MailboxForSending } from './send-context.js';
import type { SendableMessage } from './sending.js';

// The send decision's lookup, shared by the transactional path (`lockSendWork`) and the guard
// (`guardSends`, send-guard.ts). Only `SendWork` and `lockSendWork` leave the package.

/** A claimed send task with its live message and everything the send decision needs. */
export interface SendWork {
  taskStatus: string;
  taskKind: string;
  message: SendableMessage;
  suppressed: boolean;
  mailbox: MailboxForSending | null;
  previous: { messageId: string; references: string | null } | null;
}

// The send decision's inputs, from the task `t` (a CTE locked by key first, so the plan never
// depends on statistics of the big tables) to its live message `m` and what surrounds it.
export const SEND_WORK_COLUMNS = `t.status AS "taskStatus", t.kind AS "taskKind",
  m.id, m.status, m.enrollment_id AS "enrollmentId", m.step_id AS "stepId", m.mailbox_id AS "mailboxId",
  m.from_email AS "fromEmail", m.to_email AS "toEmail", m.subject, m.body_text AS "bodyText",
  m.body_html AS "bodyHtml", e.state AS "enrollmentState", c.id AS "campaignId",
  c.status AS "campaignStatus", c.open_tracking AS "openTracking",
  EXISTS (SELECT 1 FROM outreach_suppressions s WHERE s.organisation_id = m.organisation_id AND s.email = m.to_email)
    AS suppressed,
  CASE WHEN mb.id IS NULL THEN NULL ELSE json_build_object('id', mb.id, 'transport', mb.transport,
    'fromName', mb.from_name, 'fromEmail', mb.from_email, 'replyTo', mb.reply_to, 'smtpHost', mb.smtp_host,
    'smtpPort', mb.smtp_port, 'smtpSecure', mb.smtp_secure, 'smtpUser', mb.smtp_user,
    'smtpPasswordEncrypted', mb.smtp_password_encrypted, 'updatedAt', mb.updated_at) END AS mailbox,
  CASE WHEN prev.message_id IS NULL THEN NULL
    ELSE json_build_object('messageId', prev.message_id, 'references', prev.references_header) END AS previous`;
// The message by its unique live key, in a subquery the status filters of the guard cannot enter
// (OFFSET 0): with them, a plan from statistics of a quiet moment walks every approved message of
// the organisation per task instead.
export const SEND_WORK_FROM = `FROM t
  JOIN LATERAL (
    SELECT * FROM outreach_messages k
    WHERE k.organisation_id = t.organisation_id AND k.enrollment_id = t.enrollment_id AND k.step_id = t.step_id
      AND k.direction = 'outbound' AND k.status NOT IN ('rejected', 'failed')
    OFFSET 0
  ) m ON true
  JOIN outreach_campaign_enrollments e ON e.organisation_id = m.organisation_id AND e.id = m.enrollment_id
  JOIN outreach_campaigns c ON c.organisation_id = e.organisation_id AND c.id = e.campaign_id
  LEFT JOIN outreach_mailboxes mb ON mb.organisation_id = m.organisation_id AND mb.id = m.mailbox_id
  LEFT JOIN LATERAL (
    SELECT p.message_id, p.references_header FROM outreach_messages p
    WHERE p.organisation_id = m.organisation_id AND p.enrollment_id = m.enrollment_id AND p.direction = 'outbound'
      AND p.status = 'sent' AND p.message_id IS NOT NULL
    ORDER BY p.sent_at DESC LIMIT 1
  ) prev ON true`;

export function toSendWork(row: Record<string, unknown>): SendWork {
  const { taskStatus, taskKind, suppressed, mailbox, previous, ...message } = row;
  return {
    taskStatus: taskStatus as string,
    taskKind: taskKind as string,
    message: message as unknown as SendableMessage,
    suppressed: suppressed as boolean,
    mailbox: mailbox as MailboxForSending | null,
    previous: previous as SendWork['previous'],
  };
}

/**
 * Locks a send task and the live outbound message of its (enrollment, step) in one round trip,
 * with the recipient's suppression, the mailbox and the thread's latest sent headers. Null when
 * the task is gone or its step has no live message (the caller then looks at the task alone).
 */
export async function lockSendWork(db: Queryable, organisationId: string, taskId: string): Promise<SendWork | null> {
  const result = await query<Record<string, unknown>>(
    db,
    'outreach.lock_send_work',
    `WITH t AS MATERIALIZED (
       SELECT organisation_id, enrollment_id, step_id, status, kind FROM outreach_tasks
       WHERE organisation_id = $1 AND id = $2 FOR UPDATE
     )
     SELECT ${SEND_WORK_COLUMNS} ${SEND_WORK_FROM}
     FOR UPDATE OF m`,
    [organisationId, taskId],
    { prepare: true },
  );
  const row = result.rows[0];
  return row ? toSendWork(row) : null;
}
