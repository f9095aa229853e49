import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OUTREACH_SEND_QUEUE } from '@prospectflow/contracts';
import { createTestDatabase, type TestDatabase } from '@prospectflow/db/testing';
import { createLogger } from '@prospectflow/observability';
import { assignVariant, hashTrackingToken, manualClock } from '@prospectflow/outreach';
import { pollUntil } from '@prospectflow/testing';
import { createTestVhost } from '../../../test/rabbitmq-vhost.js';
import { composeWorker, type Worker } from '../src/compose.js';
import { loadWorkerConfig } from '../src/config.js';
import { createWorkerMetrics, type WorkerMetrics } from '../src/metrics.js';
import {
  approveDrafts,
  messageStatuses,
  seedCampaign,
  startSmtpCatcher,
  type Seeded,
} from './support/outreach-fixtures.js';

const DAY = 86_400_000;
const PROSPECTS = [
  { firstName: 'Amélie', lastName: 'Lefèvre', company: 'Boulangerie Dupont & Fils', jobTitle: 'Gérante' },
  { firstName: null, lastName: "D'Almeida", company: 'Transports <Nord>', jobTitle: 'DRH' },
  { firstName: 'Zoé', lastName: 'Müller', company: 'Atelier Müller', jobTitle: 'COO' },
];

describe('campaign engine end to end (Postgres, RabbitMQ, local SMTP)', () => {
  let db: TestDatabase;
  let vhost: { url: string; drop: () => Promise<void> };
  let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
  const workers: Worker[] = [];
  let metrics: WorkerMetrics;
  const clock = manualClock(new Date());

  const startWorker = async () => {
    const config = loadWorkerConfig({
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      RABBITMQ_URL: vhost.url,
      OUTBOX_POLL_INTERVAL_MS: '50',
      OUTREACH_SCHEDULER_INTERVAL_MS: '50',
      RABBITMQ_RETRY_INITIAL_DELAY_MS: '200',
      TRACKING_BASE_URL: 'https://track.example.test/',
    });
    const worker = await composeWorker({
      config,
      pool: db.pool,
      logger: createLogger({ level: 'silent' }),
      metrics,
      clock,
    });
    await worker.broker.connect();
    workers.push(worker);
    return worker;
  };
  const sentTo = (seeded: Seeded) =>
    smtp.received.filter((m) => seeded.emails.includes(m.to && 'text' in m.to ? m.to.text : ''));

  beforeAll(async () => {
    db = await createTestDatabase(inject('templateDatabase'));
    vhost = await createTestVhost();
    smtp = await startSmtpCatcher();
    metrics = createWorkerMetrics();
    await startWorker();
  });
  afterAll(async () => {
    for (const worker of workers) await worker.stop();
    await smtp?.close();
    await db?.drop();
    await vhost?.drop();
  });

  it('drafts, waits for approval, sends personalised A/B emails, then the follow-up delay_days later', async () => {
    const seeded = await seedCampaign(db.pool, {
      smtpPort: smtp.port,
      prospects: PROSPECTS,
      requireApproval: true,
      openTracking: true,
      abTest: true,
      now: clock(),
    });
    const { organisationId } = seeded;
    await pollUntil(async () => (await messageStatuses(db.pool, organisationId)).draft === 3, { timeoutMs: 15_000 });
    expect(sentTo(seeded)).toHaveLength(0);

    const assignments = await db.pool.query(
      `SELECT enrollment_id, variant_id FROM outreach_enrollment_step_variant_assignments WHERE organisation_id = $1`,
      [organisationId],
    );
    const variantOf = new Map(assignments.rows.map((r) => [r.enrollment_id, r.variant_id]));
    const keys = Object.entries(seeded.variantIds).map(([key, id]) => ({ id, key, weight: 1 }));
    for (const enrollmentId of seeded.enrollmentIds) {
      // Stable: the pure assignment gives back what was stored.
      expect(variantOf.get(enrollmentId)).toBe(assignVariant(enrollmentId, seeded.stepIds[0]!, keys).id);
    }

    expect(await approveDrafts(db.pool, organisationId, clock())).toBe(3);
    await pollUntil(async () => (await messageStatuses(db.pool, organisationId)).sent === 3, { timeoutMs: 15_000 });
    expect(sentTo(seeded)).toHaveLength(3);
    const sent = await db.pool.query(
      `SELECT m.to_email, m.message_id, m.sent_at, m.variant_id, m.subject FROM outreach_messages m
       WHERE m.organisation_id = $1 AND m.status = 'sent'`,
      [organisationId],
    );
    expect(sent.rows).toHaveLength(3);
    for (const [n, prospect] of PROSPECTS.entries()) {
      const mail = sentTo(seeded).find((m) => (m.to && 'text' in m.to ? m.to.text : '') === seeded.emails[n])!;
      const row = sent.rows.find((r) => r.to_email === seeded.emails[n])!;
      const variant = row.variant_id === seeded.variantIds.A ? 'A' : 'B';
      expect(mail.messageId).toBe(row.message_id);
      expect(mail.from?.text).toContain('Claire Martin');
      if (variant === 'A') {
        expect(mail.subject).toBe(`[A] ${prospect.firstName ?? 'Bonjour'} et ${prospect.company}`);
        expect(mail.text).toContain(`Bonjour ${prospect.firstName ?? 'à vous'},`);
        expect(mail.text).toContain(`${prospect.company} & vos équipes <3`);
        expect(mail.html).toContain('&amp; vos équipes &lt;3');
      } else {
        expect(mail.subject).toBe(`[B] Une idée pour ${prospect.company}`);
        expect(mail.text).toContain(`Madame, Monsieur ${prospect.lastName},`);
      }
      const rawHeader = (key: string) => mail.headerLines.find((h) => h.key === key)?.line.replace(/\r?\n\s+/g, ' ');
      expect(rawHeader('list-unsubscribe')).toMatch(
        /^List-Unsubscribe: <https:\/\/track\.example\.test\/u\/[A-Za-z0-9_-]{43}>, <mailto:replies@[^>]+>$/,
      );
      expect(rawHeader('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      const pixel = /<img src="https:\/\/track\.example\.test\/t\/o\/([A-Za-z0-9_-]{43})\.gif"/.exec(String(mail.html));
      expect(pixel).not.toBeNull();
      const stored = await db.pool.query(`SELECT 1 FROM tracking_pixels WHERE token_hash = $1`, [
        hashTrackingToken(pixel![1]!),
      ]);
      expect(stored.rowCount).toBe(1);
      const link = /https:\/\/track\.example\.test\/u\/([A-Za-z0-9_-]{43})/.exec(String(mail.text))![1]!;
      expect(String(mail.html)).toContain(`/u/${link}`);
      const hashed = await db.pool.query(`SELECT 1 FROM outreach_messages WHERE unsubscribe_token_hash = $1`, [
        hashTrackingToken(link),
      ]);
      expect(hashed.rowCount).toBe(1);
    }
    expect(new Set(sent.rows.map((r) => r.variant_id)).size).toBeGreaterThanOrEqual(1);

    // Step 2 is due delay_days (3) after each send, not before.
    const followUps = await db.pool.query(
      `SELECT t.scheduled_for, m.sent_at FROM outreach_tasks t
       JOIN outreach_messages m ON m.organisation_id = t.organisation_id AND m.enrollment_id = t.enrollment_id AND m.status = 'sent'
       WHERE t.organisation_id = $1 AND t.step_id = $2 AND t.kind = 'draft'`,
      [organisationId, seeded.stepIds[1]],
    );
    expect(followUps.rows).toHaveLength(3);
    for (const r of followUps.rows) expect(r.scheduled_for.getTime() - r.sent_at.getTime()).toBe(3 * DAY);
    const enrollments = await db.pool.query(
      `SELECT state, current_step_index FROM outreach_campaign_enrollments WHERE organisation_id = $1`,
      [organisationId],
    );
    expect(enrollments.rows.every((e) => e.state === 'active' && e.current_step_index === 1)).toBe(true);

    clock.advance(3 * DAY - 60_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await messageStatuses(db.pool, organisationId)).draft ?? 0).toBe(0);
    clock.advance(120_000);
    await pollUntil(async () => (await messageStatuses(db.pool, organisationId)).draft === 3, { timeoutMs: 15_000 });
    expect(await approveDrafts(db.pool, organisationId, clock())).toBe(3);
    await pollUntil(async () => (await messageStatuses(db.pool, organisationId)).sent === 6, { timeoutMs: 15_000 });
    expect(sentTo(seeded)).toHaveLength(6);

    const firsts = new Map(sent.rows.map((r) => [r.to_email, r]));
    for (const [n, prospect] of PROSPECTS.entries()) {
      const mails = sentTo(seeded).filter((m) => (m.to && 'text' in m.to ? m.to.text : '') === seeded.emails[n]);
      expect(mails).toHaveLength(2);
      const second = mails[1]!;
      const first = firsts.get(seeded.emails[n])!;
      expect(second.subject).toBe(`Re: ${first.subject}`);
      expect(second.inReplyTo).toBe(first.message_id);
      expect(second.text).toContain(
        `${prospect.firstName ?? 'Bonjour'}, une relance pour ${prospect.company} (${prospect.jobTitle}).`,
      );
    }
    await pollUntil(async () => {
      const r = await db.pool.query(
        `SELECT count(*)::int AS n FROM outreach_campaign_enrollments WHERE organisation_id = $1 AND state = 'finished'`,
        [organisationId],
      );
      return r.rows[0].n === 3;
    });
    const counted = (await metrics.emailsSent.get()).values.find((v) => v.labels.organisation_id === organisationId);
    expect(counted?.value).toBe(6);

    // A redelivered send job (same task, message already sent) sends nothing.
    const task = await db.pool.query(
      `SELECT id FROM outreach_tasks WHERE organisation_id = $1 AND kind = 'send' LIMIT 1`,
      [organisationId],
    );
    const acked = async () =>
      (await metrics.jobsProcessed.get()).values.find(
        (v) => v.labels.queue === OUTREACH_SEND_QUEUE && v.labels.outcome === 'ack',
      )?.value ?? 0;
    const before = await acked();
    await workers[0]!.broker.publish(OUTREACH_SEND_QUEUE, { organisationId, taskId: task.rows[0].id });
    await pollUntil(async () => (await acked()) > before);
    expect(sentTo(seeded)).toHaveLength(6);

    // Re-running the assignment for the same enrollments gives the same variants.
    const again = await db.pool.query(
      `SELECT enrollment_id, variant_id FROM outreach_enrollment_step_variant_assignments WHERE organisation_id = $1`,
      [organisationId],
    );
    expect(new Map(again.rows.map((r) => [r.enrollment_id, r.variant_id]))).toEqual(variantOf);
  });

  it('two worker instances on the same queues send each email exactly once; no pixel when tracking is off', async () => {
    await startWorker();
    const prospects = Array.from({ length: 24 }, (_, n) => ({
      firstName: `P${n}`,
      lastName: 'Durand',
      company: `Société ${n}`,
      jobTitle: 'Gérant',
    }));
    const seeded = await seedCampaign(db.pool, {
      smtpPort: smtp.port,
      prospects,
      requireApproval: false,
      openTracking: false,
      abTest: false,
      now: clock(),
    });
    await pollUntil(() => sentTo(seeded).length >= 24, { timeoutMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const recipients = sentTo(seeded).map((m) => (m.to && 'text' in m.to ? m.to.text : ''));
    expect(recipients).toHaveLength(24);
    expect(new Set(recipients).size).toBe(24);
    for (const mail of sentTo(seeded)) {
      expect(String(mail.html)).not.toContain('<img');
      expect(String(mail.html)).toContain('/u/');
    }
    const pixels = await db.pool.query(`SELECT count(*)::int AS n FROM tracking_pixels WHERE organisation_id = $1`, [
      seeded.organisationId,
    ]);
    expect(pixels.rows[0].n).toBe(0);
  });
});
