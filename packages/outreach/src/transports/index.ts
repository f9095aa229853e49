import { createSesTransport, type SesSettings } from './ses.js';
import { createSmtpTransport } from './smtp.js';
import { MailSendError, type MailTransport, type MailboxSecrets, type MailboxTransportSettings } from './types.js';

export { classifySmtpError } from './smtp.js';
export { classifySesError, type SesSettings } from './ses.js';
export { ONE_CLICK_UNSUBSCRIBE, listUnsubscribeHeader, newMessageId, toMailOptions } from './mime.js';
export * from './types.js';

/** Builds the transport of a mailbox: pooled SMTP, or SES v2 (needs `ses` settings). */
export function createTransport(
  mailbox: MailboxTransportSettings,
  secrets: MailboxSecrets,
  options: { ses?: SesSettings } = {},
): MailTransport {
  if (mailbox.transport === 'smtp') return createSmtpTransport(mailbox, secrets);
  if (!options.ses) throw new MailSendError('SES is not configured on this worker', true, 'no', 'ses_not_configured');
  return createSesTransport(mailbox, options.ses);
}
