import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import nodemailer from 'nodemailer';
import { toMailOptions } from './mime.js';
import { MailSendError, type MailTransport, type MailboxTransportSettings } from './types.js';

export interface SesSettings {
  region: string;
  /** Overrides the AWS endpoint (a local SES v2 emulator). */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

const RETRYABLE_SES = new Set(['TooManyRequestsException', 'LimitExceededException', 'SendingPausedException']);

/** Classifies an SES v2 failure; a request that got no HTTP answer may have been accepted. */
export function classifySesError(error: unknown): MailSendError {
  const failure = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = failure.$metadata?.httpStatusCode;
  const message = failure.message ?? String(error);
  const name = failure.name ?? 'SesError';
  if (status === undefined) return new MailSendError(message, false, 'unknown', 'ses_no_response');
  const permanent = status < 500 && !RETRYABLE_SES.has(name);
  return new MailSendError(message, permanent, 'no', `ses_${name}`);
}

/**
 * SES v2 with Raw content: the MIME is composed by nodemailer exactly as for SMTP, so our
 * Message-ID and List-Unsubscribe headers reach the recipient unchanged.
 */
export function createSesTransport(mailbox: MailboxTransportSettings, settings: SesSettings): MailTransport {
  const client = new SESv2Client({
    region: settings.region,
    endpoint: settings.endpoint,
    credentials: settings.credentials,
  });
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true });
  return {
    kind: 'ses',
    async send(email) {
      const raw = await composer.sendMail(toMailOptions(email));
      try {
        const output = await client.send(
          new SendEmailCommand({
            FromEmailAddress: mailbox.fromEmail,
            Destination: { ToAddresses: [email.to] },
            Content: { Raw: { Data: raw.message as Buffer } },
          }),
        );
        return { response: output.MessageId ?? '' };
      } catch (error) {
        throw classifySesError(error);
      }
    },
    close: () => client.destroy(),
  };
}
