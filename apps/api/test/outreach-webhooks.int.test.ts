import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptMailboxSecret, loadMailboxSecretsKey } from '@prospectflow/outreach';
import { startApi, type ApiHarness } from './support/api-harness.js';
import { outreachClient } from './support/outreach-fixtures.js';
import { addMemberWithRole, createTenant, expectCrossTenantNotFound, type TenantFixture } from './support/tenants.js';

const KEY = Buffer.alloc(32, 5).toString('base64');
const HOOK = 'https://hooks.example.com/prospectflow';

describe('outbound webhooks API', () => {
  let api: ApiHarness;
  let a: TenantFixture;
  let b: TenantFixture;
  let call: ReturnType<typeof outreachClient>;

  beforeAll(async () => {
    api = await startApi({ MAILBOX_SECRETS_KEY: KEY });
    [a, b] = [await createTenant(api, 'hooks-a'), await createTenant(api, 'hooks-b')];
    call = outreachClient(api, a);
  });
  afterAll(async () => {
    await api.close();
  });

  const storedSecret = async (id: string) =>
    (await api.db.pool.query(`SELECT secret_encrypted FROM outreach_webhook_endpoints WHERE id = $1`, [id])).rows[0]
      .secret_encrypted as string;
  const decrypt = (stored: string) => decryptMailboxSecret(loadMailboxSecretsKey({ MAILBOX_SECRETS_KEY: KEY }), stored);
  const outboxFor = async (deliveryId: string) =>
    (
      await api.db.pool.query(
        `SELECT routing_key AS "routingKey", payload FROM outreach_outbox WHERE payload->>'deliveryId' = $1`,
        [deliveryId],
      )
    ).rows;

  it('creates an endpoint, shows its secret once and stores it encrypted', async () => {
    const created = await call(
      'POST',
      '/webhooks',
      { url: HOOK, eventTypes: ['reply.received', 'message.bounced', 'reply.received'], description: 'CRM sync' },
      201,
    );
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created.endpoint).toMatchObject({
      url: HOOK,
      description: 'CRM sync',
      eventTypes: ['reply.received', 'message.bounced'],
      enabled: true,
      createdBy: a.adminUserId,
    });
    const stored = await storedSecret(created.endpoint.id);
    expect(stored).not.toContain(created.secret);
    expect(decrypt(stored)).toBe(created.secret);
    const reads = [await call('GET', '/webhooks'), await call('GET', `/webhooks/${created.endpoint.id}`)];
    expect(reads[0].items.map((w: { id: string }) => w.id)).toContain(created.endpoint.id);
    for (const read of reads) expect(JSON.stringify(read)).not.toMatch(/whsec_|secret|v1\./);
  });

  it('edits, rotates the secret and deletes an endpoint with its deliveries', async () => {
    const { endpoint, secret } = await call('POST', '/webhooks', { url: HOOK, eventTypes: ['reply.received'] }, 201);
    const edited = await call('PATCH', `/webhooks/${endpoint.id}`, {
      eventTypes: ['enrollment.finished'],
      enabled: false,
    });
    expect(edited).toMatchObject({ url: HOOK, eventTypes: ['enrollment.finished'], enabled: false });
    const rotated = await call('POST', `/webhooks/${endpoint.id}/rotate-secret`);
    expect(rotated.secret).not.toBe(secret);
    expect(decrypt(await storedSecret(endpoint.id))).toBe(rotated.secret);

    await call('PATCH', `/webhooks/${endpoint.id}`, { enabled: true });
    const ping = await call('POST', `/webhooks/${endpoint.id}/test`, undefined, 202);
    await call('DELETE', `/webhooks/${endpoint.id}`, undefined, 204);
    await call('GET', `/webhooks/${endpoint.id}`, undefined, 404);
    const { rowCount } = await api.db.pool.query(`SELECT 1 FROM outreach_webhook_deliveries WHERE id = $1`, [ping.id]);
    expect(rowCount).toBe(0);
  });

  it('queues a ping through the outbox and lists the delivery log with a status filter and pages', async () => {
    const { endpoint } = await call('POST', '/webhooks', { url: HOOK, eventTypes: ['reply.received'] }, 201);
    const ping = await call('POST', `/webhooks/${endpoint.id}/test`, undefined, 202);
    expect(ping).toMatchObject({ endpointId: endpoint.id, eventType: 'ping', status: 'pending', attempts: 0 });
    expect(await outboxFor(ping.id)).toEqual([
      { routingKey: 'webhooks.deliver', payload: { organisationId: a.organisationId, deliveryId: ping.id } },
    ]);
    const second = await call('POST', `/webhooks/${endpoint.id}/test`, undefined, 202);
    await api.db.pool.query(
      `UPDATE outreach_webhook_deliveries SET status = 'failed', attempts = 1, last_status = 400 WHERE id = $1`,
      [ping.id],
    );

    const first = await call('GET', `/webhooks/${endpoint.id}/deliveries?limit=1`);
    expect(first.items.map((d: { id: string }) => d.id)).toEqual([second.id]);
    const next = await call('GET', `/webhooks/${endpoint.id}/deliveries?limit=1&cursor=${first.nextCursor}`);
    expect(next).toMatchObject({ items: [{ id: ping.id, status: 'failed', lastStatus: 400 }], nextCursor: null });
    const failed = await call('GET', `/webhooks/${endpoint.id}/deliveries?status=failed`);
    expect(failed.items.map((d: { id: string }) => d.id)).toEqual([ping.id]);

    const redelivered = await call('POST', `/webhooks/${endpoint.id}/deliveries/${ping.id}/redeliver`, undefined, 202);
    expect(redelivered).toMatchObject({ eventId: ping.eventId, eventType: 'ping', status: 'pending', attempts: 0 });
    expect(redelivered.id).not.toBe(ping.id);
    expect(redelivered.payload).toEqual(ping.payload);
    expect(await outboxFor(redelivered.id)).toHaveLength(1);
    const pending = await api.request('POST', `/api/v1/webhooks/${endpoint.id}/deliveries/${second.id}/redeliver`, {
      token: a.adminToken,
      organisationId: a.organisationId,
    });
    expect(pending.status).toBe(409);
    expect(pending.body.error.code).toBe('delivery_pending');
    expect(await call('GET', `/webhooks/${endpoint.id}/deliveries/${redelivered.id}`)).toMatchObject({
      status: 'pending',
    });
  });

  it('refuses a test or a redelivery on a disabled endpoint', async () => {
    const { endpoint } = await call('POST', '/webhooks', { url: HOOK, eventTypes: ['reply.received'] }, 201);
    const ping = await call('POST', `/webhooks/${endpoint.id}/test`, undefined, 202);
    await api.db.pool.query(`UPDATE outreach_webhook_deliveries SET status = 'delivered' WHERE id = $1`, [ping.id]);
    await call('PATCH', `/webhooks/${endpoint.id}`, { enabled: false });
    const opts = { token: a.adminToken, organisationId: a.organisationId };
    for (const path of [`/test`, `/deliveries/${ping.id}/redeliver`]) {
      const res = await api.request('POST', `/api/v1/webhooks/${endpoint.id}${path}`, opts);
      expect(res.status, path).toBe(409);
      expect(res.body.error.code).toBe('webhook_disabled');
    }
  });

  it.each([
    [{ url: 'ftp://hooks.example.com/x', eventTypes: ['reply.received'] }, 'url'],
    [{ url: 'http://hooks.example.com/x', eventTypes: ['reply.received'] }, 'url'],
    [{ url: 'not a url', eventTypes: ['reply.received'] }, 'url'],
    [{ url: HOOK, eventTypes: [] }, 'eventTypes'],
    [{ url: HOOK, eventTypes: ['ping'] }, 'eventTypes.0'],
    [{ url: HOOK }, 'eventTypes'],
    [{ url: HOOK, eventTypes: ['reply.received'], secret: 'mine' }, ''],
  ])('answers 400 for %j', async (body, path) => {
    const res = await api.request('POST', '/api/v1/webhooks', {
      token: a.adminToken,
      organisationId: a.organisationId,
      body,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.map((d: { path: string[] }) => d.path.join('.'))).toContain(path);
  });

  it('answers 400 for an empty update, a bad status filter and a bad cursor', async () => {
    const { endpoint } = await call('POST', '/webhooks', { url: HOOK, eventTypes: ['reply.received'] }, 201);
    const opts = { token: a.adminToken, organisationId: a.organisationId };
    expect((await api.request('PATCH', `/api/v1/webhooks/${endpoint.id}`, { ...opts, body: {} })).status).toBe(400);
    expect((await api.request('GET', `/api/v1/webhooks/${endpoint.id}/deliveries?status=lost`, opts)).status).toBe(400);
    const cursor = await api.request('GET', `/api/v1/webhooks/${endpoint.id}/deliveries?cursor=abc`, opts);
    expect(cursor.status).toBe(400);
    expect(cursor.body.error.code).toBe('invalid_cursor');
  });

  it('accepts http://localhost in test, and refuses private targets when they are not allowed', async () => {
    await call('POST', '/webhooks', { url: 'http://localhost:9999/hook', eventTypes: ['reply.received'] }, 201);
    const strict = await startApi({ MAILBOX_SECRETS_KEY: KEY, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false' });
    try {
      const tenant = await createTenant(strict, 'hooks-strict');
      for (const url of ['http://localhost:9999/hook', 'https://169.254.169.254/latest', 'https://10.0.0.8/hook']) {
        const res = await strict.request('POST', '/api/v1/webhooks', {
          token: tenant.adminToken,
          organisationId: tenant.organisationId,
          body: { url, eventTypes: ['reply.received'] },
        });
        expect(res.status, url).toBe(400);
        expect(res.body.error.details[0].path).toEqual(['url']);
      }
    } finally {
      await strict.close();
    }
  });

  it('lets admins and managers manage webhooks, not members', async () => {
    const manager = await addMemberWithRole(api, a, 'manager@hooks-a.example', 'manager');
    const member = await addMemberWithRole(api, a, 'member@hooks-a.example', 'member');
    await call('POST', '/webhooks', { url: HOOK, eventTypes: ['reply.received'] }, 201, manager);
    await call('GET', '/webhooks', undefined, 200, manager);
    const { endpoint } = await call('POST', '/webhooks', { url: HOOK, eventTypes: ['reply.received'] }, 201);
    for (const [method, path] of [
      ['GET', '/webhooks'],
      ['POST', '/webhooks'],
      ['GET', `/webhooks/${endpoint.id}`],
      ['POST', `/webhooks/${endpoint.id}/test`],
      ['GET', `/webhooks/${endpoint.id}/deliveries`],
    ] as const) {
      const res = await api.request(method, `/api/v1${path}`, {
        token: member,
        organisationId: a.organisationId,
        body: method === 'POST' ? { url: HOOK, eventTypes: ['reply.received'] } : undefined,
      });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    expect((await api.request('GET', '/api/v1/webhooks')).status).toBe(401);
  });

  it('answers 404 for an endpoint or delivery of another organisation and never lists them', async () => {
    const callB = outreachClient(api, b);
    const { endpoint } = await callB('POST', '/webhooks', { url: HOOK, eventTypes: ['reply.received'] }, 201);
    const ping = await callB('POST', `/webhooks/${endpoint.id}/test`, undefined, 202);
    await api.db.pool.query(`UPDATE outreach_webhook_deliveries SET status = 'delivered' WHERE id = $1`, [ping.id]);
    const own = (await call('POST', '/webhooks', { url: HOOK, eventTypes: ['reply.received'] }, 201)).endpoint;
    await expectCrossTenantNotFound(api, { token: a.adminToken, organisationId: a.organisationId }, [
      { method: 'GET', path: `/api/v1/webhooks/${endpoint.id}` },
      { method: 'PATCH', path: `/api/v1/webhooks/${endpoint.id}`, body: { enabled: false } },
      { method: 'DELETE', path: `/api/v1/webhooks/${endpoint.id}` },
      { method: 'POST', path: `/api/v1/webhooks/${endpoint.id}/rotate-secret` },
      { method: 'POST', path: `/api/v1/webhooks/${endpoint.id}/test` },
      { method: 'GET', path: `/api/v1/webhooks/${endpoint.id}/deliveries` },
      { method: 'GET', path: `/api/v1/webhooks/${endpoint.id}/deliveries/${ping.id}` },
      { method: 'GET', path: `/api/v1/webhooks/${own.id}/deliveries/${ping.id}` },
      { method: 'POST', path: `/api/v1/webhooks/${endpoint.id}/deliveries/${ping.id}/redeliver` },
      { method: 'POST', path: `/api/v1/webhooks/${own.id}/deliveries/${ping.id}/redeliver` },
      { method: 'GET', path: '/api/v1/webhooks/not-a-uuid' },
    ]);
    const listed = await call('GET', '/webhooks');
    expect(listed.items.map((w: { id: string }) => w.id)).not.toContain(endpoint.id);
    expect((await callB('GET', `/webhooks/${endpoint.id}`)).enabled).toBe(true);
  });
});
