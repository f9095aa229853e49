import { query, type Queryable } from '../query.js';

/**
 * Stores `variantId` as the enrollment's variant for the step unless one is already stored, and
 * returns the stored one: the first assignment wins forever.
 */
export async function ensureVariantAssignment(
  db: Queryable,
  assignment: { organisationId: string; enrollmentId: string; stepId: string; variantId: string },
): Promise<string> {
  const params = [assignment.organisationId, assignment.enrollmentId, assignment.stepId, assignment.variantId];
  const result = await query<{ variant_id: string }>(
    db,
    'outreach.ensure_assignment',
    `WITH inserted AS (
       INSERT INTO outreach_enrollment_step_variant_assignments (organisation_id, enrollment_id, step_id, variant_id)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (organisation_id, enrollment_id, step_id) DO NOTHING
       RETURNING variant_id
     )
     SELECT variant_id FROM inserted
     UNION ALL
     SELECT variant_id FROM outreach_enrollment_step_variant_assignments
     WHERE organisation_id = $1 AND enrollment_id = $2 AND step_id = $3
     LIMIT 1`,
    params,
  );
  return result.rows[0]!.variant_id;
}
