import { Router } from 'express';
import { organisationIdOf } from '../iam/auth-context.js';
import { idParam } from '../iam/params.js';
import { requirePermission } from '../iam/require-permission.js';
import { getCampaignAnalytics } from './analytics-service.js';
import type { OutreachDeps } from './outreach-context.js';

/** `GET /campaigns/:id/analytics`: what a campaign's emails did, per step and variant. */
export function analyticsRoutes(deps: OutreachDeps): Router {
  const router = Router();
  router.get('/api/v1/campaigns/:id/analytics', requirePermission('campaigns:read'), async (req, res) => {
    const campaignId = idParam(req.params.id, 'Campaign');
    res.json(await getCampaignAnalytics(deps, organisationIdOf(req), campaignId));
  });
  return router;
}
