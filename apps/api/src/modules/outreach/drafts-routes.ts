import { Router, type Request } from 'express';
import { BulkApproveRequest, DraftListQuery, UpdateDraftRequest } from '@prospectflow/contracts';
import { createChildLogger } from '@prospectflow/observability';
import { authOf, organisationIdOf } from '../iam/auth-context.js';
import { idParam } from '../iam/params.js';
import { requirePermission } from '../iam/require-permission.js';
import * as drafts from './drafts-service.js';
import type { OutreachDeps } from './outreach-context.js';

const userIdOf = (req: Request) => {
  const auth = authOf(req);
  return auth.kind === 'user' ? auth.userId : null;
};

/** The review queue: drafts to read, edit, approve (one or many) or reject; any message's view. */
export function draftsRoutes(deps: OutreachDeps): Router {
  const log = createChildLogger('Drafts', deps.logger);
  const router = Router();
  const read = requirePermission('campaigns:read');
  const approve = requirePermission('drafts:approve');
  const id = (value: unknown) => idParam(value, 'Message');
  router.get('/api/v1/drafts', read, async (req, res) => {
    res.json(await drafts.listDrafts(deps, organisationIdOf(req), DraftListQuery.parse(req.query)));
  });
  router.post('/api/v1/drafts/approve', approve, async (req, res) => {
    const organisationId = organisationIdOf(req);
    const { messageIds } = BulkApproveRequest.parse(req.body);
    const result = await drafts.approveDrafts(deps, organisationId, messageIds, userIdOf(req));
    log.info(
      { organisationId, approved: result.approved.length, skipped: result.skipped.length, requestId: req.id },
      'drafts approved',
    );
    res.json(result);
  });
  router.get('/api/v1/messages/:id', read, async (req, res) => {
    res.json(await drafts.getMessage(deps, organisationIdOf(req), id(req.params.id)));
  });
  router.patch('/api/v1/messages/:id', approve, async (req, res) => {
    const input = UpdateDraftRequest.parse(req.body);
    res.json(await drafts.updateDraft(deps, organisationIdOf(req), id(req.params.id), input));
  });
  router.post('/api/v1/messages/:id/approve', approve, async (req, res) => {
    res.json(await drafts.approveDraft(deps, organisationIdOf(req), id(req.params.id), userIdOf(req)));
  });
  router.post('/api/v1/messages/:id/reject', approve, async (req, res) => {
    res.json(await drafts.rejectDraft(deps, organisationIdOf(req), id(req.params.id)));
  });
  return router;
}
