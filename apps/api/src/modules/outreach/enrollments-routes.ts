import { Router } from 'express';
import { EnrollRequest, EnrollmentListQuery } from '@prospectflow/contracts';
import { createChildLogger } from '@prospectflow/observability';
import { organisationIdOf } from '../iam/auth-context.js';
import { idParam } from '../iam/params.js';
import { requirePermission } from '../iam/require-permission.js';
import * as enrollments from './enrollments-service.js';
import type { OutreachDeps } from './outreach-context.js';

/** Enrolling prospects in a campaign, listing enrollments, pausing, resuming and removing one. */
export function enrollmentsRoutes(deps: OutreachDeps): Router {
  const log = createChildLogger('Enrollments', deps.logger);
  const router = Router();
  const read = requirePermission('campaigns:read');
  const write = requirePermission('enrollments:write');
  const campaignId = (value: unknown) => idParam(value, 'Campaign');
  const id = (value: unknown) => idParam(value, 'Enrollment');
  router.post('/api/v1/campaigns/:id/enrollments', write, async (req, res) => {
    const organisationId = organisationIdOf(req);
    const campaign = campaignId(req.params.id);
    const result = await enrollments.enroll(deps, organisationId, campaign, EnrollRequest.parse(req.body));
    log.info(
      {
        organisationId,
        campaignId: campaign,
        requested: result.requested,
        enrolled: result.enrolled,
        requestId: req.id,
      },
      'positions enrolled',
    );
    res.status(201).json(result);
  });
  router.get('/api/v1/campaigns/:id/enrollments', read, async (req, res) => {
    const query = EnrollmentListQuery.parse(req.query);
    res.json(await enrollments.listEnrollments(deps, organisationIdOf(req), campaignId(req.params.id), query));
  });
  router.get('/api/v1/enrollments/:id', read, async (req, res) => {
    res.json(await enrollments.getEnrollment(deps, organisationIdOf(req), id(req.params.id)));
  });
  router.post('/api/v1/enrollments/:id/pause', write, async (req, res) => {
    res.json(await enrollments.setEnrollmentPaused(deps, organisationIdOf(req), id(req.params.id), true));
  });
  router.post('/api/v1/enrollments/:id/resume', write, async (req, res) => {
    res.json(await enrollments.setEnrollmentPaused(deps, organisationIdOf(req), id(req.params.id), false));
  });
  router.delete('/api/v1/enrollments/:id', write, async (req, res) => {
    res.json(await enrollments.removeEnrollment(deps, organisationIdOf(req), id(req.params.id)));
  });
  return router;
}
