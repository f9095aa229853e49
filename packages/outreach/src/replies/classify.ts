import type { ReplyClassification } from '@prospectflow/contracts';
import type { InboundMail } from './parse-inbound.js';
import { newTextOf } from './quoted-text.js';

export interface ClassificationResult {
  classification: ReplyClassification;
  reason: string;
  /** Bounces: the address that failed, when the report names it. */
  bouncedRecipient?: string | null;
}

const NDR_SENDER = /^(?:mailer-daemon|postmaster|mail-daemon|mailerdaemon)@/i;
const NDR_SUBJECT =
  /^(?:undeliverable|undelivered mail returned to sender|delivery status notification \((?:failure|delay)\)|mail delivery failed|returned mail|delivery failure|non remis|non distribuable|échec de la remise|delayed mail)/i;
const ENHANCED_STATUS = /\b([45])\.\d{1,3}\.\d{1,3}\b/;
const AUTO_REPLY_SUBJECT =
  /^(?:absence|absent|réponse automatique|reponse automatique|automatic reply|auto(?:matic)?[- ]?reply|autoreply|out of (?:the )?office|abwesenheit|abwesenheitsnotiz|congés|vacances|vacation)\b/i;
// Asking to be removed, in words no ordinary reply uses by accident.
const UNSUBSCRIBE_WORDS = new RegExp(
  [
    '\\b(?:unsubscribe|d[ée]sinscri\\p{L}*|d[ée]sabonn\\p{L}*|retirez[- ]moi|supprimez[- ]moi|remove me|take me off|opt[- ]out)',
    "\\bne\\s+(?:[\\p{L}']+\\s+){0,2}plus\\s+(?:(?:me|m'|être)\\s*)?(?:recevoir|contacter|contacté|sollicit\\p{L}*|écrire|envoyer)",
  ].join('|'),
  'iu',
);
const STOP_WORD = /\bstop\b/i;

function header(mail: InboundMail, name: string): string {
  return (mail.headers.get(name) ?? '').trim();
}

function bounceOf(mail: InboundMail): ClassificationResult | null {
  const dsn = mail.deliveryStatus;
  const looksLikeNdr = NDR_SENDER.test(mail.fromEmail ?? '') || NDR_SUBJECT.test(mail.subject.trim());
  if (!mail.isDeliveryReport && !looksLikeNdr) return null;
  const status = dsn?.status ?? ENHANCED_STATUS.exec(mail.text)?.[0] ?? null;
  const recipient = dsn?.finalRecipient ?? (header(mail, 'x-failed-recipients').toLowerCase() || null);
  const source = mail.isDeliveryReport ? 'DSN' : 'NDR';
  const action = dsn?.action ? ` (action ${dsn.action})` : '';
  if (status?.startsWith('4') || dsn?.action === 'delayed') {
    return {
      classification: 'bounce_temporary',
      reason: `${source} status ${status ?? 'unknown'}${action}`,
      bouncedRecipient: recipient || null,
    };
  }
  if (status?.startsWith('5') || dsn?.action === 'failed') {
    return {
      classification: 'bounce_permanent',
      reason: `${source} status ${status ?? 'unknown'}${action}`,
      bouncedRecipient: recipient || null,
    };
  }
  // A delivery report that reports success (2.x.x, "delivered", "relayed") is not a bounce.
  return null;
}

function autoReplyOf(mail: InboundMail): ClassificationResult | null {
  const autoSubmitted = header(mail, 'auto-submitted').toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no')
    return { classification: 'auto_reply', reason: `Auto-Submitted: ${autoSubmitted}` };
  for (const name of ['x-autoreply', 'x-autorespond', 'x-autoresponder']) {
    if (mail.headers.has(name)) return { classification: 'auto_reply', reason: `header ${name}` };
  }
  const precedence = header(mail, 'precedence').toLowerCase();
  if (['auto_reply', 'bulk', 'junk'].includes(precedence)) {
    return { classification: 'auto_reply', reason: `Precedence: ${precedence}` };
  }
  const subject = AUTO_REPLY_SUBJECT.exec(mail.subject.trim());
  if (subject) return { classification: 'auto_reply', reason: `subject starts with "${subject[0]}"` };
  return null;
}

function unsubscribeOf(written: string): ClassificationResult | null {
  const words = UNSUBSCRIBE_WORDS.exec(written);
  if (words) return { classification: 'unsubscribe_request', reason: `asks to be removed ("${words[0]}")` };
  // "stop" alone is a weak signal: only a very short answer is read as a request.
  const wordCount = written.split(/\s+/).filter(Boolean).length;
  if (STOP_WORD.test(written) && wordCount <= 5) {
    return { classification: 'unsubscribe_request', reason: `short answer "${written.slice(0, 40)}"` };
  }
  return null;
}

/**
 * Classifies an inbound message. Rules, first match wins: 1. delivery failure (DSN, or NDR by
 * sender and subject) — 5.x.x permanent, 4.x.x or "delayed" temporary; 2. automatic answer
 * (Auto-Submitted other than "no", X-Autoreply/X-Autorespond, Precedence auto_reply|bulk|junk,
 * out-of-office subjects); 3. a request to be removed, in the text the sender wrote (quoted history
 * ignored, so our own unsubscribe footer never counts; a bare "stop" only in a ≤ 5-word answer);
 * 4. otherwise a human reply.
 */
export function classifyInbound(mail: InboundMail): ClassificationResult {
  const bounce = bounceOf(mail);
  if (bounce) return bounce;
  const automatic = autoReplyOf(mail);
  if (automatic) return automatic;
  const unsubscribe = unsubscribeOf(newTextOf(mail.text));
  if (unsubscribe) return unsubscribe;
  return { classification: 'human_reply', reason: 'no automatic or removal signal' };
}
