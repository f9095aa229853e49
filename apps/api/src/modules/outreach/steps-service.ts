import {
  ConflictError,
  NotFoundError,
  ValidationError,
  type CreateStepRequest,
  type PreviewStepRequest,
  type ProspectDetail,
  type Step,
  type StepPreview,
  type UpdateStepRequest,
} from '@prospectflow/contracts';
import * as db from '@prospectflow/db';
import { renderEmailContent, renderTemplate, type TemplateContext } from '@prospectflow/outreach';
import { lockEditableCampaign } from './campaigns-service.js';
import { mapConstraints } from './db-errors.js';
import type { OutreachDeps } from './outreach-context.js';

const UNKNOWN_PROMPT = {
  outreach_workflow_steps_organisation_id_prompt_id_fkey: ['unknown_prompt', 'No such prompt in this organisation'] as [
    string,
    string,
  ],
};

/** Steps may be added, deleted or reordered only while no enrollment can be moving through them. */
function refuseWhileRunning(status: string) {
  if (status === 'running') {
    throw new ConflictError('Pause the campaign before changing the order of its steps', 'campaign_running');
  }
}

export async function createStep(
  deps: OutreachDeps,
  organisationId: string,
  campaignId: string,
  input: CreateStepRequest,
): Promise<Step> {
  return db.withTransaction(deps.pool, async (client) => {
    await lockEditableCampaign(client, organisationId, campaignId);
    return mapConstraints(db.appendStep(client, organisationId, campaignId, input), UNKNOWN_PROMPT);
  });
}

export async function updateStep(
  deps: OutreachDeps,
  organisationId: string,
  campaignId: string,
  stepId: string,
  input: UpdateStepRequest,
): Promise<Step> {
  return db.withTransaction(deps.pool, async (client) => {
    await lockEditableCampaign(client, organisationId, campaignId);
    const step = await mapConstraints(db.updateStep(client, organisationId, campaignId, stepId, input), UNKNOWN_PROMPT);
    if (!step) throw new NotFoundError('Step not found');
    return step;
  });
}

/** Deletes a step nothing refers to yet (409 `step_in_use`: disable it instead); later steps move up. */
export async function deleteStep(deps: OutreachDeps, organisationId: string, campaignId: string, stepId: string) {
  await db.withTransaction(deps.pool, async (client) => {
    const campaign = await lockEditableCampaign(client, organisationId, campaignId);
    const step = await db.getStep(client, organisationId, stepId);
    if (!step || step.campaignId !== campaignId) throw new NotFoundError('Step not found');
    refuseWhileRunning(campaign.status);
    if (await db.isStepInUse(client, organisationId, stepId)) {
      throw new ConflictError('Messages or queued work refer to this step; disable it instead', 'step_in_use');
    }
    await db.deleteStep(client, organisationId, campaignId, stepId);
  });
}

/** Puts the campaign's steps in the given order; the list must name each of its steps once. */
export async function reorderSteps(
  deps: OutreachDeps,
  organisationId: string,
  campaignId: string,
  stepIds: string[],
): Promise<Step[]> {
  return db.withTransaction(deps.pool, async (client) => {
    const campaign = await lockEditableCampaign(client, organisationId, campaignId);
    refuseWhileRunning(campaign.status);
    const current = (await db.listSteps(client, organisationId, campaignId)).map((s) => s.id);
    const given = new Set(stepIds);
    if (given.size !== stepIds.length || given.size !== current.length || current.some((id) => !given.has(id))) {
      throw new ValidationError(
        'Give every step of the campaign exactly once',
        { stepIds: current },
        'invalid_step_order',
      );
    }
    await db.reorderSteps(client, organisationId, campaignId, stepIds);
    return db.listSteps(client, organisationId, campaignId);
  });
}

function contextOf(
  prospect: ProspectDetail,
  campaignName: string,
  mailbox: { fromName: string; fromEmail: string } | null,
): TemplateContext {
  const { person, company } = prospect;
  return {
    person: {
      firstName: person.firstName,
      lastName: person.lastName,
      salutation: person.salutation,
      fullName: [person.firstName, person.lastName].filter(Boolean).join(' ') || null,
    },
    company: {
      name: company.name,
      brandName: company.brandName,
      city: company.city,
      url: company.url,
      activity: company.activity,
    },
    position: { jobTitle: prospect.jobTitle, email: prospect.email },
    campaign: { name: campaignName },
    sender: { name: mailbox?.fromName ?? null, email: mailbox?.fromEmail ?? null },
  };
}

/**
 * Renders a step (or one of its running experiment's variants) against a prospect: templates as
 * the email would read, or the prompt as the LLM would receive it (no LLM call).
 */
export async function previewStep(
  deps: OutreachDeps,
  organisationId: string,
  campaignId: string,
  stepId: string,
  input: PreviewStepRequest,
): Promise<StepPreview> {
  const [campaign, step, prospect] = await Promise.all([
    db.getCampaign(deps.pool, organisationId, campaignId),
    db.getStep(deps.pool, organisationId, stepId),
    db.getProspect(deps.pool, organisationId, input.positionId),
  ]);
  if (!campaign || !step || step.campaignId !== campaignId) throw new NotFoundError('Step not found');
  if (!prospect) throw new NotFoundError('Prospect not found');
  let source: {
    key: string | null;
    promptId: string | null;
    subjectTemplate: string | null;
    bodyTemplate: string | null;
  } = {
    key: null,
    ...step,
  };
  if (input.variantId) {
    const experiments = await db.listExperiments(deps.pool, organisationId, stepId);
    const variant = experiments.flatMap((x) => x.variants).find((v) => v.id === input.variantId);
    if (!variant) throw new NotFoundError('Variant not found');
    source = variant;
  }
  const mailbox = campaign.mailboxId ? await db.getMailbox(deps.pool, organisationId, campaign.mailboxId) : null;
  const context = contextOf(prospect, campaign.name, mailbox);
  if (source.bodyTemplate?.trim()) {
    const rendered = renderEmailContent({ subject: source.subjectTemplate ?? '', body: source.bodyTemplate }, context);
    return { source: 'templates', variantKey: source.key, ...rendered };
  }
  const prompt = source.promptId ? await db.getPrompt(deps.pool, organisationId, source.promptId) : null;
  if (!prompt)
    throw new ValidationError('The step has neither a body template nor a prompt', undefined, 'step_without_content');
  return {
    source: 'prompt',
    variantKey: source.key,
    promptId: prompt.id,
    systemPrompt: renderTemplate(prompt.systemPrompt, context),
    userPrompt: renderTemplate(prompt.userPrompt, context),
  };
}
