import { query, type Queryable } from '../query.js';
import type { NewOutboundMessage } from './messages.js';

/**
 * Stores a draft in one statement: the claimed draft task → done, the step's message (unless one
 * is already live) and, when approved, its send task due at `sendAt`. Writes nothing when the
 * task is no longer claimed; `settled` says whether it was.
 */
export async function storeDraft(
  db: Queryable,
  taskId: string,
  message: NewOutboundMessage,
  sendAt: Date,
): Promise<{ settled: boolean; messageId: string | null }> {
  return (await storeDrafts(db, [{ taskId, message, sendAt }]))[0]!;
}

export interface DraftToStore {
  taskId: string;
  message: NewOutboundMessage;
  sendAt: Date;
}

/**
 * `storeDraft` for many drafts in one statement, answers aligned with `items`. The task of each
 * draft is `(message.organisationId, taskId)`; the message goes to the task's enrollment and step.
 * `messageId` is null when the task was not settled or the step's message already existed.
 */
export async function storeDrafts(
  db: Queryable,
  items: readonly DraftToStore[],
): Promise<{ settled: boolean; messageId: string | null }[]> {
  const answers = items.map(() => ({ settled: false, messageId: null as string | null }));
  if (items.length === 0) return answers;
  const column = <T>(pick: (item: DraftToStore) => T) => items.map(pick);
  const result = await query<{ ord: number; settled: boolean; messageId: string | null }>(
    db,
    'outreach.store_drafts',
    `WITH input AS MATERIALIZED (
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[],
                            $8::text[], $9::text[], $10::text[], $11::timestamptz[])
         WITH ORDINALITY AS i(organisation_id, task_id, variant_id, mailbox_id, status, from_email, to_email,
                              subject, body_text, body_html, send_at, ord)
     ), task AS (
       UPDATE outreach_tasks x SET status = 'done', locked_by = NULL, locked_until = NULL
       FROM input i
       WHERE x.organisation_id = i.organisation_id AND x.id = i.task_id AND x.kind = 'draft'
         -- Not = 'claimed': see guardSends (the partial index of claimed tasks).
         AND x.status IS NOT DISTINCT FROM 'claimed'
       RETURNING i.ord, x.organisation_id, x.enrollment_id, x.step_id
     ), message AS (
       INSERT INTO outreach_messages (organisation_id, enrollment_id, step_id, variant_id, mailbox_id, direction, status,
         from_email, to_email, subject, body_text, body_html, approved_at)
       SELECT task.organisation_id, task.enrollment_id, task.step_id, i.variant_id, i.mailbox_id, 'outbound', i.status,
              i.from_email, i.to_email, i.subject, i.body_text, i.body_html,
              CASE WHEN i.status = 'approved' THEN now() END
       FROM task JOIN input i ON i.ord = task.ord
       ON CONFLICT (organisation_id, enrollment_id, step_id)
         WHERE direction = 'outbound' AND status NOT IN ('rejected', 'failed') DO NOTHING
       RETURNING organisation_id, enrollment_id, step_id, id, status
     ), stored AS (
       -- One live draft task per (organisation, enrollment, step): the message's key finds its task.
       SELECT task.ord, m.organisation_id, m.enrollment_id, m.step_id, m.id, m.status
       FROM message m
       JOIN task ON task.organisation_id = m.organisation_id AND task.enrollment_id = m.enrollment_id
         AND task.step_id = m.step_id
     ), send AS (
       INSERT INTO outreach_tasks (organisation_id, enrollment_id, step_id, kind, scheduled_for)
       SELECT stored.organisation_id, stored.enrollment_id, stored.step_id, 'send', i.send_at
       FROM stored JOIN input i ON i.ord = stored.ord
       WHERE stored.status = 'approved'
       ON CONFLICT (organisation_id, enrollment_id, step_id, kind) WHERE status IN ('pending', 'claimed') DO NOTHING
     )
     SELECT i.ord::int AS ord, task.ord IS NOT NULL AS settled, stored.id AS "messageId"
     FROM input i
     LEFT JOIN task ON task.ord = i.ord
     LEFT JOIN stored ON stored.ord = i.ord`,
    [
      column((d) => d.message.organisationId),
      column((d) => d.taskId),
      column((d) => d.message.variantId),
      column((d) => d.message.mailboxId),
      column((d) => d.message.status),
      column((d) => d.message.fromEmail),
      column((d) => d.message.toEmail),
      column((d) => d.message.subject),
      column((d) => d.message.bodyText),
      column((d) => d.message.bodyHtml),
      column((d) => d.sendAt.toISOString()),
    ],
    { prepare: true },
  );
  for (const row of result.rows) answers[row.ord - 1] = { settled: row.settled, messageId: row.messageId };
  return answers;
}
