import {
  INBOUND_MAIL_MAX_BYTES,
  NotFoundError,
  PayloadTooLargeError,
  UnauthenticatedError,
  ValidationError,
  type InboundMailAccepted,
  type MailboxInboundSecret,
} from '@prospectflow/contracts';
import { enqueueInboundMail, findInboundMailbox, setMailboxInboundSecret, withTransaction } from '@prospectflow/db';
import {
  InboundParseError,
  decryptMailboxSecret,
  encryptMailboxSecret,
  generateInboundSecret,
  parseInboundMail,
  verifyInboundAuth,
} from '@prospectflow/outreach';
import type { OutreachDeps } from './outreach-context.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Generates (or replaces) the mailbox's inbound webhook secret; answered once, stored encrypted. */
export async function createInboundSecret(
  deps: OutreachDeps,
  organisationId: string,
  mailboxId: string,
): Promise<MailboxInboundSecret> {
  const secret = generateInboundSecret();
  const stored = await setMailboxInboundSecret(
    deps.pool,
    organisationId,
    mailboxId,
    encryptMailboxSecret(deps.secretsKey, secret),
  );
  if (!stored) throw new NotFoundError('Mailbox not found');
  return { mailboxId, secret };
}

export interface InboundRequest {
  mailboxId: string | undefined;
  authorization: string | undefined;
  signature: string | undefined;
  timestamp: string | undefined;
  /** The raw body, or undefined when the content type was not a raw message type. */
  body: Buffer | undefined;
}

async function authenticate(deps: OutreachDeps, request: InboundRequest) {
  if (!request.mailboxId) throw new ValidationError('X-Mailbox-Id header is required', undefined, 'missing_mailbox_id');
  const mailbox = UUID.test(request.mailboxId) ? await findInboundMailbox(deps.pool, request.mailboxId) : null;
  // A mailbox without an inbound secret cannot receive: answered like an unknown one.
  if (!mailbox?.secretEncrypted) throw new NotFoundError('Mailbox not found', 'mailbox_not_found');
  const verdict = verifyInboundAuth({
    secret: decryptMailboxSecret(deps.secretsKey, mailbox.secretEncrypted),
    body: request.body ?? Buffer.alloc(0),
    now: deps.clock(),
    authorization: request.authorization,
    signature: request.signature,
    timestamp: request.timestamp,
  });
  if (verdict === 'missing') {
    throw new UnauthenticatedError(
      'Send Authorization: Bearer <secret> or X-Signature: sha256=<hex>',
      'missing_signature',
    );
  }
  if (verdict === 'stale')
    throw new UnauthenticatedError('X-Signature-Timestamp is too old or too new', 'stale_signature');
  if (verdict === 'invalid') throw new UnauthenticatedError('Signature or secret does not match', 'invalid_signature');
  return { organisationId: mailbox.organisationId, mailboxId: request.mailboxId };
}

/**
 * Accepts a raw inbound message for a mailbox: authenticated by the mailbox's secret (bearer or
 * HMAC), checked to parse as a message, then queued for the reply detector through the outbox
 * in one INSERT — once this returns, the message cannot be lost.
 */
export async function acceptInboundMail(deps: OutreachDeps, request: InboundRequest): Promise<InboundMailAccepted> {
  const { organisationId, mailboxId } = await authenticate(deps, request);
  const body = request.body;
  if (!body) {
    throw new ValidationError(
      'Content-Type must be message/rfc822 or application/octet-stream',
      undefined,
      'unsupported_content_type',
    );
  }
  if (body.length > INBOUND_MAIL_MAX_BYTES) throw new PayloadTooLargeError('Message larger than 10 MB');
  try {
    await parseInboundMail(body);
  } catch (error) {
    if (!(error instanceof InboundParseError)) throw error;
    const code = body.length === 0 ? 'empty_message' : 'unparseable_message';
    throw new ValidationError(`Body is not an RFC 822 message: ${error.message}`, undefined, code);
  }
  await withTransaction(deps.pool, (client) =>
    enqueueInboundMail(client, {
      organisationId,
      mailboxId,
      source: 'webhook',
      raw: body.toString('base64'),
      receivedAt: deps.clock(),
    }),
  );
  return { accepted: true, bytes: body.length };
}
