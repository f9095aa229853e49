import { query, type Queryable } from '../query.js';
import type { SubscriberStatus } from './subscribers.js';

export type TokenPurpose = 'confirm_and_download' | 'download_only';

export interface DownloadToken {
  id: string;
  subscriberId: string;
  purpose: TokenPurpose;
  expiresAt: Date;
  maxUses: number;
  useCount: number;
  usedAt: Date | null;
  createdAt: Date;
}

const TOKEN_COLUMNS = `t.id, t.subscriber_id AS "subscriberId", t.purpose, t.expires_at AS "expiresAt",
  t.max_uses AS "maxUses", t.use_count AS "useCount", t.used_at AS "usedAt", t.created_at AS "createdAt"`;

/** Stores a token's SHA-256 hash (never the token) valid for `ttlSeconds`; returns its id. */
export async function insertDownloadToken(
  db: Queryable,
  token: { subscriberId: string; tokenHash: string; purpose: TokenPurpose; ttlSeconds: number; maxUses?: number },
): Promise<string> {
  const result = await query<{ id: string }>(
    db,
    'lm.insert_download_token',
    `INSERT INTO lm_download_tokens (subscriber_id, token_hash, purpose, expires_at, max_uses)
     VALUES ($1, $2, $3, now() + make_interval(secs => $4), coalesce($5, 999)) RETURNING id`,
    [token.subscriberId, token.tokenHash, token.purpose, token.ttlSeconds, token.maxUses ?? null],
  );
  return result.rows[0]!.id;
}

/** The token with this hash, usable or not. */
export async function findDownloadToken(db: Queryable, tokenHash: string): Promise<DownloadToken | null> {
  const result = await query<DownloadToken>(
    db,
    'lm.find_download_token',
    `SELECT ${TOKEN_COLUMNS} FROM lm_download_tokens t WHERE t.token_hash = $1`,
    [tokenHash],
  );
  return result.rows[0] ?? null;
}

/**
 * Counts one use of a live token (not expired, uses left) whose subscriber may still download,
 * atomically: concurrent uses queue on the row lock and each is counted once. Null when unusable.
 */
export async function consumeDownloadToken(
  db: Queryable,
  tokenHash: string,
): Promise<(DownloadToken & { subscriberStatus: SubscriberStatus }) | null> {
  const result = await query<DownloadToken & { subscriberStatus: SubscriberStatus }>(
    db,
    'lm.consume_download_token',
    `UPDATE lm_download_tokens t SET use_count = t.use_count + 1, used_at = now()
     FROM lm_subscribers s
     WHERE t.token_hash = $1 AND t.expires_at > now() AND t.use_count < t.max_uses
       AND s.id = t.subscriber_id AND s.status IN ('pending', 'confirmed')
     RETURNING ${TOKEN_COLUMNS}, s.status AS "subscriberStatus"`,
    [tokenHash],
  );
  return result.rows[0] ?? null;
}

/** Ends the validity of every live token of the subscriber (after an unsubscribe). */
export async function expireSubscriberTokens(db: Queryable, subscriberId: string): Promise<number> {
  const result = await query(
    db,
    'lm.expire_subscriber_tokens',
    `UPDATE lm_download_tokens SET expires_at = now() WHERE subscriber_id = $1 AND expires_at > now()`,
    [subscriberId],
  );
  return result.rowCount ?? 0;
}

/** Deletes a token that was never delivered (its email failed to send). */
export async function deleteDownloadToken(db: Queryable, id: string): Promise<void> {
  await query(db, 'lm.delete_download_token', `DELETE FROM lm_download_tokens WHERE id = $1`, [id]);
}
