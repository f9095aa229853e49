import { z } from 'zod';

/** Queue (and outbox routing key) of inbound mail waiting for the reply detector. */
export const OUTREACH_REPLY_QUEUE = 'outreach.reply';

/** Largest raw inbound message accepted, in bytes (decoded). */
export const INBOUND_MAIL_MAX_BYTES = 10 * 1024 * 1024;

/** Classes of inbound mail; each stored with a human-readable reason. */
export const ReplyClassification = z.enum([
  'human_reply',
  'auto_reply',
  'bounce_permanent',
  'bounce_temporary',
  'unsubscribe_request',
]);
export type ReplyClassification = z.infer<typeof ReplyClassification>;

/** Where an inbound message came from: the inbound webhook or the IMAP poller. */
export const InboundMailSource = z.enum(['webhook', 'imap']);
export type InboundMailSource = z.infer<typeof InboundMailSource>;

/**
 * A raw inbound message received for a mailbox, published to `outreach.reply` with confirms.
 * `raw` is the base64 of the RFC 822 bytes (at most 10 MB decoded).
 */
export const OutreachInboundMail = z.object({
  organisationId: z.uuid(),
  mailboxId: z.uuid(),
  source: InboundMailSource,
  raw: z
    .string()
    .min(1)
    .max(Math.ceil(INBOUND_MAIL_MAX_BYTES / 3) * 4)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'raw must be base64'),
  receivedAt: z.iso.datetime({ offset: true }),
  imapUid: z.number().int().nonnegative().optional(),
});
export type OutreachInboundMail = z.infer<typeof OutreachInboundMail>;

/** Answer of `POST /mailboxes/:id/inbound-secret`: the secret, shown once. */
export const MailboxInboundSecret = z.object({ mailboxId: z.uuid(), secret: z.string() });
export type MailboxInboundSecret = z.infer<typeof MailboxInboundSecret>;

/** Answer of `POST /inbound/mail` (202). */
export const InboundMailAccepted = z.object({ accepted: z.literal(true), bytes: z.number().int() });
export type InboundMailAccepted = z.infer<typeof InboundMailAccepted>;
