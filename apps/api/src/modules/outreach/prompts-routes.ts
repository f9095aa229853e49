import { Router } from 'express';
import { CreatePromptRequest, PromptListQuery, UpdatePromptRequest } from '@prospectflow/contracts';
import { authOf, organisationIdOf } from '../iam/auth-context.js';
import { idParam } from '../iam/params.js';
import { requirePermission } from '../iam/require-permission.js';
import type { OutreachDeps } from './outreach-context.js';
import * as prompts from './prompts-service.js';

/** Versioned prompts: the latest of each name, a version's history, and edits that add a version. */
export function promptsRoutes(deps: OutreachDeps): Router {
  const router = Router();
  const read = requirePermission('campaigns:read');
  const write = requirePermission('campaigns:write');
  const id = (value: unknown) => idParam(value, 'Prompt');
  const userIdOf = (req: Parameters<typeof authOf>[0]) => {
    const auth = authOf(req);
    return auth.kind === 'user' ? auth.userId : null;
  };
  router.get('/api/v1/prompts', read, async (req, res) => {
    res.json(await prompts.listPrompts(deps, organisationIdOf(req), PromptListQuery.parse(req.query)));
  });
  router.post('/api/v1/prompts', write, async (req, res) => {
    const input = CreatePromptRequest.parse(req.body);
    res.status(201).json(await prompts.createPrompt(deps, organisationIdOf(req), input, userIdOf(req)));
  });
  router.get('/api/v1/prompts/:id', read, async (req, res) => {
    res.json(await prompts.getPrompt(deps, organisationIdOf(req), id(req.params.id)));
  });
  router.get('/api/v1/prompts/:id/versions', read, async (req, res) => {
    res.json(await prompts.listVersions(deps, organisationIdOf(req), id(req.params.id)));
  });
  router.patch('/api/v1/prompts/:id', write, async (req, res) => {
    const input = UpdatePromptRequest.parse(req.body);
    res
      .status(201)
      .json(await prompts.editPrompt(deps, organisationIdOf(req), id(req.params.id), input, userIdOf(req)));
  });
  return router;
}
