import type { Experiment, ExperimentStatus, VariantInput } from '@prospectflow/contracts';
import { iso } from '../crm/prospect-sql.js';
import { query, type Queryable } from '../query.js';

const experimentColumns = (x: string) => `${x}.id, ${x}.step_id AS "stepId", ${x}.name, ${x}.status,
  (SELECT coalesce(json_agg(json_build_object('id', v.id, 'key', v.key, 'weight', v.weight, 'promptId', v.prompt_id,
      'subjectTemplate', v.subject_template, 'bodyTemplate', v.body_template) ORDER BY v.key), '[]')
   FROM outreach_step_experiment_variants v
   WHERE v.organisation_id = ${x}.organisation_id AND v.experiment_id = ${x}.id) AS variants,
  ${iso(`${x}.created_at`)} AS "createdAt", ${iso(`${x}.updated_at`)} AS "updatedAt"`;

/** Inserts an experiment of `stepId`; a second running one fails on outreach_step_experiments_running_key. */
export async function insertExperiment(
  db: Queryable,
  organisationId: string,
  stepId: string,
  experiment: { name: string; status: ExperimentStatus },
): Promise<string> {
  const result = await query<{ id: string }>(
    db,
    'outreach.insert_experiment',
    `INSERT INTO outreach_step_experiments (organisation_id, step_id, name, status) VALUES ($1, $2, $3, $4) RETURNING id`,
    [organisationId, stepId, experiment.name, experiment.status],
  );
  return result.rows[0]!.id;
}

/** Replaces the variants of an experiment (one statement over the JSON array). */
export async function replaceVariants(
  db: Queryable,
  organisationId: string,
  experimentId: string,
  variants: VariantInput[],
): Promise<void> {
  await query(
    db,
    'outreach.delete_variants',
    `DELETE FROM outreach_step_experiment_variants WHERE organisation_id = $1 AND experiment_id = $2`,
    [organisationId, experimentId],
  );
  const rows = variants.map((v) => ({
    key: v.key,
    weight: v.weight,
    prompt_id: v.promptId ?? null,
    subject_template: v.subjectTemplate ?? null,
    body_template: v.bodyTemplate ?? null,
  }));
  await query(
    db,
    'outreach.insert_variants',
    `INSERT INTO outreach_step_experiment_variants (organisation_id, experiment_id, key, weight, prompt_id,
       subject_template, body_template)
     SELECT $1, $2, key, weight, prompt_id, subject_template, body_template
     FROM jsonb_to_recordset($3::jsonb)
       AS x(key text, weight int, prompt_id uuid, subject_template text, body_template text)`,
    [organisationId, experimentId, JSON.stringify(rows)],
  );
}

export async function getExperiment(db: Queryable, organisationId: string, id: string): Promise<Experiment | null> {
  const result = await query<Experiment>(
    db,
    'outreach.get_experiment',
    `SELECT ${experimentColumns('x')} FROM outreach_step_experiments x WHERE x.organisation_id = $1 AND x.id = $2`,
    [organisationId, id],
  );
  return result.rows[0] ?? null;
}

export async function listExperiments(db: Queryable, organisationId: string, stepId: string): Promise<Experiment[]> {
  const result = await query<Experiment>(
    db,
    'outreach.list_experiments',
    `SELECT ${experimentColumns('x')} FROM outreach_step_experiments x
     WHERE x.organisation_id = $1 AND x.step_id = $2 ORDER BY x.created_at, x.id`,
    [organisationId, stepId],
  );
  return result.rows;
}

/** Changes name and status of an experiment (running uniqueness is the database's). */
export async function updateExperiment(
  db: Queryable,
  organisationId: string,
  id: string,
  changes: { name?: string; status?: ExperimentStatus },
): Promise<void> {
  await query(
    db,
    'outreach.update_experiment',
    `UPDATE outreach_step_experiments SET name = coalesce($3, name), status = coalesce($4, status)
     WHERE organisation_id = $1 AND id = $2`,
    [organisationId, id, changes.name ?? null, changes.status ?? null],
  );
}

/** Deletes an experiment and its variants (and their assignments, by cascade). */
export async function deleteExperiment(db: Queryable, organisationId: string, id: string): Promise<boolean> {
  const result = await query(
    db,
    'outreach.delete_experiment',
    `DELETE FROM outreach_step_experiments WHERE organisation_id = $1 AND id = $2`,
    [organisationId, id],
  );
  return (result.rowCount ?? 0) > 0;
}

/** The campaign a step belongs to, with its status, locked; null when the step is not the organisation's. */
export async function lockStepCampaign(
  db: Queryable,
  organisationId: string,
  stepId: string,
): Promise<{ campaignId: string; status: string } | null> {
  const result = await query<{ campaignId: string; status: string }>(
    db,
    'outreach.lock_step_campaign',
    `SELECT c.id AS "campaignId", c.status FROM outreach_workflow_steps s
     JOIN outreach_campaigns c ON c.organisation_id = s.organisation_id AND c.id = s.campaign_id
     WHERE s.organisation_id = $1 AND s.id = $2 FOR UPDATE OF c`,
    [organisationId, stepId],
  );
  return result.rows[0] ?? null;
}
