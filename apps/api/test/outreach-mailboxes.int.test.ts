import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptMailboxSecret, loadMailboxSecretsKey } from '@prospectflow/outreach';
import { startApi, type ApiHarness } from './support/api-harness.js';
import { mailboxBody, outreachClient, startSmtpCatcher } from './support/outreach-fixtures.js';
import { addMemberWithRole, createTenant, type TenantFixture } from './support/tenants.js';

const KEY = Buffer.alloc(32, 7).toString('base64');

describe('outreach mailboxes', () => {
  let api: ApiHarness;
  let a: TenantFixture;
  let call: ReturnType<typeof outreachClient>;
  let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;

  beforeAll(async () => {
    api = await startApi({ MAILBOX_SECRETS_KEY: KEY });
    a = await createTenant(api, 'mbox-a');
    call = outreachClient(api, a);
    smtp = await startSmtpCatcher({ user: 'alice', password: 's3cret-Pa55' });
  });
  afterAll(async () => {
    await smtp.close();
    await api.close();
  });

  const storedSecrets = async (id: string) =>
    (
      await api.db.pool.query(
        `SELECT smtp_password_encrypted AS smtp, imap_password_encrypted AS imap FROM outreach_mailboxes WHERE id = $1`,
        [id],
      )
    ).rows[0] as { smtp: string | null; imap: string | null };

  it('creates a mailbox, never answers its password and stores it encrypted with the configured key', async () => {
    const created = await call(
      'POST',
      '/mailboxes',
      mailboxBody({
        fromEmail: 'Crypto@Sender.example',
        imap: { host: 'imap.sender.example', port: 993, user: 'alice', password: 'imap-pw-123' },
        dailyCap: 80,
        minGapSeconds: 90,
      }),
      201,
    );
    expect(created).toMatchObject({
      fromName: 'Alice Martin',
      fromEmail: 'crypto@sender.example',
      replyTo: 'replies@sender.example',
      transport: 'smtp',
      smtp: { host: '127.0.0.1', port: 2525, secure: false, user: 'alice', hasPassword: true },
      imap: { host: 'imap.sender.example', port: 993, secure: true, user: 'alice', hasPassword: true },
      dailyCap: 80,
      minGapSeconds: 90,
      verifiedAt: null,
    });
    const answers = [created, await call('GET', `/mailboxes/${created.id}`), await call('GET', '/mailboxes')];
    for (const answer of answers) {
      expect(JSON.stringify(answer)).not.toMatch(/s3cret-Pa55|imap-pw-123|"password"|encrypted|v1\./i);
    }
    const stored = await storedSecrets(created.id);
    expect(stored.smtp).not.toContain('s3cret');
    expect(stored.smtp).toMatch(/^v1\./);
    const key = loadMailboxSecretsKey({ MAILBOX_SECRETS_KEY: KEY });
    expect(decryptMailboxSecret(key, stored.smtp!)).toBe('s3cret-Pa55');
    expect(decryptMailboxSecret(key, stored.imap!)).toBe('imap-pw-123');
  });

  it('keeps the password when settings change without one, removes it with null', async () => {
    const created = await call('POST', '/mailboxes', mailboxBody({ fromEmail: 'keep@sender.example' }), 201);
    const before = await storedSecrets(created.id);
    const renamed = await call('PATCH', `/mailboxes/${created.id}`, { fromName: 'Alice M.', dailyCap: 10 });
    expect(renamed).toMatchObject({ fromName: 'Alice M.', dailyCap: 10, smtp: { hasPassword: true } });
    expect((await storedSecrets(created.id)).smtp).toBe(before.smtp);
    const moved = await call('PATCH', `/mailboxes/${created.id}`, {
      smtp: { host: 'smtp.other.example', port: 465, user: 'alice' },
    });
    expect(moved.smtp).toEqual({
      host: 'smtp.other.example',
      port: 465,
      secure: true,
      user: 'alice',
      hasPassword: true,
    });
    const cleared = await call('PATCH', `/mailboxes/${created.id}`, {
      smtp: { host: 'smtp.other.example', port: 465, password: null },
      imap: null,
    });
    expect(cleared.smtp.hasPassword).toBe(false);
    expect(cleared.imap).toBeNull();
    expect((await storedSecrets(created.id)).smtp).toBeNull();
  });

  it('refuses invalid mailboxes with 400 and duplicate senders with 409', async () => {
    const invalid = [
      mailboxBody({ fromEmail: 'not-an-email' }),
      mailboxBody({ smtp: undefined }),
      mailboxBody({ smtp: { host: 'x', port: 70000 } }),
      mailboxBody({ transport: 'carrier-pigeon' }),
      mailboxBody({ dailyCap: 0 }),
      mailboxBody({ password: 'top-level' }),
    ];
    for (const body of invalid) {
      const res = await api.request('POST', '/api/v1/mailboxes', { token: a.adminToken, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    await call('POST', '/mailboxes', mailboxBody({ fromEmail: 'dup@sender.example' }), 201);
    const dup = await call('POST', '/mailboxes', mailboxBody({ fromEmail: 'DUP@sender.example' }), 409);
    expect(dup.error.code).toBe('mailbox_exists');
    const ses = await call(
      'POST',
      '/mailboxes',
      { fromName: 'SES', fromEmail: 'ses@sender.example', transport: 'ses' },
      201,
    );
    expect(ses).toMatchObject({ transport: 'ses', smtp: null });
    expect((await call('PATCH', `/mailboxes/${ses.id}`, { transport: 'smtp' }, 400)).error.details[0].path).toEqual([
      'smtp',
    ]);
  });

  it('sends a test email through SMTP with the stored credentials and marks the mailbox verified', async () => {
    const mailbox = await call(
      'POST',
      '/mailboxes',
      mailboxBody({
        fromEmail: 'tested@sender.example',
        smtp: { host: '127.0.0.1', port: smtp.port, secure: false, user: 'alice', password: 's3cret-Pa55' },
      }),
      201,
    );
    const result = await call('POST', `/mailboxes/${mailbox.id}/test`, { to: 'operator@a.example' });
    expect(result.mailbox.verifiedAt).toEqual(expect.any(String));
    expect(result.messageId).toMatch(/^<.+@sender\.example>$/);
    const mail = smtp.received.find((m) => m.messageId === result.messageId)!;
    expect(mail.subject).toBe('ProspectFlow mailbox test');
    expect(mail.from?.value[0]).toMatchObject({ name: 'Alice Martin', address: 'tested@sender.example' });
    expect(mail.to).toMatchObject({ value: [{ address: 'operator@a.example' }] });
    expect((await call('GET', `/mailboxes/${mailbox.id}`)).verifiedAt).toBe(result.mailbox.verifiedAt);
    // A new sender address must be verified again.
    expect(
      (await call('PATCH', `/mailboxes/${mailbox.id}`, { fromEmail: 'tested2@sender.example' })).verifiedAt,
    ).toBeNull();
  });

  it('answers 422 when the server refuses the credentials, leaving the mailbox unverified', async () => {
    const mailbox = await call(
      'POST',
      '/mailboxes',
      mailboxBody({
        fromEmail: 'wrongpw@sender.example',
        smtp: { host: '127.0.0.1', port: smtp.port, secure: false, user: 'alice', password: 'wrong' },
      }),
      201,
    );
    const failed = await call('POST', `/mailboxes/${mailbox.id}/test`, { to: 'operator@a.example' }, 422);
    expect(failed.error).toMatchObject({ code: 'mailbox_test_failed', details: { transportCode: 'smtp_535' } });
    expect(JSON.stringify(failed)).not.toContain('wrong"');
    expect((await call('GET', `/mailboxes/${mailbox.id}`)).verifiedAt).toBeNull();
    await call('POST', `/mailboxes/${mailbox.id}/test`, { to: 'nope' }, 400);
  });

  it('refuses to delete a mailbox a campaign uses, deletes an unused one', async () => {
    const used = await call('POST', '/mailboxes', mailboxBody({ fromEmail: 'used@sender.example' }), 201);
    await call('POST', '/campaigns', { name: 'Uses it', mailboxId: used.id }, 201);
    expect((await call('DELETE', `/mailboxes/${used.id}`, undefined, 409)).error.code).toBe('mailbox_in_use');
    const unused = await call('POST', '/mailboxes', mailboxBody({ fromEmail: 'unused@sender.example' }), 201);
    await call('DELETE', `/mailboxes/${unused.id}`, undefined, 204);
    await call('GET', `/mailboxes/${unused.id}`, undefined, 404);
  });

  it('lets members read mailboxes, managers manage them, and pages the list by address', async () => {
    const member = await addMemberWithRole(api, a, 'member@mbox-a.example', 'member');
    const manager = await addMemberWithRole(api, a, 'manager@mbox-a.example', 'manager');
    await call('GET', '/mailboxes', undefined, 200, member);
    await call('POST', '/mailboxes', mailboxBody({ fromEmail: 'm1@sender.example' }), 403, member);
    const byManager = await call('POST', '/mailboxes', mailboxBody({ fromEmail: 'm2@sender.example' }), 201, manager);
    await call('PATCH', `/mailboxes/${byManager.id}`, { dailyCap: 5 }, 403, member);
    await call('POST', `/mailboxes/${byManager.id}/test`, { to: 'x@a.example' }, 403, member);
    await call('DELETE', `/mailboxes/${byManager.id}`, undefined, 403, member);
    const first = await call('GET', '/mailboxes?limit=2');
    const second = await call('GET', `/mailboxes?limit=2&cursor=${first.nextCursor}`);
    expect(first.items).toHaveLength(2);
    const all = (await call('GET', '/mailboxes?limit=200')).items.map((m: { fromEmail: string }) => m.fromEmail);
    expect([...first.items, ...second.items].map((m: { fromEmail: string }) => m.fromEmail)).toEqual(all.slice(0, 4));
    await call('GET', '/mailboxes?cursor=garbage', undefined, 400);
  });
});
