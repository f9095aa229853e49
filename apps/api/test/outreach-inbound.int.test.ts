import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutreachInboundMail } from '@prospectflow/contracts';
import { decryptMailboxSecret, loadMailboxSecretsKey, signInboundBody } from '@prospectflow/outreach';
import { startApi, type ApiHarness } from './support/api-harness.js';
import { mailboxBody, outreachClient } from './support/outreach-fixtures.js';
import { addMemberWithRole, createTenant, expectCrossTenantNotFound, type TenantFixture } from './support/tenants.js';

const KEY = Buffer.alloc(32, 7).toString('base64');
type InboundAnswer = { error?: { code: string } } & Record<string, unknown>;
const REPLY = readFileSync(new URL('../../../packages/outreach/test/fixtures/mime/gmail-reply.eml', import.meta.url));

describe('inbound mail webhook', () => {
  let api: ApiHarness;
  let a: TenantFixture;
  let b: TenantFixture;
  let mailboxA: string;
  let mailboxB: string;
  let secretA: string;
  let secretB: string;
  const nowSeconds = () => Math.floor(Date.now() / 1000);

  const post = async (
    body: Buffer | string,
    headers: Record<string, string>,
    contentType = 'message/rfc822',
  ): Promise<{ status: number; body: InboundAnswer }> => {
    const res = await fetch(`${api.url}/api/v1/inbound/mail`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...headers },
      body,
    });
    return { status: res.status, body: (await res.json()) as InboundAnswer };
  };
  const signed = (mailboxId: string, secret: string, body: Buffer) => ({
    'x-mailbox-id': mailboxId,
    'x-signature': signInboundBody(secret, body),
  });
  const queued = async (organisationId: string) =>
    (
      await api.db.pool.query(
        `SELECT routing_key AS "routingKey", payload FROM outreach_outbox WHERE organisation_id = $1 ORDER BY id`,
        [organisationId],
      )
    ).rows.filter((r) => r.routingKey === 'outreach.reply');

  beforeAll(async () => {
    api = await startApi({ MAILBOX_SECRETS_KEY: KEY, API_INBOUND_BODY_LIMIT: '256kb' });
    [a, b] = [await createTenant(api, 'inbound-a'), await createTenant(api, 'inbound-b')];
    const created = await outreachClient(api, a)('POST', '/mailboxes', mailboxBody(), 201);
    expect(created.hasInboundSecret).toBe(false);
    mailboxA = created.id;
    mailboxB = (await outreachClient(api, b)('POST', '/mailboxes', mailboxBody(), 201)).id;
    secretA = (await outreachClient(api, a)('POST', `/mailboxes/${mailboxA}/inbound-secret`, undefined, 201)).secret;
    secretB = (await outreachClient(api, b)('POST', `/mailboxes/${mailboxB}/inbound-secret`, undefined, 201)).secret;
  });
  afterAll(async () => {
    await api.close();
  });

  it('generates the mailbox secret once, stores it encrypted and never shows it again', async () => {
    expect(secretA).toMatch(/^pfin_[A-Za-z0-9_-]{43}$/);
    const stored = (
      await api.db.pool.query(`SELECT inbound_secret_encrypted AS s FROM outreach_mailboxes WHERE id = $1`, [mailboxA])
    ).rows[0].s as string;
    expect(stored).not.toContain(secretA);
    expect(decryptMailboxSecret(loadMailboxSecretsKey({ MAILBOX_SECRETS_KEY: KEY }), stored)).toBe(secretA);
    const read = await outreachClient(api, a)('GET', `/mailboxes/${mailboxA}`);
    expect(JSON.stringify(read)).not.toContain('pfin_');
    expect(read.hasInboundSecret).toBe(true);
  });

  it('refuses the secret action to members and across tenants', async () => {
    const member = await addMemberWithRole(api, a, 'member@inbound-a.example', 'member');
    await outreachClient(api, a)('POST', `/mailboxes/${mailboxA}/inbound-secret`, undefined, 403, member);
    await expectCrossTenantNotFound(api, { token: a.adminToken, organisationId: a.organisationId }, [
      { method: 'POST', path: `/api/v1/mailboxes/${mailboxB}/inbound-secret` },
      { method: 'POST', path: '/api/v1/mailboxes/not-a-uuid/inbound-secret' },
    ]);
    // Nothing changed in B: its secret still authenticates.
    expect((await post(REPLY, signed(mailboxB, secretB, REPLY))).status).toBe(202);
  });

  it('queues a signed message for the reply detector (202) with a payload the worker accepts', async () => {
    const before = Date.now();
    const res = await post(REPLY, signed(mailboxA, secretA, REPLY));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toEqual({ accepted: true, bytes: REPLY.length });
    const [row] = (await queued(a.organisationId)).slice(-1);
    const payload = OutreachInboundMail.parse(row!.payload);
    expect(payload).toMatchObject({
      organisationId: a.organisationId,
      mailboxId: mailboxA,
      source: 'webhook',
    });
    expect(Date.parse(payload.receivedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Buffer.from(payload.raw, 'base64').equals(REPLY)).toBe(true);
  });

  it('accepts the bearer secret, a timestamped signature and application/octet-stream', async () => {
    const bearer = await post(REPLY, { 'x-mailbox-id': mailboxA, authorization: `Bearer ${secretA}` });
    expect(bearer.status).toBe(202);
    const timestamp = String(nowSeconds());
    const stamped = await post(
      REPLY,
      {
        'x-mailbox-id': mailboxA,
        'x-signature': signInboundBody(secretA, REPLY, timestamp),
        'x-signature-timestamp': timestamp,
      },
      'application/octet-stream',
    );
    expect(stamped.status, JSON.stringify(stamped.body)).toBe(202);
  });

  it('answers 401 for a bad, missing, stale or other mailbox signature, and queues nothing', async () => {
    const before = (await queued(a.organisationId)).length;
    const tampered = Buffer.concat([REPLY, Buffer.from('x')]);
    const cases: [Record<string, string>, string][] = [
      [{ 'x-mailbox-id': mailboxA, 'x-signature': signInboundBody(secretA, REPLY) }, 'invalid_signature'],
      [{ 'x-mailbox-id': mailboxA, 'x-signature': 'sha256=00' }, 'invalid_signature'],
      [{ 'x-mailbox-id': mailboxA, authorization: `Bearer ${secretB}` }, 'invalid_signature'],
      [{ 'x-mailbox-id': mailboxA, 'x-signature': signInboundBody(secretB, tampered) }, 'invalid_signature'],
      [{ 'x-mailbox-id': mailboxA }, 'missing_signature'],
    ];
    for (const [headers, code] of cases) {
      const res = await post(tampered, headers);
      expect(res.status, JSON.stringify(res.body)).toBe(401);
      expect(res.body.error?.code).toBe(code);
    }
    const old = String(nowSeconds() - 301);
    const stale = await post(REPLY, {
      'x-mailbox-id': mailboxA,
      'x-signature': signInboundBody(secretA, REPLY, old),
      'x-signature-timestamp': old,
    });
    expect(stale.status).toBe(401);
    expect(stale.body.error?.code).toBe('stale_signature');
    expect((await queued(a.organisationId)).length).toBe(before);
  });

  it('answers 404 for an unknown mailbox or one without an inbound secret', async () => {
    const withoutSecret = (
      await outreachClient(api, a)('POST', '/mailboxes', mailboxBody({ fromEmail: 'x@sender.example' }), 201)
    ).id;
    for (const id of ['8a1f7a52-3f1e-4a43-9a60-3b1a2f0c9d11', 'nope', withoutSecret]) {
      const res = await post(REPLY, { 'x-mailbox-id': id, authorization: `Bearer ${secretA}` });
      expect(res.status).toBe(404);
      expect(res.body.error?.code).toBe('mailbox_not_found');
    }
    const missing = await post(REPLY, { authorization: `Bearer ${secretA}` });
    expect(missing.status).toBe(400);
  });

  it('answers 400 for an empty, unparseable or non-raw body and 413 beyond the limit', async () => {
    const empty = Buffer.alloc(0);
    const res = await post(empty, signed(mailboxA, secretA, empty));
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('empty_message');
    const garbage = Buffer.from('\u0000\u0001 not a message at all');
    const unparseable = await post(garbage, signed(mailboxA, secretA, garbage));
    expect(unparseable.status).toBe(400);
    expect(unparseable.body.error?.code).toBe('unparseable_message');
    const json = await post(
      '{"raw":"x"}',
      { 'x-mailbox-id': mailboxA, authorization: `Bearer ${secretA}` },
      'application/json',
    );
    expect(json.status).toBe(400);
    expect(json.body.error?.code).toBe('unsupported_content_type');
    const big = Buffer.concat([REPLY, Buffer.alloc(300 * 1024, 'a')]);
    const tooLarge = await post(big, signed(mailboxA, secretA, big));
    expect(tooLarge.status).toBe(413);
  });
});
