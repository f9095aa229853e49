import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  enrollmentFailureColumns,
  ensureCurrentStepTask,
  transitionEnrollment,
  withTransaction,
} from '@prospectflow/db';
import { createTestDatabase, type TestDatabase } from '@prospectflow/db/testing';
import { createLogger } from '@prospectflow/observability';
import { pollUntil } from '@prospectflow/testing';
import { createTestVhost } from '../../../test/rabbitmq-vhost.js';
import { composeWorker, type Worker } from '../src/compose.js';
import { loadWorkerConfig } from '../src/config.js';
import { createWorkerMetrics } from '../src/metrics.js';
import { seedCampaign, startSmtpCatcher } from './support/outreach-fixtures.js';

describe('a send that fails for good pauses its enrollment, and resuming sends the step', () => {
  let db: TestDatabase;
  let vhost: { url: string; drop: () => Promise<void> };
  let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
  let worker: Worker;
  const refused = new Map<string, number>();

  beforeAll(async () => {
    db = await createTestDatabase(inject('templateDatabase'));
    vhost = await createTestVhost();
    smtp = await startSmtpCatcher({ reject: (address) => refused.get(address) ?? null });
    const config = loadWorkerConfig({
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      RABBITMQ_URL: vhost.url,
      OUTBOX_POLL_INTERVAL_MS: '50',
      OUTREACH_SCHEDULER_INTERVAL_MS: '50',
      RABBITMQ_RETRY_INITIAL_DELAY_MS: '200',
      RABBITMQ_MAX_DELIVERIES: '2',
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

  it('550 and a 451 that outlasts every retry: message failed, enrollment paused; resume drafts and sends once', async () => {
    const prospects = ['Permanent', 'Transient', 'Fine'].map((lastName, n) => ({
      firstName: `P${n}`,
      lastName,
      company: `Société ${n}`,
      jobTitle: 'Gérant',
    }));
    const seeded = await seedCampaign(db.pool, {
      smtpPort: smtp.port,
      prospects,
      requireApproval: false,
      openTracking: false,
      abTest: false,
      now: new Date(),
    });
    const { organisationId, enrollmentIds, emails } = seeded;
    refused.set(emails[0]!, 550);
    refused.set(emails[1]!, 451);
    const to = (email: string) =>
      smtp.received.filter((m) => (m.to && 'text' in m.to ? m.to.text : '') === email).length;
    const enrollments = async () =>
      new Map(
        (
          await db.pool.query(
            `SELECT id, state, current_step_index FROM outreach_campaign_enrollments WHERE organisation_id = $1`,
            [organisationId],
          )
        ).rows.map((r) => [r.id as string, r as { state: string; current_step_index: number }]),
      );
    await pollUntil(
      async () => {
        const states = await enrollments();
        return (
          states.get(enrollmentIds[0]!)?.state === 'paused' &&
          states.get(enrollmentIds[1]!)?.state === 'paused' &&
          to(emails[2]!) === 1
        );
      },
      { timeoutMs: 20_000 },
    );
    expect((await enrollments()).get(enrollmentIds[2]!)).toMatchObject({ state: 'active', current_step_index: 1 });
    expect(to(emails[0]!) + to(emails[1]!)).toBe(0);

    const messages = async (enrollmentId: string) =>
      (
        await db.pool.query(
          `SELECT status, error FROM outreach_messages WHERE organisation_id = $1 AND enrollment_id = $2 ORDER BY created_at`,
          [organisationId, enrollmentId],
        )
      ).rows;
    const tasks = async (enrollmentId: string) =>
      (
        await db.pool.query(
          `SELECT kind, status, last_error FROM outreach_tasks WHERE organisation_id = $1 AND enrollment_id = $2
           ORDER BY created_at`,
          [organisationId, enrollmentId],
        )
      ).rows;
    for (const [n, code] of [
      [0, '550'],
      [1, '451'],
    ] as const) {
      expect(await messages(enrollmentIds[n]!)).toEqual([{ status: 'failed', error: expect.stringContaining(code) }]);
      // What resuming will do is already queued; the paused enrollment keeps it from being claimed.
      expect(await tasks(enrollmentIds[n]!)).toEqual([
        { kind: 'draft', status: 'done', last_error: null },
        { kind: 'send', status: 'failed', last_error: expect.stringContaining(code) },
        { kind: 'draft', status: 'pending', last_error: null },
      ]);
      const listed = await db.pool.query(
        `SELECT ${enrollmentFailureColumns('e')} FROM outreach_campaign_enrollments e WHERE e.organisation_id = $1 AND e.id = $2`,
        [organisationId, enrollmentIds[n]],
      );
      expect(listed.rows[0]).toEqual({ failedMessages: 1, lastSendError: expect.stringContaining(code) });
    }

    // The cause is fixed; the operator resumes both enrollments (as the API's resume does).
    refused.clear();
    for (const id of enrollmentIds.slice(0, 2)) {
      await withTransaction(db.pool, async (client) => {
        expect(await transitionEnrollment(client, organisationId, id, 'paused', 'active')).toBe(true);
        await ensureCurrentStepTask(client, organisationId, id, new Date());
      });
    }
    await pollUntil(() => to(emails[0]!) === 1 && to(emails[1]!) === 1, { timeoutMs: 20_000 });
    await pollUntil(async () => {
      const states = await enrollments();
      return enrollmentIds.every((id) => states.get(id)?.current_step_index === 1);
    });
    for (const n of [0, 1]) {
      expect((await messages(enrollmentIds[n]!)).map((m) => m.status)).toEqual(['failed', 'sent']);
      expect((await enrollments()).get(enrollmentIds[n]!)?.state).toBe('active');
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(emails.map(to)).toEqual([1, 1, 1]);
  });
});
