import type { Step, StartBlocker } from '@prospectflow/contracts';
import { iso } from '../crm/prospect-sql.js';
import { query, type Queryable } from '../query.js';

export interface StepChanges {
  delayDays?: number;
  exitOnReply?: boolean;
  enabled?: boolean;
  promptId?: string | null;
  subjectTemplate?: string | null;
  bodyTemplate?: string | null;
}

const stepColumns = (s: string) => `${s}.id, ${s}.campaign_id AS "campaignId", ${s}.step_index AS "stepIndex",
  ${s}.delay_days AS "delayDays", ${s}.exit_on_reply AS "exitOnReply", ${s}.enabled, ${s}.prompt_id AS "promptId",
  ${s}.subject_template AS "subjectTemplate", ${s}.body_template AS "bodyTemplate",
  ${iso(`${s}.created_at`)} AS "createdAt", ${iso(`${s}.updated_at`)} AS "updatedAt"`;

/**
 * A step or variant has content: a prompt or a body template (without a subject template, a
 * follow-up answers in the thread with "Re: <previous subject>").
 */
export const hasContentSql = (t: string) =>
  `(${t}.prompt_id IS NOT NULL OR btrim(coalesce(${t}.body_template, '')) <> '')`;

export async function listSteps(db: Queryable, organisationId: string, campaignId: string): Promise<Step[]> {
  const result = await query<Step>(
    db,
    'outreach.list_steps',
    `SELECT ${stepColumns('s')} FROM outreach_workflow_steps s
     WHERE s.organisation_id = $1 AND s.campaign_id = $2 ORDER BY s.step_index`,
    [organisationId, campaignId],
  );
  return result.rows;
}

/** A step of the organisation (any campaign), or null. */
export async function getStep(db: Queryable, organisationId: string, id: string): Promise<Step | null> {
  const result = await query<Step>(
    db,
    'outreach.get_step',
    `SELECT ${stepColumns('s')} FROM outreach_workflow_steps s WHERE s.organisation_id = $1 AND s.id = $2`,
    [organisationId, id],
  );
  return result.rows[0] ?? null;
}

/** Appends a step after the campaign's last one (call with the campaign row locked). */
export async function appendStep(
  db: Queryable,
  organisationId: string,
  campaignId: string,
  step: StepChanges,
): Promise<Step> {
  const result = await query<Step>(
    db,
    'outreach.append_step',
    `INSERT INTO outreach_workflow_steps AS s (organisation_id, campaign_id, step_index, delay_days, exit_on_reply,
       enabled, prompt_id, subject_template, body_template)
     SELECT $1, $2, coalesce(max(step_index) + 1, 0), $3, $4, $5, $6, $7, $8
     FROM outreach_workflow_steps WHERE organisation_id = $1 AND campaign_id = $2
     RETURNING ${stepColumns('s')}`,
    [
      organisationId,
      campaignId,
      step.delayDays ?? 0,
      step.exitOnReply ?? true,
      step.enabled ?? true,
      step.promptId ?? null,
      step.subjectTemplate ?? null,
      step.bodyTemplate ?? null,
    ],
  );
  return result.rows[0]!;
}

/** Changes the given fields of a step of `campaignId`; null when it is not one of its steps. */
export async function updateStep(
  db: Queryable,
  organisationId: string,
  campaignId: string,
  id: string,
  changes: StepChanges,
): Promise<Step | null> {
  const has = (k: keyof StepChanges) => k in changes;
  const result = await query<Step>(
    db,
    'outreach.update_step',
    `UPDATE outreach_workflow_steps s SET
       delay_days = coalesce($4, s.delay_days), exit_on_reply = coalesce($5, s.exit_on_reply),
       enabled = coalesce($6, s.enabled),
       prompt_id = CASE WHEN $7 THEN $8::uuid ELSE s.prompt_id END,
       subject_template = CASE WHEN $9 THEN $10 ELSE s.subject_template END,
       body_template = CASE WHEN $11 THEN $12 ELSE s.body_template END
     WHERE s.organisation_id = $1 AND s.campaign_id = $2 AND s.id = $3
     RETURNING ${stepColumns('s')}`,
    [
      organisationId,
      campaignId,
      id,
      changes.delayDays ?? null,
      changes.exitOnReply ?? null,
      changes.enabled ?? null,
      has('promptId'),
      changes.promptId ?? null,
      has('subjectTemplate'),
      changes.subjectTemplate ?? null,
      has('bodyTemplate'),
      changes.bodyTemplate ?? null,
    ],
  );
  return result.rows[0] ?? null;
}

/** Whether tasks in flight or messages refer to the step (then it is disabled rather than deleted). */
export async function isStepInUse(db: Queryable, organisationId: string, id: string): Promise<boolean> {
  const result = await query<{ used: boolean }>(
    db,
    'outreach.is_step_in_use',
    `SELECT EXISTS (SELECT 1 FROM outreach_tasks WHERE organisation_id = $1 AND step_id = $2
                      AND status IN ('pending', 'claimed'))
         OR EXISTS (SELECT 1 FROM outreach_messages WHERE organisation_id = $1 AND step_id = $2) AS used`,
    [organisationId, id],
  );
  return result.rows[0]!.used;
}

/** Deletes a step and closes the gap in the indexes (in the caller's transaction). */
export async function deleteStep(
  db: Queryable,
  organisationId: string,
  campaignId: string,
  id: string,
): Promise<boolean> {
  const deleted = await query<{ step_index: number }>(
    db,
    'outreach.delete_step',
    `DELETE FROM outreach_workflow_steps WHERE organisation_id = $1 AND campaign_id = $2 AND id = $3
     RETURNING step_index`,
    [organisationId, campaignId, id],
  );
  if (deleted.rowCount === 0) return false;
  await query(
    db,
    'outreach.compact_steps',
    `UPDATE outreach_workflow_steps SET step_index = step_index - 1
     WHERE organisation_id = $1 AND campaign_id = $2 AND step_index > $3`,
    [organisationId, campaignId, deleted.rows[0]!.step_index],
  );
  return true;
}

/**
 * Gives the steps the order of `stepIds` (0-based) in one statement; the unique key is checked at
 * statement end (DEFERRABLE), so swapping indexes never collides. The caller checked the ids.
 */
export async function reorderSteps(
  db: Queryable,
  organisationId: string,
  campaignId: string,
  stepIds: string[],
): Promise<void> {
  await query(
    db,
    'outreach.reorder_steps',
    `UPDATE outreach_workflow_steps s SET step_index = o.ordinality - 1
     FROM unnest($3::uuid[]) WITH ORDINALITY AS o(id, ordinality)
     WHERE s.organisation_id = $1 AND s.campaign_id = $2 AND s.id = o.id AND s.step_index <> o.ordinality - 1`,
    [organisationId, campaignId, stepIds],
  );
}

/** Everything that keeps a campaign from starting: mailbox, enabled steps, content of steps and variants. */
export async function findStartBlockers(
  db: Queryable,
  organisationId: string,
  campaignId: string,
): Promise<StartBlocker[]> {
  const result = await query<StartBlocker>(
    db,
    'outreach.find_start_blockers',
    `SELECT 'mailbox_missing' AS code, 'Choose the mailbox the campaign sends from' AS message,
       NULL::uuid AS "stepId", NULL::int AS "stepIndex", NULL::uuid AS "variantId", -1 AS ord
     FROM outreach_campaigns c WHERE c.organisation_id = $1 AND c.id = $2 AND c.mailbox_id IS NULL
     UNION ALL
     SELECT 'no_enabled_step', 'Add at least one enabled step', NULL, NULL, NULL, -1
     WHERE NOT EXISTS (SELECT 1 FROM outreach_workflow_steps
                       WHERE organisation_id = $1 AND campaign_id = $2 AND enabled)
     UNION ALL
     SELECT 'step_without_content', format('Step %s has neither a prompt nor a body template', s.step_index + 1),
       s.id, s.step_index, NULL, s.step_index
     FROM outreach_workflow_steps s
     WHERE s.organisation_id = $1 AND s.campaign_id = $2 AND s.enabled AND NOT ${hasContentSql('s')}
       AND NOT EXISTS (SELECT 1 FROM outreach_step_experiments x
                       WHERE x.organisation_id = $1 AND x.step_id = s.id AND x.status = 'running')
     UNION ALL
     SELECT 'variant_without_content',
       format('Variant %s of step %s has neither a prompt nor a body template', v.key, s.step_index + 1),
       s.id, s.step_index, v.id, s.step_index
     FROM outreach_workflow_steps s
     JOIN outreach_step_experiments x ON x.organisation_id = s.organisation_id AND x.step_id = s.id AND x.status = 'running'
     JOIN outreach_step_experiment_variants v ON v.organisation_id = x.organisation_id AND v.experiment_id = x.id
     WHERE s.organisation_id = $1 AND s.campaign_id = $2 AND s.enabled AND NOT ${hasContentSql('v')}
     ORDER BY ord, code`,
    [organisationId, campaignId],
  );
  return result.rows.map(({ stepId, stepIndex, variantId, code, message }) => ({
    code,
    message,
    ...(stepId ? { stepId } : {}),
    ...(stepIndex !== null && stepIndex !== undefined ? { stepIndex } : {}),
    ...(variantId ? { variantId } : {}),
  }));
}
