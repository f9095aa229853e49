import type { Enrollment, EnrollmentState, EnrollResponse } from '@prospectflow/contracts';
import type { Keyed, Keyset } from '../crm/companies.js';
import { SqlParams, epochMicros, fromEpochMicros, iso } from '../crm/prospect-sql.js';
import { matchingPositionsSql, type ProspectFilters } from '../crm/prospects.js';
import { query, type Queryable } from '../query.js';
import { enrollmentFailureColumns } from './messages.js';

/** Who to enroll: explicit position ids, or every position the CRM filter matches (at most `max`). */
export type EnrollmentSource = { positionIds: string[] } | { filter: ProspectFilters; max: number };

/** The first enabled step of a campaign (where enrollment starts), or null. */
export async function getFirstEnabledStep(
  db: Queryable,
  organisationId: string,
  campaignId: string,
): Promise<{ id: string; stepIndex: number } | null> {
  const result = await query<{ id: string; stepIndex: number }>(
    db,
    'outreach.first_enabled_step',
    `SELECT id, step_index AS "stepIndex" FROM outreach_workflow_steps
     WHERE organisation_id = $1 AND campaign_id = $2 AND enabled ORDER BY step_index LIMIT 1`,
    [organisationId, campaignId],
  );
  return result.rows[0] ?? null;
}

/**
 * Enrolls positions in one statement: classifies each candidate (no email, suppressed, already
 * enrolled), inserts the enrollments of the others at `firstStep`, and one pending 'draft' task
 * each, due at `now`. A candidate enrolled concurrently counts as already enrolled.
 */
export async function enrollPositions(
  db: Queryable,
  organisationId: string,
  campaignId: string,
  firstStep: { id: string; stepIndex: number },
  source: EnrollmentSource,
  now: Date,
): Promise<EnrollResponse> {
  const params = new SqlParams();
  let candidates: string;
  let requested: string;
  if ('positionIds' in source) {
    params.add(organisationId);
    const ids = params.add([...new Set(source.positionIds)]);
    candidates = `SELECT pos.id, pos.email FROM crm_positions pos WHERE pos.organisation_id = $1 AND pos.id = ANY (${ids}::uuid[])`;
    requested = `cardinality(${ids}::uuid[])`;
  } else {
    const matching = matchingPositionsSql(params, organisationId, source.filter);
    candidates = `${matching} ORDER BY pos.id LIMIT ${params.add(source.max + 1)}`;
    requested = `least((SELECT count(*) FROM found), ${params.add(source.max)})`;
  }
  const max = 'positionIds' in source ? 'NULL' : params.add(source.max);
  const campaign = params.add(campaignId);
  const step = params.add(firstStep.id);
  const stepIndex = params.add(firstStep.stepIndex);
  const at = params.add(now);
  const result = await query<EnrollResponse & { truncated: boolean }>(
    db,
    'outreach.enroll_positions',
    `WITH found AS (${candidates}),
     candidates AS (SELECT * FROM found ORDER BY id LIMIT coalesce(${max}::int, 2147483647)),
     classified AS (
       SELECT c.id, CASE
         WHEN c.email IS NULL OR c.email = '' THEN 'noEmail'
         WHEN EXISTS (SELECT 1 FROM outreach_suppressions s WHERE s.organisation_id = $1 AND s.email = c.email)
           THEN 'suppressed'
         WHEN EXISTS (SELECT 1 FROM outreach_campaign_enrollments e
                      WHERE e.organisation_id = $1 AND e.campaign_id = ${campaign}::uuid AND e.position_id = c.id)
           THEN 'alreadyEnrolled'
         ELSE 'eligible' END AS reason
       FROM candidates c
     ),
     inserted AS (
       INSERT INTO outreach_campaign_enrollments (organisation_id, campaign_id, position_id, state, current_step_index, enrolled_at)
       SELECT $1, ${campaign}::uuid, id, 'active', ${stepIndex}::int, ${at}::timestamptz FROM classified WHERE reason = 'eligible'
       ON CONFLICT (organisation_id, campaign_id, position_id) DO NOTHING
       RETURNING id
     ),
     tasks AS (
       INSERT INTO outreach_tasks (organisation_id, enrollment_id, step_id, kind, scheduled_for)
       SELECT $1, id, ${step}::uuid, 'draft', ${at}::timestamptz FROM inserted
       ON CONFLICT DO NOTHING
       RETURNING 1
     ),
     counts AS (SELECT count(*) FILTER (WHERE reason = 'noEmail')::int AS "noEmail",
                  count(*) FILTER (WHERE reason = 'suppressed')::int AS suppressed,
                  count(*) FILTER (WHERE reason = 'alreadyEnrolled')::int AS already,
                  count(*) FILTER (WHERE reason = 'eligible')::int AS eligible,
                  count(*)::int AS found
                FROM classified)
     SELECT ${requested}::int AS requested, (SELECT count(*) FROM inserted)::int AS enrolled,
       json_build_object('suppressed', k.suppressed, 'noEmail', k."noEmail",
         'alreadyEnrolled', k.already + k.eligible - (SELECT count(*) FROM inserted)::int,
         'notFound', ${requested}::int - k.found) AS skipped,
       ${max === 'NULL' ? 'false' : `(SELECT count(*) FROM found) > ${max}::int`} AS truncated,
       (SELECT count(*) FROM tasks)::int AS tasks
     FROM counts k`,
    params.values,
  );
  const { requested: r, enrolled, skipped, truncated } = result.rows[0]!;
  return { requested: r, enrolled, skipped, truncated };
}

const enrollmentColumns = (e: string) => `${e}.id, ${e}.campaign_id AS "campaignId", ${e}.position_id AS "positionId",
  ${e}.state, ${e}.current_step_index AS "currentStepIndex", ${iso(`${e}.paused_until`)} AS "pausedUntil",
  ${iso(`${e}.enrolled_at`)} AS "enrolledAt", ${iso(`${e}.finished_at`)} AS "finishedAt",
  ${iso(`${e}.updated_at`)} AS "updatedAt",
  (SELECT json_build_object('email', pos.email::text, 'firstName', p.first_name, 'lastName', p.last_name,
     'companyName', c.name)
   FROM crm_positions pos
   JOIN crm_people p ON p.organisation_id = pos.organisation_id AND p.id = pos.person_id
   JOIN crm_companies c ON c.organisation_id = pos.organisation_id AND c.id = pos.company_id
   WHERE pos.organisation_id = ${e}.organisation_id AND pos.id = ${e}.position_id) AS prospect,
  f."failedMessages", f."lastSendError" AS "lastError"`;

/** Enrollments `e` with their send failures `f` (what `enrollmentColumns` reads). */
const ENROLLMENT_FROM = `outreach_campaign_enrollments e CROSS JOIN LATERAL (SELECT ${enrollmentFailureColumns('e')}) f`;

/** A campaign's enrollments, newest first, optionally in one state. */
export async function listEnrollments(
  db: Queryable,
  organisationId: string,
  campaignId: string,
  filters: { state?: EnrollmentState },
  page: { after?: Keyset; limit: number },
): Promise<Keyed<Enrollment>[]> {
  const result = await query<Keyed<Enrollment>>(
    db,
    'outreach.list_enrollments',
    `SELECT ${enrollmentColumns('e')}, ${epochMicros('e.enrolled_at')} AS "sortKey"
     FROM ${ENROLLMENT_FROM}
     WHERE e.organisation_id = $1 AND e.campaign_id = $2 AND ($3::text IS NULL OR e.state = $3)
       AND ($4::text IS NULL OR (e.enrolled_at, e.id) < (${fromEpochMicros('$4')}, $5::uuid))
     ORDER BY e.enrolled_at DESC, e.id DESC LIMIT $6`,
    [organisationId, campaignId, filters.state ?? null, page.after?.key ?? null, page.after?.id ?? null, page.limit],
  );
  return result.rows;
}

export async function getEnrollment(db: Queryable, organisationId: string, id: string): Promise<Enrollment | null> {
  const result = await query<Enrollment>(
    db,
    'outreach.get_enrollment',
    `SELECT ${enrollmentColumns('e')} FROM ${ENROLLMENT_FROM} WHERE e.organisation_id = $1 AND e.id = $2`,
    [organisationId, id],
  );
  return result.rows[0] ?? null;
}

/** Moves an enrollment from state `from` to `to`; false when it was in another state (or absent). */
export async function transitionEnrollment(
  db: Queryable,
  organisationId: string,
  id: string,
  from: EnrollmentState,
  to: EnrollmentState,
): Promise<boolean> {
  const result = await query(
    db,
    'outreach.transition_enrollment',
    `UPDATE outreach_campaign_enrollments SET state = $4, paused_until = NULL,
       finished_at = CASE WHEN $4 = 'finished' THEN now() ELSE finished_at END
     WHERE organisation_id = $1 AND id = $2 AND state = $3`,
    [organisationId, id, from, to],
  );
  return (result.rowCount ?? 0) > 0;
}

/**
 * Queues a 'draft' task for the enrollment's current step when nothing is in flight for it and the
 * step has no message other than rejected ones (a resumed enrollment whose draft was rejected).
 */
export async function ensureCurrentStepTask(db: Queryable, organisationId: string, id: string, now: Date) {
  const result = await query(
    db,
    'outreach.ensure_current_step_task',
    `INSERT INTO outreach_tasks (organisation_id, enrollment_id, step_id, kind, scheduled_for)
     SELECT e.organisation_id, e.id, s.id, 'draft', $3 FROM outreach_campaign_enrollments e
     JOIN outreach_workflow_steps s ON s.organisation_id = e.organisation_id AND s.campaign_id = e.campaign_id
       AND s.step_index = e.current_step_index AND s.enabled
     WHERE e.organisation_id = $1 AND e.id = $2 AND e.state = 'active'
       AND NOT EXISTS (SELECT 1 FROM outreach_tasks t WHERE t.organisation_id = e.organisation_id
                       AND t.enrollment_id = e.id AND t.status IN ('pending', 'claimed'))
       AND NOT EXISTS (SELECT 1 FROM outreach_messages m WHERE m.organisation_id = e.organisation_id
                       AND m.enrollment_id = e.id AND m.step_id = s.id AND m.status <> 'rejected')
     ON CONFLICT DO NOTHING`,
    [organisationId, id, now],
  );
  return (result.rowCount ?? 0) > 0;
}

/**
 * Removes an enrollment: deleted with everything about it when nothing was sent (or is being
 * sent), otherwise stopped — 'finished', pending tasks cancelled, unsent drafts rejected — so
 * the history stays. Null when the enrollment is not the organisation's.
 */
export async function removeEnrollment(
  db: Queryable,
  organisationId: string,
  id: string,
): Promise<'deleted' | 'stopped' | null> {
  const locked = await query<{ hasHistory: boolean }>(
    db,
    'outreach.lock_enrollment',
    `SELECT EXISTS (SELECT 1 FROM outreach_messages m WHERE m.organisation_id = e.organisation_id
              AND m.enrollment_id = e.id AND m.status IN ('sending', 'sent', 'failed', 'received')) AS "hasHistory"
     FROM outreach_campaign_enrollments e WHERE e.organisation_id = $1 AND e.id = $2 FOR UPDATE`,
    [organisationId, id],
  );
  if (locked.rowCount === 0) return null;
  if (!locked.rows[0]!.hasHistory) {
    await query(
      db,
      'outreach.delete_enrollment',
      `DELETE FROM outreach_campaign_enrollments WHERE organisation_id = $1 AND id = $2`,
      [organisationId, id],
    );
    return 'deleted';
  }
  await query(
    db,
    'outreach.stop_enrollment',
    `WITH e AS (
       UPDATE outreach_campaign_enrollments SET state = 'finished', finished_at = coalesce(finished_at, now()),
         paused_until = NULL
       WHERE organisation_id = $1 AND id = $2 RETURNING id
     ), t AS (
       UPDATE outreach_tasks SET status = 'cancelled', locked_by = NULL, locked_until = NULL
       WHERE organisation_id = $1 AND enrollment_id = $2 AND status = 'pending' RETURNING 1
     )
     UPDATE outreach_messages SET status = 'rejected'
     WHERE organisation_id = $1 AND enrollment_id = $2 AND status IN ('draft', 'approved')`,
    [organisationId, id],
  );
  return 'stopped';
}
