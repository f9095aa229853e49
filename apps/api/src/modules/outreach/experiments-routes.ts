import { Router } from 'express';
import { CreateExperimentRequest, UpdateExperimentRequest } from '@prospectflow/contracts';
import { organisationIdOf } from '../iam/auth-context.js';
import { idParam } from '../iam/params.js';
import { requirePermission } from '../iam/require-permission.js';
import * as experiments from './experiments-service.js';
import type { OutreachDeps } from './outreach-context.js';

/** A/B experiments of a step and their weighted variants. */
export function experimentsRoutes(deps: OutreachDeps): Router {
  const router = Router();
  const read = requirePermission('campaigns:read');
  const write = requirePermission('campaigns:write');
  const stepId = (value: unknown) => idParam(value, 'Step');
  const id = (value: unknown) => idParam(value, 'Experiment');
  router.get('/api/v1/steps/:id/experiments', read, async (req, res) => {
    res.json(await experiments.listExperiments(deps, organisationIdOf(req), stepId(req.params.id)));
  });
  router.post('/api/v1/steps/:id/experiments', write, async (req, res) => {
    const input = CreateExperimentRequest.parse(req.body);
    res.status(201).json(await experiments.createExperiment(deps, organisationIdOf(req), stepId(req.params.id), input));
  });
  router.get('/api/v1/experiments/:id', read, async (req, res) => {
    res.json(await experiments.getExperiment(deps, organisationIdOf(req), id(req.params.id)));
  });
  router.patch('/api/v1/experiments/:id', write, async (req, res) => {
    const input = UpdateExperimentRequest.parse(req.body);
    res.json(await experiments.updateExperiment(deps, organisationIdOf(req), id(req.params.id), input));
  });
  router.delete('/api/v1/experiments/:id', write, async (req, res) => {
    await experiments.deleteExperiment(deps, organisationIdOf(req), id(req.params.id));
    res.status(204).end();
  });
  return router;
}
