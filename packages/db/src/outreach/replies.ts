import type { ReplyClassification } from '@prospectflow/contracts';
import { query, type Queryable } from '../query.js';
import { requeueEnrollmentWork } from './enrollment-resume.js';

/** One enrollment a classification moved, with what to put back if it is undone. */
export interface EnrollmentChange {
  enrollmentId: string;
  fromState: string;
  toState: string;
  fromPausedUntil: string | null;
  toPausedUntil: string | null;
  cancelledTaskIds: string[];
  postponedTasks: { id: string; scheduledFor: string }[];
}

/** What applying a classification changed (stored in outreach_messages.classification_effects). */
export interface ClassificationEffects {
  enrollments: EnrollmentChange[];
  /** A suppression this message created (an address already suppressed is not recorded). */
  suppression: { email: string; reason: 'bounced' | 'unsubscribed' } | null;
}

/** An inbound message locked for (re)classification, with its enrollment and step context. */
export interface LockedInbound {
  id: string;
  enrollmentId: string | null;
  positionEmail: string | null;
  exitOnReply: boolean;
  bodyText: string | null;
  receivedAt: Date | null;
  classification: ReplyClassification | null;
  effects: ClassificationEffects | null;
}

/** Locks an inbound message of the organisation; null when absent or outbound. */
export async function lockInboundMessage(
  db: Queryable,
  organisationId: string,
  messageId: string,
): Promise<LockedInbound | null> {
  const result = await query<LockedInbound>(
    db,
    'outreach.lock_inbound_message',
    `SELECT m.id, m.enrollment_id AS "enrollmentId", p.email::text AS "positionEmail",
            coalesce(s.exit_on_reply, true) AS "exitOnReply", m.body_text AS "bodyText", m.received_at AS "receivedAt",
            m.classification, m.classification_effects AS effects
     FROM outreach_messages m
     LEFT JOIN outreach_campaign_enrollments e ON e.organisation_id = m.organisation_id AND e.id = m.enrollment_id
     LEFT JOIN crm_positions p ON p.organisation_id = e.organisation_id AND p.id = e.position_id
     LEFT JOIN outreach_workflow_steps s ON s.organisation_id = m.organisation_id AND s.id = m.step_id
     WHERE m.organisation_id = $1 AND m.id = $2 AND m.direction = 'inbound'
     FOR UPDATE OF m`,
    [organisationId, messageId],
  );
  return result.rows[0] ?? null;
}

/** Stores the class, its reason and the effects applied. */
export async function setClassification(
  db: Queryable,
  organisationId: string,
  messageId: string,
  outcome: { classification: ReplyClassification; reason: string; effects: ClassificationEffects },
): Promise<void> {
  await query(
    db,
    'outreach.set_classification',
    `UPDATE outreach_messages SET classification = $3, classification_reason = left($4, 500), classification_effects = $5
     WHERE organisation_id = $1 AND id = $2`,
    [organisationId, messageId, outcome.classification, outcome.reason, JSON.stringify(outcome.effects)],
  );
}

/** Suppresses an address; true when this call created the suppression. */
export async function insertSuppression(
  db: Queryable,
  organisationId: string,
  suppression: { email: string; reason: 'bounced' | 'unsubscribed'; sourceMessageId: string },
): Promise<boolean> {
  const result = await query(
    db,
    'outreach.insert_reply_suppression',
    `INSERT INTO outreach_suppressions (organisation_id, email, reason, source_message_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (organisation_id, email) DO NOTHING`,
    [organisationId, suppression.email, suppression.reason, suppression.sourceMessageId],
  );
  return (result.rowCount ?? 0) > 0;
}

async function cancelTasks(db: Queryable, organisationId: string, enrollmentId: string): Promise<string[]> {
  const result = await query<{ id: string }>(
    db,
    'outreach.cancel_tasks_returning',
    `UPDATE outreach_tasks SET status = 'cancelled', locked_by = NULL, locked_until = NULL
     WHERE organisation_id = $1 AND enrollment_id = $2 AND status IN ('pending', 'claimed') RETURNING id`,
    [organisationId, enrollmentId],
  );
  return result.rows.map((r) => r.id);
}

/**
 * Stops enrollments in `toState` with their live tasks cancelled: the message's own enrollment
 * (from active, paused or finished) and, with `email`, every active or paused enrollment of the
 * organisation to that address.
 */
export async function stopEnrollments(
  db: Queryable,
  organisationId: string,
  target: { enrollmentId: string; email: string | null },
  toState: 'replied' | 'bounced' | 'unsubscribed',
): Promise<EnrollmentChange[]> {
  const locked = await query<{ id: string; state: string; pausedUntil: Date | null }>(
    db,
    'outreach.lock_enrollments_to_stop',
    `SELECT e.id, e.state, e.paused_until AS "pausedUntil" FROM outreach_campaign_enrollments e
     JOIN crm_positions p ON p.organisation_id = e.organisation_id AND p.id = e.position_id
     WHERE e.organisation_id = $1
       AND ((e.id = $2 AND e.state IN ('active', 'paused', 'finished'))
         OR ($3::citext IS NOT NULL AND p.email = $3::citext AND e.state IN ('active', 'paused')))
     ORDER BY e.id FOR UPDATE OF e`,
    [organisationId, target.enrollmentId, target.email],
  );
  const changes: EnrollmentChange[] = [];
  for (const row of locked.rows) {
    await query(
      db,
      'outreach.stop_enrollment_on_reply',
      `UPDATE outreach_campaign_enrollments SET state = $3, paused_until = NULL WHERE organisation_id = $1 AND id = $2`,
      [organisationId, row.id, toState],
    );
    changes.push({
      enrollmentId: row.id,
      fromState: row.state,
      toState,
      fromPausedUntil: row.pausedUntil?.toISOString() ?? null,
      toPausedUntil: null,
      cancelledTaskIds: await cancelTasks(db, organisationId, row.id),
      postponedTasks: [],
    });
  }
  return changes;
}

/**
 * Pauses an active enrollment (or extends an automatic pause) until `until`, postponing its
 * pending tasks to then; null when the enrollment is in another state (stopped, paused by hand).
 */
export async function pauseEnrollmentUntil(
  db: Queryable,
  organisationId: string,
  enrollmentId: string,
  until: Date,
): Promise<EnrollmentChange | null> {
  const locked = await query<{ state: string; pausedUntil: Date | null }>(
    db,
    'outreach.lock_enrollment_to_pause',
    `SELECT state, paused_until AS "pausedUntil" FROM outreach_campaign_enrollments
     WHERE organisation_id = $1 AND id = $2 AND (state = 'active' OR (state = 'paused' AND paused_until IS NOT NULL))
     FOR UPDATE`,
    [organisationId, enrollmentId],
  );
  const row = locked.rows[0];
  if (!row) return null;
  await query(
    db,
    'outreach.pause_enrollment_until',
    `UPDATE outreach_campaign_enrollments SET state = 'paused', paused_until = $3 WHERE organisation_id = $1 AND id = $2`,
    [organisationId, enrollmentId, until.toISOString()],
  );
  const postponed = await query<{ id: string; scheduledFor: Date }>(
    db,
    'outreach.postpone_tasks',
    `UPDATE outreach_tasks t SET scheduled_for = $3
     FROM (SELECT id, scheduled_for FROM outreach_tasks WHERE organisation_id = $1 AND enrollment_id = $2
           AND status = 'pending' AND scheduled_for < $3 FOR UPDATE) old
     WHERE t.id = old.id RETURNING t.id, old.scheduled_for AS "scheduledFor"`,
    [organisationId, enrollmentId, until.toISOString()],
  );
  return {
    enrollmentId,
    fromState: row.state,
    toState: 'paused',
    fromPausedUntil: row.pausedUntil?.toISOString() ?? null,
    toPausedUntil: until.toISOString(),
    cancelledTaskIds: [],
    postponedTasks: postponed.rows.map((t) => ({ id: t.id, scheduledFor: t.scheduledFor.toISOString() })),
  };
}

/**
 * Undoes what a classification did, where nothing moved since: enrollments still in the state it
 * set get their previous state, pause and tasks back; the suppression it created is deleted.
 */
export async function undoClassificationEffects(
  db: Queryable,
  organisationId: string,
  messageId: string,
  effects: ClassificationEffects,
  now: Date,
): Promise<void> {
  if (effects.suppression) {
    await query(
      db,
      'outreach.delete_reply_suppression',
      `DELETE FROM outreach_suppressions WHERE organisation_id = $1 AND email = $2 AND source_message_id = $3`,
      [organisationId, effects.suppression.email, messageId],
    );
  }
  for (const change of [...effects.enrollments].reverse()) {
    const restored = await query(
      db,
      'outreach.restore_enrollment_state',
      `UPDATE outreach_campaign_enrollments SET state = $3, paused_until = $4
       WHERE organisation_id = $1 AND id = $2 AND state = $5 AND paused_until IS NOT DISTINCT FROM $6::timestamptz`,
      [
        organisationId,
        change.enrollmentId,
        change.fromState,
        change.fromPausedUntil,
        change.toState,
        change.toPausedUntil,
      ],
    );
    if (restored.rowCount !== 1) continue;
    await restoreTasks(db, organisationId, change);
    if (change.fromState === 'active') await requeueEnrollmentWork(db, organisationId, change.enrollmentId, now);
  }
}

async function restoreTasks(db: Queryable, organisationId: string, change: EnrollmentChange): Promise<void> {
  // Back to pending unless a live task of the same (enrollment, step, kind) appeared meanwhile.
  await query(
    db,
    'outreach.restore_cancelled_tasks',
    `UPDATE outreach_tasks t SET status = 'pending'
     WHERE t.organisation_id = $1 AND t.id = ANY($2::uuid[]) AND t.status = 'cancelled'
       AND NOT EXISTS (SELECT 1 FROM outreach_tasks o WHERE o.organisation_id = t.organisation_id
                       AND o.enrollment_id = t.enrollment_id AND o.step_id IS NOT DISTINCT FROM t.step_id
                       AND o.kind = t.kind AND o.status IN ('pending', 'claimed'))`,
    [organisationId, change.cancelledTaskIds],
  );
  if (change.postponedTasks.length === 0) return;
  await query(
    db,
    'outreach.restore_postponed_tasks',
    `UPDATE outreach_tasks t SET scheduled_for = p.scheduled_for
     FROM unnest($2::uuid[], $3::timestamptz[]) AS p(id, scheduled_for)
     WHERE t.organisation_id = $1 AND t.id = p.id AND t.status = 'pending'`,
    [organisationId, change.postponedTasks.map((t) => t.id), change.postponedTasks.map((t) => t.scheduledFor)],
  );
}
