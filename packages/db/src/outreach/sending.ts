import { query, type Queryable } from '../query.js';
import type { MailboxForSending } from './send-context.js';

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
// The message by its unique live key, in a subquery the status filters of the guard cannot enter
// (OFFSET 0): with them, a plan from statistics of a quiet moment walks every approved message of
// the organisation per task instead.
const SEND_WORK_FROM = `FROM t
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

/** What `guardSends` needs per send: the task, and the ids and token hashes the guard stores. */
export interface GuardSendItem {
  organisationId: string;
  taskId: string;
  /** Our Message-ID's local part. */
  id: string;
  unsubscribeTokenHash: string;
  pixelTokenHash: string;
}

/**
 * The common case of the guard, for many sends in one statement (no transaction round trips):
 * when a task is claimed, its message approved or queued, the enrollment active, the campaign
 * running, the recipient not suppressed and the mailbox present, moves the message to `sending`
 * exactly as `markSending` does (Message-ID `<uuid@sender-domain>`, threading headers, token
 * hashes, pixel only with open tracking; every claimed task examined counts an attempt). Answers per item, in order;
 * null for any other case: the caller then takes the transactional path, which handles them.
 */
export async function guardSends(db: Queryable, items: readonly GuardSendItem[]): Promise<(GuardedSend | null)[]> {
  if (items.length === 0) return [];
  const result = await query<Record<string, unknown>>(
    db,
    'outreach.guard_sends',
    // Each row is written once: the task's attempt count is its lock, and the message's update
    // re-checks its status instead of locking it first (a concurrent change skips the row).
    // `IS NOT DISTINCT FROM 'claimed'`, not `= 'claimed'`: the latter matches the partial index of
    // claimed tasks, which a plan from quiet-time statistics walks (every task in flight) for
    // each item instead of finding the items by key.
    `WITH x AS (
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[]) WITH ORDINALITY
         AS x(organisation_id, task_id, send_id, unsubscribe_hash, pixel_hash, n)
     ), t AS MATERIALIZED (
       UPDATE outreach_tasks t SET attempts = t.attempts + 1
       FROM x WHERE t.organisation_id = x.organisation_id AND t.id = x.task_id AND t.kind = 'send'
         AND t.status IS NOT DISTINCT FROM 'claimed'
       RETURNING t.organisation_id, t.id, t.enrollment_id, t.step_id, t.status, t.kind, x.n, x.send_id,
                 x.unsubscribe_hash, x.pixel_hash
     ), w AS MATERIALIZED (
       SELECT t.n, t.id AS task_id, t.send_id, t.unsubscribe_hash, t.pixel_hash, m.organisation_id AS org,
              ${SEND_WORK_COLUMNS} ${SEND_WORK_FROM}
       WHERE m.status IN ('approved', 'queued') AND e.state = 'active' AND c.status = 'running'
         AND mb.id IS NOT NULL AND m.to_email IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM outreach_suppressions s WHERE s.organisation_id = m.organisation_id AND s.email = m.to_email)
     ), sending AS (
       UPDATE outreach_messages u
       SET status = 'sending', error = NULL, unsubscribe_token_hash = w.unsubscribe_hash,
           message_id = '<' || w.send_id || '@'
             || coalesce(nullif(lower(split_part(w.mailbox->>'fromEmail', '@', 2)), ''), 'localhost') || '>',
           in_reply_to = w.previous->>'messageId',
           references_header = nullif(concat_ws(' ', nullif(w.previous->>'references', ''), w.previous->>'messageId'), '')
       FROM w WHERE u.organisation_id = w.org AND u.id = w.id AND u.status IN ('approved', 'queued')
       RETURNING u.id, u.message_id, u.in_reply_to, u.references_header
     ), dropped AS (
       DELETE FROM tracking_pixels p USING w JOIN sending s ON s.id = w.id
       WHERE NOT w."openTracking" AND p.organisation_id = w.org AND p.message_id = w.id
     ), pixel AS (
       INSERT INTO tracking_pixels (organisation_id, message_id, token_hash)
       SELECT w.org, w.id, w.pixel_hash FROM w JOIN sending s ON s.id = w.id WHERE w."openTracking"
       ON CONFLICT (organisation_id, message_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, created_at = now()
     )
     SELECT w.*, s.message_id AS "rfcMessageId", s.in_reply_to AS "inReplyTo", s.references_header AS "references"
     FROM w JOIN sending s ON s.id = w.id`,
    [
      items.map((i) => i.organisationId),
      items.map((i) => i.taskId),
      items.map((i) => i.id),
      items.map((i) => i.unsubscribeTokenHash),
      items.map((i) => i.pixelTokenHash),
    ],
    { prepare: true },
  );
  const answers: (GuardedSend | null)[] = items.map(() => null);
  for (const row of result.rows) {
    const { n, task_id: _task, send_id: _send, unsubscribe_hash: _u, pixel_hash: _p, org: _org, ...rest } = row;
    const { rfcMessageId, inReplyTo, references, ...work } = rest;
    answers[Number(n) - 1] = {
      ...(toSendWork(work) as SendWork & { mailbox: MailboxForSending }),
      rfcMessageId: rfcMessageId as string,
      inReplyTo: inReplyTo as string | null,
      references: references as string | null,
    };
  }
  return answers;
}

/** `guardSends` for one send. */
export async function guardSend(
  db: Queryable,
  organisationId: string,
  taskId: string,
  send: { id: string; unsubscribeTokenHash: string; pixelTokenHash: string },
): Promise<GuardedSend | null> {
  const [guarded] = await guardSends(db, [{ organisationId, taskId, ...send }]);
  return guarded ?? null;
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
