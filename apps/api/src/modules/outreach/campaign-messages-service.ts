import { NotFoundError, type CampaignMessageListQuery } from '@prospectflow/contracts';
import * as db from '@prospectflow/db';
import type { OutreachDeps } from './outreach-context.js';
import { keyedPage, timeKeysetOf } from './pages.js';

/** A page of a campaign's outbound messages; 404 when the campaign is not the organisation's. */
export async function listCampaignMessages(
  deps: OutreachDeps,
  organisationId: string,
  campaignId: string,
  input: CampaignMessageListQuery,
) {
  if (!(await db.getCampaignSettings(deps.pool, organisationId, campaignId))) {
    throw new NotFoundError('Campaign not found');
  }
  const rows = await db.listCampaignMessages(
    deps.pool,
    organisationId,
    campaignId,
    { status: input.status, stepId: input.stepId },
    { after: timeKeysetOf(input.cursor), limit: input.limit + 1 },
  );
  return keyedPage(rows, input.limit);
}
