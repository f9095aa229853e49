import { query, type Queryable } from '../query.js';
import { iso } from '../crm/prospect-sql.js';
import { insertTasks } from './tasks.js';
import { emitWebhookEvent, webhookEventCtes } from './webhooks.js';

/** The enabled step after a sent one, as `advanceEnrollment` needs it (null after the last step). */
export interface NextStep {
  id: string;
  step_index: number;
  delay_days: number;
}

const NEXT_STEP_SQL = (organisationParam: string, stepParam: string) =>
  `SELECT n.id, n.step_index, n.delay_days
   FROM outreach_workflow_steps s
   JOIN outreach_workflow_steps n ON n.organisation_id = s.organisation_id AND n.campaign_id = s.campaign_id
     AND n.step_index > s.step_index AND n.enabled
   WHERE s.organisation_id = ${organisationParam} AND s.id = ${stepParam}
   ORDER BY n.step_index LIMIT 1`;

/** A send the server accepted, as `recordSentBatch` records it. */
export interface SentItem {
  organisationId: string;
  message: { id: string; enrollmentId: string; stepId: string };
  taskId: string;
  sentAt: Date;
}

/**
 * Everything sends the server accepted record, in one autocommitted statement (no transaction
 * round trips): each message `sent`, its task done, and its enrollment moved past the step exactly
 * as `advanceEnrollment` does — the next enabled step's draft task at `sentAt + delay_days` (unless
 * that step already has a live message), or the enrollment finished with its `enrollment.finished`
 * webhook deliveries when that update changes a row. Idempotent.
 */
export async function recordSentBatch(db: Queryable, items: readonly SentItem[]): Promise<void> {
  if (items.length === 0) return;
  await query(
    db,
    'outreach.record_sent_batch',
    `WITH x AS (
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::timestamptz[])
         AS x(organisation_id, message_id, task_id, step_id, enrollment_id, sent_at)
     ), sent AS (
       UPDATE outreach_messages m SET status = 'sent', sent_at = x.sent_at FROM x
       WHERE m.organisation_id = x.organisation_id AND m.id = x.message_id AND m.status = 'sending'
     ), done AS (
       UPDATE outreach_tasks t SET status = 'done', locked_by = NULL, locked_until = NULL FROM x
       WHERE t.organisation_id = x.organisation_id AND t.id = x.task_id
     ), next AS MATERIALIZED (
       SELECT x.organisation_id, x.enrollment_id, x.sent_at, n.id, n.step_index, n.delay_days
       FROM x LEFT JOIN LATERAL (${NEXT_STEP_SQL('x.organisation_id', 'x.step_id')}) n ON true
     ), advanced AS (
       UPDATE outreach_campaign_enrollments e SET current_step_index = n.step_index FROM next n
       WHERE n.id IS NOT NULL AND e.organisation_id = n.organisation_id AND e.id = n.enrollment_id
         AND e.state = 'active' AND e.current_step_index < n.step_index
     ), drafted AS (
       INSERT INTO outreach_tasks (organisation_id, enrollment_id, step_id, kind, scheduled_for)
       SELECT n.organisation_id, n.enrollment_id, n.id, 'draft', n.sent_at + n.delay_days * interval '24 hours'
       FROM next n
       WHERE n.id IS NOT NULL AND NOT EXISTS (
         SELECT 1 FROM outreach_messages y WHERE y.organisation_id = n.organisation_id AND y.enrollment_id = n.enrollment_id
           AND y.step_id = n.id AND y.direction = 'outbound' AND y.status NOT IN ('rejected', 'failed'))
       ON CONFLICT (organisation_id, enrollment_id, step_id, kind) WHERE status IN ('pending', 'claimed') DO NOTHING
     ), finished AS (
       UPDATE outreach_campaign_enrollments e SET state = 'finished', finished_at = coalesce(e.finished_at, n.sent_at)
       FROM next n, crm_positions p
       WHERE n.id IS NULL AND e.organisation_id = n.organisation_id AND e.id = n.enrollment_id AND e.state = 'active'
         AND p.organisation_id = e.organisation_id AND p.id = e.position_id
       RETURNING e.organisation_id, gen_random_uuid() AS event_id,
         jsonb_build_object('enrollmentId', e.id, 'campaignId', e.campaign_id, 'positionId', e.position_id,
         'email', p.email::text, 'finishedAt', ${iso('e.finished_at')}, 'reason', 'completed') AS payload
     ), ${webhookEventCtes({ organisation: 'f.organisation_id', type: '$7', eventId: 'f.event_id', source: 'finished f', payload: 'f.payload' })}
     SELECT 1`,
    [
      items.map((i) => i.organisationId),
      items.map((i) => i.message.id),
      items.map((i) => i.taskId),
      items.map((i) => i.message.stepId),
      items.map((i) => i.message.enrollmentId),
      items.map((i) => i.sentAt.toISOString()),
      'enrollment.finished',
    ],
    { prepare: true },
  );
}

/** `recordSentBatch` for one send. */
export async function recordSentAndAdvance(
  db: Queryable,
  organisationId: string,
  message: { id: string; enrollmentId: string; stepId: string },
  taskId: string,
  sentAt: Date,
): Promise<void> {
  await recordSentBatch(db, [{ organisationId, message, taskId, sentAt }]);
}

/** Records that the message left: sent, at `sentAt`. */
export async function markSent(db: Queryable, organisationId: string, messageId: string, sentAt: Date): Promise<void> {
  await query(
    db,
    'outreach.mark_sent',
    `UPDATE outreach_messages SET status = 'sent', sent_at = $3 WHERE organisation_id = $1 AND id = $2 AND status = 'sending'`,
    [organisationId, messageId, sentAt.toISOString()],
  );
}

/**
 * Moves the enrollment past the step just sent: the next enabled step's draft task at
 * `sentAt + delay_days`, or the enrollment finished after its last step. Idempotent.
 */
export async function advanceEnrollment(
  db: Queryable,
  organisationId: string,
  enrollmentId: string,
  sentStepId: string,
  sentAt: Date,
  /** The next step when the caller already read it; looked up otherwise. */
  knownNext?: NextStep | null,
): Promise<{ nextStepId: string | null; scheduledFor: Date | null }> {
  const step =
    knownNext !== undefined
      ? knownNext
      : (await query<NextStep>(db, 'outreach.next_step', NEXT_STEP_SQL('$1', '$2'), [organisationId, sentStepId]))
          .rows[0];
  if (!step) {
    const finished = await query<Record<string, string>>(
      db,
      'outreach.finish_enrollment',
      `UPDATE outreach_campaign_enrollments e SET state = 'finished', finished_at = coalesce(e.finished_at, $3)
       FROM crm_positions p
       WHERE e.organisation_id = $1 AND e.id = $2 AND e.state = 'active'
         AND p.organisation_id = e.organisation_id AND p.id = e.position_id
       RETURNING e.id AS "enrollmentId", e.campaign_id AS "campaignId", e.position_id AS "positionId",
         p.email::text AS email, ${iso('e.finished_at')} AS "finishedAt"`,
      [organisationId, enrollmentId, sentAt.toISOString()],
    );
    const enrollment = finished.rows[0];
    if (enrollment)
      await emitWebhookEvent(db, organisationId, 'enrollment.finished', { ...enrollment, reason: 'completed' });
    return { nextStepId: null, scheduledFor: null };
  }
  const scheduledFor = new Date(sentAt.getTime() + step.delay_days * 86_400_000);
  await query(
    db,
    'outreach.advance_enrollment',
    `UPDATE outreach_campaign_enrollments SET current_step_index = $3
     WHERE organisation_id = $1 AND id = $2 AND state = 'active' AND current_step_index < $3`,
    [organisationId, enrollmentId, step.step_index],
  );
  // A step already drafted (e.g. a redelivered send job) is not drafted again.
  const drafted = await query(
    db,
    'outreach.step_has_message',
    `SELECT 1 FROM outreach_messages WHERE organisation_id = $1 AND enrollment_id = $2 AND step_id = $3
       AND direction = 'outbound' AND status NOT IN ('rejected', 'failed')`,
    [organisationId, enrollmentId, step.id],
  );
  if (drafted.rowCount === 0) {
    await insertTasks(db, [{ organisationId, enrollmentId, stepId: step.id, kind: 'draft', scheduledFor }]);
  }
  return { nextStepId: step.id, scheduledFor };
}

/**
 * After a send or draft that will not be retried automatically: pauses the enrollment (so the
 * campaign's enrollment list shows it) and queues what resuming it does — a new draft of the same
 * step (`retry`: the message certainly did not leave), or the next step (`advance`: it may have
 * left, so it is never sent again). The queued draft waits: only active enrollments are claimed.
 */
export async function pauseAfterFailure(
  db: Queryable,
  organisationId: string,
  enrollmentId: string,
  stepId: string,
  resume: 'retry' | 'advance',
  now: Date,
): Promise<void> {
  if (resume === 'advance') await advanceEnrollment(db, organisationId, enrollmentId, stepId, now);
  const paused = await query(
    db,
    'outreach.pause_after_failure',
    `UPDATE outreach_campaign_enrollments SET state = 'paused', paused_until = NULL
     WHERE organisation_id = $1 AND id = $2 AND state = 'active'`,
    [organisationId, enrollmentId],
  );
  if (resume === 'retry' && paused.rowCount === 1) {
    await insertTasks(db, [{ organisationId, enrollmentId, stepId, kind: 'draft', scheduledFor: now }]);
  }
}
