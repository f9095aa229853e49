import { enqueueOutbox } from '../outbox/repository.js';
import { query, type Queryable } from '../query.js';

/** The mailbox an inbound webhook names, with its encrypted inbound secret (any organisation). */
export async function findInboundMailbox(
  db: Queryable,
  mailboxId: string,
): Promise<{ organisationId: string; secretEncrypted: string | null } | null> {
  const result = await query<{ organisationId: string; secretEncrypted: string | null }>(
    db,
    'outreach.find_inbound_mailbox',
    `SELECT organisation_id AS "organisationId", inbound_secret_encrypted AS "secretEncrypted"
     FROM outreach_mailboxes WHERE id = $1`,
    [mailboxId],
  );
  return result.rows[0] ?? null;
}

/** Replaces the mailbox's inbound secret (already encrypted); false when the mailbox is not the organisation's. */
export async function setMailboxInboundSecret(
  db: Queryable,
  organisationId: string,
  mailboxId: string,
  secretEncrypted: string,
): Promise<boolean> {
  const result = await query(
    db,
    'outreach.set_inbound_secret',
    `UPDATE outreach_mailboxes SET inbound_secret_encrypted = $3 WHERE organisation_id = $1 AND id = $2`,
    [organisationId, mailboxId, secretEncrypted],
  );
  return (result.rowCount ?? 0) > 0;
}

/** Queues a raw inbound message for the reply detector (`outreach.reply`) through the outbox. */
export async function enqueueInboundMail(
  db: Queryable,
  mail: { organisationId: string; mailboxId: string; source: 'webhook' | 'imap'; raw: string; receivedAt: Date },
): Promise<void> {
  await enqueueOutbox(db, [
    {
      organisationId: mail.organisationId,
      routingKey: 'outreach.reply',
      payload: { ...mail, receivedAt: mail.receivedAt.toISOString() },
    },
  ]);
}

/** An outbound message we sent that an inbound one answers or reports on. */
export interface MatchedOutbound {
  id: string;
  enrollmentId: string;
  stepId: string | null;
  variantId: string | null;
  messageId: string;
  toEmail: string | null;
  subject: string | null;
}

const MATCHED_COLUMNS = `m.id, m.enrollment_id AS "enrollmentId", m.step_id AS "stepId", m.variant_id AS "variantId",
  m.message_id AS "messageId", m.to_email::text AS "toEmail", m.subject`;

/** Our sent message carrying one of these Message-IDs, in this organisation only (latest first). */
export async function findOutboundByMessageIds(
  db: Queryable,
  organisationId: string,
  messageIds: string[],
): Promise<MatchedOutbound | null> {
  if (messageIds.length === 0) return null;
  const result = await query<MatchedOutbound>(
    db,
    'outreach.find_outbound_by_message_ids',
    `SELECT ${MATCHED_COLUMNS} FROM outreach_messages m
     WHERE m.organisation_id = $1 AND m.message_id = ANY($2::text[]) AND m.direction = 'outbound'
       AND m.enrollment_id IS NOT NULL AND m.status IN ('sending', 'sent')
     ORDER BY m.sent_at DESC NULLS LAST LIMIT 1`,
    [organisationId, messageIds],
  );
  return result.rows[0] ?? null;
}

/** Our latest sent messages to this address within the organisation's campaign enrollments. */
export async function listOutboundTo(
  db: Queryable,
  organisationId: string,
  email: string,
  limit = 20,
): Promise<MatchedOutbound[]> {
  const result = await query<MatchedOutbound>(
    db,
    'outreach.list_outbound_to',
    `SELECT ${MATCHED_COLUMNS} FROM outreach_messages m
     JOIN outreach_campaign_enrollments e ON e.organisation_id = m.organisation_id AND e.id = m.enrollment_id
     JOIN crm_positions p ON p.organisation_id = e.organisation_id AND p.id = e.position_id
     WHERE m.organisation_id = $1 AND m.to_email = $2::citext AND m.direction = 'outbound' AND m.status = 'sent'
       AND m.message_id IS NOT NULL AND p.email = $2::citext
     ORDER BY m.sent_at DESC LIMIT $3`,
    [organisationId, email, limit],
  );
  return result.rows;
}

export interface NewInboundMessage {
  organisationId: string;
  mailboxId: string;
  matched: MatchedOutbound;
  messageId: string;
  references: string | null;
  fromEmail: string | null;
  toEmail: string | null;
  subject: string | null;
  bodyText: string;
  bodyHtml: string | null;
  receivedAt: Date;
}

/**
 * Stores an inbound message threaded with the outbound one it answers (thread = the enrollment,
 * step and variant attributed from it). Null when this Message-ID was already stored.
 */
export async function insertInboundMessage(db: Queryable, message: NewInboundMessage): Promise<string | null> {
  const { matched } = message;
  const result = await query<{ id: string }>(
    db,
    'outreach.insert_inbound_message',
    `INSERT INTO outreach_messages (organisation_id, enrollment_id, step_id, variant_id, mailbox_id, direction, status,
       message_id, in_reply_to, references_header, thread_id, from_email, to_email, subject, body_text, body_html,
       received_at)
     SELECT $1, $2, s.id, v.id, mb.id, 'inbound', 'received', $6, $7, $8, $2, $9, $10, $11, $12, $13, $14
     FROM (SELECT 1) one
     LEFT JOIN outreach_workflow_steps s ON s.organisation_id = $1 AND s.id = $3
     LEFT JOIN outreach_step_experiment_variants v ON v.organisation_id = $1 AND v.id = $4
     LEFT JOIN outreach_mailboxes mb ON mb.organisation_id = $1 AND mb.id = $5
     ON CONFLICT (organisation_id, message_id) WHERE message_id IS NOT NULL DO NOTHING
     RETURNING id`,
    [
      message.organisationId,
      matched.enrollmentId,
      matched.stepId,
      matched.variantId,
      message.mailboxId,
      message.messageId,
      matched.messageId,
      message.references,
      message.fromEmail,
      message.toEmail,
      message.subject,
      message.bodyText,
      message.bodyHtml,
      message.receivedAt.toISOString(),
    ],
  );
  return result.rows[0]?.id ?? null;
}

/** Whether the organisation already stored a message with this Message-ID. */
export async function hasMessageId(db: Queryable, organisationId: string, messageId: string): Promise<boolean> {
  const result = await query(
    db,
    'outreach.has_message_id',
    `SELECT 1 FROM outreach_messages WHERE organisation_id = $1 AND message_id = $2`,
    [organisationId, messageId],
  );
  return (result.rowCount ?? 0) > 0;
}
