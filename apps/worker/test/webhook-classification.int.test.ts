import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ReplyClassification } from '@prospectflow/contracts';
import { insertWebhookEndpoint, withTransaction } from '@prospectflow/db';
import { createTestDatabase, type TestDatabase } from '@prospectflow/db/testing';
import { applyClassification, manualClock } from '@prospectflow/outreach';
import { seedCampaign, type Seeded } from './support/outreach-fixtures.js';

// applyClassification (packages/outreach/src/replies) → webhook deliveries and outbox rows, in its transaction.
describe('webhook events of classified inbound messages', () => {
  let db: TestDatabase;
  let seeded: Seeded;
  const clock = manualClock(new Date());

  const inbound = async () =>
    (
      await db.pool.query(
        `INSERT INTO outreach_messages (organisation_id, enrollment_id, direction, status, message_id, from_email,
           subject, body_text, received_at)
         VALUES ($1, $2, 'inbound', 'received', $3, $4, 'Re: Bonjour', 'Merci', now()) RETURNING id`,
        [seeded.organisationId, seeded.enrollmentIds[0], `<${randomUUID()}@prospect.example>`, seeded.emails[0]],
      )
    ).rows[0].id as string;
  const classify = (messageId: string, classification: ReplyClassification) =>
    withTransaction(db.pool, (client) =>
      applyClassification(client, {
        organisationId: seeded.organisationId,
        messageId,
        classification,
        reason: `test: ${classification}`,
        clock,
      }),
    );
  const events = async () =>
    (
      await db.pool.query(
        `SELECT d.event_type AS type, d.payload AS data, (o.id IS NOT NULL) AS queued
         FROM outreach_webhook_deliveries d
         LEFT JOIN outreach_outbox o ON o.routing_key = 'webhooks.deliver' AND o.payload->>'deliveryId' = d.id::text
         WHERE d.organisation_id = $1 ORDER BY d.created_at, d.event_type`,
        [seeded.organisationId],
      )
    ).rows;

  beforeAll(async () => {
    db = await createTestDatabase(inject('templateDatabase'));
    seeded = await seedCampaign(db.pool, {
      smtpPort: 2525,
      prospects: [{ firstName: 'Inès', lastName: 'Roux', company: 'Roux SARL', jobTitle: 'CEO' }],
      requireApproval: false,
      openTracking: false,
      abTest: false,
      now: clock(),
    });
    await insertWebhookEndpoint(db.pool, seeded.organisationId, {
      url: 'https://hooks.example.com/pf',
      description: '',
      eventTypes: ['reply.received', 'message.bounced', 'prospect.unsubscribed'],
      enabled: true,
      secretEncrypted: 'v1.unused.in.this-test',
      createdBy: null,
    });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('emits reply.received and prospect.unsubscribed once, then again only when the class changes', async () => {
    const messageId = await inbound();
    await classify(messageId, 'unsubscribe_request');
    await classify(messageId, 'unsubscribe_request');
    expect(await events()).toEqual([
      {
        type: 'prospect.unsubscribed',
        queued: true,
        data: { email: seeded.emails[0], source: 'reply', messageId, enrollmentId: seeded.enrollmentIds[0] },
      },
      {
        type: 'reply.received',
        queued: true,
        data: expect.objectContaining({
          messageId,
          enrollmentId: seeded.enrollmentIds[0],
          email: seeded.emails[0],
          classification: 'unsubscribe_request',
          reclassified: false,
        }),
      },
    ]);

    await classify(messageId, 'human_reply');
    const after = await events();
    expect(after).toHaveLength(3);
    expect(after[2]).toMatchObject({
      type: 'reply.received',
      data: { classification: 'human_reply', reclassified: true },
    });
  });

  it('emits message.bounced for a bounce, saying whether it is permanent', async () => {
    const messageId = await inbound();
    await classify(messageId, 'bounce_temporary');
    const bounced = (await events()).filter((e) => e.type === 'message.bounced');
    expect(bounced).toEqual([
      { type: 'message.bounced', queued: true, data: expect.objectContaining({ messageId, permanent: false }) },
    ]);
  });
});
