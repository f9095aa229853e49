import { Router } from 'express';
import {
  AddMemberRequest,
  ChangeRoleRequest,
  CreateApiKeyRequest,
  CreateOrganisationRequest,
  PageQuery,
} from '@prospectflow/contracts';
import type { Pool } from '@prospectflow/db';
import { organisationIdOf, userOf } from './auth-context.js';
import { idParam } from './params.js';
import { requirePermission } from './require-permission.js';
import * as iam from './service.js';

/** Who am I, organisations, members and API keys. */
export function iamRoutes(pool: Pool): Router {
  const router = Router();
  router.get('/api/v1/me', (req, res) => {
    res.json(iam.describeMe(userOf(req)));
  });
  router.post('/api/v1/organisations', async (req, res) => {
    res.status(201).json(await iam.createOrganisation(pool, userOf(req), CreateOrganisationRequest.parse(req.body)));
  });

  const members = requirePermission('members:manage');
  router.get('/api/v1/members', members, async (req, res) => {
    res.json(await iam.listMembers(pool, organisationIdOf(req), PageQuery.parse(req.query)));
  });
  router.post('/api/v1/members', members, async (req, res) => {
    res.status(201).json(await iam.addMember(pool, organisationIdOf(req), AddMemberRequest.parse(req.body)));
  });
  router.patch('/api/v1/members/:userId', members, async (req, res) => {
    const { role } = ChangeRoleRequest.parse(req.body);
    res.json(await iam.changeMemberRole(pool, organisationIdOf(req), idParam(req.params.userId, 'Member'), role));
  });
  router.delete('/api/v1/members/:userId', members, async (req, res) => {
    await iam.removeMember(pool, organisationIdOf(req), idParam(req.params.userId, 'Member'));
    res.status(204).end();
  });

  const keys = requirePermission('api-keys:manage');
  router.get('/api/v1/api-keys', keys, async (req, res) => {
    res.json(await iam.listApiKeys(pool, organisationIdOf(req), PageQuery.parse(req.query)));
  });
  router.post('/api/v1/api-keys', keys, async (req, res) => {
    const input = CreateApiKeyRequest.parse(req.body);
    res.status(201).json(await iam.createApiKey(pool, organisationIdOf(req), userOf(req).userId, input));
  });
  router.delete('/api/v1/api-keys/:id', keys, async (req, res) => {
    res.json(await iam.revokeApiKey(pool, organisationIdOf(req), idParam(req.params.id, 'API key')));
  });
  return router;
}
