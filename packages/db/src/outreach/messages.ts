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
  const result = await query<{ ctx: DraftContext }>(
    db,
    'outreach.draft_context',
    // The task first (by key), so the plan never depends on statistics of the big tables.
    `WITH t AS MATERIALIZED (SELECT * FROM outreach_tasks WHERE organisation_id = $1 AND id = $2)
     SELECT json_build_object(
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
    [organisationId, taskId],
    { prepare: true },
  );
  return result.rows[0]?.ctx ?? null;
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
  const result = await query<{ settled: boolean; messageId: string | null }>(
    db,
    'outreach.store_draft',
    `WITH task AS (
       UPDATE outreach_tasks SET status = 'done', locked_by = NULL, locked_until = NULL
       WHERE organisation_id = $1 AND id = $2 AND status = 'claimed' AND kind = 'draft'
       RETURNING organisation_id, enrollment_id, step_id
     ), message AS (
       INSERT INTO outreach_messages (organisation_id, enrollment_id, step_id, variant_id, mailbox_id, direction, status,
         from_email, to_email, subject, body_text, body_html, approved_at)
       SELECT organisation_id, enrollment_id, step_id, $3, $4, 'outbound', $5, $6, $7, $8, $9, $10,
              CASE WHEN $5 = 'approved' THEN now() END
       FROM task
       ON CONFLICT (organisation_id, enrollment_id, step_id)
         WHERE direction = 'outbound' AND status NOT IN ('rejected', 'failed') DO NOTHING
       RETURNING organisation_id, enrollment_id, step_id, id, status
     ), send AS (
       INSERT INTO outreach_tasks (organisation_id, enrollment_id, step_id, kind, scheduled_for)
       SELECT organisation_id, enrollment_id, step_id, 'send', $11 FROM message WHERE status = 'approved'
       ON CONFLICT (organisation_id, enrollment_id, step_id, kind) WHERE status IN ('pending', 'claimed') DO NOTHING
     )
     SELECT EXISTS (SELECT 1 FROM task) AS settled, (SELECT id FROM message) AS "messageId"`,
    [
      message.organisationId,
      taskId,
      message.variantId,
      message.mailboxId,
      message.status,
      message.fromEmail,
      message.toEmail,
      message.subject,
      message.bodyText,
      message.bodyHtml,
      sendAt.toISOString(),
    ],
    { prepare: true },
  );
  return result.rows[0]!;
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
