import { query, type Queryable } from '../query.js';
import type { MailboxForSending } from './send-context.js';
import { SEND_WORK_COLUMNS, SEND_WORK_FROM, toSendWork, type SendWork } from './send-work.js';

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
