import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { enrollPositions, withTransaction } from '@prospectflow/db';
import { createTestDatabase, type TestDatabase } from '@prospectflow/db/testing';
import { createLogger } from '@prospectflow/observability';
import {
  TransportCache,
  applyClassification,
  loadMailboxSecretsKey,
  manualClock,
  sendTask,
} from '@prospectflow/outreach';
import { pollUntil } from '@prospectflow/testing';
import { createTestVhost } from '../../../test/rabbitmq-vhost.js';
import { composeWorker, type Worker } from '../src/compose.js';
import { loadWorkerConfig } from '../src/config.js';
import { createWorkerMetrics, type WorkerMetrics } from '../src/metrics.js';
import { bounceMime, replyMime, startInboundApi } from './support/inbound-mail.js';
import { seedCampaign, startSmtpCatcher, type Seeded } from './support/outreach-fixtures.js';

const DAY = 86_400_000;
const KEY = Buffer.alloc(32, 9).toString('base64');
const MOIS = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];

describe('reply detection end to end (inbound endpoint, RabbitMQ, Postgres, local SMTP)', () => {
  let db: TestDatabase;
  let vhost: { url: string; drop: () => Promise<void> };
  let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
  let api: Awaited<ReturnType<typeof startInboundApi>>;
  let worker: Worker;
  let metrics: WorkerMetrics;
  const clock = manualClock(new Date());

  const q = async (sql: string, params: unknown[]) => (await db.pool.query(sql, params)).rows;
  const mailsTo = (email: string) => smtp.received.filter((m) => (m.to && 'text' in m.to ? m.to.text : '') === email);
  const stateOf = async (enrollmentId: string) =>
    (await q(`SELECT state, paused_until FROM outreach_campaign_enrollments WHERE id = $1`, [enrollmentId]))[0];
  const sentStep1 = async (seeded: Seeded, n: number) =>
    (
      await q(
        `SELECT id, message_id, subject FROM outreach_messages WHERE organisation_id = $1 AND enrollment_id = $2
         AND step_id = $3 AND status = 'sent'`,
        [seeded.organisationId, seeded.enrollmentIds[n], seeded.stepIds[0]],
      )
    )[0];
  const inboundOf = (organisationId: string) =>
    q(`SELECT * FROM outreach_messages WHERE organisation_id = $1 AND direction = 'inbound' ORDER BY created_at`, [
      organisationId,
    ]);
  const inboundOutcomes = async (outcome: string) =>
    (await metrics.inboundMail.get()).values
      .filter((v) => v.labels.outcome === outcome)
      .reduce((sum, v) => sum + v.value, 0);

  /** A running 2-step campaign (step 2 three days after step 1) whose step 1 was sent to every prospect. */
  const campaignAfterStep1 = async (prospects: number) => {
    const seeded = await seedCampaign(db.pool, {
      smtpPort: smtp.port,
      prospects: Array.from({ length: prospects }, (_, n) => ({
        firstName: `Amélie${n}`,
        lastName: 'Lefèvre',
        company: `Boulangerie ${n}`,
        jobTitle: 'Gérante',
      })),
      requireApproval: false,
      openTracking: false,
      abTest: false,
      now: clock(),
    });
    await pollUntil(
      async () =>
        (
          await q(`SELECT count(*)::int AS n FROM outreach_messages WHERE organisation_id = $1 AND status = 'sent'`, [
            seeded.organisationId,
          ])
        )[0].n === prospects,
      { timeoutMs: 15_000 },
    );
    const secret = await api.secretFor(seeded.organisationId, seeded.mailboxId);
    return { seeded, secret };
  };

  beforeAll(async () => {
    db = await createTestDatabase(inject('templateDatabase'));
    vhost = await createTestVhost();
    smtp = await startSmtpCatcher();
    metrics = createWorkerMetrics();
    const config = loadWorkerConfig({
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      RABBITMQ_URL: vhost.url,
      MAILBOX_SECRETS_KEY: KEY,
      OUTBOX_POLL_INTERVAL_MS: '50',
      OUTREACH_SCHEDULER_INTERVAL_MS: '50',
      RABBITMQ_RETRY_INITIAL_DELAY_MS: '200',
      TRACKING_BASE_URL: 'https://track.example.test/',
    });
    worker = await composeWorker({ config, pool: db.pool, logger: createLogger({ level: 'silent' }), metrics, clock });
    await worker.broker.connect();
    api = await startInboundApi({ databaseUrl: db.url, pool: db.pool, rabbitmqUrl: vhost.url, secretsKey: KEY, clock });
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
    await smtp?.close();
    await db?.drop();
    await vhost?.drop();
  });

  it('a reply through the inbound endpoint stops the sequence: step 2 is never sent, even days later', async () => {
    const { seeded, secret } = await campaignAfterStep1(2);
    const first = await sentStep1(seeded, 0);
    const reply = replyMime({
      from: `Amélie <${seeded.emails[0]}>`,
      to: `claire@example.com`,
      subject: `Re: ${first.subject}`,
      inReplyTo: first.message_id,
      body: "Bonjour Claire,\r\nOui, ça m'intéresse, appelez-moi jeudi.\r\n\r\n> Step one for Boulangerie 0\r\n",
    });
    expect(await api.inject(seeded.mailboxId, secret, reply)).toBe(202);
    await pollUntil(async () => (await stateOf(seeded.enrollmentIds[0]!)).state === 'replied', { timeoutMs: 15_000 });

    const [stored] = await inboundOf(seeded.organisationId);
    expect(stored).toMatchObject({
      direction: 'inbound',
      status: 'received',
      classification: 'human_reply',
      enrollment_id: seeded.enrollmentIds[0],
      thread_id: seeded.enrollmentIds[0],
      step_id: seeded.stepIds[0],
      in_reply_to: first.message_id,
      from_email: seeded.emails[0],
      subject: `Re: ${first.subject}`,
    });
    expect(stored.body_text).toContain("Oui, ça m'intéresse");
    expect(stored.classification_reason).toBeTruthy();
    const live = await q(
      `SELECT status FROM outreach_tasks WHERE enrollment_id = $1 AND status IN ('pending', 'claimed')`,
      [seeded.enrollmentIds[0]],
    );
    expect(live).toHaveLength(0);
    const replies = (await metrics.repliesDetected.get()).values.find(
      (v) => v.labels.organisation_id === seeded.organisationId && v.labels.classification === 'human_reply',
    );
    expect(replies?.value).toBe(1);

    // Three days later the other prospect gets step 2; the one who replied never does.
    clock.advance(3 * DAY + 60_000);
    await pollUntil(async () => mailsTo(seeded.emails[1]!).length === 2, { timeoutMs: 15_000 });
    clock.advance(30 * DAY);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(mailsTo(seeded.emails[0]!)).toHaveLength(1);
    expect((await stateOf(seeded.enrollmentIds[0]!)).state).toBe('replied');

    // The same mail delivered again (webhook retry, or also seen by IMAP) is ignored.
    const duplicates = await inboundOutcomes('duplicate');
    expect(await api.inject(seeded.mailboxId, secret, reply)).toBe(202);
    await pollUntil(async () => (await inboundOutcomes('duplicate')) === duplicates + 1, { timeoutMs: 15_000 });
    expect(await inboundOf(seeded.organisationId)).toHaveLength(1);
  });

  it("matches a reply without In-Reply-To by sender and Re: subject; another organisation's mailbox matches nothing", async () => {
    const { seeded, secret } = await campaignAfterStep1(1);
    const other = await campaignAfterStep1(1);
    const first = await sentStep1(seeded, 0);
    const crossTenant = replyMime({
      from: seeded.emails[0]!,
      to: 'claire@example.com',
      subject: `RE: ${first.subject}`,
      inReplyTo: first.message_id,
      body: 'Merci, rappelez-moi.',
    });
    const unmatched = await inboundOutcomes('unmatched');
    expect(await api.inject(other.seeded.mailboxId, other.secret, crossTenant)).toBe(202);
    await pollUntil(async () => (await inboundOutcomes('unmatched')) === unmatched + 1, { timeoutMs: 15_000 });
    expect((await stateOf(seeded.enrollmentIds[0]!)).state).toBe('active');
    expect(await inboundOf(other.seeded.organisationId)).toHaveLength(0);

    const fallback = replyMime({
      from: seeded.emails[0]!,
      to: 'claire@example.com',
      subject: `RE: ${first.subject}`,
      body: 'Merci, rappelez-moi demain matin.',
    });
    expect(await api.inject(seeded.mailboxId, secret, fallback)).toBe(202);
    await pollUntil(async () => (await stateOf(seeded.enrollmentIds[0]!)).state === 'replied', { timeoutMs: 15_000 });
    expect((await inboundOf(seeded.organisationId))[0]).toMatchObject({ in_reply_to: first.message_id });
  });

  it('a hard bounce suppresses the address: enrollment bounced, a later enrollment skips it; reclassifying undoes it', async () => {
    const { seeded, secret } = await campaignAfterStep1(1);
    const first = await sentStep1(seeded, 0);
    const dsn = bounceMime({
      to: 'claire@example.com',
      recipient: seeded.emails[0]!,
      status: '5.1.1',
      originalMessageId: first.message_id,
    });
    expect(await api.inject(seeded.mailboxId, secret, dsn)).toBe(202);
    await pollUntil(async () => (await stateOf(seeded.enrollmentIds[0]!)).state === 'bounced', { timeoutMs: 15_000 });
    const [bounce] = await inboundOf(seeded.organisationId);
    expect(bounce).toMatchObject({
      classification: 'bounce_permanent',
      classification_reason: 'DSN status 5.1.1 (action failed)',
    });
    const suppressions = await q(
      `SELECT email, reason, source_message_id FROM outreach_suppressions WHERE organisation_id = $1`,
      [seeded.organisationId],
    );
    expect(suppressions).toEqual([{ email: seeded.emails[0], reason: 'bounced', source_message_id: bounce.id }]);

    // A later enrollment of that address in another campaign is skipped as suppressed.
    const [campaign] = await q(
      `INSERT INTO outreach_campaigns (organisation_id, name, mailbox_id) VALUES ($1, 'Relance', $2) RETURNING id`,
      [seeded.organisationId, seeded.mailboxId],
    );
    const [step] = await q(
      `INSERT INTO outreach_workflow_steps (organisation_id, campaign_id, step_index, body_template) VALUES ($1, $2, 0, 'x') RETURNING id`,
      [seeded.organisationId, campaign.id],
    );
    const [position] = await q(`SELECT position_id FROM outreach_campaign_enrollments WHERE id = $1`, [
      seeded.enrollmentIds[0],
    ]);
    const enrolled = await enrollPositions(
      db.pool,
      seeded.organisationId,
      campaign.id,
      { id: step.id, stepIndex: 0 },
      { positionIds: [position.position_id] },
      clock(),
    );
    expect(enrolled).toMatchObject({ enrolled: 0, skipped: { suppressed: 1 } });

    // An operator says it was a human reply: the suppression goes, the enrollment is replied.
    await withTransaction(db.pool, (client) =>
      applyClassification(client, {
        organisationId: seeded.organisationId,
        messageId: bounce.id,
        classification: 'human_reply',
        reason: 'reclassified by an operator',
        clock,
      }),
    );
    expect(
      await q(`SELECT 1 FROM outreach_suppressions WHERE organisation_id = $1`, [seeded.organisationId]),
    ).toHaveLength(0);
    expect((await stateOf(seeded.enrollmentIds[0]!)).state).toBe('replied');
    // And then a temporary bounce: recorded only, the sequence goes on with its follow-up task back.
    await withTransaction(db.pool, (client) =>
      applyClassification(client, {
        organisationId: seeded.organisationId,
        messageId: bounce.id,
        classification: 'bounce_temporary',
        reason: 'reclassified by an operator',
        clock,
      }),
    );
    expect((await stateOf(seeded.enrollmentIds[0]!)).state).toBe('active');
    const tasks = await q(`SELECT step_id, kind FROM outreach_tasks WHERE enrollment_id = $1 AND status = 'pending'`, [
      seeded.enrollmentIds[0],
    ]);
    expect(tasks).toEqual([{ step_id: seeded.stepIds[1], kind: 'draft' }]);
  });

  it('an out-of-office pauses the sequence until the return date, then it resumes by itself', async () => {
    const { seeded, secret } = await campaignAfterStep1(1);
    const first = await sentStep1(seeded, 0);
    const back = new Date(clock().getTime() + 5 * DAY);
    const ooo = replyMime({
      from: seeded.emails[0]!,
      to: 'claire@example.com',
      subject: `Réponse automatique : ${first.subject}`,
      inReplyTo: first.message_id,
      headers: { 'Auto-Submitted': 'auto-replied' },
      body: `Bonjour,\r\nJe suis absente et serai de retour le ${back.getUTCDate()} ${MOIS[back.getUTCMonth()]}.\r\n`,
    });
    expect(await api.inject(seeded.mailboxId, secret, ooo)).toBe(202);
    await pollUntil(async () => (await stateOf(seeded.enrollmentIds[0]!)).state === 'paused', { timeoutMs: 15_000 });
    const paused = await stateOf(seeded.enrollmentIds[0]!);
    expect(paused.paused_until.getTime()).toBeGreaterThan(back.getTime() - DAY);
    expect(paused.paused_until.getTime()).toBeLessThanOrEqual(back.getTime());
    expect((await inboundOf(seeded.organisationId))[0].classification).toBe('auto_reply');

    // Step 2 was due 3 days after step 1: not while paused.
    clock.advance(3 * DAY + 60_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(mailsTo(seeded.emails[0]!)).toHaveLength(1);
    clock.set(new Date(paused.paused_until.getTime() + 60_000));
    await pollUntil(async () => mailsTo(seeded.emails[0]!).length === 2, { timeoutMs: 15_000 });
    // Step 2 is the last one: once its send is recorded the resumed enrollment finishes.
    await pollUntil(async () => (await stateOf(seeded.enrollmentIds[0]!)).state === 'finished', { timeoutMs: 15_000 });
  });

  it('a follow-up send job already queued when the reply lands finds the enrollment replied and sends nothing', async () => {
    const { seeded, secret } = await campaignAfterStep1(1);
    const first = await sentStep1(seeded, 0);
    const enrollmentId = seeded.enrollmentIds[0]!;
    const { organisationId } = seeded;
    // Step 2 drafted, approved and claimed by the scheduler: its send job is in flight.
    await q(`UPDATE outreach_tasks SET status = 'cancelled' WHERE enrollment_id = $1 AND status = 'pending'`, [
      enrollmentId,
    ]);
    await q(
      `INSERT INTO outreach_messages (organisation_id, enrollment_id, step_id, mailbox_id, direction, status, to_email, subject, body_text)
       VALUES ($1, $2, $3, $4, 'outbound', 'queued', $5, 'Re: relance', 'Relance')`,
      [organisationId, enrollmentId, seeded.stepIds[1], seeded.mailboxId, seeded.emails[0]],
    );
    const [task] = await q(
      `INSERT INTO outreach_tasks (organisation_id, enrollment_id, step_id, kind, status, locked_until)
       VALUES ($1, $2, $3, 'send', 'claimed', $4) RETURNING id`,
      [organisationId, enrollmentId, seeded.stepIds[1], new Date(clock().getTime() + 3_600_000)],
    );
    const reply = replyMime({
      from: seeded.emails[0]!,
      to: 'claire@example.com',
      subject: `Re: ${first.subject}`,
      inReplyTo: first.message_id,
      body: 'Oui, parlons-en.',
    });
    expect(await api.inject(seeded.mailboxId, secret, reply)).toBe(202);
    await pollUntil(async () => (await stateOf(enrollmentId)).state === 'replied', { timeoutMs: 15_000 });

    const deps = {
      pool: db.pool,
      clock,
      transports: new TransportCache({
        secretsKey: loadMailboxSecretsKey({ MAILBOX_SECRETS_KEY: KEY }),
        ses: { region: 'eu-west-3' },
      }),
      trackingBaseUrl: 'https://track.example.test/',
    };
    const job = { organisationId, taskId: task.id };
    expect(await sendTask(deps, job)).toMatchObject({ outcome: 'skipped' });
    // Even a claim that survived the reply (the narrowest race): the send transaction re-checks the enrollment.
    await q(`UPDATE outreach_tasks SET status = 'claimed' WHERE id = $1`, [task.id]);
    expect(await sendTask(deps, job)).toEqual({ outcome: 'skipped', reason: 'enrollment replied' });
    expect(mailsTo(seeded.emails[0]!)).toHaveLength(1);
    deps.transports.closeAll();
  });
});
