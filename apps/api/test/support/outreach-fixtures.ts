import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { expect } from 'vitest';
import type { ApiHarness } from './api-harness.js';
import type { TenantFixture } from './tenants.js';

/** A local SMTP server requiring `user`/`password` (when given) that keeps every accepted message, parsed. */
export async function startSmtpCatcher(credentials?: { user: string; password: string }) {
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: !credentials,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (credentials && auth.username === credentials.user && auth.password === credentials.password) {
        callback(null, { user: auth.username });
      } else callback(new Error('Invalid username or password'));
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        void simpleParser(Buffer.concat(chunks)).then((mail) => {
          received.push(mail);
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return { received, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Calls the API as `tenant`'s admin (or `token`) and expects `status`; returns the body. */
export function outreachClient(api: ApiHarness, tenant: TenantFixture) {
  return async (method: string, path: string, body?: unknown, status = 200, token = tenant.adminToken) => {
    const res = await api.request(method, `/api/v1${path}`, { token, organisationId: tenant.organisationId, body });
    expect(res.status, `${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`).toBe(status);
    return res.body;
  };
}

/** A mailbox on a local SMTP port (nothing listens unless the test starts a catcher). */
export const mailboxBody = (overrides: Record<string, unknown> = {}) => ({
  fromName: 'Alice Martin',
  fromEmail: 'alice@sender.example',
  replyTo: 'replies@sender.example',
  smtp: { host: '127.0.0.1', port: 2525, secure: false, user: 'alice', password: 's3cret-Pa55' },
  ...overrides,
});

/** Creates a campaign with a mailbox and one template step; returns their ids. */
export async function createRunnableCampaign(
  call: ReturnType<typeof outreachClient>,
  options: { name?: string; fromEmail?: string; requireApproval?: boolean } = {},
) {
  const mailbox = await call(
    'POST',
    '/mailboxes',
    mailboxBody({
      fromEmail: options.fromEmail ?? `m-${Date.now()}-${Math.random().toString(36).slice(2)}@sender.example`,
    }),
    201,
  );
  const campaign = await call(
    'POST',
    '/campaigns',
    { name: options.name ?? 'Boulangeries', mailboxId: mailbox.id, requireApproval: options.requireApproval ?? true },
    201,
  );
  const step = await call(
    'POST',
    `/campaigns/${campaign.id}/steps`,
    { subjectTemplate: 'Bonjour {{person.firstName}}', bodyTemplate: 'Hello {{company.name}}' },
    201,
  );
  return { mailboxId: mailbox.id as string, campaignId: campaign.id as string, stepId: step.id as string };
}
