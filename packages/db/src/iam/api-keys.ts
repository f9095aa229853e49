import type { ApiKey, ApiKeyScope } from '@prospectflow/contracts';
import { NotFoundError } from '@prospectflow/contracts';
import { query, type Queryable } from '../query.js';

// Microseconds, not milliseconds: createdAt doubles as the keyset cursor, and rounding it would
// skip keys created within the same millisecond.
const ISO = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const API_KEY_COLUMNS = `id, name, key_prefix AS "keyPrefix", scopes, ${ISO('created_at')} AS "createdAt",
  ${ISO('last_used_at')} AS "lastUsedAt", ${ISO('revoked_at')} AS "revokedAt", ${ISO('expires_at')} AS "expiresAt"`;

export interface NewApiKey {
  name: string;
  keyPrefix: string;
  keyHash: string;
  scopes: ApiKeyScope[];
  createdBy: string | null;
  expiresAt: string | null;
}

/** Stores a key's hash (never the key) and returns its public description. */
export async function insertApiKey(db: Queryable, organisationId: string, key: NewApiKey): Promise<ApiKey> {
  const result = await query<ApiKey>(
    db,
    'iam.insert_api_key',
    `INSERT INTO iam_api_keys (organisation_id, name, key_prefix, key_hash, scopes, created_by, expires_at)
     VALUES ($1, $2, $3, $4, $5::text[], $6, $7) RETURNING ${API_KEY_COLUMNS}`,
    [organisationId, key.name, key.keyPrefix, key.keyHash, key.scopes, key.createdBy, key.expiresAt],
  );
  return result.rows[0]!;
}

/** The organisation's keys, newest first, keyset-paginated on (created_at, id). */
export async function listApiKeys(
  db: Queryable,
  organisationId: string,
  page: { limit: number; before?: { createdAt: string; id: string } },
): Promise<ApiKey[]> {
  const result = await query<ApiKey>(
    db,
    'iam.list_api_keys',
    `SELECT ${API_KEY_COLUMNS} FROM iam_api_keys
     WHERE organisation_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
     ORDER BY created_at DESC, id DESC LIMIT $4`,
    [organisationId, page.before?.createdAt ?? null, page.before?.id ?? null, page.limit],
  );
  return result.rows;
}

/** Revokes a key (idempotent: the first revocation time is kept); NotFoundError across organisations. */
export async function revokeApiKey(db: Queryable, organisationId: string, id: string): Promise<ApiKey> {
  const result = await query<ApiKey>(
    db,
    'iam.revoke_api_key',
    `UPDATE iam_api_keys SET revoked_at = coalesce(revoked_at, now())
     WHERE organisation_id = $1 AND id = $2 RETURNING ${API_KEY_COLUMNS}`,
    [organisationId, id],
  );
  if (!result.rows[0]) throw new NotFoundError('API key not found');
  return result.rows[0];
}

export interface ActiveApiKey {
  id: string;
  organisationId: string;
  scopes: ApiKeyScope[];
}

/** The usable key with this hash (not revoked, not expired), stamping `last_used_at` at most once a minute. */
export async function useApiKey(db: Queryable, keyHash: string): Promise<ActiveApiKey | null> {
  const result = await query<ActiveApiKey>(
    db,
    'iam.use_api_key',
    `WITH key AS (
       SELECT id, organisation_id, scopes, last_used_at FROM iam_api_keys
       WHERE key_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
     ), touch AS (
       UPDATE iam_api_keys k SET last_used_at = now() FROM key
       WHERE k.id = key.id AND (key.last_used_at IS NULL OR key.last_used_at < now() - interval '1 minute')
     )
     SELECT id, organisation_id AS "organisationId", scopes FROM key`,
    [keyHash],
  );
  return result.rows[0] ?? null;
}
