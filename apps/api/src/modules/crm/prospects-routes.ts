import { Router } from 'express';
import { ProspectListQuery, UpdateProspectRequest } from '@prospectflow/contracts';
import type { Pool } from '@prospectflow/db';
import { createChildLogger, type Logger } from '@prospectflow/observability';
import { organisationIdOf } from '../iam/auth-context.js';
import { idParam } from '../iam/params.js';
import { requirePermission } from '../iam/require-permission.js';
import * as prospects from './prospects-service.js';

/** Prospects (positions with person and company): list, detail, curated edits, and erasure of a person. */
export function prospectsRoutes(pool: Pool, logger: Logger): Router {
  const log = createChildLogger('Prospects', logger);
  const router = Router();
  const read = requirePermission('prospects:read');
  const write = requirePermission('prospects:write');
  router.get('/api/v1/prospects', read, async (req, res) => {
    res.json(await prospects.listProspects(pool, organisationIdOf(req), ProspectListQuery.parse(req.query)));
  });
  router.get('/api/v1/prospects/:id', read, async (req, res) => {
    res.json(await prospects.getProspect(pool, organisationIdOf(req), idParam(req.params.id, 'Prospect')));
  });
  router.patch('/api/v1/prospects/:id', write, async (req, res) => {
    const id = idParam(req.params.id, 'Prospect');
    const input = UpdateProspectRequest.parse(req.body);
    res.json(await prospects.updateProspect(pool, organisationIdOf(req), id, input));
  });
  router.delete('/api/v1/people/:id', write, async (req, res) => {
    const organisationId = organisationIdOf(req);
    const personId = idParam(req.params.id, 'Person');
    const erased = await prospects.erasePerson(pool, organisationId, personId);
    log.info({ organisationId, personId, ...erased, requestId: req.id }, 'person erased');
    res.status(204).end();
  });
  return router;
}
