import type { Member, Role } from '@prospectflow/contracts';
import { ConflictError, NotFoundError } from '@prospectflow/contracts';
import { query, type Queryable } from '../query.js';

const MEMBER_SELECT = `
  SELECT u.id AS "userId", u.email::text AS email, u.display_name AS "displayName", ou.role,
         to_char(ou.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "joinedAt",
         u.cognito_sub IS NOT NULL AS activated
  FROM iam_organisation_users ou JOIN iam_users u ON u.id = ou.user_id`;

/** Members of an organisation by email, keyset-paginated on email. */
export async function listMembers(
  db: Queryable,
  organisationId: string,
  page: { limit: number; afterEmail?: string },
): Promise<Member[]> {
  const result = await query<Member>(
    db,
    'iam.list_members',
    `${MEMBER_SELECT}
     WHERE ou.organisation_id = $1 AND ($2::text IS NULL OR u.email::text > $2)
     ORDER BY u.email::text LIMIT $3`,
    [organisationId, page.afterEmail ?? null, page.limit],
  );
  return result.rows;
}

/** One member, or NotFoundError (also for users of other organisations). */
export async function getMember(db: Queryable, organisationId: string, userId: string): Promise<Member> {
  const result = await query<Member>(
    db,
    'iam.get_member',
    `${MEMBER_SELECT} WHERE ou.organisation_id = $1 AND u.id = $2`,
    [organisationId, userId],
  );
  if (!result.rows[0]) throw new NotFoundError('Member not found');
  return result.rows[0];
}

/** Adds an existing user to the organisation; 409 when already a member. */
export async function addMember(db: Queryable, organisationId: string, userId: string, role: Role): Promise<Member> {
  const inserted = await query(
    db,
    'iam.add_member',
    `INSERT INTO iam_organisation_users (organisation_id, user_id, role) VALUES ($1, $2, $3)
     ON CONFLICT (organisation_id, user_id) DO NOTHING`,
    [organisationId, userId, role],
  );
  if (inserted.rowCount === 0) throw new ConflictError('This person is already a member', 'already_member');
  return getMember(db, organisationId, userId);
}

/**
 * Locks the organisation's memberships so that concurrent role changes cannot leave it without
 * an admin, then refuses to remove the last admin (409 last_admin).
 */
async function assertNotLastAdmin(db: Queryable, organisationId: string, userId: string): Promise<void> {
  const result = await query<{ role: Role; admins: number }>(
    db,
    'iam.admin_guard',
    `WITH locked AS (
       SELECT user_id, role FROM iam_organisation_users WHERE organisation_id = $1 FOR UPDATE
     )
     SELECT (SELECT role FROM locked WHERE user_id = $2) AS role,
            (SELECT count(*)::int FROM locked WHERE role = 'admin') AS admins`,
    [organisationId, userId],
  );
  const row = result.rows[0];
  if (!row?.role) throw new NotFoundError('Member not found');
  if (row.role === 'admin' && row.admins <= 1) {
    throw new ConflictError('An organisation needs at least one admin', 'last_admin');
  }
}

/** Changes a member's role; demoting the last admin is refused. Run inside a transaction. */
export async function changeMemberRole(
  db: Queryable,
  organisationId: string,
  userId: string,
  role: Role,
): Promise<Member> {
  if (role !== 'admin') await assertNotLastAdmin(db, organisationId, userId);
  const updated = await query(
    db,
    'iam.change_role',
    `UPDATE iam_organisation_users SET role = $3 WHERE organisation_id = $1 AND user_id = $2`,
    [organisationId, userId, role],
  );
  if (updated.rowCount === 0) throw new NotFoundError('Member not found');
  return getMember(db, organisationId, userId);
}

/** Removes a member; removing the last admin is refused. Run inside a transaction. */
export async function removeMember(db: Queryable, organisationId: string, userId: string): Promise<void> {
  await assertNotLastAdmin(db, organisationId, userId);
  await query(
    db,
    'iam.remove_member',
    `DELETE FROM iam_organisation_users WHERE organisation_id = $1 AND user_id = $2`,
    [organisationId, userId],
  );
}
