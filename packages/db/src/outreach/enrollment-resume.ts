import { query, type Queryable } from '../query.js';
import { ensureCurrentStepTask } from './enrollments.js';
import { insertTasks } from './tasks.js';

/**
 * Queues what an enrollment back to `active` needs when nothing is in flight: the send of its
 * current step's approved message, or the draft of that step when it has no message yet.
 */
export async function requeueEnrollmentWork(
  db: Queryable,
  organisationId: string,
  enrollmentId: string,
  now: Date,
): Promise<void> {
  const approved = await query<{ stepId: string }>(
    db,
    'outreach.reapprove_current_message',
    `UPDATE outreach_messages m SET status = 'approved'
     FROM outreach_campaign_enrollments e
     JOIN outreach_workflow_steps s ON s.organisation_id = e.organisation_id AND s.campaign_id = e.campaign_id
       AND s.step_index = e.current_step_index
     WHERE e.organisation_id = $1 AND e.id = $2 AND e.state = 'active'
       AND m.organisation_id = e.organisation_id AND m.enrollment_id = e.id AND m.step_id = s.id
       AND m.direction = 'outbound' AND m.status IN ('approved', 'queued')
       AND NOT EXISTS (SELECT 1 FROM outreach_tasks t WHERE t.organisation_id = e.organisation_id
                       AND t.enrollment_id = e.id AND t.status IN ('pending', 'claimed'))
     RETURNING m.step_id AS "stepId"`,
    [organisationId, enrollmentId],
  );
  const step = approved.rows[0];
  if (step) {
    await insertTasks(db, [{ organisationId, enrollmentId, stepId: step.stepId, kind: 'send', scheduledFor: now }]);
    return;
  }
  await ensureCurrentStepTask(db, organisationId, enrollmentId, now);
}

/**
 * Resumes enrollments whose automatic pause ended (`paused_until <= now`), with their work
 * queued again if a send was cancelled meanwhile. Manual pauses (no paused_until) are untouched.
 */
export async function resumeExpiredPauses(db: Queryable, now: Date, limit = 500): Promise<number> {
  const resumed = await query<{ organisationId: string; id: string }>(
    db,
    'outreach.resume_expired_pauses',
    `UPDATE outreach_campaign_enrollments e SET state = 'active', paused_until = NULL
     FROM (SELECT id FROM outreach_campaign_enrollments WHERE state = 'paused' AND paused_until <= $1
           ORDER BY paused_until LIMIT $2 FOR UPDATE SKIP LOCKED) due
     WHERE e.id = due.id RETURNING e.organisation_id AS "organisationId", e.id`,
    [now.toISOString(), limit],
  );
  for (const row of resumed.rows) await requeueEnrollmentWork(db, row.organisationId, row.id, now);
  return resumed.rowCount ?? 0;
}
