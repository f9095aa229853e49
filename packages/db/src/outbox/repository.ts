import { query, type Queryable } from '../query.js';

export interface OutboxMessage {
  organisationId?: string | null;
  routingKey: string;
  payload: unknown;
  headers?: Record<string, string | number | boolean>;
  availableAt?: Date;
}

export interface OutboxRow {
  id: string;
  organisationId: string | null;
  routingKey: string;
  payload: unknown;
  headers: Record<string, string | number | boolean>;
  attempts: number;
}

/** Queues messages for the relay; call it in the same transaction as the change that causes them. */
export async function enqueueOutbox(db: Queryable, messages: OutboxMessage[]): Promise<string[]> {
  if (messages.length === 0) return [];
  const rows = messages.map((m) => ({
    organisation_id: m.organisationId ?? null,
    routing_key: m.routingKey,
    payload: m.payload,
    headers: m.headers ?? {},
    available_at: (m.availableAt ?? new Date()).toISOString(),
  }));
  const result = await query<{ id: string }>(
    db,
    'outbox.enqueue',
    `INSERT INTO outreach_outbox (organisation_id, routing_key, payload, headers, available_at)
     SELECT organisation_id, routing_key, payload, headers, available_at
     FROM jsonb_to_recordset($1::jsonb)
       AS x(organisation_id uuid, routing_key text, payload jsonb, headers jsonb, available_at timestamptz)
     RETURNING id::text`,
    [JSON.stringify(rows)],
  );
  return result.rows.map((r) => r.id);
}

/**
 * Locks up to `limit` due, unpublished rows (oldest first); rows locked by another relay are
 * skipped, so several relays can run. Must run inside a transaction that then marks them.
 */
export async function claimOutboxBatch(db: Queryable, limit: number): Promise<OutboxRow[]> {
  const result = await query<OutboxRow>(
    db,
    'outbox.claim',
    `SELECT id::text, organisation_id AS "organisationId", routing_key AS "routingKey", payload, headers, attempts
     FROM outreach_outbox
     WHERE published_at IS NULL AND available_at <= now()
     ORDER BY id
     LIMIT $1
     FOR UPDATE SKIP LOCKED`,
    [limit],
  );
  return result.rows;
}

/** Marks rows as published (after the broker confirmed them). */
export async function markOutboxPublished(db: Queryable, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await query(
    db,
    'outbox.mark_published',
    `UPDATE outreach_outbox SET published_at = now(), last_error = NULL WHERE id = ANY($1::bigint[])`,
    [ids],
  );
}

/** Records a failed publish and postpones the row until `retryAt`. */
export async function markOutboxFailed(db: Queryable, id: string, error: string, retryAt: Date): Promise<void> {
  await query(
    db,
    'outbox.mark_failed',
    `UPDATE outreach_outbox SET attempts = attempts + 1, last_error = left($2, 1000), available_at = $3 WHERE id = $1::bigint`,
    [id, error, retryAt.toISOString()],
  );
}

/**
 * Deletes up to `limit` rows published before `before` (oldest first) and returns how many went.
 * Published rows only serve debugging; some carry large payloads (raw inbound mail), so they must
 * not pile up. Walks the primary key from the oldest id: old published rows are at its start.
 */
export async function purgePublishedOutbox(db: Queryable, before: Date, limit: number): Promise<number> {
  const result = await query(
    db,
    'outbox.purge_published',
    `DELETE FROM outreach_outbox WHERE id IN (
       SELECT id FROM outreach_outbox
       WHERE published_at IS NOT NULL AND published_at < $1
       ORDER BY id LIMIT $2
     )`,
    [before.toISOString(), limit],
  );
  return result.rowCount ?? 0;
}

/** Unpublished rows and the age of the oldest one, for metrics and readiness. */
export async function outboxBacklog(db: Queryable): Promise<{ pending: number; oldestSeconds: number }> {
  const result = await query<{ pending: number; oldest_seconds: number }>(
    db,
    'outbox.backlog',
    `SELECT count(*)::int AS pending,
            coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS oldest_seconds
     FROM outreach_outbox WHERE published_at IS NULL`,
  );
  const row = result.rows[0]!;
  return { pending: row.pending, oldestSeconds: row.oldest_seconds };
}
