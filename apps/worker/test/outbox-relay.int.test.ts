import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { enqueueOutbox, outboxBacklog } from '@prospectflow/db';
import { createTestDatabase, type TestDatabase } from '@prospectflow/db/testing';
import {
  createConnectionManager,
  defineTopology,
  type ConnectionManager,
  type Topology,
} from '@prospectflow/messaging';
import { createLogger } from '@prospectflow/observability';
import { pollUntil } from '@prospectflow/testing';
import { purgeOutbox, relayOutboxBatch, startOutboxRelay } from '../src/outbox/relay.js';

const logger = createLogger({ level: 'silent' });

describe('outbox relay', () => {
  let db: TestDatabase;
  let topology: Topology;
  let broker: ConnectionManager;
  const received: { payload: unknown; messageId: string | undefined }[] = [];

  beforeAll(async () => {
    db = await createTestDatabase(inject('templateDatabase'));
    topology = defineTopology({
      prefix: `t${randomBytes(3).toString('hex')}-relay`,
      queues: ['jobs'],
      maxDeliveries: 3,
    });
    broker = createConnectionManager({ url: inject('rabbitmqUrl'), topologies: [topology], logger });
    await broker.connect();
    await broker.consume(topology.jobQueues[0]!, (payload, context) => {
      received.push({ payload, messageId: context.messageId });
    });
  });

  afterAll(async () => {
    await broker.close();
    await db.drop();
  });

  it('publishes due rows with confirms, marks them, and never publishes a row twice', async () => {
    const routingKey = topology.jobQueues[0]!;
    const ids = await enqueueOutbox(db.pool, [
      { routingKey, payload: { n: 1 } },
      { routingKey, payload: { n: 2 } },
      { routingKey, payload: { n: 3 }, availableAt: new Date(Date.now() + 3_600_000) },
    ]);
    const publish = broker.publish.bind(broker);
    expect(await relayOutboxBatch({ pool: db.pool, publish, logger })).toBe(2);
    expect(await relayOutboxBatch({ pool: db.pool, publish, logger })).toBe(0);
    await pollUntil(() => received.length >= 2);
    expect(received.map((r) => r.payload)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(received.map((r) => r.messageId)).toEqual([`outbox-${ids[0]}`, `outbox-${ids[1]}`]);
    expect(await outboxBacklog(db.pool)).toMatchObject({ pending: 1 });
    received.length = 0;
    await db.pool.query('DELETE FROM outreach_outbox');
  });

  it('loses nothing while the broker is unreachable and delivers once it is back', async () => {
    const routingKey = topology.jobQueues[0]!;
    await enqueueOutbox(db.pool, [{ routingKey, payload: { n: 'during-outage' } }]);
    const unreachable = createConnectionManager({
      url: 'amqp://guest:guest@127.0.0.1:5999',
      topologies: [topology],
      logger,
      reconnect: { initialMaxRetries: 0 },
    });
    const failing = await relayOutboxBatch({ pool: db.pool, publish: unreachable.publish.bind(unreachable), logger });
    expect(failing).toBe(1);
    const row = await db.pool.query(
      'SELECT attempts, last_error, published_at, available_at > now() AS postponed FROM outreach_outbox',
    );
    expect(row.rows[0]).toMatchObject({ attempts: 1, published_at: null, postponed: true });
    expect(row.rows[0].last_error).toBeTruthy();
    await unreachable.close();

    await db.pool.query('UPDATE outreach_outbox SET available_at = now()');
    const relay = startOutboxRelay({ pool: db.pool, publish: broker.publish.bind(broker), logger, intervalMs: 50 });
    await pollUntil(() => received.length >= 1);
    await relay.stop();
    expect(received[0]!.payload).toEqual({ n: 'during-outage' });
    expect(await outboxBacklog(db.pool)).toMatchObject({ pending: 0 });
  });

  it('purges published rows past the retention and keeps recent or unpublished ones', async () => {
    await db.pool.query('DELETE FROM outreach_outbox');
    const { rows } = await db.pool.query<{ id: string; label: string }>(
      `INSERT INTO outreach_outbox (routing_key, payload, published_at, created_at)
       VALUES ('x', '{"label":"old-published"}', now() - interval '4 days', now() - interval '4 days'),
              ('x', '{"label":"recent-published"}', now() - interval '1 hour', now() - interval '1 hour'),
              ('x', '{"label":"old-unpublished"}', NULL, now() - interval '5 days')
       RETURNING id, payload->>'label' AS label`,
    );
    expect(rows).toHaveLength(3);
    expect(await purgeOutbox(db.pool, new Date(), 72 * 3_600_000)).toBe(1);
    const left = await db.pool.query<{ label: string }>(
      `SELECT payload->>'label' AS label FROM outreach_outbox ORDER BY id`,
    );
    expect(left.rows.map((r) => r.label)).toEqual(['recent-published', 'old-unpublished']);
    expect(await purgeOutbox(db.pool, new Date(), 72 * 3_600_000)).toBe(0);
    await db.pool.query(`UPDATE outreach_outbox SET published_at = now() WHERE published_at IS NULL`);
  });
});
