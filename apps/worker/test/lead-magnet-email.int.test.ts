import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findSubscriberByEmail, insertDownloadToken } from '@prospectflow/db';
import { createTestDatabase, type TestDatabase } from '@prospectflow/db/testing';
import { generateToken, hashToken, submitSignup, unsubscribe } from '@prospectflow/lead-magnet';
import { createLogger } from '@prospectflow/observability';
import { pollUntil } from '@prospectflow/testing';
import { startSesEmulator, type RunningStandin } from '../../../scripts/aws-standins.js';
import { readEmailsTo } from '../../../test/aws-standins.js';
import { createTestVhost } from '../../../test/rabbitmq-vhost.js';
import { composeWorker, type Worker } from '../src/compose.js';
import { loadWorkerConfig } from '../src/config.js';
import { createWorkerMetrics, type WorkerMetrics } from '../src/metrics.js';

const BASE_URL = 'https://app.example.test';

/** A port nothing listens on yet: SES is "down" until the emulator is started on it. */
async function reservePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function signupBody(email: string) {
  return {
    email,
    consent: true,
    consentText: "J'accepte de recevoir le guide et les e-mails de Light & Shutter.",
    privacyPolicyVersion: '2025-01',
    source: 'instagram',
  };
}

// signup (submitSignup) → outbox → relay → lead-magnet.email → consumer → SES v2 emulator, all real.
describe('lead-magnet.email through the worker composition', () => {
  let db: TestDatabase;
  let vhost: { url: string; drop: () => Promise<void> };
  let worker: Worker;
  let metrics: WorkerMetrics;
  let sesPort: number;
  let ses: RunningStandin | undefined;
  const sesEndpoint = () => `http://127.0.0.1:${sesPort}`;

  const emailCount = async (kind: string, outcome: string) =>
    (await metrics.leadMagnetEmails.get()).values.find((v) => v.labels.kind === kind && v.labels.outcome === outcome)
      ?.value ?? 0;
  const jobOf = async (email: string) => {
    const subscriber = await findSubscriberByEmail(db.pool, email);
    const { rows } = await db.pool.query(
      `SELECT id, status, attempts, last_error FROM lm_email_jobs WHERE subscriber_id = $1 ORDER BY created_at DESC`,
      [subscriber!.id],
    );
    return rows[0] as { id: string; status: string; attempts: number; last_error: string | null };
  };
  const uniqueEmail = (tag: string) => `${tag}.${randomUUID().slice(0, 8)}@example.fr`;

  beforeAll(async () => {
    // Its own vhost: the tiny retry delays are queue arguments that would conflict with other files'
    // workers, and their consumers of lead-magnet.email (on other databases) must not take our jobs.
    [db, vhost, sesPort] = await Promise.all([
      createTestDatabase(inject('templateDatabase')),
      createTestVhost(),
      reservePort(),
    ]);
    const config = loadWorkerConfig({
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      RABBITMQ_URL: vhost.url,
      OUTBOX_POLL_INTERVAL_MS: '50',
      RABBITMQ_RETRY_INITIAL_DELAY_MS: '200',
      SES_ENDPOINT: sesEndpoint(),
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      LEAD_MAGNET_PUBLIC_BASE_URL: BASE_URL,
    });
    metrics = createWorkerMetrics();
    worker = await composeWorker({ config, pool: db.pool, logger: createLogger({ level: 'silent' }), metrics });
    await worker.broker.connect();
  });
  afterAll(async () => {
    await worker?.stop();
    await ses?.stop();
    await Promise.all([db?.drop(), vhost?.drop()]);
  });

  it('retries while SES is down, then sends once it is back; a subscriber who unsubscribed meanwhile is skipped', async () => {
    const bride = uniqueEmail('attente');
    const leaving = uniqueEmail('partie');
    await submitSignup(db.pool, signupBody(bride));
    await submitSignup(db.pool, signupBody(leaving));
    await pollUntil(async () => (await jobOf(bride)).last_error && (await jobOf(leaving)).last_error, {
      what: 'both sends to fail against the closed port',
    });
    expect(await emailCount('confirm', 'failed')).toBeGreaterThanOrEqual(2);
    expect(await jobOf(bride)).toMatchObject({ status: 'pending' });

    // She unsubscribes (through a link of hers) while her email is still waiting for a retry.
    const token = generateToken();
    const leavingId = (await findSubscriberByEmail(db.pool, leaving))!.id;
    await insertDownloadToken(db.pool, {
      subscriberId: leavingId,
      tokenHash: hashToken(token),
      purpose: 'confirm_and_download',
      ttlSeconds: 3600,
    });
    expect(await unsubscribe(db.pool, token)).toMatchObject({ outcome: 'ok', unsubscribedNow: true });

    ses = await startSesEmulator({ port: sesPort });
    await pollUntil(async () => (await jobOf(bride)).status === 'sent' && (await jobOf(leaving)).status === 'skipped', {
      timeoutMs: 15_000,
      what: 'the retried jobs to be sent and skipped',
    });
    const received = await readEmailsTo(sesEndpoint(), bride);
    expect(received).toHaveLength(1);
    expect(received[0]!.subject).toBe('Confirmez votre adresse pour recevoir votre guide');
    expect(received[0]!.body.text).toMatch(new RegExp(`${BASE_URL}/api/lead-magnet/confirm/[A-Za-z0-9_-]{43}`));
    expect(await readEmailsTo(sesEndpoint(), leaving)).toHaveLength(0);
    expect(await emailCount('confirm', 'skipped')).toBe(1);
  });

  it('sends a signup email exactly once, even when the message is delivered again', async () => {
    await pollUntil(() => ses, { what: 'the SES emulator (started by the previous test)' });
    const bride = uniqueEmail('mariee');
    const sentBefore = await emailCount('confirm', 'sent');
    await submitSignup(db.pool, signupBody(bride));
    await pollUntil(async () => (await jobOf(bride)).status === 'sent', { what: 'the confirmation email job' });
    expect(await readEmailsTo(sesEndpoint(), bride)).toHaveLength(1);
    expect(await emailCount('confirm', 'sent')).toBe(sentBefore + 1);
    const subscriber = await findSubscriberByEmail(db.pool, bride);
    expect(subscriber?.lastEmailSentAt).toBeTruthy();

    // The relay publishes the same outbox row again (at-least-once): the consumer acks without sending.
    await db.pool.query(
      `UPDATE outreach_outbox SET published_at = NULL, available_at = now() WHERE payload->>'jobId' = $1`,
      [(await jobOf(bride)).id],
    );
    await pollUntil(async () => (await emailCount('confirm', 'already_done')) >= 1, { what: 'the redelivery' });
    expect(await readEmailsTo(sesEndpoint(), bride)).toHaveLength(1);
  });
});
