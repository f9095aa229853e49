import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@prospectflow/db/testing';
import { createLogger } from '@prospectflow/observability';
import { pollUntil } from '@prospectflow/testing';
import { createTestVhost } from '../../../test/rabbitmq-vhost.js';
import { composeWorker, type Worker } from '../src/compose.js';
import { loadWorkerConfig } from '../src/config.js';
import { createWorkerMetrics } from '../src/metrics.js';
import { messageStatuses, seedCampaign, startSmtpCatcher } from './support/outreach-fixtures.js';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

describe('a worker killed with SIGKILL mid-batch', () => {
  let db: TestDatabase;
  let vhost: { url: string; drop: () => Promise<void> };
  let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
  let worker: Worker | undefined;

  beforeAll(async () => {
    db = await createTestDatabase(inject('templateDatabase'));
    vhost = await createTestVhost();
    smtp = await startSmtpCatcher({ delayMs: 100 });
  });
  afterAll(async () => {
    await worker?.stop();
    await smtp?.close();
    await db?.drop();
    await vhost?.drop();
  });

  it(
    'sends no email twice: the replacement worker finishes the batch and skips interrupted sends',
    { timeout: 120_000 },
    async () => {
      const env = {
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: db.url,
        RABBITMQ_URL: vhost.url,
        WORKER_PORT: '0',
        OUTBOX_POLL_INTERVAL_MS: '50',
        OUTREACH_SCHEDULER_INTERVAL_MS: '50',
        OUTREACH_CLAIM_LOCK_SECONDS: '3',
        OUTREACH_SEND_CONCURRENCY: '5',
        RABBITMQ_RETRY_INITIAL_DELAY_MS: '200',
      };
      const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      const prospects = Array.from({ length: 30 }, (_, n) => ({
        firstName: `P${n}`,
        lastName: 'Roux',
        company: `Société ${n}`,
        jobTitle: 'COO',
      }));
      const seeded = await seedCampaign(db.pool, {
        smtpPort: smtp.port,
        prospects,
        requireApproval: false,
        openTracking: true,
        abTest: false,
        now: new Date(),
      });
      await pollUntil(() => smtp.received.length >= 6, { timeoutMs: 40_000 }).catch((error: unknown) => {
        throw new Error(`worker child did not send: ${stderr.slice(-2000)}`, { cause: error });
      });
      child.kill('SIGKILL');
      await exited;
      const atKill = smtp.received.length;
      expect(atKill).toBeLessThan(30);

      const config = loadWorkerConfig(env);
      const metrics = createWorkerMetrics();
      worker = await composeWorker({
        config,
        pool: db.pool,
        logger: createLogger({ level: 'silent' }),
        metrics,
      });
      await worker.broker.connect();
      const settled = async () => {
        const live = await db.pool.query(
          `SELECT count(*)::int AS n FROM outreach_tasks WHERE organisation_id = $1 AND status IN ('pending', 'claimed') AND scheduled_for <= now()`,
          [seeded.organisationId],
        );
        const statuses = await messageStatuses(db.pool, seeded.organisationId);
        return live.rows[0].n === 0 && (statuses.sent ?? 0) + (statuses.sending ?? 0) === 30;
      };
      await pollUntil(settled, { timeoutMs: 30_000 }).catch(async (error: unknown) => {
        const tasks = await db.pool.query(
          `SELECT kind, status, last_error, count(*)::int AS n FROM outreach_tasks WHERE organisation_id = $1 GROUP BY 1, 2, 3`,
          [seeded.organisationId],
        );
        const state = JSON.stringify({
          tasks: tasks.rows,
          messages: await messageStatuses(db.pool, seeded.organisationId),
        });
        throw new Error(`not settled: ${state}`, { cause: error });
      });
      const recipients = smtp.received.map((m) => (m.to && 'text' in m.to ? m.to.text : ''));
      expect(new Set(recipients).size).toBe(recipients.length);
      const statuses = await messageStatuses(db.pool, seeded.organisationId);
      // Every message left once, except those interrupted between the guard and the server's reply:
      // they stay `sending` (possibly delivered) and are never sent again.
      expect(recipients.length).toBeGreaterThanOrEqual(statuses.sent ?? 0);
      expect(recipients.length).toBeLessThanOrEqual(30);
      const interrupted = await db.pool.query(
        `SELECT count(*)::int AS n FROM outreach_tasks WHERE organisation_id = $1 AND kind = 'send' AND status = 'failed'`,
        [seeded.organisationId],
      );
      expect(interrupted.rows[0].n).toBe(statuses.sending ?? 0);
      // Operators can alert on them.
      const uncertain = (await metrics.emailsUncertain.get()).values.find((v) => v.labels.outcome === 'interrupted');
      expect(uncertain?.value ?? 0).toBe(statuses.sending ?? 0);
    },
  );
});
