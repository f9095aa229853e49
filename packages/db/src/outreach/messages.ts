import { query, type Queryable } from '../query.js';

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
