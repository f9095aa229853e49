import { Router } from 'express';
import { CompanyListQuery } from '@prospectflow/contracts';
import type { Pool } from '@prospectflow/db';
import { organisationIdOf } from '../iam/auth-context.js';
import { idParam } from '../iam/params.js';
import { requirePermission } from '../iam/require-permission.js';
import * as prospects from './prospects-service.js';

/** Companies: list and detail with their people. */
export function companiesRoutes(pool: Pool): Router {
  const router = Router();
  const read = requirePermission('prospects:read');
  router.get('/api/v1/companies', read, async (req, res) => {
    res.json(await prospects.listCompanies(pool, organisationIdOf(req), CompanyListQuery.parse(req.query)));
  });
  router.get('/api/v1/companies/:id', read, async (req, res) => {
    res.json(await prospects.getCompany(pool, organisationIdOf(req), idParam(req.params.id, 'Company')));
  });
  return router;
}
