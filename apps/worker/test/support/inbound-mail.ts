import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setMailboxInboundSecret, type Pool } from '@prospectflow/db';
import { createLogger, createMetrics } from '@prospectflow/observability';
import {
  encryptMailboxSecret,
  generateInboundSecret,
  loadMailboxSecretsKey,
  signInboundBody,
  type Clock,
} from '@prospectflow/outreach';
import { createRedis } from '@prospectflow/redis';
import { buildApi } from '../../../api/src/compose.js';
import { loadApiConfig } from '../../../api/src/config.js';

/** The real API on a free port over the test's database and clock: the inbound endpoint under test. */
export async function startInboundApi(options: {
  databaseUrl: string;
  pool: Pool;
  rabbitmqUrl: string;
  secretsKey: string;
  clock: Clock;
}) {
  const keyDir = await mkdtemp(join(tmpdir(), 'pf-inbound-issuer-'));
  const config = loadApiConfig(
    {
      NODE_ENV: 'test',
      DATABASE_URL: options.databaseUrl,
      RABBITMQ_URL: options.rabbitmqUrl,
      AUTH_MODE: 'dev',
      DEV_AUTH_KEY_FILE: join(keyDir, 'dev-issuer.json'),
      MAILBOX_SECRETS_KEY: options.secretsKey,
      RATE_LIMIT_DEFAULT: '100000/60',
    },
    { dotenv: false },
  );
  const redis = createRedis(config.REDIS_URL, { keyPrefix: `test:${randomBytes(4).toString('hex')}:` });
  const app = await buildApi({
    config,
    pool: options.pool,
    redis,
    logger: createLogger({ level: 'silent' }),
    metrics: createMetrics('api-inbound-test'),
    clock: options.clock,
  });
  const server: Server = app.listen(0);
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    /** Gives the mailbox an inbound secret (what `POST /mailboxes/:id/inbound-secret` does). */
    async secretFor(organisationId: string, mailboxId: string): Promise<string> {
      const secret = generateInboundSecret();
      const key = loadMailboxSecretsKey({ MAILBOX_SECRETS_KEY: options.secretsKey });
      await setMailboxInboundSecret(options.pool, organisationId, mailboxId, encryptMailboxSecret(key, secret));
      return secret;
    },
    /** POSTs raw MIME to the inbound endpoint, signed with the mailbox secret; returns the status. */
    async inject(mailboxId: string, secret: string, raw: Buffer): Promise<number> {
      const res = await fetch(`${url}/api/v1/inbound/mail`, {
        method: 'POST',
        headers: {
          'content-type': 'message/rfc822',
          'x-mailbox-id': mailboxId,
          'x-signature': signInboundBody(secret, raw),
        },
        body: raw,
      });
      await res.arrayBuffer();
      return res.status;
    },
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis.disconnect();
    },
  };
}

/** A plain-text reply as a mail client writes it (headers, CRLF, UTF-8 quoted-printable body). */
export function replyMime(mail: {
  from: string;
  to: string;
  subject: string;
  body: string;
  inReplyTo?: string;
  headers?: Record<string, string>;
  messageId?: string;
}): Buffer {
  const encode = (text: string) => `=?UTF-8?B?${Buffer.from(text).toString('base64')}?=`;
  const lines = [
    `From: ${mail.from}`,
    `To: ${mail.to}`,
    `Subject: ${encode(mail.subject)}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: ${mail.messageId ?? `<${randomBytes(8).toString('hex')}@mail.prospects.example.fr>`}`,
    ...(mail.inReplyTo ? [`In-Reply-To: ${mail.inReplyTo}`, `References: ${mail.inReplyTo}`] : []),
    ...Object.entries(mail.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(mail.body).toString('base64').replace(/.{76}/g, '$&\r\n'),
    '',
  ];
  return Buffer.from(lines.join('\r\n'));
}

/** A Postfix-style DSN for `recipient` with `status`, carrying the headers of our message. */
export function bounceMime(options: {
  to: string;
  recipient: string;
  status: string;
  originalMessageId: string;
}): Buffer {
  const boundary = `dsn.${randomBytes(6).toString('hex')}`;
  const action = options.status.startsWith('5') ? 'failed' : 'delayed';
  return Buffer.from(
    [
      'From: MAILER-DAEMON@mx.sender.example (Mail Delivery System)',
      `To: ${options.to}`,
      'Subject: Undelivered Mail Returned to Sender',
      `Date: ${new Date().toUTCString()}`,
      `Message-ID: <${randomBytes(8).toString('hex')}@mx.sender.example>`,
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=us-ascii',
      '',
      `<${options.recipient}>: host mx.prospects.example.fr said: ${options.status.startsWith('5') ? 550 : 452} ${options.status} no`,
      '',
      `--${boundary}`,
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.sender.example',
      '',
      `Final-Recipient: rfc822; ${options.recipient}`,
      `Action: ${action}`,
      `Status: ${options.status}`,
      '',
      `--${boundary}`,
      'Content-Type: text/rfc822-headers',
      '',
      `To: ${options.recipient}`,
      `Message-ID: ${options.originalMessageId}`,
      '',
      `--${boundary}--`,
      '',
    ].join('\r\n'),
  );
}
