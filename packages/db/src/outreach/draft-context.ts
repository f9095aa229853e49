import { query, type Queryable } from '../query.js';
import type { StepVariant } from './messages.js';

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
