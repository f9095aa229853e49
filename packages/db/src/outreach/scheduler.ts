import { OUTREACH_DRAFT_QUEUE, OUTREACH_SEND_QUEUE, OUTREACH_TASKS_PER_JOB } from '@prospectflow/contracts';
import { enqueueOutbox, type OutboxMessage } from '../outbox/repository.js';
import { query, type Queryable } from '../query.js';
import type { TaskKind } from './tasks.js';

/** A due task with what the scheduler needs to apply windows and caps. */
export interface DueTask {
  id: string;
  organisationId: string;
  kind: TaskKind;
  enrollmentId: string;
  stepId: string | null;
  campaignId: string;
  timezone: string;
  sendDays: number[];
  sendStartHour: number;
  sendEndHour: number;
  campaignDailyCap: number;
  /** Send tasks: the mailbox of the message to send (null when there is no approved message). */
  mailboxId: string | null;
  /** Send tasks: the status of the step's live message (null when there is none). */
  messageStatus: string | null;
  mailboxDailyCap: number | null;
  minGapSeconds: number | null;
}

/** Puts back to pending the claims whose lock expired (their worker died or their job was lost). */
export async function reclaimStaleTasks(db: Queryable, now: Date): Promise<number> {
  const result = await query(
    db,
    'outreach.reclaim_stale_tasks',
    `UPDATE outreach_tasks SET status = 'pending', locked_by = NULL, locked_until = NULL
     WHERE status = 'claimed' AND locked_until < $1`,
    [now.toISOString()],
  );
  return result.rowCount ?? 0;
}

/**
 * Locks up to `limit` due pending tasks of running campaigns and active enrollments, oldest
 * first, skipping rows another scheduler holds. Must run in the transaction that claims them.
 */
export async function lockDueTasks(db: Queryable, now: Date, limit: number): Promise<DueTask[]> {
  const result = await query<DueTask>(
    db,
    'outreach.lock_due_tasks',
    `SELECT t.id, t.organisation_id AS "organisationId", t.kind, t.enrollment_id AS "enrollmentId",
            t.step_id AS "stepId", c.id AS "campaignId", c.timezone, c.send_days AS "sendDays",
            c.send_start_hour AS "sendStartHour", c.send_end_hour AS "sendEndHour", c.daily_cap AS "campaignDailyCap",
            m.mailbox_id AS "mailboxId", m.status AS "messageStatus", mb.daily_cap AS "mailboxDailyCap", mb.min_gap_seconds AS "minGapSeconds"
     FROM outreach_tasks t
     JOIN outreach_campaign_enrollments e ON e.organisation_id = t.organisation_id AND e.id = t.enrollment_id
     JOIN outreach_campaigns c ON c.organisation_id = e.organisation_id AND c.id = e.campaign_id
     LEFT JOIN LATERAL (
       -- By the message's unique live key only (OFFSET 0 keeps the status test out of the scan).
       SELECT CASE WHEN k.status IN ('approved', 'queued') THEN k.mailbox_id END AS mailbox_id, k.status
       FROM outreach_messages k
       WHERE t.kind = 'send' AND k.organisation_id = t.organisation_id AND k.enrollment_id = t.enrollment_id
         AND k.step_id = t.step_id AND k.direction = 'outbound' AND k.status NOT IN ('rejected', 'failed')
       OFFSET 0
     ) m ON true
     LEFT JOIN outreach_mailboxes mb ON mb.organisation_id = t.organisation_id AND mb.id = m.mailbox_id
     WHERE t.status = 'pending' AND t.kind IN ('draft', 'send') AND t.scheduled_for <= $1
       AND c.status = 'running' AND e.state = 'active'
       AND (e.paused_until IS NULL OR e.paused_until <= $1)
     ORDER BY t.scheduled_for, t.id
     LIMIT $2
     FOR UPDATE OF t SKIP LOCKED`,
    [now.toISOString(), limit],
  );
  return result.rows;
}

/** Serialises schedulers per campaign and mailbox until commit, so cap counts stay exact. */
export async function lockSendScopes(db: Queryable, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await query(
    db,
    'outreach.lock_send_scopes',
    `SELECT pg_advisory_xact_lock(hashtextextended('outreach-send:' || k, 0))
     FROM (SELECT DISTINCT unnest($1::text[]) AS k ORDER BY 1) keys`,
    [keys],
  );
}

/** Slots taken in each campaign's local day starting at `since` (doc/OUTREACH.md "Caps"). */
export async function countCampaignSends(
  db: Queryable,
  scopes: { organisationId: string; campaignId: string; since: Date }[],
): Promise<Map<string, number>> {
  if (scopes.length === 0) return new Map();
  const result = await query<{ campaign_id: string; n: number }>(
    db,
    'outreach.count_campaign_slots',
    `SELECT s.campaign_id, coalesce(x.taken, 0) AS n
     FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[]) AS s(organisation_id, campaign_id, since)
     LEFT JOIN outreach_campaign_send_slots x ON x.organisation_id = s.organisation_id
       AND x.campaign_id = s.campaign_id AND x.day_start = s.since`,
    [scopes.map((s) => s.organisationId), scopes.map((s) => s.campaignId), scopes.map((s) => s.since.toISOString())],
  );
  return new Map(result.rows.map((r) => [r.campaign_id, r.n]));
}

/**
 * Per mailbox: slots taken since `since`, counted by whole hours (the hour holding `since`
 * included, so the count errs on the safe side), and when the latest was taken (minimum gap).
 */
export async function countMailboxSends(
  db: Queryable,
  scopes: { organisationId: string; mailboxId: string }[],
  since: Date,
): Promise<Map<string, { count: number; lastAt: Date | null }>> {
  if (scopes.length === 0) return new Map();
  const result = await query<{ mailbox_id: string; n: number; last_at: Date | null }>(
    db,
    'outreach.count_mailbox_slots',
    `SELECT s.mailbox_id, coalesce(sum(x.taken), 0)::int AS n, max(x.last_taken_at) AS last_at
     FROM unnest($1::uuid[], $2::uuid[]) AS s(organisation_id, mailbox_id)
     LEFT JOIN outreach_mailbox_send_slots x ON x.organisation_id = s.organisation_id AND x.mailbox_id = s.mailbox_id
       AND x.hour_start > $3::timestamptz - interval '1 hour'
     GROUP BY s.mailbox_id`,
    [scopes.map((s) => s.organisationId), scopes.map((s) => s.mailboxId), since.toISOString()],
  );
  return new Map(result.rows.map((r) => [r.mailbox_id, { count: r.n, lastAt: r.last_at }]));
}

/** A send the scheduler lets through: the campaign day and the mailbox hour whose slots it takes. */
export interface SendSlot {
  organisationId: string;
  campaignId: string;
  /** Start of the campaign's local day. */
  dayStart: Date;
  mailboxId: string;
}

/**
 * Takes one slot per send, in the claiming transaction (under the scope locks), and drops the
 * scopes' slots older than three days, which no cap reads any more.
 */
export async function takeSendSlots(db: Queryable, slots: SendSlot[], at: Date): Promise<void> {
  if (slots.length === 0) return;
  await query(
    db,
    'outreach.take_send_slots',
    `WITH s AS (
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::uuid[])
         AS s(organisation_id, campaign_id, day_start, mailbox_id)
     ), campaigns AS (
       INSERT INTO outreach_campaign_send_slots AS x (organisation_id, campaign_id, day_start, taken)
       SELECT organisation_id, campaign_id, day_start, count(*) FROM s GROUP BY 1, 2, 3
       ON CONFLICT (organisation_id, campaign_id, day_start) DO UPDATE SET taken = x.taken + EXCLUDED.taken
     ), mailboxes AS (
       INSERT INTO outreach_mailbox_send_slots AS x (organisation_id, mailbox_id, hour_start, taken, last_taken_at)
       SELECT organisation_id, mailbox_id, date_trunc('hour', $5::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
              count(*), $5::timestamptz
       FROM s GROUP BY 1, 2
       ON CONFLICT (organisation_id, mailbox_id, hour_start)
         DO UPDATE SET taken = x.taken + EXCLUDED.taken, last_taken_at = greatest(x.last_taken_at, EXCLUDED.last_taken_at)
     ), old_days AS (
       DELETE FROM outreach_campaign_send_slots x USING (SELECT DISTINCT organisation_id, campaign_id FROM s) k
       WHERE x.organisation_id = k.organisation_id AND x.campaign_id = k.campaign_id
         AND x.day_start < $5::timestamptz - interval '3 days'
     )
     DELETE FROM outreach_mailbox_send_slots x USING (SELECT DISTINCT organisation_id, mailbox_id FROM s) k
     WHERE x.organisation_id = k.organisation_id AND x.mailbox_id = k.mailbox_id
       AND x.hour_start < $5::timestamptz - interval '3 days'`,
    [
      slots.map((s) => s.organisationId),
      slots.map((s) => s.campaignId),
      slots.map((s) => s.dayStart.toISOString()),
      slots.map((s) => s.mailboxId),
      at.toISOString(),
    ],
  );
}

/** Postpones tasks (outside the window, cap reached, mailbox gap) so the next scans skip them. */
export async function deferTasks(db: Queryable, deferrals: { id: string; until: Date }[]): Promise<void> {
  if (deferrals.length === 0) return;
  await query(
    db,
    'outreach.defer_tasks',
    `UPDATE outreach_tasks t SET scheduled_for = d.until
     FROM unnest($1::uuid[], $2::timestamptz[]) AS d(id, until) WHERE t.id = d.id`,
    [deferrals.map((d) => d.id), deferrals.map((d) => d.until.toISOString())],
  );
}

/**
 * Claims tasks for `lockedUntil`, marks the messages of claimed send tasks `queued` (they now
 * count against caps) and writes their outbox rows (`taskJobs`).
 */
export async function claimTasks(
  db: Queryable,
  tasks: Pick<DueTask, 'id' | 'organisationId' | 'kind'>[],
  claim: { workerId: string; lockedUntil: Date },
): Promise<void> {
  if (tasks.length === 0) return;
  const ids = tasks.map((t) => t.id);
  await query(
    db,
    'outreach.claim_tasks',
    `UPDATE outreach_tasks SET status = 'claimed', locked_by = $2, locked_until = $3 WHERE id = ANY($1::uuid[])`,
    [ids, claim.workerId, claim.lockedUntil.toISOString()],
  );
  await query(
    db,
    'outreach.queue_messages',
    `UPDATE outreach_messages m SET status = 'queued'
     FROM (
       SELECT k.organisation_id, k.id, k.status
       FROM outreach_tasks t
       JOIN LATERAL (
         SELECT organisation_id, id, status FROM outreach_messages k
         WHERE k.organisation_id = t.organisation_id AND k.enrollment_id = t.enrollment_id AND k.step_id = t.step_id
           AND k.direction = 'outbound' AND k.status NOT IN ('rejected', 'failed')
         OFFSET 0
       ) k ON true
       WHERE t.id = ANY($1::uuid[]) AND t.kind = 'send'
     ) q
     WHERE q.status = 'approved' AND m.organisation_id = q.organisation_id AND m.id = q.id`,
    [ids],
  );
  await enqueueOutbox(db, taskJobs(tasks));
}

/**
 * The outbox rows of claimed tasks: one job per run of up to OUTREACH_TASKS_PER_JOB tasks of one
 * organisation and kind, in the order given (the scheduler's interleaving across mailboxes).
 */
function taskJobs(tasks: Pick<DueTask, 'id' | 'organisationId' | 'kind'>[]): OutboxMessage[] {
  const groups = new Map<string, string[][]>();
  for (const task of tasks) {
    const key = `${task.kind === 'send' ? OUTREACH_SEND_QUEUE : OUTREACH_DRAFT_QUEUE} ${task.organisationId}`;
    const chunks = groups.get(key) ?? [[]];
    if (chunks.at(-1)!.length === OUTREACH_TASKS_PER_JOB) chunks.push([]);
    chunks.at(-1)!.push(task.id);
    groups.set(key, chunks);
  }
  return [...groups].flatMap(([key, chunks]) => {
    const [routingKey, organisationId] = key.split(' ') as [string, string];
    return chunks.map((taskIds) => ({ organisationId, routingKey, payload: { organisationId, taskIds } }));
  });
}
