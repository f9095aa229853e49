import { Router } from 'express';
import { InboxListQuery, ReclassifyRequest } from '@prospectflow/contracts';
import { createChildLogger } from '@prospectflow/observability';
import { organisationIdOf } from '../iam/auth-context.js';
import { idParam } from '../iam/params.js';
import { requirePermission } from '../iam/require-permission.js';
import * as inbox from './inbox-service.js';
import type { OutreachDeps } from './outreach-context.js';

/** The inbox: inbound messages with their class and thread; mark handled, reclassify by hand. */
export function inboxRoutes(deps: OutreachDeps): Router {
  const log = createChildLogger('Inbox', deps.logger);
  const router = Router();
  const read = requirePermission('inbox:read');
  const triage = requirePermission('inbox:triage');
  const id = (value: unknown) => idParam(value, 'Message');
  router.get('/api/v1/inbox', read, async (req, res) => {
    res.json(await inbox.listInbox(deps, organisationIdOf(req), InboxListQuery.parse(req.query)));
  });
  router.get('/api/v1/inbox/:id', read, async (req, res) => {
    res.json(await inbox.getInboxMessage(deps, organisationIdOf(req), id(req.params.id)));
  });
  router.put('/api/v1/inbox/:id/handled', triage, async (req, res) => {
    res.json(await inbox.setHandled(deps, organisationIdOf(req), id(req.params.id), true));
  });
  router.delete('/api/v1/inbox/:id/handled', triage, async (req, res) => {
    res.json(await inbox.setHandled(deps, organisationIdOf(req), id(req.params.id), false));
  });
  router.post('/api/v1/inbox/:id/classification', triage, async (req, res) => {
    const organisationId = organisationIdOf(req);
    const messageId = id(req.params.id);
    const input = ReclassifyRequest.parse(req.body);
    const message = await inbox.reclassify(deps, organisationId, messageId, input);
    log.info(
      { organisationId, messageId, classification: input.classification, requestId: req.id },
      'inbound message reclassified',
    );
    res.json(message);
  });
  return router;
}
