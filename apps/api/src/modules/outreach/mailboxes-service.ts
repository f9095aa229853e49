import {
  ConflictError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
  type CreateMailboxRequest,
  type MailServerSettingsInput,
  type Mailbox,
  type TestMailboxResponse,
  type UpdateMailboxRequest,
} from '@prospectflow/contracts';
import * as db from '@prospectflow/db';
import {
  MailSendError,
  MailboxSecretsError,
  createTransport,
  decryptMailboxSecret,
  encryptMailboxSecret,
  newMessageId,
} from '@prospectflow/outreach';
import { randomUUID } from 'node:crypto';
import { mapConstraints } from './db-errors.js';
import type { OutreachDeps } from './outreach-context.js';
import { textKeyOf, textPage } from './pages.js';

const UNIQUE_SENDER = {
  outreach_mailboxes_organisation_id_from_email_key: [
    'mailbox_exists',
    'A mailbox already sends from this address',
  ] as [string, string],
};

/** Stored form of server settings: `password` undefined keeps `current`'s, null removes it. */
function storedSettings(
  key: Buffer,
  input: MailServerSettingsInput | null | undefined,
  current: db.StoredServerSettings | null,
): db.StoredServerSettings | null {
  if (input === null) return null;
  if (input === undefined) return current;
  const passwordEncrypted =
    input.password === undefined
      ? (current?.passwordEncrypted ?? null)
      : input.password === null
        ? null
        : encryptMailboxSecret(key, input.password);
  return { host: input.host, port: input.port, secure: input.secure, user: input.user ?? null, passwordEncrypted };
}

function requireSmtpSettings(record: db.MailboxRecord) {
  if (record.transport === 'smtp' && !record.smtp) {
    throw new ValidationError('The smtp transport needs SMTP settings', [
      { path: ['smtp'], message: 'Required for the smtp transport', code: 'custom' },
    ]);
  }
}

export async function createMailbox(
  deps: OutreachDeps,
  organisationId: string,
  input: CreateMailboxRequest,
): Promise<Mailbox> {
  const record: db.MailboxRecord = {
    fromName: input.fromName,
    fromEmail: input.fromEmail,
    replyTo: input.replyTo ?? null,
    transport: input.transport,
    smtp: storedSettings(deps.secretsKey, input.smtp, null),
    imap: storedSettings(deps.secretsKey, input.imap, null),
    dailyCap: input.dailyCap ?? 200,
    minGapSeconds: input.minGapSeconds ?? 60,
    verifiedAt: null,
  };
  requireSmtpSettings(record);
  return mapConstraints(db.insertMailbox(deps.pool, organisationId, record), UNIQUE_SENDER);
}

/** Applies a partial update; a new sender address or transport setting clears `verifiedAt`. */
export async function updateMailbox(
  deps: OutreachDeps,
  organisationId: string,
  id: string,
  input: UpdateMailboxRequest,
): Promise<Mailbox> {
  return db.withTransaction(deps.pool, async (client) => {
    const current = await db.getMailboxWithSecrets(client, organisationId, id, { forUpdate: true });
    if (!current) throw new NotFoundError('Mailbox not found');
    const record: db.MailboxRecord = {
      fromName: input.fromName ?? current.fromName,
      fromEmail: input.fromEmail ?? current.fromEmail,
      replyTo: input.replyTo === undefined ? current.replyTo : input.replyTo,
      transport: input.transport ?? current.transport,
      smtp: storedSettings(deps.secretsKey, input.smtp, current.smtp),
      imap: storedSettings(deps.secretsKey, input.imap, current.imap),
      dailyCap: input.dailyCap ?? current.dailyCap,
      minGapSeconds: input.minGapSeconds ?? current.minGapSeconds,
      verifiedAt: current.verifiedAt,
    };
    const resend =
      record.fromEmail !== current.fromEmail || record.transport !== current.transport || input.smtp !== undefined;
    if (resend) record.verifiedAt = null;
    requireSmtpSettings(record);
    const updated = await mapConstraints(db.updateMailbox(client, organisationId, id, record), UNIQUE_SENDER);
    return updated!;
  });
}

export async function getMailbox(deps: OutreachDeps, organisationId: string, id: string): Promise<Mailbox> {
  const mailbox = await db.getMailbox(deps.pool, organisationId, id);
  if (!mailbox) throw new NotFoundError('Mailbox not found');
  return mailbox;
}

export async function listMailboxes(
  deps: OutreachDeps,
  organisationId: string,
  page: { limit: number; cursor?: string },
) {
  const rows = await db.listMailboxes(deps.pool, organisationId, {
    afterEmail: textKeyOf(page.cursor),
    limit: page.limit + 1,
  });
  return textPage(rows, page.limit, (m) => m.fromEmail);
}

/** Deletes a mailbox no campaign uses (409 `mailbox_in_use` otherwise). */
export async function deleteMailbox(deps: OutreachDeps, organisationId: string, id: string): Promise<void> {
  try {
    if (!(await db.deleteMailbox(deps.pool, organisationId, id))) throw new NotFoundError('Mailbox not found');
  } catch (error) {
    if ((error as { code?: string }).code === '23503') {
      throw new ConflictError(
        'Campaigns send from this mailbox; choose another mailbox for them first',
        'mailbox_in_use',
      );
    }
    throw error;
  }
}

/** Sends one test email through the mailbox's transport; success stamps `verifiedAt`. */
export async function testMailbox(
  deps: OutreachDeps,
  organisationId: string,
  id: string,
  to: string,
): Promise<TestMailboxResponse> {
  const mailbox = await db.getMailboxWithSecrets(deps.pool, organisationId, id);
  if (!mailbox) throw new NotFoundError('Mailbox not found');
  const messageId = newMessageId(mailbox.fromEmail, randomUUID());
  try {
    const smtpPassword = mailbox.smtp?.passwordEncrypted
      ? decryptMailboxSecret(deps.secretsKey, mailbox.smtp.passwordEncrypted)
      : null;
    const transport = createTransport(
      {
        id: mailbox.id,
        transport: mailbox.transport,
        fromName: mailbox.fromName,
        fromEmail: mailbox.fromEmail,
        replyTo: mailbox.replyTo,
        smtpHost: mailbox.smtp?.host ?? null,
        smtpPort: mailbox.smtp?.port ?? null,
        smtpSecure: mailbox.smtp?.secure ?? true,
        smtpUser: mailbox.smtp?.user ?? null,
      },
      { smtpPassword },
      { ses: deps.ses },
    );
    try {
      await transport.send(testEmail(mailbox, to, messageId));
    } finally {
      transport.close();
    }
  } catch (error) {
    if (error instanceof MailboxSecretsError) {
      throw new UnprocessableError(
        'The stored password cannot be read with the current key; enter it again',
        'mailbox_password_unreadable',
      );
    }
    if (!(error instanceof MailSendError)) throw error;
    throw new UnprocessableError('The mailbox could not send the test email', 'mailbox_test_failed', {
      transportCode: error.code,
      reason: error.message,
    });
  }
  await db.markMailboxVerified(deps.pool, organisationId, id, deps.clock());
  return { mailbox: (await db.getMailbox(deps.pool, organisationId, id))!, messageId };
}

function testEmail(mailbox: db.MailboxWithSecrets, to: string, messageId: string) {
  const text = `This test email was sent by ProspectFlow through the mailbox ${mailbox.fromEmail}.\n\nIt can be ignored.`;
  return {
    from: { name: mailbox.fromName, address: mailbox.fromEmail },
    replyTo: mailbox.replyTo,
    to,
    subject: 'ProspectFlow mailbox test',
    text,
    html: `<p>${text.replace('\n\n', '</p><p>')}</p>`,
    messageId,
    // A test email goes to the operator; the unsubscribe header the transport adds points at the sender.
    unsubscribe: { url: `mailto:${mailbox.replyTo ?? mailbox.fromEmail}?subject=unsubscribe` },
  };
}
