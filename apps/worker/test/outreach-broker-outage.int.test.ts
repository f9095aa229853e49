import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@prospectflow/db/testing';
import { pingBroker } from '@prospectflow/messaging/ping';
import { createLogger } from '@prospectflow/observability';
import { pollUntil } from '@prospectflow/testing';
import { createTestVhost } from '../../../test/rabbitmq-vhost.js';
import { composeWorker, type Worker } from '../src/compose.js';
import { loadWorkerConfig } from '../src/config.js';
import { createWorkerMetrics } from '../src/metrics.js';
import { messageStatuses, seedCampaign, startSmtpCatcher, type Seeded } from './support/outreach-fixtures.js';

// Stops the whole (shared) broker: runs alone in the `integration-serial` vitest project, after
// every other test file (doc/DEVELOPMENT.md).
const run = promisify(execFile);

/** Stops the RabbitMQ application (the Erlang node stays up, so `start_app` can bring it back). */
async function stopBroker(): Promise<void> {
  await run('rabbitmqctl', ['stop_app']);
}

/** Starts the RabbitMQ application again and waits until it accepts AMQP connections on `url`. */
async function restoreBroker(url: string): Promise<void> {
  await run('rabbitmqctl', ['start_app']);
  await pollUntil(
    () =>
      pingBroker(url).then(
        () => true,
        () => false,
      ),
    { timeoutMs: 60_000, intervalMs: 250 },
  );
}

/** Runs `during` with the broker stopped, and brings it back in every case. */
async function withBrokerStopped(url: string, during: () => Promise<void>): Promise<void> {
  await stopBroker();
  try {
    await during();
  } finally {
    await restoreBroker(url);
  }
}

const SENDING = 60;
const prospects = (count: number, tag: string) =>
  Array.from({ length: count }, (_, n) => ({
    firstName: `${tag}${n}`,
    lastName: 'Martin',
    company: `Société ${tag} ${n}`,
    jobTitle: 'Gérante',
  }));

describe('RabbitMQ stopped while enrolling and while sending', () => {
  let db: TestDatabase;
  let vhost: { url: string; drop: () => Promise<void> };
  let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
  let worker: Worker;

  const received = (seeded: Seeded) =>
    smtp.received.map((m) => (m.to && 'text' in m.to ? m.to.text : '')).filter((to) => seeded.emails.includes(to));
  const unpublished = async () =>
    (
      await db.pool.query(
        // In tasks: a job row carries up to OUTREACH_TASKS_PER_JOB of them.
        `SELECT coalesce(sum(jsonb_array_length(payload->'taskIds')), 0)::int AS n,
                coalesce(sum(jsonb_array_length(payload->'taskIds')) FILTER (WHERE attempts > 0), 0)::int AS failed
         FROM outreach_outbox WHERE published_at IS NULL AND routing_key LIKE 'outreach.%'`,
      )
    ).rows[0] as { n: number; failed: number };
  /** Every email received exactly once, every message `sent`, no live task left. */
  const expectSentExactlyOnce = async (seeded: Seeded, count: number) => {
    await pollUntil(async () => (await messageStatuses(db.pool, seeded.organisationId)).sent === count, {
      timeoutMs: 90_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const recipients = received(seeded);
    expect(recipients).toHaveLength(count);
    expect(new Set(recipients)).toEqual(new Set(seeded.emails));
    expect(await messageStatuses(db.pool, seeded.organisationId)).toEqual({ sent: count });
    const live = await db.pool.query(
      `SELECT count(*)::int AS n FROM outreach_tasks
       WHERE organisation_id = $1
         AND (status IN ('claimed', 'failed') OR (status = 'pending' AND scheduled_for <= now()))`,
      [seeded.organisationId],
    );
    expect(live.rows[0].n).toBe(0);
  };

  beforeAll(async () => {
    db = await createTestDatabase(inject('templateDatabase'));
    vhost = await createTestVhost();
    // Slow enough (3 in flight × 250 ms) that the broker stops in the middle of the sending.
    smtp = await startSmtpCatcher({ delayMs: 250 });
    const config = loadWorkerConfig({
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      RABBITMQ_URL: vhost.url,
      OUTBOX_POLL_INTERVAL_MS: '50',
      OUTREACH_SCHEDULER_INTERVAL_MS: '50',
      OUTREACH_SEND_CONCURRENCY: '3',
      RABBITMQ_RETRY_INITIAL_DELAY_MS: '200',
    });
    worker = await composeWorker({
      config,
      pool: db.pool,
      logger: createLogger({ level: 'silent' }),
      metrics: createWorkerMetrics(),
    });
    await worker.broker.connect();
  });
  afterAll(async () => {
    await worker?.stop();
    await smtp?.close();
    await db?.drop();
    await vhost?.drop();
  });

  it(
    'enrolled while the broker is down: drafted and sent exactly once after recovery',
    { timeout: 180_000 },
    async () => {
      let seeded: Seeded | undefined;
      await withBrokerStopped(vhost.url, async () => {
        seeded = await seedCampaign(db.pool, {
          smtpPort: smtp.port,
          prospects: prospects(10, 'E'),
          requireApproval: false,
          openTracking: true,
          abTest: false,
          now: new Date(),
        });
        // The scheduler claims the draft tasks and writes outbox rows; the relay cannot publish them.
        await pollUntil(async () => (await unpublished()).failed >= 10, { timeoutMs: 20_000 });
        expect(received(seeded)).toHaveLength(0);
      });
      await expectSentExactlyOnce(seeded!, 10);
    },
  );

  it(
    'broker stopped while emails are being sent: the rest goes out after recovery, none twice',
    { timeout: 180_000 },
    async () => {
      const seeded = await seedCampaign(db.pool, {
        smtpPort: smtp.port,
        prospects: prospects(SENDING, 'S'),
        requireApproval: false,
        openTracking: false,
        abTest: false,
        now: new Date(),
      });
      await pollUntil(() => received(seeded).length >= 3, { timeoutMs: 30_000 });
      await withBrokerStopped(vhost.url, async () => {
        await pollUntil(() => !worker.broker.isConnected(), { timeoutMs: 10_000 });
        const atStop = received(seeded).length;
        expect(atStop).toBeLessThan(SENDING);
        // Sends already running finish, but their acks are lost: after recovery the broker
        // redelivers those jobs and the consumer finds their tasks done. Nothing else is sent meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 2000));
        expect(received(seeded).length).toBeLessThanOrEqual(atStop + 3);
      });
      await expectSentExactlyOnce(seeded, SENDING);
    },
  );
});
