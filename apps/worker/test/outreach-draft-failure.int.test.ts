import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@prospectflow/db/testing';
import { createLogger } from '@prospectflow/observability';
import { pollUntil } from '@prospectflow/testing';
import { createTestVhost } from '../../../test/rabbitmq-vhost.js';
import { composeWorker, type Worker } from '../src/compose.js';
import { loadWorkerConfig } from '../src/config.js';
import { createWorkerMetrics, type WorkerMetrics } from '../src/metrics.js';
import { seedCampaign, startSmtpCatcher, type Seeded } from './support/outreach-fixtures.js';

// A job carries several claimed tasks (OUTREACH_TASKS_PER_JOB): one task's draft failing for good
// must fail that task alone, while the job's other tasks are drafted and sent.
describe('a draft that cannot be produced, in a job with drafts that can', () => {
  let db: TestDatabase;
  let vhost: { url: string; drop: () => Promise<void> };
  let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
  let worker: Worker;
  let metrics: WorkerMetrics;
  let seeded: Seeded;

  beforeAll(async () => {
    db = await createTestDatabase(inject('templateDatabase'));
    vhost = await createTestVhost();
    smtp = await startSmtpCatcher();
    seeded = await seedCampaign(db.pool, {
      smtpPort: smtp.port,
      prospects: Array.from({ length: 12 }, (_, n) => ({
        firstName: `P${n}`,
        lastName: 'Martin',
        company: `Société ${n}`,
        jobTitle: 'Gérante',
      })),
      requireApproval: false,
      openTracking: false,
      abTest: true,
      now: new Date(),
    });
    // Variant B lost its content before any draft: the enrollments assigned to it cannot be drafted.
    await db.pool.query(
      `UPDATE outreach_step_experiment_variants SET subject_template = NULL, body_template = NULL WHERE id = $1`,
      [seeded.variantIds.B],
    );
    metrics = createWorkerMetrics();
    worker = await composeWorker({
      config: loadWorkerConfig({
        NODE_ENV: 'test',
        DATABASE_URL: db.url,
        RABBITMQ_URL: vhost.url,
        OUTBOX_POLL_INTERVAL_MS: '50',
        OUTREACH_SCHEDULER_INTERVAL_MS: '50',
        RABBITMQ_RETRY_INITIAL_DELAY_MS: '200',
      }),
      pool: db.pool,
      logger: createLogger({ level: 'silent' }),
      metrics,
    });
    await worker.broker.connect();
  });
  afterAll(async () => {
    await worker?.stop();
    await smtp?.close();
    await db?.drop();
    await vhost?.drop();
  });

  it('fails and pauses only the undraftable enrollments; the rest of the job is sent', async () => {
    const assigned = async () =>
      (
        await db.pool.query<{ enrollment_id: string; key: string }>(
          `SELECT a.enrollment_id, v.key FROM outreach_enrollment_step_variant_assignments a
           JOIN outreach_step_experiment_variants v ON v.id = a.variant_id WHERE a.organisation_id = $1`,
          [seeded.organisationId],
        )
      ).rows;
    await pollUntil(async () => (await assigned()).length === 12, { timeoutMs: 20_000 });
    const byKey = (key: string) =>
      assigned().then((rows) => rows.filter((r) => r.key === key).map((r) => r.enrollment_id));
    const [a, b] = [await byKey('A'), await byKey('B')];
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);

    // The drafts of one tick went out as one job.
    const jobs = await db.pool.query<{ n: number }>(
      `SELECT jsonb_array_length(payload->'taskIds')::int AS n FROM outreach_outbox WHERE routing_key = 'outreach.draft'`,
    );
    expect(jobs.rows.map((r) => r.n)).toEqual([12]);

    await pollUntil(() => smtp.received.length === a.length, { timeoutMs: 20_000 });
    const emailOf = new Map(seeded.enrollmentIds.map((id, n) => [id, seeded.emails[n]!]));
    const recipients = smtp.received.map((m) => (m.to && 'text' in m.to ? m.to.text : ''));
    expect(recipients.sort()).toEqual(a.map((id) => emailOf.get(id)!).sort());

    const state = await db.pool.query<{ id: string; state: string; task_status: string; last_error: string | null }>(
      `SELECT e.id, e.state, t.status AS task_status, t.last_error
       FROM outreach_campaign_enrollments e
       JOIN outreach_tasks t ON t.organisation_id = e.organisation_id AND t.enrollment_id = e.id AND t.kind = 'draft'
         AND t.step_id = $2 AND t.status IN ('failed', 'done')
       WHERE e.organisation_id = $1`,
      [seeded.organisationId, seeded.stepIds[0]],
    );
    for (const row of state.rows.filter((r) => b.includes(r.id))) {
      expect(row).toMatchObject({ state: 'paused', task_status: 'failed' });
      expect(row.last_error).toContain('neither a body template nor a prompt');
    }
    expect(state.rows.filter((r) => b.includes(r.id))).toHaveLength(b.length);
    expect(state.rows.filter((r) => a.includes(r.id)).every((r) => r.task_status === 'done')).toBe(true);
    const messages = await db.pool.query<{ enrollment_id: string }>(
      `SELECT enrollment_id FROM outreach_messages WHERE organisation_id = $1`,
      [seeded.organisationId],
    );
    expect(messages.rows.some((m) => b.includes(m.enrollment_id))).toBe(false);

    // A job whose only failures are terminal is dead-lettered once its other tasks are done.
    await pollUntil(
      async () =>
        (await metrics.jobsProcessed.get()).values.some(
          (v) => v.labels.queue === 'outreach.draft' && v.labels.outcome === 'dead' && v.value === 1,
        ),
      { timeoutMs: 10_000 },
    );
  });
});
