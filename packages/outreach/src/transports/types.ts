/** The sender settings a transport needs (a row of outreach_mailboxes, secrets excluded). */
export interface MailboxTransportSettings {
  id: string;
  transport: 'smtp' | 'ses';
  fromName: string;
  fromEmail: string;
  replyTo: string | null;
  smtpHost: string | null;
  smtpPort: number | null;
  smtpSecure: boolean;
  smtpUser: string | null;
}

/** Secrets decrypted just before building the transport; never logged. */
export interface MailboxSecrets {
  smtpPassword: string | null;
}

/** One outbound email, fully rendered; tracking URLs already inserted in text and HTML. */
export interface OutgoingEmail {
  from: { name: string; address: string };
  replyTo?: string | null;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Our RFC 5322 Message-ID, angle brackets included. */
  messageId: string;
  inReplyTo?: string | null;
  references?: string | null;
  /** https URL of the one-click unsubscribe, plus an optional mailto. */
  unsubscribe: { url: string; mailto?: string | null };
}

export interface MailTransport {
  readonly kind: 'smtp' | 'ses';
  /** Hands the email to the server; resolves once it was accepted. Throws MailSendError. */
  send(email: OutgoingEmail): Promise<{ response: string }>;
  close(): void;
}

/**
 * A failed send. `permanent`: retrying cannot help (5xx, bad credentials, rejected by SES).
 * `delivered: 'unknown'`: the connection failed after the message body was handed over, so the
 * server may have accepted it; such a message must not be sent again automatically.
 */
export class MailSendError extends Error {
  override readonly name = 'MailSendError';
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly delivered: 'no' | 'unknown',
    readonly code: string,
  ) {
    super(message);
  }
}
