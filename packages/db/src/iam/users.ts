import { ConflictError } from '@prospectflow/contracts';
import { query, type Queryable } from '../query.js';

export interface UserRow {
  id: string;
  email: string;
  displayName: string | null;
}

const USER_COLUMNS = `id, email::text AS email, display_name AS "displayName"`;

/**
 * The user behind a verified token: found by `sub`; else an invited user (same email, no sub yet)
 * is claimed; else created. Returns null when the user is unknown and the token carries no email.
 */
export async function resolveUserBySub(
  db: Queryable,
  identity: { sub: string; email?: string; displayName?: string },
): Promise<UserRow | null> {
  const known = await query<UserRow>(
    db,
    'iam.user_by_sub',
    `SELECT ${USER_COLUMNS} FROM iam_users WHERE cognito_sub = $1`,
    [identity.sub],
  );
  if (known.rows[0]) return known.rows[0];
  if (!identity.email) return null;
  const claimed = await query<UserRow>(
    db,
    'iam.claim_invited_user',
    `UPDATE iam_users SET cognito_sub = $1, display_name = coalesce(display_name, $3)
     WHERE email = $2 AND cognito_sub IS NULL RETURNING ${USER_COLUMNS}`,
    [identity.sub, identity.email, identity.displayName ?? null],
  );
  if (claimed.rows[0]) return claimed.rows[0];
  const created = await query<UserRow>(
    db,
    'iam.create_user',
    `INSERT INTO iam_users (email, cognito_sub, display_name) VALUES ($2, $1, $3)
     ON CONFLICT DO NOTHING RETURNING ${USER_COLUMNS}`,
    [identity.sub, identity.email, identity.displayName ?? null],
  );
  if (created.rows[0]) return created.rows[0];
  // A concurrent first request inserted the same sub, or the email belongs to another identity.
  const raced = await query<UserRow>(
    db,
    'iam.user_by_sub',
    `SELECT ${USER_COLUMNS} FROM iam_users WHERE cognito_sub = $1`,
    [identity.sub],
  );
  if (raced.rows[0]) return raced.rows[0];
  throw new ConflictError('This email address is already linked to another sign-in identity', 'email_taken');
}

/** The user with this email, created (not yet activated) when unknown; used to invite members. */
export async function ensureUserByEmail(db: Queryable, email: string): Promise<UserRow> {
  const result = await query<UserRow>(
    db,
    'iam.ensure_user_by_email',
    `WITH ins AS (
       INSERT INTO iam_users (email) VALUES ($1) ON CONFLICT (email) DO NOTHING RETURNING ${USER_COLUMNS}
     )
     SELECT * FROM ins UNION ALL SELECT ${USER_COLUMNS} FROM iam_users WHERE email = $1 LIMIT 1`,
    [email],
  );
  return result.rows[0]!;
}
