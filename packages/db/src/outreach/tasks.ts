import { query, type Queryable } from '../query.js';

export type TaskKind = 'draft' | 'send' | 'followup';
export type TaskStatus = 'pending' | 'claimed' | 'done' | 'failed' | 'cancelled';

export interface NewTask {
  organisationId: string;
  enrollmentId: string;
  stepId: string;
  kind: TaskKind;
  scheduledFor: Date;
}

/** Inserts tasks, skipping any (enrollment, step, kind) that already has a live one; returns ids inserted. */
export async function insertTasks(db: Queryable, tasks: NewTask[]): Promise<string[]> {
  if (tasks.length === 0) return [];
  const result = await query<{ id: string }>(
    db,
    'outreach.insert_tasks',
    `INSERT INTO outreach_tasks (organisation_id, enrollment_id, step_id, kind, scheduled_for)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::timestamptz[])
     ON CONFLICT (organisation_id, enrollment_id, step_id, kind) WHERE status IN ('pending', 'claimed') DO NOTHING
     RETURNING id`,
    [
      tasks.map((t) => t.organisationId),
      tasks.map((t) => t.enrollmentId),
      tasks.map((t) => t.stepId),
      tasks.map((t) => t.kind),
      tasks.map((t) => t.scheduledFor.toISOString()),
    ],
  );
  return result.rows.map((r) => r.id);
}

export interface LockedTask {
  id: string;
  organisationId: string;
  enrollmentId: string;
  stepId: string | null;
  kind: TaskKind;
  status: TaskStatus;
  attempts: number;
}

/** Locks one task of the organisation for the rest of the transaction. */
export async function lockTask(db: Queryable, organisationId: string, taskId: string): Promise<LockedTask | null> {
  const result = await query<LockedTask>(
    db,
    'outreach.lock_task',
    `SELECT id, organisation_id AS "organisationId", enrollment_id AS "enrollmentId", step_id AS "stepId",
            kind, status, attempts
     FROM outreach_tasks WHERE organisation_id = $1 AND id = $2 FOR UPDATE`,
    [organisationId, taskId],
  );
  return result.rows[0] ?? null;
}

/** Settles a task: done, failed (with the reason), cancelled, or back to pending (unclaimed). */
export async function settleTask(
  db: Queryable,
  organisationId: string,
  taskId: string,
  status: Exclude<TaskStatus, 'claimed'>,
  reason: string | null = null,
): Promise<void> {
  await query(
    db,
    'outreach.settle_task',
    `UPDATE outreach_tasks
     SET status = $3, last_error = coalesce(left($4, 1000), last_error), locked_by = NULL, locked_until = NULL
     WHERE organisation_id = $1 AND id = $2`,
    [organisationId, taskId, status, reason],
  );
}

/** Counts a processing attempt on a claimed task. */
export async function countTaskAttempt(db: Queryable, organisationId: string, taskId: string): Promise<void> {
  await query(
    db,
    'outreach.count_task_attempt',
    `UPDATE outreach_tasks SET attempts = attempts + 1 WHERE organisation_id = $1 AND id = $2`,
    [organisationId, taskId],
  );
}

/** Cancels every pending or claimed task of an enrollment; returns how many. */
export async function cancelEnrollmentTasks(
  db: Queryable,
  organisationId: string,
  enrollmentId: string,
): Promise<number> {
  const result = await query(
    db,
    'outreach.cancel_enrollment_tasks',
    `UPDATE outreach_tasks SET status = 'cancelled', locked_by = NULL, locked_until = NULL
     WHERE organisation_id = $1 AND enrollment_id = $2 AND status IN ('pending', 'claimed')`,
    [organisationId, enrollmentId],
  );
  return result.rowCount ?? 0;
}
