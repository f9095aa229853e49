import {
  ConflictError,
  NotFoundError,
  ValidationError,
  type CreateWebhookEndpointRequest,
  type UpdateWebhookEndpointRequest,
  type WebhookDelivery,
  type WebhookDeliveryListQuery,
  type WebhookEndpoint,
  type WebhookEndpointWithSecret,
} from '@prospectflow/contracts';
import * as db from '@prospectflow/db';
import {
  encryptMailboxSecret,
  generateWebhookSecret,
  webhookUrlProblem,
  type WebhookTargetPolicy,
} from '@prospectflow/outreach';
import { randomUUID } from 'node:crypto';
import { keyedPage, timeKeysetOf } from './pages.js';

export interface WebhooksDeps {
  pool: db.Pool;
  /** Encrypts signing secrets (MAILBOX_SECRETS_KEY), which the worker decrypts to sign. */
  secretsKey: Buffer;
  targets: WebhookTargetPolicy;
}

function requireAllowedUrl(deps: WebhooksDeps, url: string) {
  const problem = webhookUrlProblem(url, deps.targets);
  if (problem) {
    throw new ValidationError('This URL cannot receive webhooks', [
      { path: ['url'], message: problem, code: 'custom' },
    ]);
  }
}

async function endpointOf(deps: WebhooksDeps, organisationId: string, id: string) {
  const endpoint = await db.getWebhookEndpoint(deps.pool, organisationId, id);
  if (!endpoint) throw new NotFoundError('Webhook not found');
  return endpoint;
}

const publicView = ({ organisationId: _o, secretEncrypted: _s, ...endpoint }: db.WebhookEndpointWithSecret) =>
  endpoint as WebhookEndpoint;

/** Creates an endpoint with a new signing secret, answered this once. */
export async function createWebhook(
  deps: WebhooksDeps,
  organisationId: string,
  userId: string | null,
  input: CreateWebhookEndpointRequest,
): Promise<WebhookEndpointWithSecret> {
  requireAllowedUrl(deps, input.url);
  const secret = generateWebhookSecret();
  const endpoint = await db.insertWebhookEndpoint(deps.pool, organisationId, {
    url: input.url,
    description: input.description ?? '',
    eventTypes: input.eventTypes,
    enabled: input.enabled ?? true,
    secretEncrypted: encryptMailboxSecret(deps.secretsKey, secret),
    createdBy: userId,
  });
  return { endpoint, secret };
}

export async function listWebhooks(deps: WebhooksDeps, organisationId: string) {
  return { items: await db.listWebhookEndpoints(deps.pool, organisationId) };
}

export async function getWebhook(deps: WebhooksDeps, organisationId: string, id: string): Promise<WebhookEndpoint> {
  return publicView(await endpointOf(deps, organisationId, id));
}

export async function updateWebhook(
  deps: WebhooksDeps,
  organisationId: string,
  id: string,
  input: UpdateWebhookEndpointRequest,
): Promise<WebhookEndpoint> {
  if (input.url !== undefined) requireAllowedUrl(deps, input.url);
  const current = await endpointOf(deps, organisationId, id);
  const updated = await db.updateWebhookEndpoint(deps.pool, organisationId, id, {
    url: input.url ?? current.url,
    description: input.description ?? current.description,
    eventTypes: input.eventTypes ?? current.eventTypes,
    enabled: input.enabled ?? current.enabled,
  });
  if (!updated) throw new NotFoundError('Webhook not found');
  return updated;
}

export async function deleteWebhook(deps: WebhooksDeps, organisationId: string, id: string): Promise<void> {
  if (!(await db.deleteWebhookEndpoint(deps.pool, organisationId, id))) throw new NotFoundError('Webhook not found');
}

/** Replaces the signing secret at once (deliveries from now on use the new one) and answers it once. */
export async function rotateWebhookSecret(
  deps: WebhooksDeps,
  organisationId: string,
  id: string,
): Promise<WebhookEndpointWithSecret> {
  const secret = generateWebhookSecret();
  const encrypted = encryptMailboxSecret(deps.secretsKey, secret);
  const endpoint = await db.replaceWebhookSecret(deps.pool, organisationId, id, encrypted);
  if (!endpoint) throw new NotFoundError('Webhook not found');
  return { endpoint, secret };
}

async function getDelivery(queryable: db.Queryable, organisationId: string, endpointId: string, id: string) {
  const delivery = await db.getWebhookDelivery(queryable, organisationId, endpointId, id);
  if (!delivery) throw new NotFoundError('Delivery not found');
  return delivery;
}

function requireEnabled(endpoint: WebhookEndpoint) {
  if (!endpoint.enabled) throw new ConflictError('Enable the webhook first', 'webhook_disabled');
}

/** Queues a `ping` event to this endpoint only; answers the pending delivery to follow. */
export async function testWebhook(deps: WebhooksDeps, organisationId: string, id: string): Promise<WebhookDelivery> {
  return db.withTransaction(deps.pool, async (client) => {
    const endpoint = await db.getWebhookEndpoint(client, organisationId, id);
    if (!endpoint) throw new NotFoundError('Webhook not found');
    requireEnabled(endpoint);
    const deliveryId = await db.insertWebhookDelivery(client, organisationId, {
      endpointId: id,
      eventId: randomUUID(),
      eventType: 'ping',
      eventCreatedAt: new Date(),
      payload: { webhookId: id, message: 'ProspectFlow webhook test' },
    });
    return stripTime((await db.getWebhookDelivery(client, organisationId, id, deliveryId))!);
  });
}

/** A new delivery of a settled delivery's event (same event id and data) to the same endpoint. */
export async function redeliver(
  deps: WebhooksDeps,
  organisationId: string,
  endpointId: string,
  deliveryId: string,
): Promise<WebhookDelivery> {
  return db.withTransaction(deps.pool, async (client) => {
    const endpoint = await db.getWebhookEndpoint(client, organisationId, endpointId);
    if (!endpoint) throw new NotFoundError('Webhook not found');
    const original = await getDelivery(client, organisationId, endpointId, deliveryId);
    requireEnabled(endpoint);
    if (original.status === 'pending') {
      throw new ConflictError('This delivery is still being attempted', 'delivery_pending', {
        status: original.status,
      });
    }
    const id = await db.insertWebhookDelivery(client, organisationId, {
      endpointId,
      eventId: original.eventId,
      eventType: original.eventType,
      eventCreatedAt: original.eventCreatedAt,
      payload: original.payload,
    });
    return stripTime((await db.getWebhookDelivery(client, organisationId, endpointId, id))!);
  });
}

const stripTime = ({ eventCreatedAt: _t, ...delivery }: WebhookDelivery & { eventCreatedAt: Date }) =>
  delivery as WebhookDelivery;

export async function getWebhookDelivery(
  deps: WebhooksDeps,
  organisationId: string,
  endpointId: string,
  id: string,
): Promise<WebhookDelivery> {
  return stripTime(await getDelivery(deps.pool, organisationId, endpointId, id));
}

/** The endpoint's delivery log, newest first (404 for an endpoint of another organisation). */
export async function listDeliveries(
  deps: WebhooksDeps,
  organisationId: string,
  endpointId: string,
  input: WebhookDeliveryListQuery,
) {
  await endpointOf(deps, organisationId, endpointId);
  const rows = await db.listWebhookDeliveries(
    deps.pool,
    organisationId,
    endpointId,
    { status: input.status },
    { after: timeKeysetOf(input.cursor), limit: input.limit + 1 },
  );
  return keyedPage(rows, input.limit);
}
