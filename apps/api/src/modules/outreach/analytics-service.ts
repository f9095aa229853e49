import { NotFoundError, type CampaignAnalytics } from '@prospectflow/contracts';
import * as db from '@prospectflow/db';
import { buildCampaignAnalytics } from '@prospectflow/outreach';
import type { OutreachDeps } from './outreach-context.js';

/** Funnels per campaign, step and variant, A/B comparisons and the daily series; 404 for an unknown campaign. */
export async function getCampaignAnalytics(
  deps: OutreachDeps,
  organisationId: string,
  campaignId: string,
): Promise<CampaignAnalytics> {
  const data = await db.getCampaignAnalyticsData(deps.pool, organisationId, campaignId);
  if (!data) throw new NotFoundError('Campaign not found');
  return buildCampaignAnalytics(data);
}
