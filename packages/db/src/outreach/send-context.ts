import { query, type Queryable } from '../query.js';

/** The Message-ID and References of the latest sent message of the enrollment (for threading). */
export async function lastSentHeaders(
  db: Queryable,
  organisationId: string,
  enrollmentId: string,
): Promise<{ messageId: string; references: string | null } | null> {
  const result = await query<{ messageId: string; references: string | null }>(
    db,
    'outreach.last_sent_headers',
    `SELECT message_id AS "messageId", references_header AS "references"
     FROM outreach_messages
     WHERE organisation_id = $1 AND enrollment_id = $2 AND direction = 'outbound' AND status = 'sent'
       AND message_id IS NOT NULL
     ORDER BY sent_at DESC LIMIT 1`,
    [organisationId, enrollmentId],
  );
  return result.rows[0] ?? null;
}

/** Mailbox transport settings and encrypted secrets (decrypted by the caller). */
export interface MailboxForSending {
  id: string;
  transport: 'smtp' | 'ses';
  fromName: string;
  fromEmail: string;
  replyTo: string | null;
  smtpHost: string | null;
  smtpPort: number | null;
  smtpSecure: boolean;
  smtpUser: string | null;
  smtpPasswordEncrypted: string | null;
  updatedAt: Date;
}

export async function getMailboxForSending(
  db: Queryable,
  organisationId: string,
  mailboxId: string,
): Promise<MailboxForSending | null> {
  const result = await query<MailboxForSending>(
    db,
    'outreach.mailbox_for_sending',
    `SELECT id, transport, from_name AS "fromName", from_email AS "fromEmail", reply_to AS "replyTo",
            smtp_host AS "smtpHost", smtp_port AS "smtpPort", smtp_secure AS "smtpSecure", smtp_user AS "smtpUser",
            smtp_password_encrypted AS "smtpPasswordEncrypted", updated_at AS "updatedAt"
     FROM outreach_mailboxes WHERE organisation_id = $1 AND id = $2`,
    [organisationId, mailboxId],
  );
  return result.rows[0] ?? null;
}
