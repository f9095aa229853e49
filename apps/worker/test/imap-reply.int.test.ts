import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@prospectflow/db/testing';
import { createLogger } from '@prospectflow/observability';
import { manualClock } from '@prospectflow/outreach';
import { pollUntil } from '@prospectflow/testing';
import { startDovecot, type DovecotServer } from '../../../test/dovecot.js';
import { createTestVhost } from '../../../test/rabbitmq-vhost.js';
import { composeWorker, type Worker } from '../src/compose.js';
import { loadWorkerConfig } from '../src/config.js';
import { createWorkerMetrics } from '../src/metrics.js';
import { TEST_SECRETS_KEY, appendToInbox, rawMessage, setImapSettings } from './support/imap.js';
import { messageStatuses, seedCampaign, startSmtpCatcher } from './support/outreach-fixtures.js';

const DAY = 86_400_000;

describe('a reply read from the mailbox over IMAP stops the sequence (Dovecot, RabbitMQ, local SMTP)', () => {
  let dovecot: DovecotServer;
  let db: TestDatabase;
  let vhost: { url: string; drop: () => Promise<void> };
  let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
  let worker: Worker;
  const clock = manualClock(new Date());

  beforeAll(async () => {
    dovecot = await startDovecot({ claire: 'claire-imap-pass' });
    db = await createTestDatabase(inject('templateDatabase'));
    vhost = await createTestVhost();
    smtp = await startSmtpCatcher();
    const config = loadWorkerConfig({
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      RABBITMQ_URL: vhost.url,
      MAILBOX_SECRETS_KEY: TEST_SECRETS_KEY.toString('base64'),
      OUTBOX_POLL_INTERVAL_MS: '50',
      OUTREACH_SCHEDULER_INTERVAL_MS: '50',
      RABBITMQ_RETRY_INITIAL_DELAY_MS: '200',
      IMAP_POLL_INTERVAL_MS: '100',
    });
    worker = await composeWorker({
      config,
      pool: db.pool,
      logger: createLogger({ level: 'silent' }),
      metrics: createWorkerMetrics(),
      clock,
    });
    await worker.broker.connect();
  });
  afterAll(async () => {
    await worker?.stop();
    await smtp?.close();
    await db?.drop();
    await vhost?.drop();
    await dovecot?.stop();
  });

  it('marks the enrollment replied and never sends its step 2, while the other prospect gets it', async () => {
    const seeded = await seedCampaign(db.pool, {
      smtpPort: smtp.port,
      prospects: [
        { firstName: 'Amélie', lastName: 'Lefèvre', company: 'Boulangerie Dupont', jobTitle: 'Gérante' },
        { firstName: 'Zoé', lastName: 'Müller', company: 'Atelier Müller', jobTitle: 'COO' },
      ],
      requireApproval: false,
      openTracking: false,
      abTest: false,
      now: clock(),
    });
    await setImapSettings(db.pool, seeded.mailboxId, dovecot, 'claire');
    const { organisationId } = seeded;
    const [replier, silent] = seeded.emails as [string, string];
    await pollUntil(async () => (await messageStatuses(db.pool, organisationId)).sent === 2, {
      timeoutMs: 15_000,
      what: 'step 1 sent to both prospects',
    });
    const ours = await db.pool.query(
      `SELECT message_id, subject FROM outreach_messages WHERE organisation_id = $1 AND to_email = $2 AND status = 'sent'`,
      [organisationId, replier],
    );
    const { message_id: messageId, subject } = ours.rows[0] as { message_id: string; subject: string };

    await appendToInbox(
      dovecot,
      'claire',
      rawMessage({
        from: `Amélie Lefèvre <${replier}>`,
        to: 'Claire Martin <claire@example.com>',
        subject: `Re: ${subject}`,
        inReplyTo: messageId,
        body: `Bonjour Claire,\n\nOui, parlons-en jeudi.\n\nAmélie\n\n> ${subject}`,
      }),
    );

    const enrollmentState = async (email: string) =>
      (
        await db.pool.query(
          `SELECT e.state FROM outreach_campaign_enrollments e
           JOIN crm_positions p ON p.organisation_id = e.organisation_id AND p.id = e.position_id
           WHERE e.organisation_id = $1 AND p.email = $2`,
          [organisationId, email],
        )
      ).rows[0]?.state as string | undefined;
    await pollUntil(async () => (await enrollmentState(replier)) === 'replied', {
      timeoutMs: 15_000,
      what: 'enrollment replied',
    });
    const inbound = await db.pool.query(
      `SELECT in_reply_to, classification FROM outreach_messages WHERE organisation_id = $1 AND direction = 'inbound'`,
      [organisationId],
    );
    expect(inbound.rows).toEqual([{ in_reply_to: messageId, classification: 'human_reply' }]);
    const mailbox = await db.pool.query(`SELECT imap_last_seen_uid::int AS uid FROM outreach_mailboxes WHERE id = $1`, [
      seeded.mailboxId,
    ]);
    expect(mailbox.rows[0].uid).toBe(1);

    // Step 2 falls due three days later: the silent prospect gets it, the one who replied never does.
    clock.advance(3 * DAY + 60_000);
    const toAddress = (email: string) =>
      smtp.received.filter((m) => (m.to && 'text' in m.to ? m.to.text : '') === email).length;
    await pollUntil(() => toAddress(silent) === 2, { timeoutMs: 15_000, what: 'step 2 to the silent prospect' });
    expect(toAddress(replier)).toBe(1);
    expect(await enrollmentState(replier)).toBe('replied');
    const stepTwo = await db.pool.query(
      `SELECT count(*)::int AS n FROM outreach_messages m
       JOIN crm_positions p ON p.organisation_id = m.organisation_id AND p.email = m.to_email
       WHERE m.organisation_id = $1 AND m.direction = 'outbound' AND m.step_id = $2 AND p.email = $3`,
      [organisationId, seeded.stepIds[1], replier],
    );
    expect(stepTwo.rows[0].n).toBe(0);
  });
});
