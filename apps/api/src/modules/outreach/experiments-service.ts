import {
  ConflictError,
  NotFoundError,
  ValidationError,
  type CreateExperimentRequest,
  type Experiment,
  type UpdateExperimentRequest,
  type VariantInput,
} from '@prospectflow/contracts';
import * as db from '@prospectflow/db';
import { mapConstraints } from './db-errors.js';
import type { OutreachDeps } from './outreach-context.js';

const KNOWN = {
  outreach_step_experiments_running_key: [
    'experiment_already_running',
    'This step already has a running experiment; stop it first',
  ] as [string, string],
  outreach_step_experiment_variant_organisation_id_prompt_id_fkey: [
    'unknown_prompt',
    'No such prompt in this organisation',
  ] as [string, string],
};

/** Each variant needs content: a prompt or a body template. */
function checkVariants(variants: VariantInput[]) {
  const empty = variants.flatMap((v, i) =>
    v.promptId || v.bodyTemplate?.trim()
      ? []
      : [
          {
            path: ['variants', String(i)],
            message: `Variant ${v.key} needs a prompt or a body template`,
            code: 'custom',
          },
        ],
  );
  if (empty.length > 0) throw new ValidationError('Every variant needs content', empty);
}

/** Locks the step's campaign (404 for a step of another organisation, 409 when archived). */
async function lockStep(client: db.Queryable, organisationId: string, stepId: string) {
  const owner = await db.lockStepCampaign(client, organisationId, stepId);
  if (!owner) throw new NotFoundError('Step not found');
  if (owner.status === 'archived') throw new ConflictError('An archived campaign cannot change', 'campaign_archived');
}

export async function createExperiment(
  deps: OutreachDeps,
  organisationId: string,
  stepId: string,
  input: CreateExperimentRequest,
): Promise<Experiment> {
  checkVariants(input.variants);
  const id = await db.withTransaction(deps.pool, async (client) => {
    await lockStep(client, organisationId, stepId);
    const created = await mapConstraints(db.insertExperiment(client, organisationId, stepId, input), KNOWN);
    await mapConstraints(db.replaceVariants(client, organisationId, created, input.variants), KNOWN);
    return created;
  });
  return (await db.getExperiment(deps.pool, organisationId, id))!;
}

export async function listExperiments(deps: OutreachDeps, organisationId: string, stepId: string) {
  if (!(await db.getStep(deps.pool, organisationId, stepId))) throw new NotFoundError('Step not found');
  return { items: await db.listExperiments(deps.pool, organisationId, stepId) };
}

export async function getExperiment(deps: OutreachDeps, organisationId: string, id: string): Promise<Experiment> {
  const experiment = await db.getExperiment(deps.pool, organisationId, id);
  if (!experiment) throw new NotFoundError('Experiment not found');
  return experiment;
}

/**
 * Renames, changes status (draft → running → stopped; a stopped one stays stopped) or, while a
 * draft, replaces the variants.
 */
export async function updateExperiment(
  deps: OutreachDeps,
  organisationId: string,
  id: string,
  input: UpdateExperimentRequest,
): Promise<Experiment> {
  await db.withTransaction(deps.pool, async (client) => {
    const current = await db.getExperiment(client, organisationId, id);
    if (!current) throw new NotFoundError('Experiment not found');
    await lockStep(client, organisationId, current.stepId);
    if (input.variants && current.status !== 'draft') {
      throw new ConflictError('Variants change only while the experiment is a draft', 'experiment_not_draft');
    }
    if (current.status === 'stopped' && input.status && input.status !== 'stopped') {
      throw new ConflictError('A stopped experiment stays stopped; create a new one', 'experiment_stopped');
    }
    if (input.status === 'draft' && current.status !== 'draft') {
      throw new ConflictError('A started experiment cannot go back to draft', 'invalid_transition');
    }
    if (input.variants) {
      checkVariants(input.variants);
      await mapConstraints(db.replaceVariants(client, organisationId, id, input.variants), KNOWN);
    }
    await mapConstraints(db.updateExperiment(client, organisationId, id, input), KNOWN);
  });
  return getExperiment(deps, organisationId, id);
}

/** Deletes a draft experiment (a started one has assignments: stop it instead). */
export async function deleteExperiment(deps: OutreachDeps, organisationId: string, id: string): Promise<void> {
  await db.withTransaction(deps.pool, async (client) => {
    const current = await db.getExperiment(client, organisationId, id);
    if (!current) throw new NotFoundError('Experiment not found');
    await lockStep(client, organisationId, current.stepId);
    if (current.status !== 'draft') {
      throw new ConflictError('Only a draft experiment can be deleted; stop this one', 'experiment_not_draft');
    }
    await db.deleteExperiment(client, organisationId, id);
  });
}
