import { query, type Queryable } from '../query.js';
import type { Subscriber, SubscriberStatus } from './subscribers.js';

export interface SubscriberListFilters {
  status?: SubscriberStatus;
  /** Part of the address, matched case-insensitively. */
  email?: string;
  limit: number;
  offset: number;
}

/** Subscribers newest first, filtered by status and address, with the total matching the filters. */
export async function listSubscribers(
  db: Queryable,
  filters: SubscriberListFilters,
): Promise<{ items: Subscriber[]; total: number }> {
  const pattern = filters.email ? `%${escapeLike(filters.email)}%` : null;
  const result = await query<Subscriber & { total: number }>(
    db,
    'lm.list_subscribers',
    `SELECT id, email, status, source, tags, created_at AS "createdAt", confirmed_at AS "confirmedAt",
            unsubscribed_at AS "unsubscribedAt", last_email_sent_at AS "lastEmailSentAt",
            count(*) OVER ()::int AS total
     FROM lm_subscribers
     WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR email ILIKE $2)
     ORDER BY created_at DESC, id
     LIMIT $3 OFFSET $4`,
    [filters.status ?? null, pattern, filters.limit, filters.offset],
  );
  const total = result.rows[0]?.total ?? (filters.offset > 0 ? await countSubscribers(db, filters) : 0);
  return { items: result.rows.map(({ total: _total, ...subscriber }) => subscriber), total };
}

/** Past the last page the window count is absent: count separately. */
async function countSubscribers(db: Queryable, filters: SubscriberListFilters): Promise<number> {
  const pattern = filters.email ? `%${escapeLike(filters.email)}%` : null;
  const result = await query<{ total: number }>(
    db,
    'lm.count_subscribers',
    `SELECT count(*)::int AS total FROM lm_subscribers
     WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR email ILIKE $2)`,
    [filters.status ?? null, pattern],
  );
  return result.rows[0]!.total;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}
