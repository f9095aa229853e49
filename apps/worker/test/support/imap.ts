import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { ImapFlow } from 'imapflow';
import { OUTREACH_REPLY_QUEUE, OutreachInboundMail } from '@prospectflow/contracts';
import type { Pool } from '@prospectflow/db';
import { createConnectionManager, defineOutreachTopology, type ConnectionManager } from '@prospectflow/messaging';
import { createLogger, type Logger } from '@prospectflow/observability';
import { encryptMailboxSecret, pollImapMailbox, type ImapPollDeps } from '@prospectflow/outreach';
import type { DovecotServer } from '../../../../test/dovecot.js';
import { startImapPolling } from '../../src/imap/poll-loop.js';

/** Key that encrypts the test mailboxes' IMAP passwords. */
export const TEST_SECRETS_KEY = randomBytes(32);

/** Appends a raw message to a user's INBOX over IMAP, as a mail server delivering it would. */
export async function appendToInbox(server: DovecotServer, user: string, raw: string): Promise<number> {
  const client = new ImapFlow({
    host: server.host,
    port: server.port,
    secure: false,
    auth: { user, pass: server.users[user]! },
    logger: false,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const appended = await client.append('INBOX', raw);
    return appended ? (appended.uid ?? 0) : 0;
  } finally {
    await client.logout();
  }
}

/** An RFC 822 message (CRLF line ends). */
export function rawMessage(fields: {
  from: string;
  to: string;
  subject: string;
  body: string;
  messageId?: string;
  inReplyTo?: string;
}): string {
  const headers = [
    `From: ${fields.from}`,
    `To: ${fields.to}`,
    `Subject: ${fields.subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: ${fields.messageId ?? `<${randomUUID()}@prospects.example.fr>`}`,
    ...(fields.inReplyTo ? [`In-Reply-To: ${fields.inReplyTo}`, `References: ${fields.inReplyTo}`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
  ];
  return `${headers.join('\r\n')}\r\n\r\n${fields.body.replace(/\r?\n/g, '\r\n')}\r\n`;
}

/** Gives a mailbox IMAP settings for a Dovecot user (password encrypted as the API stores it). */
export async function setImapSettings(
  pool: Pool,
  mailboxId: string,
  server: DovecotServer,
  user: string,
  password = server.users[user]!,
): Promise<void> {
  await pool.query(
    `UPDATE outreach_mailboxes SET imap_host = $2, imap_port = $3, imap_secure = false, imap_user = $4,
       imap_password_encrypted = $5 WHERE id = $1`,
    [mailboxId, server.host, server.port, user, encryptMailboxSecret(TEST_SECRETS_KEY, password)],
  );
}

/** A new organisation with one mailbox reading `user`'s INBOX on the test Dovecot. */
export async function createImapMailbox(
  pool: Pool,
  server: DovecotServer,
  user: string,
  password?: string,
): Promise<{ organisationId: string; mailboxId: string }> {
  const tag = randomUUID().slice(0, 8);
  const org = await pool.query(`INSERT INTO iam_organisations (name, slug) VALUES ($1, $1) RETURNING id`, [
    `imap-${tag}`,
  ]);
  const mailbox = await pool.query(
    `INSERT INTO outreach_mailboxes (organisation_id, from_name, from_email, transport, smtp_host, smtp_port)
     VALUES ($1, 'Claire', $2, 'smtp', '127.0.0.1', 25) RETURNING id`,
    [org.rows[0].id, `claire@${tag}.example.com`],
  );
  await setImapSettings(pool, mailbox.rows[0].id, server, user, password);
  return { organisationId: org.rows[0].id, mailboxId: mailbox.rows[0].id };
}

/** A broker connection (outreach topology) that records every message delivered on `outreach.reply`. */
export async function collectInboundMail(url: string): Promise<{
  broker: ConnectionManager;
  received: OutreachInboundMail[];
  of: (mailboxId: string) => OutreachInboundMail[];
}> {
  const broker = createConnectionManager({
    url,
    topologies: [defineOutreachTopology()],
    logger: createLogger({ level: 'silent' }),
  });
  await broker.connect();
  const received: OutreachInboundMail[] = [];
  await broker.consume(OUTREACH_REPLY_QUEUE, (mail) => void received.push(mail), { schema: OutreachInboundMail });
  return { broker, received, of: (mailboxId) => received.filter((m) => m.mailboxId === mailboxId) };
}

/** A logger whose JSON lines a test can read back. */
export function capturingLogger(): { logger: Logger; lines: () => Record<string, unknown>[]; text: () => string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const logger = createLogger({ level: 'debug', destination });
  const text = () => chunks.join('');
  const lines = () =>
    text()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, text };
}

/** The poll loop as the worker runs it, publishing through `broker`, with test-sized settings. */
export function startTestPoller(options: {
  pool: Pool;
  broker: ConnectionManager;
  logger: Logger;
  intervalMs?: number;
  batchSize?: number;
  publish?: ImapPollDeps['publish'];
}) {
  const deps: ImapPollDeps = {
    pool: options.pool,
    secretsKey: TEST_SECRETS_KEY,
    publish:
      options.publish ??
      ((routingKey, mail, publishOptions) => options.broker.publish(routingKey, mail, publishOptions)),
    logger: options.logger,
    timeoutMs: 5000,
    batchSize: options.batchSize ?? 50,
    maxMessagesPerPoll: 1000,
  };
  return startImapPolling({
    pool: options.pool,
    poll: (mailbox) => pollImapMailbox(deps, mailbox),
    logger: options.logger,
    intervalMs: options.intervalMs ?? 50,
    concurrency: 4,
    maxBackoffMs: 60_000,
  });
}
