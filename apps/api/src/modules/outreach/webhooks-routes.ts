import { Router } from 'express';
import {
  CreateWebhookEndpointRequest,
  UpdateWebhookEndpointRequest,
  WebhookDeliveryListQuery,
} from '@prospectflow/contracts';
import { createChildLogger, type Logger } from '@prospectflow/observability';
import { organisationIdOf, userOf } from '../iam/auth-context.js';
import { idParam } from '../iam/params.js';
import { requirePermission } from '../iam/require-permission.js';
import * as webhooks from './webhooks-service.js';

/** Outbound webhooks of the organisation: endpoints, secret rotation, test ping, delivery log and redelivery. */
export function webhooksRoutes(deps: webhooks.WebhooksDeps & { logger: Logger }): Router {
  const log = createChildLogger('Webhooks', deps.logger);
  const router = Router();
  const manage = requirePermission('webhooks:manage');
  const id = (value: unknown) => idParam(value, 'Webhook');
  const deliveryId = (value: unknown) => idParam(value, 'Delivery');
  router.get('/api/v1/webhooks', manage, async (req, res) => {
    res.json(await webhooks.listWebhooks(deps, organisationIdOf(req)));
  });
  router.post('/api/v1/webhooks', manage, async (req, res) => {
    const input = CreateWebhookEndpointRequest.parse(req.body);
    const created = await webhooks.createWebhook(deps, organisationIdOf(req), userOf(req).userId, input);
    log.info({ organisationId: organisationIdOf(req), webhookId: created.endpoint.id }, 'webhook created');
    res.status(201).json(created);
  });
  router.get('/api/v1/webhooks/:id', manage, async (req, res) => {
    res.json(await webhooks.getWebhook(deps, organisationIdOf(req), id(req.params.id)));
  });
  router.patch('/api/v1/webhooks/:id', manage, async (req, res) => {
    const input = UpdateWebhookEndpointRequest.parse(req.body);
    res.json(await webhooks.updateWebhook(deps, organisationIdOf(req), id(req.params.id), input));
  });
  router.delete('/api/v1/webhooks/:id', manage, async (req, res) => {
    await webhooks.deleteWebhook(deps, organisationIdOf(req), id(req.params.id));
    res.status(204).end();
  });
  router.post('/api/v1/webhooks/:id/rotate-secret', manage, async (req, res) => {
    const rotated = await webhooks.rotateWebhookSecret(deps, organisationIdOf(req), id(req.params.id));
    log.info({ organisationId: organisationIdOf(req), webhookId: rotated.endpoint.id }, 'webhook secret rotated');
    res.json(rotated);
  });
  router.post('/api/v1/webhooks/:id/test', manage, async (req, res) => {
    res.status(202).json(await webhooks.testWebhook(deps, organisationIdOf(req), id(req.params.id)));
  });
  router.get('/api/v1/webhooks/:id/deliveries', manage, async (req, res) => {
    const query = WebhookDeliveryListQuery.parse(req.query);
    res.json(await webhooks.listDeliveries(deps, organisationIdOf(req), id(req.params.id), query));
  });
  router.get('/api/v1/webhooks/:id/deliveries/:deliveryId', manage, async (req, res) => {
    const [endpointId, delivery] = [id(req.params.id), deliveryId(req.params.deliveryId)];
    res.json(await webhooks.getWebhookDelivery(deps, organisationIdOf(req), endpointId, delivery));
  });
  router.post('/api/v1/webhooks/:id/deliveries/:deliveryId/redeliver', manage, async (req, res) => {
    const [endpointId, delivery] = [id(req.params.id), deliveryId(req.params.deliveryId)];
    res.status(202).json(await webhooks.redeliver(deps, organisationIdOf(req), endpointId, delivery));
  });
  return router;
}
