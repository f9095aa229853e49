import { Router, type Request } from 'express';
import {
  CampaignListQuery,
  CreateCampaignRequest,
  CreateStepRequest,
  PreviewStepRequest,
  ReorderStepsRequest,
  UpdateCampaignRequest,
  UpdateStepRequest,
} from '@prospectflow/contracts';
import { createChildLogger } from '@prospectflow/observability';
import { authOf, organisationIdOf } from '../iam/auth-context.js';
import { idParam } from '../iam/params.js';
import { requirePermission } from '../iam/require-permission.js';
import * as campaigns from './campaigns-service.js';
import type { OutreachDeps } from './outreach-context.js';
import * as steps from './steps-service.js';

const campaignId = (req: Request) => idParam(req.params.id, 'Campaign');
const stepId = (req: Request) => idParam(req.params.stepId, 'Step');

/** Campaigns (settings, status actions) and their ordered steps. */
export function campaignsRoutes(deps: OutreachDeps): Router {
  const log = createChildLogger('Campaigns', deps.logger);
  const router = Router();
  const read = requirePermission('campaigns:read');
  const write = requirePermission('campaigns:write');

  router.get('/api/v1/campaigns', read, async (req, res) => {
    res.json(await campaigns.listCampaigns(deps, organisationIdOf(req), CampaignListQuery.parse(req.query)));
  });
  router.post('/api/v1/campaigns', write, async (req, res) => {
    const auth = authOf(req);
    const input = CreateCampaignRequest.parse(req.body);
    const createdBy = auth.kind === 'user' ? auth.userId : null;
    res.status(201).json(await campaigns.createCampaign(deps, organisationIdOf(req), input, createdBy));
  });
  router.get('/api/v1/campaigns/:id', read, async (req, res) => {
    res.json(await campaigns.getCampaign(deps, organisationIdOf(req), campaignId(req)));
  });
  router.patch('/api/v1/campaigns/:id', write, async (req, res) => {
    const input = UpdateCampaignRequest.parse(req.body);
    res.json(await campaigns.updateCampaign(deps, organisationIdOf(req), campaignId(req), input));
  });
  router.delete('/api/v1/campaigns/:id', write, async (req, res) => {
    await campaigns.deleteCampaign(deps, organisationIdOf(req), campaignId(req));
    res.status(204).end();
  });
  for (const action of Object.keys(campaigns.TRANSITIONS) as campaigns.CampaignAction[]) {
    router.post(`/api/v1/campaigns/:id/${action}`, write, async (req, res) => {
      const organisationId = organisationIdOf(req);
      const id = campaignId(req);
      const campaign = await campaigns.transitionCampaign(deps, organisationId, id, action);
      log.info(
        { organisationId, campaignId: id, action, status: campaign.status, requestId: req.id },
        'campaign status changed',
      );
      res.json(campaign);
    });
  }

  router.post('/api/v1/campaigns/:id/steps', write, async (req, res) => {
    const input = CreateStepRequest.parse(req.body);
    res.status(201).json(await steps.createStep(deps, organisationIdOf(req), campaignId(req), input));
  });
  router.put('/api/v1/campaigns/:id/steps/order', write, async (req, res) => {
    const { stepIds } = ReorderStepsRequest.parse(req.body);
    res.json({ items: await steps.reorderSteps(deps, organisationIdOf(req), campaignId(req), stepIds) });
  });
  router.patch('/api/v1/campaigns/:id/steps/:stepId', write, async (req, res) => {
    const input = UpdateStepRequest.parse(req.body);
    res.json(await steps.updateStep(deps, organisationIdOf(req), campaignId(req), stepId(req), input));
  });
  router.delete('/api/v1/campaigns/:id/steps/:stepId', write, async (req, res) => {
    await steps.deleteStep(deps, organisationIdOf(req), campaignId(req), stepId(req));
    res.status(204).end();
  });
  router.post('/api/v1/campaigns/:id/steps/:stepId/preview', read, async (req, res) => {
    const input = PreviewStepRequest.parse(req.body);
    res.json(await steps.previewStep(deps, organisationIdOf(req), campaignId(req), stepId(req), input));
  });
  return router;
}
