import type { WebhookDelivery, WebhookDeliveryEventType, WebhookDeliveryStatus } from '@prospectflow/contracts';
import type { Keyed, Keyset } from '../crm/companies.js';
import { epochMicros, fromEpochMicros, iso } from '../crm/prospect-sql.js';
import { query, type Queryable } from '../query.js';

const deliveryColumns = (d: string) => `${d}.id, ${d}.endpoint_id AS "endpointId", ${d}.event_id AS "eventId",
  ${d}.event_type AS "eventType", ${d}.status, ${d}.attempts, ${d}.last_status AS "lastStatus",
  ${d}.last_error AS "lastError", ${iso(`${d}.last_attempt_at`)} AS "lastAttemptAt",
  ${iso(`${d}.delivered_at`)} AS "deliveredAt", ${iso(`${d}.created_at`)} AS "createdAt", ${d}.payload`;

/** The delivery log of one endpoint, newest first, optionally by status; `limit` rows after `after`. */
export async function listWebhookDeliveries(
  db: Queryable,
  organisationId: string,
  endpointId: string,
  filters: { status?: WebhookDeliveryStatus },
  page: { after?: Keyset; limit: number },
): Promise<Keyed<WebhookDelivery>[]> {
  const result = await query<Keyed<WebhookDelivery>>(
    db,
    'webhooks.list_deliveries',
    `SELECT ${deliveryColumns('d')}, ${epochMicros('d.created_at')} AS "sortKey"
     FROM outreach_webhook_deliveries d
     WHERE d.organisation_id = $1 AND d.endpoint_id = $2 AND ($3::text IS NULL OR d.status = $3)
       AND ($4::text IS NULL OR (d.created_at, d.id) < (${fromEpochMicros('$4')}, $5::uuid))
     ORDER BY d.created_at DESC, d.id DESC LIMIT $6`,
    [organisationId, endpointId, filters.status ?? null, page.after?.key ?? null, page.after?.id ?? null, page.limit],
  );
  return result.rows;
}

export async function getWebhookDelivery(
  db: Queryable,
  organisationId: string,
  endpointId: string,
  id: string,
): Promise<(WebhookDelivery & { eventCreatedAt: Date }) | null> {
  const result = await query<WebhookDelivery & { eventCreatedAt: Date }>(
    db,
    'webhooks.get_delivery',
    `SELECT ${deliveryColumns('d')}, d.event_created_at AS "eventCreatedAt"
     FROM outreach_webhook_deliveries d WHERE d.organisation_id = $1 AND d.endpoint_id = $2 AND d.id = $3`,
    [organisationId, endpointId, id],
  );
  return result.rows[0] ?? null;
}

/** A delivery leased for one attempt, with what the worker needs to sign and send it. */
export interface ClaimedWebhookDelivery {
  id: string;
  organisationId: string;
  endpointId: string;
  url: string;
  enabled: boolean;
  secretEncrypted: string;
  eventId: string;
  eventType: WebhookDeliveryEventType;
  eventCreatedAt: Date;
  payload: unknown;
  attempts: number;
}

export type WebhookClaim =
  { outcome: 'claimed'; delivery: ClaimedWebhookDelivery } | { outcome: 'gone' | 'settled' | 'busy' };

/**
 * Leases a pending delivery for `leaseSeconds` (one attempt at a time, even if the job is
 * delivered twice). `settled`: already delivered or failed, never sent again; `busy`: another
 * attempt holds the lease; `gone`: the delivery or its endpoint was deleted.
 */
export async function claimWebhookDelivery(
  db: Queryable,
  organisationId: string,
  deliveryId: string,
  leaseSeconds: number,
): Promise<WebhookClaim> {
  const claimed = await query<ClaimedWebhookDelivery>(
    db,
    'webhooks.claim_delivery',
    `UPDATE outreach_webhook_deliveries d SET locked_until = now() + $3 * interval '1 second'
     FROM outreach_webhook_endpoints w
     WHERE d.organisation_id = $1 AND d.id = $2 AND d.status = 'pending'
       AND (d.locked_until IS NULL OR d.locked_until < now())
       AND w.organisation_id = d.organisation_id AND w.id = d.endpoint_id
     RETURNING d.id, d.organisation_id AS "organisationId", d.endpoint_id AS "endpointId", w.url, w.enabled,
       w.secret_encrypted AS "secretEncrypted", d.event_id AS "eventId", d.event_type AS "eventType",
       d.event_created_at AS "eventCreatedAt", d.payload, d.attempts`,
    [organisationId, deliveryId, leaseSeconds],
  );
  if (claimed.rows[0]) return { outcome: 'claimed', delivery: claimed.rows[0] };
  const current = await query<{ status: string }>(
    db,
    'webhooks.delivery_status',
    `SELECT status FROM outreach_webhook_deliveries WHERE organisation_id = $1 AND id = $2`,
    [organisationId, deliveryId],
  );
  const status = current.rows[0]?.status;
  if (status === undefined) return { outcome: 'gone' };
  return { outcome: status === 'pending' ? 'busy' : 'settled' };
}

/**
 * Records one attempt and releases the lease: `delivered`, `failed` (terminal), or `pending`
 * (to be retried). Counts only while the delivery is pending, so a late duplicate changes nothing.
 */
export async function recordWebhookAttempt(
  db: Queryable,
  organisationId: string,
  deliveryId: string,
  attempt: { status: WebhookDeliveryStatus; httpStatus: number | null; error: string | null; at: Date },
): Promise<void> {
  await query(
    db,
    'webhooks.record_attempt',
    `UPDATE outreach_webhook_deliveries SET status = $3, attempts = attempts + 1, last_status = $4,
       last_error = left($5, 1000), last_attempt_at = $6, locked_until = NULL,
       delivered_at = CASE WHEN $3 = 'delivered' THEN $6::timestamptz ELSE delivered_at END
     WHERE organisation_id = $1 AND id = $2 AND status = 'pending'`,
    [organisationId, deliveryId, attempt.status, attempt.httpStatus, attempt.error, attempt.at.toISOString()],
  );
}
