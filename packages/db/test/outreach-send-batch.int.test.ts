import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { guardSends, recordSentBatch, type GuardSendItem, type SentItem } from '@prospectflow/db';
import { createTestDatabase, type TestDatabase } from '@prospectflow/db/testing';
import { createOrganisation, randomHash } from './fixtures.js';

// The set-based statements of the send path: `guardSends` (claimed send task → message `sending`)
// and `recordSentBatch` (message `sent`, task done, enrollment advanced or finished), each for
// several sends of several organisations in one call.

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase(inject('templateDatabase'));
});

afterAll(async () => {
  await db?.drop();
});

type Row = Record<string, unknown>;

async function rows<T = Row>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.pool.query(sql, params)).rows as T[];
}

async function one<T = Row>(sql: string, params: unknown[] = []): Promise<T> {
  const [row] = await rows<T>(sql, params);
  if (!row) throw new Error(`no row: ${sql}`);
  return row;
}

interface Org {
  organisationId: string;
  mailboxId: string;
  /** The domain of the mailbox's address, lower-cased as in the Message-ID. */
  domain: string;
}

/** An organisation with one mailbox whose address has a mixed-case domain. */
async function seedOrganisation(name: string): Promise<Org> {
  const organisationId = await createOrganisation(db.pool, name);
  const domain = `${name.toLowerCase()}-${randomUUID().slice(0, 6)}.example`;
  const { id: mailboxId } = await one<{ id: string }>(
    `INSERT INTO outreach_mailboxes (organisation_id, from_name, from_email, transport, smtp_host, smtp_port)
     VALUES ($1, 'Claire', $2, 'smtp', '127.0.0.1', 25) RETURNING id`,
    [organisationId, `Claire@${domain.toUpperCase()}`],
  );
  return { organisationId, mailboxId, domain };
}

interface Campaign {
  campaignId: string;
  stepIds: string[];
}

/** A campaign of the organisation's mailbox with one step per delay (step_index 0, 1, …). */
async function seedCampaign(
  org: Org,
  options: { status?: string; openTracking?: boolean; delays?: number[] } = {},
): Promise<Campaign> {
  const { id: campaignId } = await one<{ id: string }>(
    `INSERT INTO outreach_campaigns (organisation_id, name, status, mailbox_id, open_tracking)
     VALUES ($1, 'Spring', $2, $3, $4) RETURNING id`,
    [org.organisationId, options.status ?? 'running', org.mailboxId, options.openTracking ?? false],
  );
  const stepIds: string[] = [];
  for (const [index, delay] of (options.delays ?? [0]).entries()) {
    const { id } = await one<{ id: string }>(
      `INSERT INTO outreach_workflow_steps (organisation_id, campaign_id, step_index, delay_days, subject_template, body_template)
       VALUES ($1, $2, $3, $4, 'Bonjour', 'Bonjour {{person.firstName}}') RETURNING id`,
      [org.organisationId, campaignId, index, delay],
    );
    stepIds.push(id);
  }
  return { campaignId, stepIds };
}

/** A new prospect (company, person, position) enrolled in the campaign. */
async function seedEnrollment(
  org: Org,
  campaign: Campaign,
  options: { state?: string; currentStepIndex?: number } = {},
): Promise<{ enrollmentId: string; positionId: string; email: string }> {
  const email = `p-${randomUUID().slice(0, 8)}@prospect.example`;
  const { enrollment_id: enrollmentId, position_id: positionId } = await one<{
    enrollment_id: string;
    position_id: string;
  }>(
    `WITH co AS (
       INSERT INTO crm_companies (organisation_id, name) VALUES ($1, 'Bureau Martin') RETURNING id
     ), pe AS (
       INSERT INTO crm_people (organisation_id, first_name) VALUES ($1, 'Jeanne') RETURNING id
     ), po AS (
       INSERT INTO crm_positions (organisation_id, company_id, person_id, email)
       SELECT $1, co.id, pe.id, $3 FROM co, pe RETURNING id
     )
     INSERT INTO outreach_campaign_enrollments (organisation_id, campaign_id, position_id, state, current_step_index)
     SELECT $1, $2, po.id, $4, $5 FROM po RETURNING id AS enrollment_id, position_id`,
    [org.organisationId, campaign.campaignId, email, options.state ?? 'active', options.currentStepIndex ?? 0],
  );
  return { enrollmentId, positionId, email };
}

/** An outbound message of an enrollment's step. */
async function seedMessage(
  org: Org,
  values: {
    enrollmentId: string;
    stepId: string;
    status: string;
    toEmail: string;
    mailboxId?: string | null;
    messageId?: string | null;
    referencesHeader?: string | null;
    sentAt?: Date | null;
    error?: string | null;
  },
): Promise<string> {
  const { id } = await one<{ id: string }>(
    `INSERT INTO outreach_messages (organisation_id, enrollment_id, step_id, mailbox_id, direction, status,
       from_email, to_email, subject, body_text, body_html, message_id, references_header, sent_at, error)
     VALUES ($1, $2, $3, $4, 'outbound', $5, $6, $7, 'Bonjour', 'Bonjour Jeanne', '<p>Bonjour Jeanne</p>', $8, $9, $10, $11)
     RETURNING id`,
    [
      org.organisationId,
      values.enrollmentId,
      values.stepId,
      values.mailboxId === undefined ? org.mailboxId : values.mailboxId,
      values.status,
      `claire@${org.domain}`,
      values.toEmail,
      values.messageId ?? null,
      values.referencesHeader ?? null,
      values.sentAt ?? null,
      values.error ?? null,
    ],
  );
  return id;
}

/** A task of an enrollment's step; a claimed one is locked by a worker. */
async function seedTask(
  org: Org,
  values: { enrollmentId: string; stepId: string; kind?: string; status?: string },
): Promise<string> {
  const status = values.status ?? 'claimed';
  const { id } = await one<{ id: string }>(
    `INSERT INTO outreach_tasks (organisation_id, enrollment_id, step_id, kind, status, scheduled_for, locked_by, locked_until)
     VALUES ($1, $2, $3, $4, $5, now() - interval '1 minute',
             CASE WHEN $5 = 'claimed' THEN 'worker-1' END, CASE WHEN $5 = 'claimed' THEN now() + interval '1 hour' END)
     RETURNING id`,
    [org.organisationId, values.enrollmentId, values.stepId, values.kind ?? 'send', status],
  );
  return id;
}

interface Send {
  org: Org;
  campaign: Campaign;
  enrollmentId: string;
  positionId: string;
  email: string;
  stepId: string;
  messageId: string;
  taskId: string;
}

/** An enrollment with a message of its first step and the send task of that step. */
async function seedSend(
  org: Org,
  campaign: Campaign,
  options: {
    messageStatus?: string;
    taskStatus?: string;
    taskKind?: string;
    enrollmentState?: string;
    mailboxId?: string | null;
    messageId?: string | null;
    error?: string | null;
  } = {},
): Promise<Send> {
  const enrollment = await seedEnrollment(org, campaign, { state: options.enrollmentState });
  const stepId = campaign.stepIds[0]!;
  const messageId = await seedMessage(org, {
    enrollmentId: enrollment.enrollmentId,
    stepId,
    status: options.messageStatus ?? 'approved',
    toEmail: enrollment.email,
    mailboxId: options.mailboxId,
    messageId: options.messageId,
    error: options.error,
  });
  const taskId = await seedTask(org, {
    enrollmentId: enrollment.enrollmentId,
    stepId,
    kind: options.taskKind,
    status: options.taskStatus,
  });
  return { org, campaign, ...enrollment, stepId, messageId, taskId };
}

function itemOf(send: Send, organisationId = send.org.organisationId): GuardSendItem {
  return {
    organisationId,
    taskId: send.taskId,
    id: randomUUID(),
    unsubscribeTokenHash: randomHash(),
    pixelTokenHash: randomHash(),
  };
}

/** The rows a guard may write for a send: its message, its task and its tracking pixels. */
async function stateOf(send: Send) {
  const message = await one(
    `SELECT status, message_id, in_reply_to, references_header, unsubscribe_token_hash, error, updated_at
     FROM outreach_messages WHERE id = $1`,
    [send.messageId],
  );
  const task = await one(`SELECT status, attempts, locked_by, updated_at FROM outreach_tasks WHERE id = $1`, [
    send.taskId,
  ]);
  const pixels = await rows(`SELECT organisation_id, token_hash FROM tracking_pixels WHERE message_id = $1`, [
    send.messageId,
  ]);
  return { message, task, pixels };
}

describe('guardSends', () => {
  it('guards the sends of two organisations in one call, answers aligned with the items', async () => {
    const a = await seedOrganisation('Alpha');
    const b = await seedOrganisation('Beta');
    const tracked = await seedCampaign(a, { openTracking: true });
    const untracked = await seedCampaign(b, { openTracking: false });
    const a1 = await seedSend(a, tracked, { error: 'earlier transient failure' });
    const a2 = await seedSend(a, tracked, { messageStatus: 'queued' });
    const b1 = await seedSend(b, untracked);
    const b2 = await seedSend(b, untracked, { messageStatus: 'queued' });
    // A pixel left by an earlier attempt: replaced with tracking on, dropped with tracking off.
    const stalePixel = randomHash();
    await rows(`INSERT INTO tracking_pixels (organisation_id, message_id, token_hash) VALUES ($1, $2, $3)`, [
      a.organisationId,
      a2.messageId,
      stalePixel,
    ]);
    await rows(`INSERT INTO tracking_pixels (organisation_id, message_id, token_hash) VALUES ($1, $2, $3)`, [
      b.organisationId,
      b2.messageId,
      randomHash(),
    ]);

    const sends = [b1, a1, b2, a2];
    const items = sends.map((send) => itemOf(send));
    const answers = await guardSends(db.pool, items);

    expect(answers).toHaveLength(4);
    for (const [i, send] of sends.entries()) {
      const item = items[i]!;
      const rfcMessageId = `<${item.id}@${send.org.domain}>`;
      expect(answers[i], `answer ${i}`).toMatchObject({
        taskStatus: 'claimed',
        taskKind: 'send',
        suppressed: false,
        previous: null,
        rfcMessageId,
        inReplyTo: null,
        references: null,
        message: {
          id: send.messageId,
          enrollmentId: send.enrollmentId,
          stepId: send.stepId,
          mailboxId: send.org.mailboxId,
          toEmail: send.email,
          fromEmail: `claire@${send.org.domain}`,
          subject: 'Bonjour',
          bodyText: 'Bonjour Jeanne',
          enrollmentState: 'active',
          campaignId: send.campaign.campaignId,
          campaignStatus: 'running',
          openTracking: send.campaign === tracked,
        },
        mailbox: {
          id: send.org.mailboxId,
          transport: 'smtp',
          fromName: 'Claire',
          fromEmail: `Claire@${send.org.domain.toUpperCase()}`,
          smtpHost: '127.0.0.1',
          smtpPort: 25,
        },
      });

      const state = await stateOf(send);
      expect(state.message).toMatchObject({
        status: 'sending',
        message_id: rfcMessageId,
        unsubscribe_token_hash: item.unsubscribeTokenHash,
        in_reply_to: null,
        references_header: null,
        error: null,
      });
      expect(state.task).toMatchObject({ status: 'claimed', attempts: 1, locked_by: 'worker-1' });
      expect(state.pixels).toEqual(
        send.campaign === tracked
          ? [{ organisation_id: send.org.organisationId, token_hash: item.pixelTokenHash }]
          : [],
      );
    }
    expect(await rows(`SELECT 1 FROM tracking_pixels WHERE token_hash = $1`, [stalePixel])).toEqual([]);

    // Guarded once: the same tasks again find their messages `sending` (and count an attempt).
    expect(
      await guardSends(
        db.pool,
        sends.map((send) => itemOf(send)),
      ),
    ).toEqual([null, null, null, null]);
    expect((await stateOf(a1)).message).toMatchObject({
      status: 'sending',
      message_id: `<${items[1]!.id}@${a.domain}>`,
    });
    expect(await guardSends(db.pool, [])).toEqual([]);
  });

  it('answers null for a task of another organisation and leaves it untouched', async () => {
    const a = await seedOrganisation('Alpha');
    const b = await seedOrganisation('Beta');
    const aSend = await seedSend(a, await seedCampaign(a, { openTracking: true }));
    const bSend = await seedSend(b, await seedCampaign(b, { openTracking: true }));
    const bBefore = await stateOf(bSend);

    const own = itemOf(aSend);
    const answers = await guardSends(db.pool, [itemOf(bSend, a.organisationId), own, itemOf(aSend, b.organisationId)]);

    expect(answers[0]).toBeNull();
    expect(answers[1]).toMatchObject({ message: { id: aSend.messageId }, rfcMessageId: `<${own.id}@${a.domain}>` });
    expect(answers[2]).toBeNull();
    expect(await stateOf(bSend)).toEqual(bBefore);
    expect(bBefore).toMatchObject({ message: { status: 'approved', message_id: null }, task: { attempts: 0 } });
    expect(await stateOf(aSend)).toMatchObject({ message: { status: 'sending' }, task: { attempts: 1 } });
  });

  it('answers null for every case the transactional path handles, and still guards the others', async () => {
    const a = await seedOrganisation('Alpha');
    const b = await seedOrganisation('Beta');
    const running = await seedCampaign(a, { openTracking: true });
    const paused = await seedCampaign(a, { status: 'paused', openTracking: true });

    const guardable = await seedSend(a, running);
    // Suppressed in the other organisation only: still sent here.
    const suppressedElsewhere = await seedSend(a, running);
    await rows(`INSERT INTO outreach_suppressions (organisation_id, email, reason) VALUES ($1, $2, 'unsubscribed')`, [
      b.organisationId,
      suppressedElsewhere.email.toUpperCase(),
    ]);
    const suppressed = await seedSend(a, running);
    await rows(`INSERT INTO outreach_suppressions (organisation_id, email, reason) VALUES ($1, $2, 'unsubscribed')`, [
      a.organisationId,
      suppressed.email.toUpperCase(),
    ]);

    // Tasks not claimed (or not a send): not even counted as an attempt.
    const untouched = {
      pending: await seedSend(a, running, { taskStatus: 'pending' }),
      done: await seedSend(a, running, { taskStatus: 'done' }),
      draftTask: await seedSend(a, running, { taskKind: 'draft' }),
    };
    // Claimed send tasks the guard examined but left to the transactional path: the message and
    // pixels untouched, the attempt counted ("every claimed task examined counts an attempt").
    const examined = {
      sending: await seedSend(a, running, { messageStatus: 'sending', messageId: `<${randomUUID()}@${a.domain}>` }),
      sent: await seedSend(a, running, { messageStatus: 'sent', messageId: `<${randomUUID()}@${a.domain}>` }),
      draft: await seedSend(a, running, { messageStatus: 'draft' }),
      enrollmentPaused: await seedSend(a, running, { enrollmentState: 'paused' }),
      campaignPaused: await seedSend(a, paused),
      suppressed,
      noMailbox: await seedSend(a, running, { mailboxId: null }),
    };
    const before = new Map<Send, Awaited<ReturnType<typeof stateOf>>>();
    for (const send of [...Object.values(untouched), ...Object.values(examined)]) before.set(send, await stateOf(send));

    const unknown: GuardSendItem = { ...itemOf(guardable), taskId: randomUUID() };
    const sends = [
      untouched.pending,
      examined.sending,
      guardable,
      examined.sent,
      untouched.done,
      examined.draft,
      examined.enrollmentPaused,
      examined.campaignPaused,
      suppressedElsewhere,
      examined.suppressed,
      untouched.draftTask,
      examined.noMailbox,
    ];
    const items = [...sends.map((send) => itemOf(send)), unknown];
    const answers = await guardSends(db.pool, items);

    expect(answers.map((answer) => answer?.message.id ?? null)).toEqual([
      null,
      null,
      guardable.messageId,
      null,
      null,
      null,
      null,
      null,
      suppressedElsewhere.messageId,
      null,
      null,
      null,
      null,
    ]);
    for (const [i, send] of [[2, guardable] as const, [8, suppressedElsewhere] as const]) {
      expect(await stateOf(send)).toMatchObject({
        message: { status: 'sending', message_id: `<${items[i]!.id}@${a.domain}>` },
        task: { attempts: 1 },
        pixels: [{ token_hash: items[i]!.pixelTokenHash }],
      });
    }
    for (const [name, send] of Object.entries(untouched)) {
      expect(await stateOf(send), name).toEqual(before.get(send));
    }
    for (const [name, send] of Object.entries(examined)) {
      const { message, task, pixels } = await stateOf(send);
      const was = before.get(send)!;
      expect(message, name).toEqual(was.message);
      expect(pixels, name).toEqual([]);
      expect(task, name).toMatchObject({ status: 'claimed', locked_by: 'worker-1', attempts: 1 });
    }
    // The unknown task's item guarded nothing: no message of the organisation moved besides the two.
    expect(
      await rows(`SELECT id FROM outreach_messages WHERE organisation_id = $1 AND status = 'sending' ORDER BY id`, [
        a.organisationId,
      ]),
    ).toEqual(
      [guardable.messageId, suppressedElsewhere.messageId, examined.sending.messageId].sort().map((id) => ({ id })),
    );
  });

  it('threads a follow-up under the latest sent message of its enrollment', async () => {
    const org = await seedOrganisation('Thread');
    const campaign = await seedCampaign(org, { delays: [0, 3] });
    const [step1, step2] = campaign.stepIds as [string, string];

    /** An enrollment whose first step was sent with `headers`, and a claimed send of its second. */
    async function followUp(headers: { messageId: string; references: string | null }) {
      const enrollment = await seedEnrollment(org, campaign, { currentStepIndex: 1 });
      await seedMessage(org, {
        enrollmentId: enrollment.enrollmentId,
        stepId: step1,
        status: 'sent',
        toEmail: enrollment.email,
        messageId: headers.messageId,
        referencesHeader: headers.references,
        sentAt: new Date(Date.now() - 3 * 86_400_000),
      });
      const messageId = await seedMessage(org, {
        enrollmentId: enrollment.enrollmentId,
        stepId: step2,
        status: 'approved',
        toEmail: enrollment.email,
      });
      const taskId = await seedTask(org, { enrollmentId: enrollment.enrollmentId, stepId: step2 });
      return { org, campaign, ...enrollment, stepId: step2, messageId, taskId } satisfies Send;
    }

    const m1 = `<${randomUUID()}@${org.domain}>`;
    const r = `<${randomUUID()}@earlier.example>`;
    const withReferences = await followUp({ messageId: m1, references: r });
    const m1b = `<${randomUUID()}@${org.domain}>`;
    const withoutReferences = await followUp({ messageId: m1b, references: null });

    const items = [itemOf(withReferences), itemOf(withoutReferences)];
    const answers = await guardSends(db.pool, items);

    expect(answers[0]).toMatchObject({
      previous: { messageId: m1, references: r },
      inReplyTo: m1,
      references: `${r} ${m1}`,
      rfcMessageId: `<${items[0]!.id}@${org.domain}>`,
    });
    expect(answers[1]).toMatchObject({
      previous: { messageId: m1b, references: null },
      inReplyTo: m1b,
      references: m1b,
    });
    expect((await stateOf(withReferences)).message).toMatchObject({
      status: 'sending',
      in_reply_to: m1,
      references_header: `${r} ${m1}`,
    });
    expect((await stateOf(withoutReferences)).message).toMatchObject({
      status: 'sending',
      in_reply_to: m1b,
      references_header: m1b,
    });
  });
});

describe('recordSentBatch', () => {
  it('records several sends: messages sent, tasks done, enrollments advanced or finished with their webhooks', async () => {
    const a = await seedOrganisation('Alpha');
    const b = await seedOrganisation('Beta');
    const aCampaign = await seedCampaign(a, { delays: [0, 3] });
    const bCampaign = await seedCampaign(b, { delays: [0, 2] });
    const endpoint = await one<{ id: string }>(
      `INSERT INTO outreach_webhook_endpoints (organisation_id, url, event_types, secret_encrypted)
       VALUES ($1, 'https://hooks.example.test/finished', '{reply.received,enrollment.finished}', 'v1.iv.tag.ciphertext')
       RETURNING id`,
      [a.organisationId],
    );
    // Neither a disabled endpoint nor one not subscribed to the event gets a delivery.
    await rows(
      `INSERT INTO outreach_webhook_endpoints (organisation_id, url, event_types, secret_encrypted, enabled)
       VALUES ($1, 'https://hooks.example.test/off', '{enrollment.finished}', 'v1.iv.tag.ciphertext', false),
              ($1, 'https://hooks.example.test/replies', '{reply.received}', 'v1.iv.tag.ciphertext', true)`,
      [a.organisationId],
    );

    /** A send of `step` (0-based) in flight: its message `sending`, its task claimed. */
    async function inFlight(org: Org, campaign: Campaign, step: number) {
      const enrollment = await seedEnrollment(org, campaign, { currentStepIndex: step });
      const stepId = campaign.stepIds[step]!;
      if (step > 0) {
        await seedMessage(org, {
          enrollmentId: enrollment.enrollmentId,
          stepId: campaign.stepIds[step - 1]!,
          status: 'sent',
          toEmail: enrollment.email,
          messageId: `<${randomUUID()}@${org.domain}>`,
          sentAt: new Date(Date.now() - 86_400_000),
        });
      }
      const messageId = await seedMessage(org, {
        enrollmentId: enrollment.enrollmentId,
        stepId,
        status: 'sending',
        toEmail: enrollment.email,
        messageId: `<${randomUUID()}@${org.domain}>`,
      });
      const taskId = await seedTask(org, { enrollmentId: enrollment.enrollmentId, stepId });
      return { org, campaign, ...enrollment, stepId, messageId, taskId } satisfies Send;
    }

    const first1 = await inFlight(a, aCampaign, 0);
    const first2 = await inFlight(a, aCampaign, 0);
    const last1 = await inFlight(a, aCampaign, 1);
    const last2 = await inFlight(a, aCampaign, 1);
    const bFirst = await inFlight(b, bCampaign, 0);
    const bLast = await inFlight(b, bCampaign, 1);
    const sends = [first1, last1, bFirst, first2, bLast, last2];
    const base = Date.parse('2031-05-06T07:08:09.123Z');
    const items: SentItem[] = sends.map((send, i) => ({
      organisationId: send.org.organisationId,
      message: { id: send.messageId, enrollmentId: send.enrollmentId, stepId: send.stepId },
      taskId: send.taskId,
      sentAt: new Date(base + i * 60_000),
    }));
    const sentAt = (send: Send) => items[sends.indexOf(send)]!.sentAt;

    await recordSentBatch(db.pool, items);

    for (const send of sends) {
      expect(await one(`SELECT status, sent_at FROM outreach_messages WHERE id = $1`, [send.messageId])).toEqual({
        status: 'sent',
        sent_at: sentAt(send),
      });
      expect(
        await one(`SELECT status, locked_by, locked_until FROM outreach_tasks WHERE id = $1`, [send.taskId]),
      ).toEqual({ status: 'done', locked_by: null, locked_until: null });
    }
    const enrollmentOf = (send: Send) =>
      one(`SELECT state, current_step_index, finished_at FROM outreach_campaign_enrollments WHERE id = $1`, [
        send.enrollmentId,
      ]);
    const draftTasksOf = (send: Send) =>
      rows(`SELECT step_id, status, scheduled_for FROM outreach_tasks WHERE enrollment_id = $1 AND kind = 'draft'`, [
        send.enrollmentId,
      ]);
    // Past the first step: the second step's draft, due `delay_days` after the send.
    for (const [send, delayDays] of [
      [first1, 3],
      [first2, 3],
      [bFirst, 2],
    ] as const) {
      expect(await enrollmentOf(send)).toEqual({ state: 'active', current_step_index: 1, finished_at: null });
      expect(await draftTasksOf(send)).toEqual([
        {
          step_id: send.campaign.stepIds[1],
          status: 'pending',
          scheduled_for: new Date(sentAt(send).getTime() + delayDays * 86_400_000),
        },
      ]);
    }
    // Past the last step: finished, at the send.
    for (const send of [last1, last2, bLast]) {
      expect(await enrollmentOf(send)).toEqual({ state: 'finished', current_step_index: 1, finished_at: sentAt(send) });
      expect(await draftTasksOf(send)).toEqual([]);
    }

    // One delivery per finished enrollment of the organisation listening, each its own event.
    const deliveries = await rows<{
      id: string;
      organisation_id: string;
      endpoint_id: string;
      event_id: string;
      event_type: string;
      status: string;
      payload: Record<string, unknown>;
    }>(
      `SELECT id, organisation_id, endpoint_id, event_id, event_type, status, payload FROM outreach_webhook_deliveries
       WHERE organisation_id = ANY($1::uuid[])`,
      [[a.organisationId, b.organisationId]],
    );
    expect(deliveries).toHaveLength(2);
    const deliveryOf = (send: Send) => deliveries.find((d) => d.payload.enrollmentId === send.enrollmentId);
    for (const send of [last1, last2]) {
      expect(deliveryOf(send)).toMatchObject({
        organisation_id: a.organisationId,
        endpoint_id: endpoint.id,
        event_type: 'enrollment.finished',
        status: 'pending',
        payload: {
          enrollmentId: send.enrollmentId,
          campaignId: aCampaign.campaignId,
          positionId: send.positionId,
          email: send.email,
          finishedAt: sentAt(send).toISOString(),
          reason: 'completed',
        },
      });
    }
    expect(new Set(deliveries.map((d) => d.event_id)).size).toBe(2);
    const outbox = await rows<{ organisation_id: string; routing_key: string; payload: Record<string, unknown> }>(
      `SELECT organisation_id, routing_key, payload FROM outreach_outbox WHERE organisation_id = ANY($1::uuid[])`,
      [[a.organisationId, b.organisationId]],
    );
    expect(outbox).toHaveLength(2);
    expect(outbox).toEqual(
      expect.arrayContaining(
        deliveries.map((d) => ({
          organisation_id: a.organisationId,
          routing_key: 'webhooks.deliver',
          payload: { organisationId: a.organisationId, deliveryId: d.id },
        })),
      ),
    );

    // Idempotent: the same batch again (a redelivered job) changes nothing, whether the next
    // step's draft is still queued (first2) or already written (first1).
    await rows(`UPDATE outreach_tasks SET status = 'done' WHERE enrollment_id = $1 AND kind = 'draft'`, [
      first1.enrollmentId,
    ]);
    await seedMessage(a, {
      enrollmentId: first1.enrollmentId,
      stepId: aCampaign.stepIds[1]!,
      status: 'draft',
      toEmail: first1.email,
    });
    const snapshot = async () => {
      const organisations = [[a.organisationId, b.organisationId]];
      return {
        messages: await rows(
          `SELECT id, status, sent_at, updated_at FROM outreach_messages WHERE organisation_id = ANY($1::uuid[]) ORDER BY id`,
          organisations,
        ),
        tasks: await rows(
          `SELECT id, enrollment_id, step_id, kind, status, scheduled_for, locked_by FROM outreach_tasks
           WHERE organisation_id = ANY($1::uuid[]) ORDER BY id`,
          organisations,
        ),
        enrollments: await rows(
          `SELECT id, state, current_step_index, finished_at, updated_at FROM outreach_campaign_enrollments
           WHERE organisation_id = ANY($1::uuid[]) ORDER BY id`,
          organisations,
        ),
        deliveries: await rows(
          `SELECT id FROM outreach_webhook_deliveries WHERE organisation_id = ANY($1::uuid[]) ORDER BY id`,
          organisations,
        ),
        outbox: await rows(
          `SELECT id FROM outreach_outbox WHERE organisation_id = ANY($1::uuid[]) ORDER BY id`,
          organisations,
        ),
      };
    };
    const once = await snapshot();
    await expect(recordSentBatch(db.pool, items)).resolves.toBeUndefined();
    expect(await snapshot()).toEqual(once);
    expect(once.tasks.filter((t) => t.kind === 'draft')).toHaveLength(3);
    await expect(recordSentBatch(db.pool, [])).resolves.toBeUndefined();
  });
});
