import type { Mailbox, MailboxTransport } from '@prospectflow/contracts';
import { iso } from '../crm/prospect-sql.js';
import { query, type Queryable } from '../query.js';

/** Server settings as stored; the password is already encrypted (or null). */
export interface StoredServerSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string | null;
  passwordEncrypted: string | null;
}

export interface MailboxRecord {
  fromName: string;
  fromEmail: string;
  replyTo: string | null;
  transport: MailboxTransport;
  smtp: StoredServerSettings | null;
  imap: StoredServerSettings | null;
  dailyCap: number;
  minGapSeconds: number;
  /** Cleared when the sender address or the transport settings change. */
  verifiedAt: Date | null;
}

/** A mailbox with its encrypted secrets, for code that sends or edits (never for an API answer). */
export interface MailboxWithSecrets extends MailboxRecord {
  id: string;
  organisationId: string;
}

const server = (prefix: 'smtp' | 'imap', m: string) => `CASE WHEN ${m}.${prefix}_host IS NULL THEN NULL ELSE
  json_build_object('host', ${m}.${prefix}_host, 'port', ${m}.${prefix}_port, 'secure', ${m}.${prefix}_secure,
    'user', ${m}.${prefix}_user, 'hasPassword', ${m}.${prefix}_password_encrypted IS NOT NULL) END`;

/** Columns of the API view of a mailbox `m`: no secret, only whether one is stored. */
export const mailboxColumns = (
  m: string,
) => `${m}.id, ${m}.from_name AS "fromName", ${m}.from_email::text AS "fromEmail",
  ${m}.reply_to::text AS "replyTo", ${m}.transport, ${server('smtp', m)} AS smtp, ${server('imap', m)} AS imap,
  ${m}.daily_cap AS "dailyCap", ${m}.min_gap_seconds AS "minGapSeconds", ${iso(`${m}.verified_at`)} AS "verifiedAt",
  ${m}.inbound_secret_encrypted IS NOT NULL AS "hasInboundSecret",
  ${iso(`${m}.created_at`)} AS "createdAt", ${iso(`${m}.updated_at`)} AS "updatedAt"`;

const flat = (r: MailboxRecord) => [
  r.fromName,
  r.fromEmail,
  r.replyTo,
  r.transport,
  r.smtp?.host ?? null,
  r.smtp?.port ?? null,
  r.smtp?.secure ?? true,
  r.smtp?.user ?? null,
  r.smtp?.passwordEncrypted ?? null,
  r.dailyCap,
  r.minGapSeconds,
  r.imap?.host ?? null,
  r.imap?.port ?? null,
  r.imap?.secure ?? true,
  r.imap?.user ?? null,
  r.imap?.passwordEncrypted ?? null,
  r.verifiedAt,
];

/** Inserts a mailbox; a second one with the same sender address fails on outreach_mailboxes_organisation_id_from_email_key. */
export async function insertMailbox(db: Queryable, organisationId: string, record: MailboxRecord): Promise<Mailbox> {
  const result = await query<Mailbox>(
    db,
    'outreach.insert_mailbox',
    `INSERT INTO outreach_mailboxes AS m (organisation_id, from_name, from_email, reply_to, transport,
       smtp_host, smtp_port, smtp_secure, smtp_user, smtp_password_encrypted, daily_cap, min_gap_seconds,
       imap_host, imap_port, imap_secure, imap_user, imap_password_encrypted, verified_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
     RETURNING ${mailboxColumns('m')}`,
    [organisationId, ...flat(record)],
  );
  return result.rows[0]!;
}

/** Replaces every editable field of a mailbox (the caller merged the changes); null when absent. */
export async function updateMailbox(
  db: Queryable,
  organisationId: string,
  id: string,
  record: MailboxRecord,
): Promise<Mailbox | null> {
  const result = await query<Mailbox>(
    db,
    'outreach.update_mailbox',
    `UPDATE outreach_mailboxes m SET from_name = $3, from_email = $4, reply_to = $5, transport = $6,
       smtp_host = $7, smtp_port = $8, smtp_secure = $9, smtp_user = $10, smtp_password_encrypted = $11,
       daily_cap = $12, min_gap_seconds = $13, imap_host = $14, imap_port = $15, imap_secure = $16,
       imap_user = $17, imap_password_encrypted = $18, verified_at = $19,
       imap_last_seen_uid = CASE WHEN m.imap_host IS DISTINCT FROM $14 OR m.imap_user IS DISTINCT FROM $17
         THEN NULL ELSE m.imap_last_seen_uid END,
       imap_uid_validity = CASE WHEN m.imap_host IS DISTINCT FROM $14 OR m.imap_user IS DISTINCT FROM $17
         THEN NULL ELSE m.imap_uid_validity END
     WHERE m.organisation_id = $1 AND m.id = $2
     RETURNING ${mailboxColumns('m')}`,
    [organisationId, id, ...flat(record)],
  );
  return result.rows[0] ?? null;
}

export async function getMailbox(db: Queryable, organisationId: string, id: string): Promise<Mailbox | null> {
  const result = await query<Mailbox>(
    db,
    'outreach.get_mailbox',
    `SELECT ${mailboxColumns('m')} FROM outreach_mailboxes m WHERE m.organisation_id = $1 AND m.id = $2`,
    [organisationId, id],
  );
  return result.rows[0] ?? null;
}

/** The mailbox with its encrypted passwords, optionally locked for an update; null when absent. */
export async function getMailboxWithSecrets(
  db: Queryable,
  organisationId: string,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<MailboxWithSecrets | null> {
  const stored = (p: string) => `CASE WHEN ${p}_host IS NULL THEN NULL ELSE json_build_object('host', ${p}_host,
    'port', ${p}_port, 'secure', ${p}_secure, 'user', ${p}_user, 'passwordEncrypted', ${p}_password_encrypted) END`;
  const result = await query<MailboxWithSecrets>(
    db,
    'outreach.get_mailbox_with_secrets',
    `SELECT id, organisation_id AS "organisationId", from_name AS "fromName", from_email::text AS "fromEmail",
       reply_to::text AS "replyTo", transport, ${stored('smtp')} AS smtp, ${stored('imap')} AS imap,
       daily_cap AS "dailyCap", min_gap_seconds AS "minGapSeconds", verified_at AS "verifiedAt"
     FROM outreach_mailboxes WHERE organisation_id = $1 AND id = $2 ${options.forUpdate ? 'FOR UPDATE' : ''}`,
    [organisationId, id],
  );
  return result.rows[0] ?? null;
}

/** Mailboxes of an organisation by sender address, after `afterEmail`. */
export async function listMailboxes(
  db: Queryable,
  organisationId: string,
  page: { afterEmail?: string; limit: number },
): Promise<Mailbox[]> {
  const result = await query<Mailbox>(
    db,
    'outreach.list_mailboxes',
    `SELECT ${mailboxColumns('m')} FROM outreach_mailboxes m
     WHERE m.organisation_id = $1 AND ($2::citext IS NULL OR m.from_email > $2::citext)
     ORDER BY m.from_email LIMIT $3`,
    [organisationId, page.afterEmail ?? null, page.limit],
  );
  return result.rows;
}

/** Stamps a successful test send. */
export async function markMailboxVerified(db: Queryable, organisationId: string, id: string, at: Date): Promise<void> {
  await query(
    db,
    'outreach.mark_mailbox_verified',
    `UPDATE outreach_mailboxes SET verified_at = $3 WHERE organisation_id = $1 AND id = $2`,
    [organisationId, id, at],
  );
}

/** Deletes a mailbox; one that a campaign uses fails on the campaigns' foreign key (23503). */
export async function deleteMailbox(db: Queryable, organisationId: string, id: string): Promise<boolean> {
  const result = await query(
    db,
    'outreach.delete_mailbox',
    `DELETE FROM outreach_mailboxes WHERE organisation_id = $1 AND id = $2`,
    [organisationId, id],
  );
  return (result.rowCount ?? 0) > 0;
}
