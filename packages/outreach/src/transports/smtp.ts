import nodemailer from 'nodemailer';
import { toMailOptions } from './mime.js';
import { MailSendError, type MailTransport, type MailboxSecrets, type MailboxTransportSettings } from './types.js';

interface SmtpFailure {
  code?: string;
  responseCode?: number;
  command?: string;
  message?: string;
}

/**
 * Classifies a nodemailer failure. Only a failure after the DATA payload was sent without a reply
 * (socket dropped, timeout) leaves delivery unknown; every other failure happened before the
 * server could accept the message.
 */
export function classifySmtpError(error: unknown): MailSendError {
  const failure = (error ?? {}) as SmtpFailure;
  const message = failure.message ?? String(error);
  const code = failure.code ?? 'smtp_error';
  if (typeof failure.responseCode === 'number') {
    return new MailSendError(message, failure.responseCode >= 500, 'no', `smtp_${failure.responseCode}`);
  }
  if (code === 'EAUTH') return new MailSendError(message, true, 'no', 'smtp_auth');
  const duringData = failure.command === 'DATA' || failure.command === 'DATA END' || code === 'EMESSAGE';
  return new MailSendError(message, false, duringData ? 'unknown' : 'no', code.toLowerCase());
}

/** A pooled SMTP transport for one mailbox (connections reused across sends). */
export function createSmtpTransport(mailbox: MailboxTransportSettings, secrets: MailboxSecrets): MailTransport {
  if (!mailbox.smtpHost || !mailbox.smtpPort) {
    throw new MailSendError('mailbox has no SMTP host or port', true, 'no', 'smtp_not_configured');
  }
  const transporter = nodemailer.createTransport({
    pool: true,
    maxConnections: 5,
    host: mailbox.smtpHost,
    port: mailbox.smtpPort,
    secure: mailbox.smtpSecure,
    auth: mailbox.smtpUser ? { user: mailbox.smtpUser, pass: secrets.smtpPassword ?? '' } : undefined,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
  return {
    kind: 'smtp',
    async send(email) {
      try {
        const info = await transporter.sendMail(toMailOptions(email));
        return { response: String(info.response ?? '') };
      } catch (error) {
        throw classifySmtpError(error);
      }
    },
    close: () => transporter.close(),
  };
}
