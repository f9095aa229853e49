import type { OrganisationSummary, Role } from '@prospectflow/contracts';
import { ConflictError } from '@prospectflow/contracts';
import { query, type Queryable } from '../query.js';

/** The organisations a user belongs to, with the role in each, by name. */
export async function listMemberships(db: Queryable, userId: string): Promise<OrganisationSummary[]> {
  const result = await query<OrganisationSummary>(
    db,
    'iam.list_memberships',
    `SELECT o.id, o.name, o.slug, ou.role
     FROM iam_organisation_users ou JOIN iam_organisations o ON o.id = ou.organisation_id
     WHERE ou.user_id = $1 ORDER BY o.name, o.id`,
    [userId],
  );
  return result.rows;
}

/** Creates an organisation with `userId` as its first admin; 409 when the slug is taken. */
export async function createOrganisation(
  db: Queryable,
  input: { name: string; slug: string; adminUserId: string },
): Promise<OrganisationSummary> {
  const result = await query<OrganisationSummary & { role: Role }>(
    db,
    'iam.create_organisation',
    `WITH org AS (
       INSERT INTO iam_organisations (name, slug) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING RETURNING id, name, slug
     ), member AS (
       INSERT INTO iam_organisation_users (organisation_id, user_id, role) SELECT id, $3, 'admin' FROM org
     )
     SELECT id, name, slug, 'admin' AS role FROM org`,
    [input.name, input.slug, input.adminUserId],
  );
  if (!result.rows[0]) throw new ConflictError('This slug is already used by another organisation', 'slug_taken');
  return result.rows[0];
}
