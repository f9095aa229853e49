import {
  ConflictError,
  NotFoundError,
  UnprocessableError,
  type Campaign,
  type CampaignDetail,
  type CampaignListQuery,
  type CampaignStatus,
  type CreateCampaignRequest,
  type UpdateCampaignRequest,
} from '@prospectflow/contracts';
import * as db from '@prospectflow/db';
import { mapConstraints } from './db-errors.js';
import type { OutreachDeps } from './outreach-context.js';
import { keyedPage, timeKeysetOf } from './pages.js';

const UNKNOWN_MAILBOX = {
  outreach_campaigns_organisation_id_mailbox_id_fkey: ['unknown_mailbox', 'No such mailbox in this organisation'] as [
    string,
    string,
  ],
};

const DEFAULT_WINDOW = { days: [1, 2, 3, 4, 5], startHour: 9, endHour: 18 };

/** Which statuses each action leaves from, and where it goes (draft → running ⇄ paused → archived). */
export const TRANSITIONS = {
  start: { from: ['draft'], to: 'running' },
  pause: { from: ['running'], to: 'paused' },
  resume: { from: ['paused'], to: 'running' },
  archive: { from: ['draft', 'paused'], to: 'archived' },
} as const satisfies Record<string, { from: CampaignStatus[]; to: CampaignStatus }>;
export type CampaignAction = keyof typeof TRANSITIONS;

export async function createCampaign(
  deps: OutreachDeps,
  organisationId: string,
  input: CreateCampaignRequest,
  createdBy: string | null,
): Promise<Campaign> {
  const settings: db.CampaignSettings = {
    name: input.name,
    mailboxId: input.mailboxId ?? null,
    timezone: input.timezone,
    sendingWindow: input.sendingWindow ?? DEFAULT_WINDOW,
    dailyCap: input.dailyCap ?? 50,
    requireApproval: input.requireApproval ?? false,
    openTracking: input.openTracking ?? false,
  };
  return mapConstraints(db.insertCampaign(deps.pool, organisationId, settings, createdBy), UNKNOWN_MAILBOX);
}

export async function getCampaign(deps: OutreachDeps, organisationId: string, id: string): Promise<CampaignDetail> {
  const [campaign, steps] = await Promise.all([
    db.getCampaign(deps.pool, organisationId, id),
    db.listSteps(deps.pool, organisationId, id),
  ]);
  if (!campaign) throw new NotFoundError('Campaign not found');
  return { ...campaign, steps };
}

export async function listCampaigns(deps: OutreachDeps, organisationId: string, input: CampaignListQuery) {
  const rows = await db.listCampaigns(
    deps.pool,
    organisationId,
    { status: input.status },
    { after: timeKeysetOf(input.cursor), limit: input.limit + 1 },
  );
  return keyedPage(rows, input.limit);
}

/** Locks the campaign for a change; 404 when absent, 409 `campaign_archived` when archived (read-only). */
export async function lockEditableCampaign(client: db.Queryable, organisationId: string, id: string) {
  const campaign = await db.getCampaignSettings(client, organisationId, id, { forUpdate: true });
  if (!campaign) throw new NotFoundError('Campaign not found');
  if (campaign.status === 'archived')
    throw new ConflictError('An archived campaign cannot change', 'campaign_archived');
  return campaign;
}

export async function updateCampaign(
  deps: OutreachDeps,
  organisationId: string,
  id: string,
  input: UpdateCampaignRequest,
): Promise<CampaignDetail> {
  await db.withTransaction(deps.pool, async (client) => {
    const current = await lockEditableCampaign(client, organisationId, id);
    if (input.mailboxId === null && current.status !== 'draft') {
      throw new ConflictError('A started campaign keeps a mailbox', 'mailbox_required');
    }
    const { id: _id, status: _status, ...settings } = current;
    const merged = { ...settings, ...input } as db.CampaignSettings;
    await mapConstraints(db.updateCampaignSettings(client, organisationId, id, merged), UNKNOWN_MAILBOX);
  });
  return getCampaign(deps, organisationId, id);
}

/** Deletes a campaign that never started (409 `campaign_not_draft`: archive it instead). */
export async function deleteCampaign(deps: OutreachDeps, organisationId: string, id: string): Promise<void> {
  await db.withTransaction(deps.pool, async (client) => {
    const campaign = await db.getCampaignSettings(client, organisationId, id, { forUpdate: true });
    if (!campaign) throw new NotFoundError('Campaign not found');
    if (campaign.status !== 'draft') {
      throw new ConflictError('Only a draft campaign can be deleted; archive this one', 'campaign_not_draft');
    }
    await db.deleteCampaign(client, organisationId, id);
  });
}

/**
 * Applies a status action. Start and resume first check the campaign can run (422
 * `campaign_not_startable` listing every blocker); archiving cancels its pending tasks.
 */
export async function transitionCampaign(
  deps: OutreachDeps,
  organisationId: string,
  id: string,
  action: CampaignAction,
): Promise<CampaignDetail> {
  const { from, to } = TRANSITIONS[action];
  await db.withTransaction(deps.pool, async (client) => {
    const campaign = await db.getCampaignSettings(client, organisationId, id, { forUpdate: true });
    if (!campaign) throw new NotFoundError('Campaign not found');
    if (!(from as readonly CampaignStatus[]).includes(campaign.status)) {
      throw new ConflictError(`A ${campaign.status} campaign cannot ${action}`, 'invalid_transition', {
        status: campaign.status,
        allowedFrom: from,
      });
    }
    if (to === 'running') {
      const blockers = await db.findStartBlockers(client, organisationId, id);
      if (blockers.length > 0) {
        throw new UnprocessableError('The campaign cannot run yet', 'campaign_not_startable', blockers);
      }
    }
    await db.transitionCampaign(client, organisationId, id, [...from], to);
    if (to === 'archived') await db.cancelCampaignTasks(client, organisationId, id);
  });
  return getCampaign(deps, organisationId, id);
}
