import { randomUUID } from 'node:crypto';
import type { WebhookDeliveryEventType, WebhookEndpoint, WebhookEventType } from '@prospectflow/contracts';
import { iso } from '../crm/prospect-sql.js';
import { query, type Queryable } from '../query.js';

/** Routing key of delivery jobs (WEBHOOKS_DELIVER_QUEUE in the contracts). */
const DELIVER_ROUTING_KEY = 'webhooks.deliver';

const endpointColumns = (w: string) => `${w}.id, ${w}.url, ${w}.description, ${w}.event_types AS "eventTypes",
  ${w}.enabled, ${w}.created_by AS "createdBy", ${iso(`${w}.created_at`)} AS "createdAt",
  ${iso(`${w}.updated_at`)} AS "updatedAt"`;

export interface WebhookEndpointRecord {
  url: string;
  description: string;
  eventTypes: WebhookEventType[];
  enabled: boolean;
}

/** An endpoint with its encrypted secret, for the delivery worker and edits (never for an API answer). */
export interface WebhookEndpointWithSecret extends WebhookEndpoint {
  organisationId: string;
  secretEncrypted: string;
}

export async function insertWebhookEndpoint(
  db: Queryable,
  organisationId: string,
  record: WebhookEndpointRecord & { secretEncrypted: string; createdBy: string | null },
): Promise<WebhookEndpoint> {
  const result = await query<WebhookEndpoint>(
    db,
    'webhooks.insert_endpoint',
    `INSERT INTO outreach_webhook_endpoints AS w
       (organisation_id, url, description, event_types, enabled, secret_encrypted, created_by)
     VALUES ($1, $2, $3, $4::text[], $5, $6, $7)
     RETURNING ${endpointColumns('w')}`,
    [
      organisationId,
      record.url,
      record.description,
      record.eventTypes,
      record.enabled,
      record.secretEncrypted,
      record.createdBy,
    ],
  );
  return result.rows[0]!;
}

/** Replaces the editable fields (the caller merged the changes); null when absent. */
export async function updateWebhookEndpoint(
  db: Queryable,
  organisationId: string,
  id: string,
  record: WebhookEndpointRecord,
): Promise<WebhookEndpoint | null> {
  const result = await query<WebhookEndpoint>(
    db,
    'webhooks.update_endpoint',
    `UPDATE outreach_webhook_endpoints w SET url = $3, description = $4, event_types = $5::text[], enabled = $6
     WHERE w.organisation_id = $1 AND w.id = $2
     RETURNING ${endpointColumns('w')}`,
    [organisationId, id, record.url, record.description, record.eventTypes, record.enabled],
  );
  return result.rows[0] ?? null;
}

/** Stores a new encrypted secret; null when the endpoint is absent. */
export async function replaceWebhookSecret(
  db: Queryable,
  organisationId: string,
  id: string,
  secretEncrypted: string,
): Promise<WebhookEndpoint | null> {
  const result = await query<WebhookEndpoint>(
    db,
    'webhooks.replace_secret',
    `UPDATE outreach_webhook_endpoints w SET secret_encrypted = $3 WHERE w.organisation_id = $1 AND w.id = $2
     RETURNING ${endpointColumns('w')}`,
    [organisationId, id, secretEncrypted],
  );
  return result.rows[0] ?? null;
}

export async function getWebhookEndpoint(
  db: Queryable,
  organisationId: string,
  id: string,
): Promise<WebhookEndpointWithSecret | null> {
  const result = await query<WebhookEndpointWithSecret>(
    db,
    'webhooks.get_endpoint',
    `SELECT ${endpointColumns('w')}, w.organisation_id AS "organisationId", w.secret_encrypted AS "secretEncrypted"
     FROM outreach_webhook_endpoints w WHERE w.organisation_id = $1 AND w.id = $2`,
    [organisationId, id],
  );
  return result.rows[0] ?? null;
}

/** Endpoints of an organisation, newest first (an organisation has a handful: no paging). */
export async function listWebhookEndpoints(db: Queryable, organisationId: string): Promise<WebhookEndpoint[]> {
  const result = await query<WebhookEndpoint>(
    db,
    'webhooks.list_endpoints',
    `SELECT ${endpointColumns('w')} FROM outreach_webhook_endpoints w WHERE w.organisation_id = $1
     ORDER BY w.created_at DESC, w.id DESC LIMIT 500`,
    [organisationId],
  );
  return result.rows;
}

/** Deletes an endpoint with its delivery log; false when absent. */
export async function deleteWebhookEndpoint(db: Queryable, organisationId: string, id: string): Promise<boolean> {
  const result = await query(
    db,
    'webhooks.delete_endpoint',
    `DELETE FROM outreach_webhook_endpoints WHERE organisation_id = $1 AND id = $2`,
    [organisationId, id],
  );
  return (result.rowCount ?? 0) > 0;
}

/**
 * The `deliveries` and `outbox` CTEs of a webhook event, for statements that record the event with
 * the change it reports (`emitWebhookEvent`, the send path's `sent` + enrollment finished): one
 * pending delivery per enabled endpoint subscribed to the type and per row of `source`.
 * Parameters and expressions are SQL text; `payload` is a jsonb expression over `source`.
 */
export function webhookEventCtes(sql: {
  organisation: string;
  type: string;
  eventId: string;
  source: string;
  payload: string;
}): string {
  return `deliveries AS (
       INSERT INTO outreach_webhook_deliveries (organisation_id, endpoint_id, event_id, event_type, event_created_at, payload)
       SELECT w.organisation_id, w.id, ${sql.eventId}::uuid, ${sql.type}::text, now(), ${sql.payload}
       FROM ${sql.source}, outreach_webhook_endpoints w
       WHERE w.organisation_id = ${sql.organisation} AND w.enabled AND w.event_types @> ARRAY[${sql.type}::text]
       RETURNING organisation_id, id
     ), outbox AS (
       INSERT INTO outreach_outbox (organisation_id, routing_key, payload)
       SELECT organisation_id, '${DELIVER_ROUTING_KEY}', jsonb_build_object('organisationId', organisation_id, 'deliveryId', id)
       FROM deliveries
     )`;
}

/**
 * Records an event for the organisation's webhooks, in the caller's transaction: one pending
 * delivery per enabled endpoint subscribed to `type`, and one `webhooks.deliver` outbox row per
 * delivery. Returns the delivery ids (none when nobody listens).
 */
export async function emitWebhookEvent(
  db: Queryable,
  organisationId: string,
  type: WebhookEventType,
  data: object,
): Promise<string[]> {
  const result = await query<{ id: string }>(
    db,
    'webhooks.emit_event',
    `WITH ${webhookEventCtes({ organisation: '$1', type: '$2', eventId: '$3', source: '(SELECT $4::jsonb AS payload) d', payload: 'd.payload' })}
     SELECT id::text FROM deliveries`,
    [organisationId, type, randomUUID(), JSON.stringify(data)],
  );
  return result.rows.map((r) => r.id);
}

/**
 * A new pending delivery to one endpoint and its outbox row: the `ping` of the test action, or a
 * redelivery of an event (same event id, type, time and data). Call in a transaction.
 */
export async function insertWebhookDelivery(
  db: Queryable,
  organisationId: string,
  delivery: {
    endpointId: string;
    eventId: string;
    eventType: WebhookDeliveryEventType;
    eventCreatedAt: Date;
    payload: unknown;
  },
): Promise<string> {
  const result = await query<{ id: string }>(
    db,
    'webhooks.insert_delivery',
    `WITH delivery AS (
       INSERT INTO outreach_webhook_deliveries (organisation_id, endpoint_id, event_id, event_type, event_created_at, payload)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb)
       RETURNING organisation_id, id
     ), outbox AS (
       INSERT INTO outreach_outbox (organisation_id, routing_key, payload)
       SELECT organisation_id, $7, jsonb_build_object('organisationId', organisation_id, 'deliveryId', id) FROM delivery
     )
     SELECT id::text FROM delivery`,
    [
      organisationId,
      delivery.endpointId,
      delivery.eventId,
      delivery.eventType,
      delivery.eventCreatedAt.toISOString(),
      JSON.stringify(delivery.payload),
      DELIVER_ROUTING_KEY,
    ],
  );
  return result.rows[0]!.id;
}
