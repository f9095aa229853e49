import { Router } from 'express';
import { CreateMailboxRequest, PageQuery, TestMailboxRequest, UpdateMailboxRequest } from '@prospectflow/contracts';
import { createChildLogger } from '@prospectflow/observability';
import { organisationIdOf } from '../iam/auth-context.js';
import { idParam } from '../iam/params.js';
import { requirePermission } from '../iam/require-permission.js';
import * as mailboxes from './mailboxes-service.js';
import type { OutreachDeps } from './outreach-context.js';

/** Sender mailboxes: CRUD and the test email that verifies them. Passwords are never answered. */
export function mailboxesRoutes(deps: OutreachDeps): Router {
  const log = createChildLogger('Mailboxes', deps.logger);
  const router = Router();
  const read = requirePermission('campaigns:read');
  const manage = requirePermission('mailboxes:manage');
  const id = (value: unknown) => idParam(value, 'Mailbox');
  router.get('/api/v1/mailboxes', read, async (req, res) => {
    res.json(await mailboxes.listMailboxes(deps, organisationIdOf(req), PageQuery.parse(req.query)));
  });
  router.post('/api/v1/mailboxes', manage, async (req, res) => {
    const created = await mailboxes.createMailbox(deps, organisationIdOf(req), CreateMailboxRequest.parse(req.body));
    res.status(201).json(created);
  });
  router.get('/api/v1/mailboxes/:id', read, async (req, res) => {
    res.json(await mailboxes.getMailbox(deps, organisationIdOf(req), id(req.params.id)));
  });
  router.patch('/api/v1/mailboxes/:id', manage, async (req, res) => {
    const input = UpdateMailboxRequest.parse(req.body);
    res.json(await mailboxes.updateMailbox(deps, organisationIdOf(req), id(req.params.id), input));
  });
  router.delete('/api/v1/mailboxes/:id', manage, async (req, res) => {
    await mailboxes.deleteMailbox(deps, organisationIdOf(req), id(req.params.id));
    res.status(204).end();
  });
  router.post('/api/v1/mailboxes/:id/test', manage, async (req, res) => {
    const organisationId = organisationIdOf(req);
    const mailboxId = id(req.params.id);
    const { to } = TestMailboxRequest.parse(req.body);
    const result = await mailboxes.testMailbox(deps, organisationId, mailboxId, to);
    log.info({ organisationId, mailboxId, requestId: req.id }, 'mailbox test email sent');
    res.json(result);
  });
  return router;
}
