import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPool } from '@prospectflow/db';
import { createTestDatabase, type TestDatabase } from '@prospectflow/db/testing';
import { pollImapMailbox } from '@prospectflow/outreach';
import { pollUntil } from '@prospectflow/testing';
import { startDovecot, type DovecotServer } from '../../../test/dovecot.js';
import { createTestVhost } from '../../../test/rabbitmq-vhost.js';
import {
  TEST_SECRETS_KEY,
  appendToInbox,
  capturingLogger,
  collectInboundMail,
  createImapMailbox,
  rawMessage,
  startTestPoller,
} from './support/imap.js';

const USERS = {
  alice: 'alice-pass',
  bob: 'bob-pass',
  carol: 'carol-pass',
  dave: 'dave-pass',
  erin: 'erin-pass',
  frank: 'frank-pass',
};

describe('IMAP polling against a real Dovecot', () => {
  let dovecot: DovecotServer;
  let db: TestDatabase;
  let vhost: { url: string; drop: () => Promise<void> };
  let inbound: Awaited<ReturnType<typeof collectInboundMail>>;
  const stops: (() => Promise<void>)[] = [];

  const poller = (
    options: Omit<Parameters<typeof startTestPoller>[0], 'pool' | 'broker'> & { pool?: typeof db.pool },
  ) => {
    const loop = startTestPoller({ pool: db.pool, broker: inbound.broker, ...options });
    stops.push(loop.stop);
    return loop;
  };
  const lastSeen = async (mailboxId: string) =>
    (
      await db.pool.query(
        `SELECT imap_last_seen_uid::int AS uid, imap_uid_validity::text AS validity FROM outreach_mailboxes WHERE id = $1`,
        [mailboxId],
      )
    ).rows[0] as { uid: number | null; validity: string | null };
  const decoded = (mailboxId: string) =>
    inbound.of(mailboxId).map((m) => Buffer.from(m.raw, 'base64').toString('utf8'));
  const message = (n: number, to: string) =>
    rawMessage({
      from: `Prospect ${n} <p${n}@prospects.example.fr>`,
      to,
      subject: `Re: message ${n}`,
      body: `Body ${n}`,
    });

  beforeAll(async () => {
    dovecot = await startDovecot(USERS);
    db = await createTestDatabase(inject('templateDatabase'));
    vhost = await createTestVhost();
    inbound = await collectInboundMail(vhost.url);
  });
  afterEach(async () => {
    while (stops.length) await stops.pop()!();
    // Mailboxes of a finished test stop being polled.
    await db.pool.query(`UPDATE outreach_mailboxes SET imap_host = NULL`);
  });
  afterAll(async () => {
    await inbound?.broker.close();
    await db?.drop();
    await vhost?.drop();
    await dovecot?.stop();
  });

  it('publishes every appended message once, byte for byte, and resumes after the last UID when restarted', async () => {
    const { mailboxId, organisationId } = await createImapMailbox(db.pool, dovecot, 'alice');
    const sent = [1, 2, 3, 4].map((n) => message(n, 'alice@example.com'));
    for (const raw of sent.slice(0, 3)) await appendToInbox(dovecot, 'alice', raw);

    const updatedAt = async () =>
      (await db.pool.query(`SELECT updated_at FROM outreach_mailboxes WHERE id = $1`, [mailboxId])).rows[0].updated_at;
    const editedAt = await updatedAt();
    const { logger } = capturingLogger();
    const first = poller({ logger });
    await pollUntil(() => inbound.of(mailboxId).length >= 3, { what: '3 published messages' });
    // One more message while it runs: later polls must publish only that one.
    await appendToInbox(dovecot, 'alice', sent[3]!);
    await pollUntil(() => inbound.of(mailboxId).length >= 4, { what: 'the 4th message' });
    await first.stop();

    expect(decoded(mailboxId)).toEqual(sent);
    expect(inbound.of(mailboxId).map((m) => [m.imapUid, m.source, m.organisationId])).toEqual(
      [1, 2, 3, 4].map((uid) => [uid, 'imap', organisationId]),
    );
    expect((await lastSeen(mailboxId)).uid).toBe(4);
    // Moving the poll state is not an edit of the mailbox (migration 015).
    expect(await updatedAt()).toEqual(editedAt);
    await db.pool.query(`UPDATE outreach_mailboxes SET from_name = 'Claire M.' WHERE id = $1`, [mailboxId]);
    expect(await updatedAt()).not.toEqual(editedAt);

    await appendToInbox(dovecot, 'alice', message(5, 'alice@example.com'));
    await appendToInbox(dovecot, 'alice', message(6, 'alice@example.com'));
    poller({ logger });
    await pollUntil(async () => (await lastSeen(mailboxId)).uid === 6, { what: 'last seen UID 6' });
    await pollUntil(() => inbound.of(mailboxId).length >= 6, { what: '6 published messages' });
    expect(inbound.of(mailboxId).map((m) => m.imapUid)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads the whole INBOX again when its UIDVALIDITY changes', async () => {
    const { mailboxId } = await createImapMailbox(db.pool, dovecot, 'bob');
    await appendToInbox(dovecot, 'bob', message(1, 'bob@example.com'));
    await appendToInbox(dovecot, 'bob', message(2, 'bob@example.com'));
    const { logger, lines } = capturingLogger();
    poller({ logger });
    await pollUntil(() => inbound.of(mailboxId).length >= 2, { what: 'first reading' });
    const before = await pollUntil(async () => ((await lastSeen(mailboxId)).uid === 2 ? lastSeen(mailboxId) : null));

    await dovecot.setUidValidity('bob', 4242);
    await pollUntil(() => inbound.of(mailboxId).length >= 4, { what: 'second reading' });
    expect(inbound.of(mailboxId).map((m) => m.imapUid)).toEqual([1, 2, 1, 2]);
    await pollUntil(async () => (await lastSeen(mailboxId)).validity === '4242', { what: 'new UIDVALIDITY stored' });
    await pollUntil(async () => (await lastSeen(mailboxId)).uid === 2, { what: 'last seen UID 2 again' });
    expect(before.validity).not.toBe('4242');
    expect(lines().some((l) => l.msg === 'imap uidvalidity changed, reading the inbox again')).toBe(true);
  });

  it('backs off a mailbox whose login fails, logs no password, and keeps polling the others', async () => {
    const wrong = await createImapMailbox(db.pool, dovecot, 'carol', 'not-carols-password');
    const good = await createImapMailbox(db.pool, dovecot, 'dave');
    // A server that accepts connections and never greets: its poll hangs until the 5 s timeout.
    const hanging: Socket[] = [];
    const silent = createServer((socket) => void hanging.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentPort = (silent.address() as AddressInfo).port;
    await createImapMailbox(db.pool, { ...dovecot, port: silentPort }, 'dave');
    const { logger, lines, text } = capturingLogger();
    const startedAt = Date.now();
    poller({ logger, intervalMs: 50 });
    // Runs first in afterEach: the hanging poll then fails at once instead of at its timeout.
    stops.push(async () => {
      for (const socket of hanging) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    await appendToInbox(dovecot, 'dave', message(1, 'dave@example.com'));
    await pollUntil(() => inbound.of(good.mailboxId).length === 1, { what: "dave's message" });
    const appendedAt = Date.now();
    await appendToInbox(dovecot, 'dave', message(2, 'dave@example.com'));
    await pollUntil(() => inbound.of(good.mailboxId).length === 2, { what: "dave's second message" });
    // Published while the silent server's poll is still hanging.
    expect(Date.now() - appendedAt).toBeLessThan(3000);
    await pollUntil(() => Date.now() - startedAt > 2000, { intervalMs: 100 });

    const elapsed = Date.now() - startedAt;
    const failures = lines().filter((l) => l.msg === 'imap poll failed' && l.mailboxId === wrong.mailboxId);
    // Every 50 ms without back-off (elapsed / 50 attempts); after 100, 200, 400, 800… ms with it.
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(failures.length).toBeLessThanOrEqual(Math.ceil(Math.log2(elapsed / 100 + 1)) + 1);
    expect(failures[0]).toMatchObject({ authenticationFailed: true, failures: 1, retryInMs: 100, host: '127.0.0.1' });
    expect(failures.map((f) => f.retryInMs)).toEqual(failures.map((_, i) => 100 * 2 ** i));
    expect(inbound.of(wrong.mailboxId)).toHaveLength(0);
    expect(text()).not.toContain('not-carols-password');
    expect(text()).not.toContain(USERS.dave);
  });

  it('publishes each message once when two worker processes poll the same mailboxes', async () => {
    const { mailboxId } = await createImapMailbox(db.pool, dovecot, 'erin');
    for (let n = 1; n <= 12; n++) await appendToInbox(dovecot, 'erin', message(n, 'erin@example.com'));
    // Separate pools: the advisory lock is per database session, as between two processes.
    const pools = [createPool({ connectionString: db.url, max: 3 }), createPool({ connectionString: db.url, max: 3 })];
    stops.push(async () => {
      for (const pool of pools) await pool.end();
    });
    const { logger } = capturingLogger();
    for (const pool of pools) poller({ logger, pool, intervalMs: 10, batchSize: 2 });
    await pollUntil(() => inbound.of(mailboxId).length >= 12, { what: '12 messages' });
    for (let n = 13; n <= 16; n++) await appendToInbox(dovecot, 'erin', message(n, 'erin@example.com'));
    await pollUntil(async () => (await lastSeen(mailboxId)).uid === 16, { what: 'last seen UID 16' });
    await pollUntil(() => inbound.of(mailboxId).length >= 16, { what: '16 messages' });
    while (stops.length > 1) await stops.pop()!();

    const uids = inbound.of(mailboxId).map((m) => m.imapUid);
    expect(uids).toHaveLength(16);
    expect(new Set(uids).size).toBe(16);
  });

  it('does not advance past a batch the broker did not confirm, so the next poll publishes it again', async () => {
    const { mailboxId, organisationId } = await createImapMailbox(db.pool, dovecot, 'frank');
    for (let n = 1; n <= 5; n++) await appendToInbox(dovecot, 'frank', message(n, 'frank@example.com'));
    const { logger } = capturingLogger();
    const deps = {
      pool: db.pool,
      secretsKey: TEST_SECRETS_KEY,
      logger,
      timeoutMs: 5000,
      batchSize: 2,
      maxMessagesPerPoll: 1000,
    };
    const firstPoll: number[] = [];
    const failing = pollImapMailbox(
      {
        ...deps,
        publish: async (_key, mail) => {
          if (mail.imapUid === 3) throw new Error('no confirm');
          firstPoll.push(mail.imapUid!);
        },
      },
      { organisationId, id: mailboxId },
    );
    await expect(failing).rejects.toThrow('no confirm');
    expect(firstPoll.slice(0, 2)).toEqual([1, 2]);
    expect((await lastSeen(mailboxId)).uid).toBe(2);

    const secondPoll: number[] = [];
    const again = await pollImapMailbox(
      { ...deps, publish: async (_key, mail) => void secondPoll.push(mail.imapUid!) },
      { organisationId, id: mailboxId },
    );
    expect(again).toMatchObject({ published: 3, skipped: 0, more: false });
    expect(secondPoll.sort()).toEqual([3, 4, 5]);
    expect((await lastSeen(mailboxId)).uid).toBe(5);
  });
});
