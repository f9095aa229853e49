import type { SendMailOptions } from 'nodemailer/lib/mailer';
import type { OutgoingEmail } from './types.js';

/** RFC 8058 value of List-Unsubscribe-Post. */
export const ONE_CLICK_UNSUBSCRIBE = 'List-Unsubscribe=One-Click';

/** `List-Unsubscribe`: the https URL first (one-click), then the mailto when there is one. */
export function listUnsubscribeHeader(unsubscribe: OutgoingEmail['unsubscribe']): string {
  const targets = [`<${unsubscribe.url}>`];
  if (unsubscribe.mailto) targets.push(`<mailto:${unsubscribe.mailto}?subject=unsubscribe>`);
  return targets.join(', ');
}

/** nodemailer message options: our Message-ID, text and HTML parts, threading and unsubscribe headers. */
export function toMailOptions(email: OutgoingEmail): SendMailOptions {
  return {
    from: { name: email.from.name, address: email.from.address },
    to: email.to,
    replyTo: email.replyTo ?? undefined,
    subject: email.subject,
    text: email.text,
    html: email.html,
    messageId: email.messageId,
    inReplyTo: email.inReplyTo ?? undefined,
    references: email.references ?? undefined,
    headers: {
      'List-Unsubscribe': listUnsubscribeHeader(email.unsubscribe),
      'List-Unsubscribe-Post': ONE_CLICK_UNSUBSCRIBE,
    },
  };
}

/** A Message-ID on the sender's domain: `<uuid@domain>`. */
export function newMessageId(fromEmail: string, id: string): string {
  const domain = fromEmail.split('@')[1]?.toLowerCase() || 'localhost';
  return `<${id}@${domain}>`;
}
