import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WEBHOOKS_DELIVER_QUEUE, type WebhookEventType } from '@prospectflow/contracts';
import { emitWebhookEvent, insertWebhookEndpoint, unsubscribeByToken, withTransaction } from '@prospectflow/db';
import { createTestDatabase, type TestDatabase } from '@prospectflow/db/testing';
import { createLogger } from '@prospectflow/observability';
import {
  encryptMailboxSecret,
  loadMailboxSecretsKey,
  manualClock,
  verifyWebhookSignature,
} from '@prospectflow/outreach';
import { pollUntil } from '@prospectflow/testing';
import { createTestVhost } from '../../../test/rabbitmq-vhost.js';
import { composeWorker, type Worker } from '../src/compose.js';
import { loadWorkerConfig } from '../src/config.js';
import { createWorkerMetrics, type WorkerMetrics } from '../src/metrics.js';
import { seedCampaign, startSmtpCatcher } from './support/outreach-fixtures.js';
import { startWebhookReceiver } from './support/webhook-receiver.js';

const KEY = Buffer.alloc(32, 9).toString('base64');
const SECRET = 'whsec_worker-test-secret';

// emitWebhookEvent → outbox → relay → webhooks.deliver → consumer → a local HTTP receiver, all real.
describe('outbound webhooks through the worker composition', () => {
  let db: TestDatabase;
  let vhost: { url: string; drop: () => Promise<void> };
  let worker: Worker;
  let metrics: WorkerMetrics;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
  let organisationId: string;
  const clock = manualClock(new Date());

  const addEndpoint = async (path: string, eventTypes: WebhookEventType[] = ['reply.received'], enabled = true) =>
    (
      await insertWebhookEndpoint(db.pool, organisationId, {
        url: receiver.url(path),
        description: path,
        eventTypes,
        enabled,
        secretEncrypted: encryptMailboxSecret(loadMailboxSecretsKey({ MAILBOX_SECRETS_KEY: KEY }), SECRET),
        createdBy: null,
      })
    ).id;
  const emit = (type: WebhookEventType, data: object, organisation = organisationId) =>
    withTransaction(db.pool, (client) => emitWebhookEvent(client, organisation, type, data));
  /** Emits the event and returns the id of the delivery to `endpointId` (other endpoints may get one too). */
  const emitTo = async (endpointId: string, type: WebhookEventType, data: object) => {
    const ids = await emit(type, data);
    const { rows } = await db.pool.query(
      `SELECT id FROM outreach_webhook_deliveries WHERE id = ANY($1::uuid[]) AND endpoint_id = $2`,
      [ids, endpointId],
    );
    return rows[0].id as string;
  };
  const deliveryOf = async (id: string) =>
    (
      await db.pool.query(
        `SELECT status, attempts, last_status AS "lastStatus", last_error AS "lastError", delivered_at AS "deliveredAt"
         FROM outreach_webhook_deliveries WHERE id = $1`,
        [id],
      )
    ).rows[0];
  const outcomes = async (outcome: string) =>
    (await metrics.webhookDeliveries.get()).values
      .filter((v) => v.labels.outcome === outcome)
      .reduce((sum, v) => sum + v.value, 0);
  const expectSigned = (request: { headers: Record<string, unknown>; body: string }) => {
    const timestamp = String(request.headers['x-prospectflow-timestamp']);
    const signature = String(request.headers['x-prospectflow-signature']);
    const expected = createHmac('sha256', SECRET).update(`${timestamp}.${request.body}`).digest('hex');
    expect(signature).toBe(`sha256=${expected}`);
    expect(verifyWebhookSignature(SECRET, { timestamp, signature }, request.body)).toBe(true);
  };

  beforeAll(async () => {
    // Its own vhost: the tiny retry delays are queue arguments that would conflict with other files' workers.
    [db, vhost, receiver, smtp] = await Promise.all([
      createTestDatabase(inject('templateDatabase')),
      createTestVhost(),
      startWebhookReceiver(),
      startSmtpCatcher(),
    ]);
    const config = loadWorkerConfig({
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      RABBITMQ_URL: vhost.url,
      OUTBOX_POLL_INTERVAL_MS: '50',
      OUTREACH_SCHEDULER_INTERVAL_MS: '50',
      RABBITMQ_RETRY_INITIAL_DELAY_MS: '200',
      RABBITMQ_MAX_DELIVERIES: '3',
      MAILBOX_SECRETS_KEY: KEY,
      WEBHOOK_TIMEOUT_MS: '2000',
    });
    metrics = createWorkerMetrics();
    worker = await composeWorker({ config, pool: db.pool, logger: createLogger({ level: 'silent' }), metrics, clock });
    await worker.broker.connect();
    const { rows } = await db.pool.query(
      `INSERT INTO iam_organisations (name, slug) VALUES ('Hooks', $1) RETURNING id`,
      [`hooks-${randomUUID().slice(0, 8)}`],
    );
    organisationId = rows[0].id;
  });
  afterAll(async () => {
    await worker?.stop();
    await Promise.all([receiver?.close(), smtp?.close()]);
    await Promise.all([db?.drop(), vhost?.drop()]);
  });

  it('POSTs a signed envelope once, only to enabled endpoints subscribed to the type', async () => {
    const endpointId = await addEndpoint('/ok');
    await addEndpoint('/other-type', ['message.bounced']);
    await addEndpoint('/disabled', ['reply.received'], false);
    const deliveryIds = await emit('reply.received', { messageId: 'm-1', classification: 'human_reply' });
    expect(deliveryIds).toHaveLength(1);
    const deliveryId = deliveryIds[0]!;

    await pollUntil(async () => (await deliveryOf(deliveryId)).status === 'delivered', { what: 'the delivery' });
    expect(await deliveryOf(deliveryId)).toMatchObject({ attempts: 1, lastStatus: 200, lastError: null });
    const [request, ...others] = receiver.to('/ok');
    expect(others).toEqual([]);
    expect(receiver.to('/other-type')).toEqual([]);
    expect(receiver.to('/disabled')).toEqual([]);
    expect(request!.headers).toMatchObject({
      'content-type': 'application/json',
      'x-prospectflow-event': 'reply.received',
      'x-prospectflow-delivery': deliveryId,
    });
    expectSigned(request!);
    const envelope = JSON.parse(request!.body);
    expect(Object.keys(envelope)).toEqual(['id', 'type', 'createdAt', 'organisationId', 'data']);
    expect(envelope).toMatchObject({
      type: 'reply.received',
      organisationId,
      data: { messageId: 'm-1', classification: 'human_reply' },
    });
    expect(envelope.id).toMatch(/^[0-9a-f-]{36}$/);
    const { rows } = await db.pool.query(`SELECT endpoint_id FROM outreach_webhook_deliveries WHERE id = $1`, [
      deliveryId,
    ]);
    expect(rows[0].endpoint_id).toBe(endpointId);
  });

  it('does not send a delivered event again when its job is delivered twice', async () => {
    const endpointId = await addEndpoint('/twice', ['message.bounced']);
    const deliveryId = await emitTo(endpointId, 'message.bounced', { email: 'gone@example.fr' });
    await pollUntil(async () => (await deliveryOf(deliveryId)).status === 'delivered');
    const settledBefore = await outcomes('settled');

    await worker.broker.publish(WEBHOOKS_DELIVER_QUEUE, { organisationId, deliveryId }, { messageId: 'replayed' });
    await pollUntil(async () => (await outcomes('settled')) > settledBefore, { what: 'the replayed job' });
    expect(receiver.to('/twice')).toHaveLength(1);
    expect(await deliveryOf(deliveryId)).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('retries a 500 with back-off through the queue, then delivers the same event', async () => {
    receiver.script('/flaky', [500, 200]);
    const endpointId = await addEndpoint('/flaky', ['enrollment.finished']);
    const deliveryId = await emitTo(endpointId, 'enrollment.finished', { enrollmentId: 'e-1' });

    await pollUntil(async () => (await deliveryOf(deliveryId)).status === 'delivered', {
      what: 'the retried delivery',
    });
    expect(await deliveryOf(deliveryId)).toMatchObject({ attempts: 2, lastStatus: 200, lastError: null });
    const [first, second] = receiver.to('/flaky');
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(180);
    expect(JSON.parse(second!.body).id).toBe(JSON.parse(first!.body).id);
    expect(second!.headers['x-prospectflow-delivery']).toBe(deliveryId);
    expectSigned(second!);
  });

  it('fails a 400 at once without retrying', async () => {
    receiver.script('/bad', [400]);
    const endpointId = await addEndpoint('/bad', ['prospect.unsubscribed']);
    const rejectedBefore = await outcomes('rejected');
    const deliveryId = await emitTo(endpointId, 'prospect.unsubscribed', { email: 'x@example.fr' });

    await pollUntil(async () => (await deliveryOf(deliveryId)).status === 'failed', { what: 'the failed delivery' });
    expect(await deliveryOf(deliveryId)).toMatchObject({ attempts: 1, lastStatus: 400, lastError: 'HTTP 400' });
    // The job was acked ("rejected"), so no retry copy exists.
    expect(await outcomes('rejected')).toBe(rejectedBefore + 1);
    expect(receiver.to('/bad')).toHaveLength(1);
  });

  it('gives up after the last delivery of a job whose endpoint keeps answering 503', async () => {
    receiver.script('/down', [503]);
    const endpointId = await addEndpoint('/down', ['message.bounced']);
    const deliveryId = await emitTo(endpointId, 'message.bounced', { n: 1 });
    await pollUntil(async () => (await deliveryOf(deliveryId)).status === 'failed', {
      timeoutMs: 15_000,
      what: 'the exhausted delivery',
    });
    expect(await deliveryOf(deliveryId)).toMatchObject({ attempts: 3, lastStatus: 503, lastError: 'HTTP 503' });
    expect(receiver.to('/down')).toHaveLength(3);
  });

  it('emits enrollment.finished after the last step is sent and prospect.unsubscribed once per address', async () => {
    const seeded = await seedCampaign(db.pool, {
      smtpPort: smtp.port,
      prospects: [{ firstName: 'Inès', lastName: 'Roux', company: 'Roux SARL', jobTitle: 'CEO' }],
      requireApproval: false,
      openTracking: false,
      abTest: false,
      now: clock(),
    });
    await db.pool.query(`UPDATE outreach_workflow_steps SET enabled = false WHERE id = $1`, [seeded.stepIds[1]]);
    await insertWebhookEndpoint(db.pool, seeded.organisationId, {
      url: receiver.url('/sequence'),
      description: '',
      eventTypes: ['enrollment.finished', 'prospect.unsubscribed'],
      enabled: true,
      secretEncrypted: encryptMailboxSecret(loadMailboxSecretsKey({ MAILBOX_SECRETS_KEY: KEY }), SECRET),
      createdBy: null,
    });

    const finished = await pollUntil(
      () => receiver.to('/sequence').find((r) => r.headers['x-prospectflow-event'] === 'enrollment.finished'),
      { timeoutMs: 15_000, what: 'enrollment.finished' },
    );
    expect(JSON.parse(finished.body)).toMatchObject({
      organisationId: seeded.organisationId,
      data: {
        enrollmentId: seeded.enrollmentIds[0],
        campaignId: seeded.campaignId,
        email: seeded.emails[0],
        reason: 'completed',
      },
    });
    expectSigned(finished);

    const { rows } = await db.pool.query(
      `SELECT unsubscribe_token_hash AS hash FROM outreach_messages WHERE organisation_id = $1 AND status = 'sent'`,
      [seeded.organisationId],
    );
    for (let i = 0; i < 2; i += 1) await withTransaction(db.pool, (c) => unsubscribeByToken(c, rows[0].hash));
    const unsubscribed = await pollUntil(
      () => receiver.to('/sequence').find((r) => r.headers['x-prospectflow-event'] === 'prospect.unsubscribed'),
      { what: 'prospect.unsubscribed' },
    );
    expect(JSON.parse(unsubscribed.body).data).toMatchObject({ email: seeded.emails[0], source: 'unsubscribe_link' });
    const { rows: events } = await db.pool.query(
      `SELECT event_type, count(*)::int AS n FROM outreach_webhook_deliveries WHERE organisation_id = $1 GROUP BY 1`,
      [seeded.organisationId],
    );
    expect(Object.fromEntries(events.map((e) => [e.event_type, e.n]))).toEqual({
      'enrollment.finished': 1,
      'prospect.unsubscribed': 1,
    });
  });
});
