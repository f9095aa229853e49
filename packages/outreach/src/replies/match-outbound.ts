import { findOutboundByMessageIds, listOutboundTo, type MatchedOutbound, type Queryable } from '@prospectflow/db';
import type { ClassificationResult } from './classify.js';
import type { InboundMail } from './parse-inbound.js';

// Reply and forward prefixes (and those of automatic answers) a client puts before our subject.
const PREFIX =
  /^\s*(?:re|tr|fw|fwd|aw|wg|sv|vs|antw|réf|ref|réponse automatique|reponse automatique|automatic reply|auto(?:matic)?[- ]?reply|out of (?:the )?office|abwesenheitsnotiz|absence)\s*(?:\[\d+\])?\s*:\s*/i;

/** The subject without its reply/forward prefixes, and whether it had any. */
export function stripReplyPrefixes(subject: string): { base: string; prefixed: boolean } {
  let base = subject.replace(/\u00a0/g, ' ');
  let prefixed = false;
  for (let match = PREFIX.exec(base); match; match = PREFIX.exec(base)) {
    base = base.slice(match[0].length);
    prefixed = true;
  }
  return { base: base.replace(/\s+/g, ' ').trim().toLowerCase(), prefixed };
}

export type OutboundMatch = { outbound: MatchedOutbound; by: 'headers' | 'recipient' | 'sender_subject' };

/**
 * The message of ours an inbound one answers, within the organisation: by In-Reply-To/References
 * (and, for bounces, the Message-ID of the attached original), else — bounces — our latest email
 * to the failed recipient, else the sender is a prospect we wrote to and the subject is ours
 * behind a `Re:`/`TR:`/`Fwd:`… prefix.
 */
export async function matchOutbound(
  db: Queryable,
  organisationId: string,
  mail: InboundMail,
  classified: ClassificationResult,
): Promise<OutboundMatch | null> {
  const ids = [mail.inReplyTo, ...[...mail.references].reverse(), ...mail.attachedMessageIds].filter(
    (id): id is string => id !== null,
  );
  const byHeaders = await findOutboundByMessageIds(db, organisationId, ids);
  if (byHeaders) return { outbound: byHeaders, by: 'headers' };
  if (classified.bouncedRecipient) {
    const [latest] = await listOutboundTo(db, organisationId, classified.bouncedRecipient, 1);
    return latest ? { outbound: latest, by: 'recipient' } : null;
  }
  const subject = stripReplyPrefixes(mail.subject);
  if (!mail.fromEmail || !subject.prefixed) return null;
  const sent = await listOutboundTo(db, organisationId, mail.fromEmail);
  const same = sent.find((m) => stripReplyPrefixes(m.subject ?? '').base === subject.base);
  return same ? { outbound: same, by: 'sender_subject' } : null;
}
