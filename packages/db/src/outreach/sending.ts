import { randomUUID } from 'node:crypto';
import { query, type Queryable } from '../query.js';
import { iso } from '../crm/prospect-sql.js';
import { insertTasks } from './tasks.js';
import { emitWebhookEvent, webhookEventCtes } from './webhooks.js';

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
const SEND_WORK_COLUMNS = `t.status AS "taskStatus", t.kind AS "taskKind",
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
const SEND_WORK_FROM = `FROM t
  JOIN outreach_messages m ON m.organisation_id = t.organisation_id AND m.enrollment_id = t.enrollment_id
    AND m.step_id = t.step_id AND m.direction = 'outbound' AND m.status NOT IN ('rejected', 'failed')
  JOIN outreach_campaign_enrollments e ON e.organisation_id = m.organisation_id AND e.id = m.enrollment_id
  JOIN outreach_campaigns c ON c.organisation_id = e.organisation_id AND c.id = e.campaign_id
  LEFT JOIN outreach_mailboxes mb ON mb.organisation_id = m.organisation_id AND mb.id = m.mailbox_id
  LEFT JOIN LATERAL (
    SELECT p.message_id, p.references_header FROM outreach_messages p
    WHERE p.organisation_id = m.organisation_id AND p.enrollment_id = m.enrollment_id AND p.direction = 'outbound'
      AND p.status = 'sent' AND p.message_id IS NOT NULL
    ORDER BY p.sent_at DESC LIMIT 1
  ) prev ON true`;

function toSendWork(row: Record<string, unknown>): SendWork {
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

/** A message moved to `sending` by `guardSend`, with the headers stored for it. */
export interface GuardedSend extends SendWork {
  mailbox: MailboxForSending;
  rfcMessageId: string;
  inReplyTo: string | null;
  references: string | null;
}

/**
 * The common case of the guard in one statement (no transaction round trips): when the task is
 * claimed, its message approved or queued, the enrollment active, the campaign running, the
 * recipient not suppressed and the mailbox present, moves the message to `sending` exactly as
 * `markSending` does (Message-ID `<uuid@sender-domain>`, threading headers, token hashes, pixel
 * only with open tracking, the task's attempt counted). Null otherwise: the caller then takes the
 * transactional path, which handles every other case.
 */
export async function guardSend(
  db: Queryable,
  organisationId: string,
  taskId: string,
  send: { id: string; unsubscribeTokenHash: string; pixelTokenHash: string },
): Promise<GuardedSend | null> {
  const result = await query<Record<string, unknown>>(
    db,
    'outreach.guard_send',
    `WITH t AS MATERIALIZED (
       SELECT organisation_id, enrollment_id, step_id, status, kind FROM outreach_tasks
       WHERE organisation_id = $1 AND id = $2 AND status = 'claimed' AND kind = 'send' FOR UPDATE
     ), w AS MATERIALIZED (
       SELECT ${SEND_WORK_COLUMNS} ${SEND_WORK_FROM}
       WHERE m.status IN ('approved', 'queued') AND e.state = 'active' AND c.status = 'running'
         AND mb.id IS NOT NULL AND m.to_email IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM outreach_suppressions s WHERE s.organisation_id = m.organisation_id AND s.email = m.to_email)
       FOR UPDATE OF m
     ), sending AS (
       UPDATE outreach_messages u
       SET status = 'sending', error = NULL, unsubscribe_token_hash = $4,
           message_id = '<' || $3 || '@'
             || coalesce(nullif(lower(split_part(w.mailbox->>'fromEmail', '@', 2)), ''), 'localhost') || '>',
           in_reply_to = w.previous->>'messageId',
           references_header = nullif(concat_ws(' ', nullif(w.previous->>'references', ''), w.previous->>'messageId'), '')
       FROM w WHERE u.organisation_id = $1 AND u.id = w.id
       RETURNING u.id, u.message_id, u.in_reply_to, u.references_header
     ), dropped AS (
       DELETE FROM tracking_pixels p USING w WHERE NOT w."openTracking" AND p.organisation_id = $1 AND p.message_id = w.id
     ), pixel AS (
       INSERT INTO tracking_pixels (organisation_id, message_id, token_hash)
       SELECT $1, id, $5 FROM w WHERE w."openTracking"
       ON CONFLICT (organisation_id, message_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, created_at = now()
     ), attempt AS (
       UPDATE outreach_tasks SET attempts = attempts + 1
       WHERE organisation_id = $1 AND id = $2 AND EXISTS (SELECT 1 FROM w)
     )
     SELECT w.*, s.message_id AS "rfcMessageId", s.in_reply_to AS "inReplyTo", s.references_header AS "references"
     FROM w JOIN sending s ON s.id = w.id`,
    [organisationId, taskId, send.id, send.unsubscribeTokenHash, send.pixelTokenHash],
    { prepare: true },
  );
  const row = result.rows[0];
  if (!row) return null;
  const { rfcMessageId, inReplyTo, references, ...work } = row;
  return {
    ...(toSendWork(work) as SendWork & { mailbox: MailboxForSending }),
    rfcMessageId: rfcMessageId as string,
    inReplyTo: inReplyTo as string | null,
    references: references as string | null,
  };
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

/** The enabled step after a sent one, as `advanceEnrollment` needs it (null after the last step). */
export interface NextStep {
  id: string;
  step_index: number;
  delay_days: number;
}

const NEXT_STEP_SQL = (organisationParam: string, stepParam: string) =>
  `SELECT n.id, n.step_index, n.delay_days
   FROM outreach_workflow_steps s
   JOIN outreach_workflow_steps n ON n.organisation_id = s.organisation_id AND n.campaign_id = s.campaign_id
     AND n.step_index > s.step_index AND n.enabled
   WHERE s.organisation_id = ${organisationParam} AND s.id = ${stepParam}
   ORDER BY n.step_index LIMIT 1`;

/**
 * Everything a send the server accepted records, in one autocommitted statement (no transaction
 * round trips): the message `sent`, its task done, and the enrollment moved past the step exactly
 * as `advanceEnrollment` does — the next enabled step's draft task at `sentAt + delay_days` (unless
 * that step already has a live message), or the enrollment finished with its `enrollment.finished`
 * webhook deliveries when that update changes a row. Idempotent.
 */
export async function recordSentAndAdvance(
  db: Queryable,
  organisationId: string,
  message: { id: string; enrollmentId: string; stepId: string },
  taskId: string,
  sentAt: Date,
): Promise<void> {
  await query(
    db,
    'outreach.record_sent_and_advance',
    `WITH sent AS (
       UPDATE outreach_messages SET status = 'sent', sent_at = $3
       WHERE organisation_id = $1 AND id = $2 AND status = 'sending'
     ), done AS (
       UPDATE outreach_tasks SET status = 'done', locked_by = NULL, locked_until = NULL
       WHERE organisation_id = $1 AND id = $4
     ), next AS MATERIALIZED (
       ${NEXT_STEP_SQL('$1', '$5')}
     ), advanced AS (
       UPDATE outreach_campaign_enrollments e SET current_step_index = n.step_index FROM next n
       WHERE e.organisation_id = $1 AND e.id = $6 AND e.state = 'active' AND e.current_step_index < n.step_index
     ), drafted AS (
       INSERT INTO outreach_tasks (organisation_id, enrollment_id, step_id, kind, scheduled_for)
       SELECT $1, $6, n.id, 'draft', $3::timestamptz + n.delay_days * interval '24 hours' FROM next n
       WHERE NOT EXISTS (
         SELECT 1 FROM outreach_messages x WHERE x.organisation_id = $1 AND x.enrollment_id = $6 AND x.step_id = n.id
           AND x.direction = 'outbound' AND x.status NOT IN ('rejected', 'failed'))
       ON CONFLICT (organisation_id, enrollment_id, step_id, kind) WHERE status IN ('pending', 'claimed') DO NOTHING
     ), finished AS (
       UPDATE outreach_campaign_enrollments e SET state = 'finished', finished_at = coalesce(e.finished_at, $3)
       FROM crm_positions p
       WHERE e.organisation_id = $1 AND e.id = $6 AND e.state = 'active' AND NOT EXISTS (SELECT 1 FROM next)
         AND p.organisation_id = e.organisation_id AND p.id = e.position_id
       RETURNING jsonb_build_object('enrollmentId', e.id, 'campaignId', e.campaign_id, 'positionId', e.position_id,
         'email', p.email::text, 'finishedAt', ${iso('e.finished_at')}, 'reason', 'completed') AS payload
     ), ${webhookEventCtes({ organisation: '$1', type: '$7', eventId: '$8', source: 'finished f', payload: 'f.payload' })}
     SELECT 1`,
    [
      organisationId,
      message.id,
      sentAt.toISOString(),
      taskId,
      message.stepId,
      message.enrollmentId,
      'enrollment.finished',
      randomUUID(),
    ],
    { prepare: true },
  );
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
  /** The next step when the caller already read it; looked up otherwise. */
  knownNext?: NextStep | null,
): Promise<{ nextStepId: string | null; scheduledFor: Date | null }> {
  const step =
    knownNext !== undefined
      ? knownNext
      : (await query<NextStep>(db, 'outreach.next_step', NEXT_STEP_SQL('$1', '$2'), [organisationId, sentStepId]))
          .rows[0];
  if (!step) {
    const finished = await query<Record<string, string>>(
      db,
      'outreach.finish_enrollment',
      `UPDATE outreach_campaign_enrollments e SET state = 'finished', finished_at = coalesce(e.finished_at, $3)
       FROM crm_positions p
       WHERE e.organisation_id = $1 AND e.id = $2 AND e.state = 'active'
         AND p.organisation_id = e.organisation_id AND p.id = e.position_id
       RETURNING e.id AS "enrollmentId", e.campaign_id AS "campaignId", e.position_id AS "positionId",
         p.email::text AS email, ${iso('e.finished_at')} AS "finishedAt"`,
      [organisationId, enrollmentId, sentAt.toISOString()],
    );
    const enrollment = finished.rows[0];
    if (enrollment)
      await emitWebhookEvent(db, organisationId, 'enrollment.finished', { ...enrollment, reason: 'completed' });
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

/**
 * After a send or draft that will not be retried automatically: pauses the enrollment (so the
 * campaign's enrollment list shows it) and queues what resuming it does — a new draft of the same
 * step (`retry`: the message certainly did not leave), or the next step (`advance`: it may have
 * left, so it is never sent again). The queued draft waits: only active enrollments are claimed.
 */
export async function pauseAfterFailure(
  db: Queryable,
  organisationId: string,
  enrollmentId: string,
  stepId: string,
  resume: 'retry' | 'advance',
  now: Date,
): Promise<void> {
  if (resume === 'advance') await advanceEnrollment(db, organisationId, enrollmentId, stepId, now);
  const paused = await query(
    db,
    'outreach.pause_after_failure',
    `UPDATE outreach_campaign_enrollments SET state = 'paused', paused_until = NULL
     WHERE organisation_id = $1 AND id = $2 AND state = 'active'`,
    [organisationId, enrollmentId],
  );
  if (resume === 'retry' && paused.rowCount === 1) {
    await insertTasks(db, [{ organisationId, enrollmentId, stepId, kind: 'draft', scheduledFor: now }]);
  }
}
