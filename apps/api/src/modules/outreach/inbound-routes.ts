import express, { Router } from 'express';
import { createChildLogger } from '@prospectflow/observability';
import { organisationIdOf } from '../iam/auth-context.js';
import { idParam } from '../iam/params.js';
import { requirePermission } from '../iam/require-permission.js';
import * as inbound from './inbound-service.js';
import type { OutreachDeps } from './outreach-context.js';

/**
 * Inbound mail: the per-mailbox webhook taking a raw RFC 822 message (SES, Postmark, Mailgun,
 * SendGrid inbound hooks; authenticated by the mailbox's secret, not by a user) and the operator
 * action that generates that secret.
 */
export function inboundRoutes(deps: OutreachDeps & { bodyLimit: string }): Router {
  const log = createChildLogger('InboundMail', deps.logger);
  const router = Router();
  const raw = express.raw({ type: ['message/rfc822', 'application/octet-stream'], limit: deps.bodyLimit });
  router.post('/api/v1/inbound/mail', raw, async (req, res) => {
    const accepted = await inbound.acceptInboundMail(deps, {
      mailboxId: req.get('x-mailbox-id'),
      authorization: req.get('authorization'),
      signature: req.get('x-signature'),
      timestamp: req.get('x-signature-timestamp'),
      body: Buffer.isBuffer(req.body) ? req.body : undefined,
    });
    log.info({ mailboxId: req.get('x-mailbox-id'), bytes: accepted.bytes, requestId: req.id }, 'inbound mail queued');
    res.status(202).json(accepted);
  });
  router.post('/api/v1/mailboxes/:id/inbound-secret', requirePermission('mailboxes:manage'), async (req, res) => {
    const organisationId = organisationIdOf(req);
    const mailboxId = idParam(req.params.id, 'Mailbox');
    const created = await inbound.createInboundSecret(deps, organisationId, mailboxId);
    log.info({ organisationId, mailboxId, requestId: req.id }, 'mailbox inbound secret generated');
    res.status(201).set('Cache-Control', 'no-store').json(created);
  });
  return router;
}
