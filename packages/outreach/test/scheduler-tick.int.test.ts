import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@prospectflow/db/testing';
import { takeSendSlots } from '@prospectflow/db';
import { runSchedulerTick, type SchedulerTickOptions } from '../src/scheduler.js';
import { startOfLocalDay } from '../src/sending-window.js';

// The scheduler's scans are cross-tenant, so every test gets its own database.
let db: TestDatabase;

beforeEach(async () => {
  db = await createTestDatabase(inject('templateDatabase'));
});

afterEach(async () => {
  await db?.drop();
});

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const LOCK_SECONDS = 300;

// Europe/Paris is UTC+1 in January 2030; 2030-01-08 is a Tuesday. Caps also count queued messages by
// updated_at, which the database stamps with its own now(): the injected days lie well away from it.
const TUESDAY_10H_PARIS = new Date('2030-01-08T09:00:00Z');
const TUESDAY_20H_PARIS = new Date('2030-01-08T19:00:00Z');
const WEDNESDAY_9H_PARIS = new Date('2030-01-09T08:00:00Z');
const FRIDAY_10H_PARIS = new Date('2030-01-11T09:00:00Z');
const SUNDAY_12H_PARIS = new Date('2030-01-13T11:00:00Z');
const MONDAY_9H_PARIS = new Date('2030-01-14T08:00:00Z');

const ago = (now: Date, ms: number) => new Date(now.getTime() - ms);

/** One scheduler pass at `now`, without jitter. */
function tick(now: Date, options: Partial<SchedulerTickOptions> = {}) {
  return runSchedulerTick({
    pool: db.pool,
    clock: () => now,
    batchSize: 100,
    lockSeconds: LOCK_SECONDS,
    workerId: 'scheduler-1',
    random: () => 0,
    ...options,
  });
}

async function insert(sql: string, params: unknown[]): Promise<string> {
  const { rows } = await db.pool.query<{ id: string }>(sql, params);
  return rows[0]!.id;
}

async function createOrganisation(): Promise<string> {
  const slug = `org-${randomUUID().slice(0, 8)}`;
  return insert(`INSERT INTO iam_organisations (name, slug) VALUES ($1, $1) RETURNING id`, [slug]);
}

async function createMailbox(organisationId: string, options: { dailyCap?: number; minGapSeconds?: number } = {}) {
  return insert(
    `INSERT INTO outreach_mailboxes (organisation_id, from_name, from_email, smtp_host, smtp_port, daily_cap, min_gap_seconds)
     VALUES ($1, 'Claire Martin', $2, '127.0.0.1', 25, $3, $4) RETURNING id`,
    [
      organisationId,
      `claire.${randomUUID().slice(0, 8)}@sender.test`,
      options.dailyCap ?? 10_000,
      options.minGapSeconds ?? 0,
    ],
  );
}

interface CampaignOptions {
  status?: 'draft' | 'running' | 'paused' | 'archived';
  timezone?: string;
  sendDays?: number[];
  startHour?: number;
  endHour?: number;
  dailyCap?: number;
}

interface Campaign {
  organisationId: string;
  campaignId: string;
  stepId: string;
  mailboxId: string;
}

/** A campaign (every day, all day, high cap unless told) with one step, sending from `mailboxId`. */
async function createCampaign(
  organisationId: string,
  mailboxId: string,
  options: CampaignOptions = {},
): Promise<Campaign> {
  const campaignId = await insert(
    `INSERT INTO outreach_campaigns (organisation_id, name, status, mailbox_id, timezone, send_days, send_start_hour,
       send_end_hour, daily_cap)
     VALUES ($1, 'Rentrée', $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [
      organisationId,
      options.status ?? 'running',
      mailboxId,
      options.timezone ?? 'Europe/Paris',
      options.sendDays ?? [1, 2, 3, 4, 5, 6, 7],
      options.startHour ?? 0,
      options.endHour ?? 24,
      options.dailyCap ?? 10_000,
    ],
  );
  const stepId = await insert(
    `INSERT INTO outreach_workflow_steps (organisation_id, campaign_id, step_index, subject_template, body_template)
     VALUES ($1, $2, 0, 'Bonjour', 'Un mot') RETURNING id`,
    [organisationId, campaignId],
  );
  return { organisationId, campaignId, stepId, mailboxId };
}

/** An organisation, its mailbox and one campaign. */
async function seedCampaign(
  campaign: CampaignOptions = {},
  mailbox: { dailyCap?: number; minGapSeconds?: number } = {},
): Promise<Campaign> {
  const organisationId = await createOrganisation();
  return createCampaign(organisationId, await createMailbox(organisationId, mailbox), campaign);
}

/** A new prospect (company, person, position) enrolled in the campaign. */
async function enroll(
  c: Campaign,
  options: { state?: 'active' | 'paused'; pausedUntil?: Date | null } = {},
): Promise<string> {
  const companyId = await insert(
    `INSERT INTO crm_companies (organisation_id, name) VALUES ($1, 'Dupont SA') RETURNING id`,
    [c.organisationId],
  );
  const personId = await insert(
    `INSERT INTO crm_people (organisation_id, first_name, last_name) VALUES ($1, 'Jeanne', 'Martin') RETURNING id`,
    [c.organisationId],
  );
  const positionId = await insert(
    `INSERT INTO crm_positions (organisation_id, company_id, person_id, email, job_title)
     VALUES ($1, $2, $3, $4, 'CEO') RETURNING id`,
    [c.organisationId, companyId, personId, `${randomUUID()}@prospects.test`],
  );
  return insert(
    `INSERT INTO outreach_campaign_enrollments (organisation_id, campaign_id, position_id, state, paused_until)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [c.organisationId, c.campaignId, positionId, options.state ?? 'active', options.pausedUntil?.toISOString() ?? null],
  );
}

interface TaskOptions {
  kind: 'draft' | 'send';
  scheduledFor: Date;
  status?: 'pending' | 'claimed';
  lockedBy?: string;
  lockedUntil?: Date;
}

async function addTask(c: Campaign, enrollmentId: string, options: TaskOptions): Promise<string> {
  return insert(
    `INSERT INTO outreach_tasks (organisation_id, enrollment_id, step_id, kind, scheduled_for, status, locked_by, locked_until)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [
      c.organisationId,
      enrollmentId,
      c.stepId,
      options.kind,
      options.scheduledFor.toISOString(),
      options.status ?? 'pending',
      options.lockedBy ?? null,
      options.lockedUntil?.toISOString() ?? null,
    ],
  );
}

type MessageStatus = 'draft' | 'approved' | 'rejected' | 'queued' | 'sending' | 'sent' | 'failed';

/** The outbound message of the enrollment's step, from the campaign's mailbox unless told. */
async function addMessage(
  c: Campaign,
  enrollmentId: string,
  status: MessageStatus,
  options: { sentAt?: Date; mailboxId?: string } = {},
): Promise<string> {
  return insert(
    `INSERT INTO outreach_messages (organisation_id, enrollment_id, step_id, mailbox_id, direction, status, to_email,
       subject, body_text, sent_at)
     VALUES ($1, $2, $3, $4, 'outbound', $5, 'prospect@example.test', 'Bonjour', 'Un mot', $6) RETURNING id`,
    [
      c.organisationId,
      enrollmentId,
      c.stepId,
      options.mailboxId ?? c.mailboxId,
      status,
      options.sentAt?.toISOString() ?? null,
    ],
  );
}

/** A new enrollment with a draft task due at `scheduledFor`. */
async function dueDraft(c: Campaign, scheduledFor: Date): Promise<string> {
  return addTask(c, await enroll(c), { kind: 'draft', scheduledFor });
}

/** A new enrollment with a message in `status` (approved unless told) and its send task due at `scheduledFor`. */
async function dueSend(
  c: Campaign,
  scheduledFor: Date,
  status: MessageStatus | null = 'approved',
): Promise<{ taskId: string; messageId: string | null }> {
  const enrollmentId = await enroll(c);
  const messageId = status === null ? null : await addMessage(c, enrollmentId, status);
  return { taskId: await addTask(c, enrollmentId, { kind: 'send', scheduledFor }), messageId };
}

/**
 * A send the scheduler let through at `at` (the caps count those, doc/OUTREACH.md "Caps"): one
 * slot of the campaign's local day and one of the mailbox's hour.
 */
async function slotTaken(c: Campaign, at: Date, mailboxId = c.mailboxId): Promise<void> {
  const { rows } = await db.pool.query<{ timezone: string }>('SELECT timezone FROM outreach_campaigns WHERE id = $1', [
    c.campaignId,
  ]);
  const dayStart = startOfLocalDay(at, rows[0]!.timezone);
  await takeSendSlots(
    db.pool,
    [{ organisationId: c.organisationId, campaignId: c.campaignId, dayStart, mailboxId }],
    at,
  );
}

interface TaskRow {
  status: string;
  scheduled_for: Date;
  locked_by: string | null;
  locked_until: Date | null;
  last_error: string | null;
}

async function task(id: string): Promise<TaskRow> {
  const { rows } = await db.pool.query<TaskRow>(
    `SELECT status, scheduled_for, locked_by, locked_until, last_error FROM outreach_tasks WHERE id = $1`,
    [id],
  );
  return rows[0]!;
}

async function messageStatus(id: string): Promise<string> {
  const { rows } = await db.pool.query<{ status: string }>(`SELECT status FROM outreach_messages WHERE id = $1`, [id]);
  return rows[0]!.status;
}

interface OutboxRow {
  organisation_id: string | null;
  routing_key: string;
  payload: { organisationId: string; taskIds: string[] };
}

async function outboxRows(): Promise<OutboxRow[]> {
  const { rows } = await db.pool.query<OutboxRow>(
    `SELECT organisation_id, routing_key, payload FROM outreach_outbox ORDER BY id`,
  );
  return rows;
}

/** One entry per task of the outbox's jobs, in order. */
async function outbox() {
  return (await outboxRows()).flatMap((row) =>
    row.payload.taskIds.map((taskId) => ({
      organisation_id: row.organisation_id,
      routing_key: row.routing_key,
      payload: { organisationId: row.payload.organisationId, taskId },
    })),
  );
}

/** Outbox rows as `routingKey taskId`, sorted, for set comparisons. */
async function outboxJobs(): Promise<string[]> {
  return (await outbox()).map((r) => `${r.routing_key} ${r.payload.taskId}`).sort();
}

const jobs = (routingKey: string, taskIds: string[]) => taskIds.map((id) => `${routingKey} ${id}`);

/** The task is claimed by `workerId` at `now` (lock runs lockSeconds). */
async function expectClaimed(id: string, now: Date, workerId = 'scheduler-1') {
  expect(await task(id)).toMatchObject({
    status: 'claimed',
    locked_by: workerId,
    locked_until: new Date(now.getTime() + LOCK_SECONDS * SECOND),
  });
}

/** The task is still pending, unlocked, due at `scheduledFor`. */
async function expectPending(id: string, scheduledFor: Date) {
  expect(await task(id)).toMatchObject({
    status: 'pending',
    scheduled_for: scheduledFor,
    locked_by: null,
    locked_until: null,
  });
}

describe('runSchedulerTick (Postgres)', () => {
  it('claims the due drafts of running campaigns and active enrollments, with one outbox row each', async () => {
    const now = TUESDAY_10H_PARIS;
    const running = await seedCampaign();
    const due = [await dueDraft(running, ago(now, HOUR)), await dueDraft(running, now)];
    const notYetDue = await dueDraft(running, new Date(now.getTime() + SECOND));
    const pausedEnrollment = await addTask(running, await enroll(running, { state: 'paused' }), {
      kind: 'draft',
      scheduledFor: ago(now, HOUR),
    });
    const pausedUntilLater = await addTask(
      running,
      await enroll(running, { state: 'paused', pausedUntil: new Date(now.getTime() + HOUR) }),
      { kind: 'draft', scheduledFor: ago(now, HOUR) },
    );
    const paused = await createCampaign(running.organisationId, running.mailboxId, { status: 'paused' });
    const pausedCampaign = await dueDraft(paused, ago(now, HOUR));

    expect(await tick(now)).toEqual({ claimed: 2, deferred: 0, reclaimed: 0, resumed: 0 });

    for (const id of due) await expectClaimed(id, now);
    await expectPending(notYetDue, new Date(now.getTime() + SECOND));
    await expectPending(pausedEnrollment, ago(now, HOUR));
    await expectPending(pausedUntilLater, ago(now, HOUR));
    await expectPending(pausedCampaign, ago(now, HOUR));
    const rows = await outbox();
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.organisation_id).toBe(running.organisationId);
      expect(row.routing_key).toBe('outreach.draft');
    }
    expect(rows.map((r) => r.payload).sort((a, b) => a.taskId.localeCompare(b.taskId))).toEqual(
      due
        .map((taskId) => ({ organisationId: running.organisationId, taskId }))
        .sort((a, b) => a.taskId.localeCompare(b.taskId)),
    );

    // Nothing left to do: a second pass claims nothing and writes nothing.
    expect(await tick(now)).toEqual({ claimed: 0, deferred: 0, reclaimed: 0, resumed: 0 });
    expect(await outbox()).toHaveLength(2);
  });

  it('claims sends with an approved (or already queued) message and queues it; cancels sends without one', async () => {
    const now = TUESDAY_10H_PARIS;
    const c = await seedCampaign();
    const approved = [await dueSend(c, ago(now, 3 * MINUTE)), await dueSend(c, ago(now, 2 * MINUTE))];
    const queued = await dueSend(c, ago(now, MINUTE), 'queued');
    const draft = await dueSend(c, ago(now, MINUTE), 'draft');
    const rejected = await dueSend(c, ago(now, MINUTE), 'rejected');
    const noMessage = await dueSend(c, ago(now, MINUTE), null);

    expect(await tick(now)).toEqual({ claimed: 3, deferred: 0, reclaimed: 0, resumed: 0 });

    for (const send of [...approved, queued]) {
      await expectClaimed(send.taskId, now);
      expect(await messageStatus(send.messageId!)).toBe('queued');
    }
    for (const send of [draft, rejected, noMessage]) {
      expect(await task(send.taskId)).toMatchObject({
        status: 'cancelled',
        last_error: 'no approved message',
        locked_by: null,
        locked_until: null,
      });
    }
    expect(await messageStatus(draft.messageId!)).toBe('draft');
    expect(await messageStatus(rejected.messageId!)).toBe('rejected');
    const rows = await outbox();
    expect(rows.every((r) => r.organisation_id === c.organisationId)).toBe(true);
    expect(rows.map((r) => r.payload)).toEqual(
      expect.arrayContaining(
        [...approved, queued].map((s) => ({ organisationId: c.organisationId, taskId: s.taskId })),
      ),
    );
    expect(await outboxJobs()).toEqual(
      jobs(
        'outreach.send',
        [...approved, queued].map((s) => s.taskId),
      ).sort(),
    );
  });

  describe('campaign daily cap', () => {
    it("a tick's sends take slots that later ticks count, and a failed send does not give its slot back", async () => {
      const now = TUESDAY_10H_PARIS;
      const c = await seedCampaign({ dailyCap: 2, sendDays: [1, 2, 3, 4, 5], startHour: 9, endHour: 18 });
      const first = [await dueSend(c, ago(now, 2 * MINUTE)), await dueSend(c, ago(now, MINUTE))];
      expect(await tick(now)).toMatchObject({ claimed: 2, deferred: 0 });
      // As the send worker leaves them: one sent, one failed for good.
      await db.pool.query(`UPDATE outreach_tasks SET status = 'done' WHERE id = ANY($1::uuid[])`, [
        first.map((f) => f.taskId),
      ]);
      await db.pool.query(`UPDATE outreach_messages SET status = 'sent', sent_at = $2 WHERE id = $1`, [
        first[1]!.messageId,
        now,
      ]);
      await db.pool.query(`UPDATE outreach_messages SET status = 'failed' WHERE id = $1`, [first[0]!.messageId]);

      const later = await dueSend(c, now);
      expect(await tick(new Date(now.getTime() + HOUR))).toMatchObject({ claimed: 0, deferred: 1 });
      await expectPending(later.taskId, WEDNESDAY_9H_PARIS);
    });

    it("claims up to the cap and defers the rest to the next local day's window start", async () => {
      const now = TUESDAY_10H_PARIS;
      const c = await seedCampaign({ dailyCap: 2, sendDays: [1, 2, 3, 4, 5], startHour: 9, endHour: 18 });
      const sends = [];
      for (let n = 5; n > 0; n--) sends.push(await dueSend(c, ago(now, n * MINUTE)));

      expect(await tick(now)).toEqual({ claimed: 2, deferred: 3, reclaimed: 0, resumed: 0 });

      // Oldest first.
      for (const send of sends.slice(0, 2)) {
        await expectClaimed(send.taskId, now);
        expect(await messageStatus(send.messageId!)).toBe('queued');
      }
      for (const send of sends.slice(2)) {
        await expectPending(send.taskId, WEDNESDAY_9H_PARIS);
        expect(await messageStatus(send.messageId!)).toBe('approved');
      }
      expect(await outboxJobs()).toEqual(
        jobs(
          'outreach.send',
          sends.slice(0, 2).map((s) => s.taskId),
        ).sort(),
      );
    });

    it('counts what the campaign sent since local midnight, in its timezone, against the cap', async () => {
      const now = FRIDAY_10H_PARIS;
      const c = await seedCampaign({ dailyCap: 4, sendDays: [1, 2, 3, 4, 5], startHour: 9, endHour: 18 });
      // Friday 00:30 and 08:00 in Paris count (the first is still Thursday in UTC); Thursday 23:30 does not.
      await slotTaken(c, new Date('2030-01-10T23:30:00Z'));
      await slotTaken(c, new Date('2030-01-11T07:00:00Z'));
      await slotTaken(c, new Date('2030-01-10T22:30:00Z'));
      // Another campaign's sends from the same mailbox do not count against this campaign's cap.
      const other = await createCampaign(c.organisationId, c.mailboxId);
      await slotTaken(other, ago(now, HOUR));
      const sends = [];
      for (let n = 3; n > 0; n--) sends.push(await dueSend(c, ago(now, n * MINUTE)));

      expect(await tick(now)).toEqual({ claimed: 2, deferred: 1, reclaimed: 0, resumed: 0 });

      await expectClaimed(sends[0]!.taskId, now);
      await expectClaimed(sends[1]!.taskId, now);
      // Friday's cap is used up; the next sending day is Monday.
      await expectPending(sends[2]!.taskId, MONDAY_9H_PARIS);
      expect(await outboxJobs()).toEqual(jobs('outreach.send', [sends[0]!.taskId, sends[1]!.taskId]).sort());
    });
  });

  describe('mailbox limits', () => {
    it('the mailbox daily cap binds across campaigns; the rest is deferred by one hour', async () => {
      const now = TUESDAY_10H_PARIS;
      const a = await seedCampaign({}, { dailyCap: 3 });
      const b = await createCampaign(a.organisationId, a.mailboxId);
      // In the last 24 hours: one slot (counts); 25 hours ago: one (does not).
      await slotTaken(b, ago(now, 2 * HOUR));
      await slotTaken(b, ago(now, 25 * HOUR));
      const sends = [
        await dueSend(a, ago(now, 4 * MINUTE)),
        await dueSend(b, ago(now, 3 * MINUTE)),
        await dueSend(a, ago(now, 2 * MINUTE)),
        await dueSend(b, ago(now, MINUTE)),
      ];

      expect(await tick(now)).toEqual({ claimed: 2, deferred: 2, reclaimed: 0, resumed: 0 });

      for (const send of sends.slice(0, 2)) {
        await expectClaimed(send.taskId, now);
        expect(await messageStatus(send.messageId!)).toBe('queued');
      }
      for (const send of sends.slice(2)) {
        await expectPending(send.taskId, new Date(now.getTime() + HOUR));
        expect(await messageStatus(send.messageId!)).toBe('approved');
      }
      expect(await outboxJobs()).toEqual(
        jobs(
          'outreach.send',
          sends.slice(0, 2).map((s) => s.taskId),
        ).sort(),
      );
    });

    it('the minimum gap defers sends to the last send + gap, then lets one send through per tick', async () => {
      const start = TUESDAY_10H_PARIS;
      const c = await seedCampaign({}, { minGapSeconds: 60 });
      const lastSent = ago(start, 10 * SECOND);
      await slotTaken(c, lastSent);
      const sends = [await dueSend(c, ago(start, 2 * MINUTE)), await dueSend(c, ago(start, MINUTE))];

      expect(await tick(start)).toEqual({ claimed: 0, deferred: 2, reclaimed: 0, resumed: 0 });
      const gapEnd = new Date(lastSent.getTime() + MINUTE);
      for (const send of sends) await expectPending(send.taskId, gapEnd);
      expect(await outbox()).toEqual([]);

      // At the end of the gap one send goes (either: both are now due at the same instant); the
      // other waits a gap after it.
      expect(await tick(gapEnd)).toEqual({ claimed: 1, deferred: 1, reclaimed: 0, resumed: 0 });
      const statuses = await Promise.all(sends.map(async (s) => (await task(s.taskId)).status));
      const [went, waits] = statuses[0] === 'claimed' ? [sends[0]!, sends[1]!] : [sends[1]!, sends[0]!];
      await expectClaimed(went.taskId, gapEnd);
      expect(await messageStatus(went.messageId!)).toBe('queued');
      await expectPending(waits.taskId, new Date(gapEnd.getTime() + MINUTE));
      expect(await messageStatus(waits.messageId!)).toBe('approved');
      expect(await outboxJobs()).toEqual(jobs('outreach.send', [went.taskId]));
    });

    it('the gap jitter lengthens the gap by up to a quarter', async () => {
      const now = TUESDAY_10H_PARIS;
      const c = await seedCampaign({}, { minGapSeconds: 60 });
      const lastSent = ago(now, 10 * SECOND);
      await slotTaken(c, lastSent);
      const send = await dueSend(c, ago(now, MINUTE));

      expect(await tick(now, { random: () => 0.5 })).toMatchObject({ claimed: 0, deferred: 1 });
      await expectPending(send.taskId, new Date(lastSent.getTime() + 67.5 * SECOND));
    });
  });

  describe('sending window', () => {
    it('defers sends to the next allowed day while still claiming drafts', async () => {
      const now = SUNDAY_12H_PARIS;
      const c = await seedCampaign({ sendDays: [1], startHour: 9, endHour: 17 });
      const send = await dueSend(c, ago(now, MINUTE));
      const draft = await dueDraft(c, ago(now, MINUTE));

      expect(await tick(now)).toEqual({ claimed: 1, deferred: 1, reclaimed: 0, resumed: 0 });

      await expectPending(send.taskId, MONDAY_9H_PARIS);
      expect(await messageStatus(send.messageId!)).toBe('approved');
      // Drafts are not subject to the window.
      await expectClaimed(draft, now);
      expect(await outboxJobs()).toEqual(jobs('outreach.draft', [draft]));
    });

    it("applies each campaign's hours in its own timezone (end hour exclusive)", async () => {
      const now = TUESDAY_20H_PARIS; // 14:00 in New York, Wednesday 04:00 in Tokyo.
      const paris = await seedCampaign({ sendDays: [1, 2, 3, 4, 5], startHour: 9, endHour: 17 });
      const mailbox = paris.mailboxId;
      const parisUntil20 = await createCampaign(paris.organisationId, mailbox, { startHour: 9, endHour: 20 });
      const newYork = await createCampaign(paris.organisationId, mailbox, {
        timezone: 'America/New_York',
        startHour: 9,
        endHour: 17,
      });
      const tokyo = await createCampaign(paris.organisationId, mailbox, {
        timezone: 'Asia/Tokyo',
        startHour: 9,
        endHour: 17,
      });
      const afterHours = await dueSend(paris, ago(now, MINUTE));
      const atEndHour = await dueSend(parisUntil20, ago(now, MINUTE));
      const inWindow = await dueSend(newYork, ago(now, MINUTE));
      const beforeHours = await dueSend(tokyo, ago(now, MINUTE));
      const draft = await dueDraft(paris, ago(now, MINUTE));

      expect(await tick(now)).toEqual({ claimed: 2, deferred: 3, reclaimed: 0, resumed: 0 });

      await expectPending(afterHours.taskId, WEDNESDAY_9H_PARIS);
      await expectPending(atEndHour.taskId, WEDNESDAY_9H_PARIS);
      await expectPending(beforeHours.taskId, new Date('2030-01-09T00:00:00Z')); // Wednesday 09:00 in Tokyo
      await expectClaimed(inWindow.taskId, now);
      expect(await messageStatus(inWindow.messageId!)).toBe('queued');
      await expectClaimed(draft, now);
      expect(await outboxJobs()).toEqual([
        ...jobs('outreach.draft', [draft]),
        ...jobs('outreach.send', [inWindow.taskId]),
      ]);
    });
  });

  it('two concurrent ticks claim disjoint tasks, every due task exactly once', async () => {
    const now = TUESDAY_10H_PARIS;
    const taskIds: string[] = [];
    for (let organisation = 0; organisation < 2; organisation++) {
      const c = await seedCampaign();
      for (let n = 0; n < 10; n++) {
        taskIds.push(await dueDraft(c, ago(now, n * SECOND)));
        taskIds.push((await dueSend(c, ago(now, n * SECOND))).taskId);
      }
    }

    const results = await Promise.all([
      tick(now, { workerId: 'scheduler-a', batchSize: 20 }),
      tick(now, { workerId: 'scheduler-b', batchSize: 20 }),
    ]);

    expect(results.map((r) => r.claimed)).toEqual([20, 20]);
    expect(results.every((r) => r.deferred === 0)).toBe(true);
    const { rows } = await db.pool.query<{ id: string; status: string; locked_by: string }>(
      `SELECT id, status, locked_by FROM outreach_tasks`,
    );
    expect(rows).toHaveLength(40);
    expect(rows.every((r) => r.status === 'claimed')).toBe(true);
    expect(rows.filter((r) => r.locked_by === 'scheduler-a')).toHaveLength(20);
    expect(rows.filter((r) => r.locked_by === 'scheduler-b')).toHaveLength(20);
    const outboxTaskIds = (await outbox()).map((r) => r.payload.taskId);
    expect(outboxTaskIds).toHaveLength(40);
    expect(outboxTaskIds.sort()).toEqual([...taskIds].sort());
  });

  it('writes one job per run of up to 20 tasks of one organisation and kind', async () => {
    const now = TUESDAY_10H_PARIS;
    const a = await seedCampaign();
    const b = await seedCampaign();
    for (let n = 0; n < 45; n++) await dueDraft(a, ago(now, MINUTE));
    for (let n = 0; n < 3; n++) await dueDraft(b, ago(now, MINUTE));
    const sends = [await dueSend(a, ago(now, MINUTE)), await dueSend(a, ago(now, MINUTE))];

    expect(await tick(now)).toMatchObject({ claimed: 50 });

    const sizes = (await outboxRows()).map((r) => `${r.routing_key} ${r.organisation_id} ${r.payload.taskIds.length}`);
    expect(sizes.sort()).toEqual(
      [
        `outreach.draft ${a.organisationId} 20`,
        `outreach.draft ${a.organisationId} 20`,
        `outreach.draft ${a.organisationId} 5`,
        `outreach.draft ${b.organisationId} 3`,
        `outreach.send ${a.organisationId} 2`,
      ].sort(),
    );
    expect((await outboxRows()).every((r) => r.payload.organisationId === r.organisation_id)).toBe(true);
    expect(
      (await outbox())
        .filter((r) => r.routing_key === 'outreach.send')
        .map((r) => r.payload.taskId)
        .sort(),
    ).toEqual(sends.map((s) => s.taskId).sort());
  });

  it('skips the tasks another transaction holds instead of waiting for them', async () => {
    const now = TUESDAY_10H_PARIS;
    const c = await seedCampaign();
    const held = await dueDraft(c, ago(now, 2 * MINUTE));
    const free = await dueDraft(c, ago(now, MINUTE));
    const other = await db.pool.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT 1 FROM outreach_tasks WHERE id = $1 FOR UPDATE', [held]);
      const timeout = new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('the tick waited for a locked task')), 5_000).unref(),
      );
      expect(await Promise.race([tick(now), timeout])).toMatchObject({ claimed: 1 });
    } finally {
      await other.query('ROLLBACK');
      other.release();
    }
    await expectClaimed(free, now);
    await expectPending(held, ago(now, 2 * MINUTE));
    expect(await outboxJobs()).toEqual(jobs('outreach.draft', [free]));
  });

  it('takes back an expired claim and claims it again; a live claim is left alone', async () => {
    const now = TUESDAY_10H_PARIS;
    const c = await seedCampaign();
    const expiredDraft = await addTask(c, await enroll(c), {
      kind: 'draft',
      scheduledFor: ago(now, HOUR),
      status: 'claimed',
      lockedBy: 'dead-scheduler',
      lockedUntil: ago(now, SECOND),
    });
    const sendEnrollment = await enroll(c);
    const queuedMessage = await addMessage(c, sendEnrollment, 'queued');
    const expiredSend = await addTask(c, sendEnrollment, {
      kind: 'send',
      scheduledFor: ago(now, HOUR),
      status: 'claimed',
      lockedBy: 'dead-scheduler',
      lockedUntil: ago(now, MINUTE),
    });
    const liveLock = new Date(now.getTime() + MINUTE);
    const live = await addTask(c, await enroll(c), {
      kind: 'draft',
      scheduledFor: ago(now, HOUR),
      status: 'claimed',
      lockedBy: 'live-scheduler',
      lockedUntil: liveLock,
    });

    expect(await tick(now, { workerId: 'scheduler-2' })).toEqual({ claimed: 2, deferred: 0, reclaimed: 2, resumed: 0 });

    await expectClaimed(expiredDraft, now, 'scheduler-2');
    await expectClaimed(expiredSend, now, 'scheduler-2');
    expect(await messageStatus(queuedMessage)).toBe('queued');
    expect(await task(live)).toMatchObject({ status: 'claimed', locked_by: 'live-scheduler', locked_until: liveLock });
    expect(await outboxJobs()).toEqual(
      [...jobs('outreach.draft', [expiredDraft]), ...jobs('outreach.send', [expiredSend])].sort(),
    );
  });

  it('hands an expired send claim whose message is sending or sent back to the send job, without a slot', async () => {
    const now = TUESDAY_10H_PARIS;
    const c = await seedCampaign({ dailyCap: 1 });
    const expired = { status: 'claimed', lockedBy: 'dead-worker', lockedUntil: ago(now, MINUTE) } as const;
    const interruptedEnrollment = await enroll(c);
    const interruptedMessage = await addMessage(c, interruptedEnrollment, 'sending');
    const interrupted = await addTask(c, interruptedEnrollment, {
      kind: 'send',
      scheduledFor: ago(now, HOUR),
      ...expired,
    });
    const sentEnrollment = await enroll(c);
    await addMessage(c, sentEnrollment, 'sent', { sentAt: ago(now, HOUR) });
    const alreadySent = await addTask(c, sentEnrollment, { kind: 'send', scheduledFor: ago(now, HOUR), ...expired });

    // The sent message used the campaign's one slot today: these claims take none, they only let
    // the send job settle the tasks.
    expect(await tick(now, { workerId: 'scheduler-2' })).toEqual({ claimed: 2, deferred: 0, reclaimed: 2, resumed: 0 });

    await expectClaimed(interrupted, now, 'scheduler-2');
    await expectClaimed(alreadySent, now, 'scheduler-2');
    expect(await messageStatus(interruptedMessage)).toBe('sending');
    expect(await outboxJobs()).toEqual(jobs('outreach.send', [interrupted, alreadySent]).sort());
  });
});
