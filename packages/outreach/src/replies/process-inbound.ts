import type { OutreachInboundMail, ReplyClassification } from '@prospectflow/contracts';
import { hasMessageId, insertInboundMessage, withTransaction, type Pool } from '@prospectflow/db';
import type { Clock } from '../clock.js';
import { applyClassification } from './apply-classification.js';
import { classifyInbound } from './classify.js';
import { matchOutbound } from './match-outbound.js';
import { parseInboundMail } from './parse-inbound.js';

export interface InboundDeps {
  pool: Pool;
  clock: Clock;
  /** Pause of an out-of-office without a return date, in days. */
  defaultPauseDays: number;
}

export type InboundOutcome =
  | {
      outcome: 'stored';
      messageId: string;
      enrollmentId: string;
      classification: ReplyClassification;
      reason: string;
      matchedBy: string;
    }
  | { outcome: 'duplicate' | 'unmatched'; classification: ReplyClassification };

/**
 * Handles one inbound message: parse (InboundParseError for bytes that are not a message),
 * classify, match to our outbound message within the payload's organisation, then in one
 * transaction store it (direction inbound, threaded with ours) and apply its class. A Message-ID
 * already stored is ignored (redelivery, the same mail seen by IMAP and the webhook); a message
 * answering nothing of ours is not stored.
 */
export async function processInboundMail(deps: InboundDeps, mail: OutreachInboundMail): Promise<InboundOutcome> {
  const parsed = await parseInboundMail(Buffer.from(mail.raw, 'base64'));
  const classified = classifyInbound(parsed);
  const { organisationId } = mail;
  return withTransaction(deps.pool, async (client) => {
    if (await hasMessageId(client, organisationId, parsed.messageId)) {
      return { outcome: 'duplicate', classification: classified.classification } as const;
    }
    const match = await matchOutbound(client, organisationId, parsed, classified);
    if (!match) return { outcome: 'unmatched', classification: classified.classification } as const;
    const id = await insertInboundMessage(client, {
      organisationId,
      mailboxId: mail.mailboxId,
      matched: match.outbound,
      messageId: parsed.messageId,
      references: parsed.references.join(' ') || null,
      fromEmail: parsed.fromEmail,
      toEmail: parsed.toEmail,
      subject: parsed.subject,
      bodyText: parsed.text,
      bodyHtml: parsed.html,
      receivedAt: new Date(mail.receivedAt),
    });
    if (!id) return { outcome: 'duplicate', classification: classified.classification } as const;
    await applyClassification(client, {
      organisationId,
      messageId: id,
      classification: classified.classification,
      reason: classified.reason,
      clock: deps.clock,
      defaultPauseDays: deps.defaultPauseDays,
    });
    return {
      outcome: 'stored',
      messageId: id,
      enrollmentId: match.outbound.enrollmentId,
      classification: classified.classification,
      reason: classified.reason,
      matchedBy: match.by,
    } as const;
  });
}
