import { Router } from 'express';
import { CampaignMessageListQuery } from '@prospectflow/contracts';
import { organisationIdOf } from '../iam/auth-context.js';
import { idParam } from '../iam/params.js';
import { requirePermission } from '../iam/require-permission.js';
import * as messages from './campaign-messages-service.js';
import type { OutreachDeps } from './outreach-context.js';

/** What a campaign sent (or is about to): its outbound messages, filtered by status or step. */
export function campaignMessagesRoutes(deps: OutreachDeps): Router {
  const router = Router();
  router.get('/api/v1/campaigns/:id/messages', requirePermission('campaigns:read'), async (req, res) => {
    const query = CampaignMessageListQuery.parse(req.query);
    const campaignId = idParam(req.params.id, 'Campaign');
    res.json(await messages.listCampaignMessages(deps, organisationIdOf(req), campaignId, query));
  });
  return router;
}
