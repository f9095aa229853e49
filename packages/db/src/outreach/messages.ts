import { query, type Queryable } from '../query.js';

/** Everything the draft step needs about one task, read in one statement. */
export interface DraftContext {
  taskId: string;
  taskStatus: string;
  taskKind: string;
  organisationId: string;
  enrollmentId: string;
  stepId: string;
  stepIndex: number;
  campaign: {
    id: string;
    name: string;
    requireApproval: boolean;
    mailboxId: string | null;
    timezone: string;
    sendDays: number[];
    sendStartHour: number;
    sendEndHour: number;
  };
  step: { promptId: string | null; subjectTemplate: string | null; bodyTemplate: string | null };
  person: { firstName: string | null; lastName: string | null; salutation: string | null };
  company: {
    name: string | null;
    brandName: string | null;
    city: string | null;
    url: string | null;
    activity: string | null;
  };
  position: { jobTitle: string | null; email: string | null };
  mailbox: { fromName: string; fromEmail: string } | null;
  /** Variants of the step's running experiment (empty when none). */
  variants: StepVariant[];
  /** Outbound messages already sent to the enrollment, oldest first. */
  thread: { subject: string | null; bodyText: string | null }[];
}

/**
 * Loads the draft context of a task with its status, the step's running variants and the thread
 * so far, in one round trip (null when the task or its step no longer exists).
 */
export async function getDraftContext(
  db: Queryable,
  organisationId: string,
  taskId: string,
): Promise<DraftContext | null> {
  return (await getDraftContexts(db, [{ organisationId, taskId }]))[0] ?? null;
}

/**
 * `getDraftContext` for many tasks in one statement: the contexts aligned with `keys`, null where
 * the task (of that organisation) or its step no longer exists.
 */
export async function getDraftContexts(
  db: Queryable,
  keys: readonly { organisationId: string; taskId: string }[],
): Promise<(DraftContext | null)[]> {
  const contexts: (DraftContext | null)[] = keys.map(() => null);
  if (keys.length === 0) return contexts;
  const result = await query<{ ord: number; ctx: DraftContext }>(
    db,
    'outreach.draft_contexts',
    // The tasks first (by key), so the plan never depends on statistics of the big tables.
    `WITH t AS MATERIALIZED (
       SELECT k.ord, x.*
       FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS k(organisation_id, task_id, ord)
       JOIN outreach_tasks x ON x.organisation_id = k.organisation_id AND x.id = k.task_id
     )
     SELECT t.ord::int AS ord, json_build_object(
       'taskId', t.id, 'taskStatus', t.status, 'taskKind', t.kind, 'organisationId', t.organisation_id, 'enrollmentId', t.enrollment_id, 'stepId', s.id,
       'stepIndex', s.step_index,
       'campaign', json_build_object('id', c.id, 'name', c.name, 'requireApproval', c.require_approval,
         'mailboxId', c.mailbox_id, 'timezone', c.timezone, 'sendDays', c.send_days,
         'sendStartHour', c.send_start_hour, 'sendEndHour', c.send_end_hour),
       'step', json_build_object('promptId', s.prompt_id, 'subjectTemplate', s.subject_template,
         'bodyTemplate', s.body_template),
       'person', json_build_object('firstName', pe.first_name, 'lastName', pe.last_name, 'salutation', pe.salutation),
       'company', json_build_object('name', co.name, 'brandName', co.brand_name, 'city', co.hq_city, 'url', co.url,
         'activity', co.activity),
       'position', json_build_object('jobTitle', p.job_title, 'email', p.email),
       'mailbox', CASE WHEN mb.id IS NULL THEN NULL
                  ELSE json_build_object('fromName', mb.from_name, 'fromEmail', mb.from_email) END,
       'variants', coalesce((
         SELECT json_agg(json_build_object('id', v.id, 'key', v.key, 'weight', v.weight, 'promptId', v.prompt_id,
                  'subjectTemplate', v.subject_template, 'bodyTemplate', v.body_template) ORDER BY v.key)
         FROM outreach_step_experiments x
         JOIN outreach_step_experiment_variants v ON v.organisation_id = x.organisation_id AND v.experiment_id = x.id
         WHERE x.organisation_id = t.organisation_id AND x.step_id = s.id AND x.status = 'running'), '[]'),
       'thread', coalesce((
         SELECT json_agg(json_build_object('subject', m.subject, 'bodyText', m.body_text) ORDER BY m.sent_at)
         FROM outreach_messages m
         WHERE m.organisation_id = t.organisation_id AND m.enrollment_id = t.enrollment_id
           AND m.direction = 'outbound' AND m.status = 'sent'), '[]')
     ) AS ctx
     FROM t
     JOIN outreach_workflow_steps s ON s.organisation_id = t.organisation_id AND s.id = t.step_id
     JOIN outreach_campaign_enrollments e ON e.organisation_id = t.organisation_id AND e.id = t.enrollment_id
     JOIN outreach_campaigns c ON c.organisation_id = e.organisation_id AND c.id = e.campaign_id
     JOIN crm_positions p ON p.organisation_id = e.organisation_id AND p.id = e.position_id
     JOIN crm_people pe ON pe.organisation_id = p.organisation_id AND pe.id = p.person_id
     JOIN crm_companies co ON co.organisation_id = p.organisation_id AND co.id = p.company_id
     LEFT JOIN outreach_mailboxes mb ON mb.organisation_id = c.organisation_id AND mb.id = c.mailbox_id`,
    [keys.map((k) => k.organisationId), keys.map((k) => k.taskId)],
    { prepare: true },
  );
  for (const row of result.rows) contexts[row.ord - 1] = row.ctx;
  return contexts;
}

export interface StepVariant {
  id: string;
  key: string;
  weight: number;
  promptId: string | null;
  subjectTemplate: string | null;
  bodyTemplate: string | null;
}

/** Variants of the step's running experiment (empty when the step has none). */
export async function listRunningVariants(
  db: Queryable,
  organisationId: string,
  stepId: string,
): Promise<StepVariant[]> {
  const result = await query<StepVariant>(
    db,
    'outreach.running_variants',
    `SELECT v.id, v.key, v.weight, v.prompt_id AS "promptId", v.subject_template AS "subjectTemplate",
            v.body_template AS "bodyTemplate"
     FROM outreach_step_experiments x
     JOIN outreach_step_experiment_variants v ON v.organisation_id = x.organisation_id AND v.experiment_id = x.id
     WHERE x.organisation_id = $1 AND x.step_id = $2 AND x.status = 'running'
     ORDER BY v.key`,
    [organisationId, stepId],
  );
  return result.rows;
}

/** The prompt text of a prompt version. */
export async function getPromptText(
  db: Queryable,
  organisationId: string,
  promptId: string,
): Promise<{ systemPrompt: string; userPrompt: string } | null> {
  const result = await query<{ systemPrompt: string; userPrompt: string }>(
    db,
    'outreach.prompt_text',
    `SELECT system_prompt AS "systemPrompt", user_prompt AS "userPrompt"
     FROM outreach_prompts WHERE organisation_id = $1 AND id = $2`,
    [organisationId, promptId],
  );
  return result.rows[0] ?? null;
}

export interface ThreadMessage {
  subject: string | null;
  bodyText: string | null;
  messageId: string | null;
  sentAt: Date | null;
}

/** Outbound messages already sent to this enrollment, oldest first (the thread so far). */
export async function listSentThread(
  db: Queryable,
  organisationId: string,
  enrollmentId: string,
): Promise<ThreadMessage[]> {
  const result = await query<ThreadMessage>(
    db,
    'outreach.sent_thread',
    `SELECT subject, body_text AS "bodyText", message_id AS "messageId", sent_at AS "sentAt"
     FROM outreach_messages
     WHERE organisation_id = $1 AND enrollment_id = $2 AND direction = 'outbound' AND status = 'sent'
     ORDER BY sent_at`,
    [organisationId, enrollmentId],
  );
  return result.rows;
}

export interface NewOutboundMessage {
  organisationId: string;
  enrollmentId: string;
  stepId: string;
  variantId: string | null;
  mailboxId: string | null;
  status: 'draft' | 'approved';
  fromEmail: string | null;
  toEmail: string | null;
  subject: string;
  bodyText: string;
  bodyHtml: string;
}

/** Inserts the step's outbound message unless one is already live; returns its id or null. */
export async function insertOutboundMessage(db: Queryable, message: NewOutboundMessage): Promise<string | null> {
  const result = await query<{ id: string }>(
    db,
    'outreach.insert_outbound_message',
    `INSERT INTO outreach_messages (organisation_id, enrollment_id, step_id, variant_id, mailbox_id, direction, status,
       from_email, to_email, subject, body_text, body_html, approved_at)
     VALUES ($1, $2, $3, $4, $5, 'outbound', $6, $7, $8, $9, $10, $11, CASE WHEN $6 = 'approved' THEN now() END)
     ON CONFLICT (organisation_id, enrollment_id, step_id)
       WHERE direction = 'outbound' AND status NOT IN ('rejected', 'failed') DO NOTHING
     RETURNING id`,
    [
      message.organisationId,
      message.enrollmentId,
      message.stepId,
      message.variantId,
      message.mailboxId,
      message.status,
      message.fromEmail,
      message.toEmail,
      message.subject,
      message.bodyText,
      message.bodyHtml,
    ],
  );
  return result.rows[0]?.id ?? null;
}

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

/**
 * Columns for an enrollment listing (alias `e`): how many of its outbound messages failed and the
 * latest failure's error, so an enrollment paused by a failed send shows why (doc/OUTREACH.md
 * "Send"). For the enrollment repository to add to its column list.
 */
export const enrollmentFailureColumns = (e: string) => `
  (SELECT count(*)::int FROM outreach_messages fm
   WHERE fm.organisation_id = ${e}.organisation_id AND fm.enrollment_id = ${e}.id AND fm.direction = 'outbound'
     AND fm.status = 'failed') AS "failedMessages",
  (SELECT fm.error FROM outreach_messages fm
   WHERE fm.organisation_id = ${e}.organisation_id AND fm.enrollment_id = ${e}.id AND fm.direction = 'outbound'
     AND fm.status = 'failed'
   ORDER BY fm.updated_at DESC LIMIT 1) AS "lastSendError"`;
