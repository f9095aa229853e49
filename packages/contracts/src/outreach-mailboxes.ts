import { z } from 'zod';

/** A trimmed, lower-cased email address. */
export const OutreachEmail = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'Invalid email address' }).max(254));

export const MailboxTransport = z.enum(['smtp', 'ses']);
export type MailboxTransport = z.infer<typeof MailboxTransport>;

/**
 * SMTP or IMAP server settings. `password`: omitted keeps the stored one (on update), null
 * removes it, a string replaces it. It is encrypted at rest and never answered.
 */
export const MailServerSettingsInput = z.strictObject({
  host: z.string().trim().min(1).max(255),
  port: z.number().int().min(1).max(65535),
  secure: z.boolean().default(true),
  user: z.string().trim().max(320).nullable().optional(),
  password: z.string().min(1).max(1000).nullable().optional(),
});
export type MailServerSettingsInput = z.infer<typeof MailServerSettingsInput>;

const dailyCap = z.number().int().min(1).max(100_000);
const minGapSeconds = z.number().int().min(0).max(86_400);
const fromName = z.string().trim().min(1).max(200);

export const CreateMailboxRequest = z
  .strictObject({
    fromName,
    fromEmail: OutreachEmail,
    replyTo: OutreachEmail.nullable().optional(),
    transport: MailboxTransport.default('smtp'),
    smtp: MailServerSettingsInput.nullable().optional(),
    imap: MailServerSettingsInput.nullable().optional(),
    dailyCap: dailyCap.optional(),
    minGapSeconds: minGapSeconds.optional(),
  })
  .refine((v) => v.transport !== 'smtp' || !!v.smtp, {
    path: ['smtp'],
    message: 'Required for the smtp transport',
  });
export type CreateMailboxRequest = z.infer<typeof CreateMailboxRequest>;

/** Partial update; `smtp`/`imap` replace the settings (password kept when omitted), null removes them. */
export const UpdateMailboxRequest = z
  .strictObject({
    fromName: fromName.optional(),
    fromEmail: OutreachEmail.optional(),
    replyTo: OutreachEmail.nullable().optional(),
    transport: MailboxTransport.optional(),
    smtp: MailServerSettingsInput.nullable().optional(),
    imap: MailServerSettingsInput.nullable().optional(),
    dailyCap: dailyCap.optional(),
    minGapSeconds: minGapSeconds.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'Give at least one field to change');
export type UpdateMailboxRequest = z.infer<typeof UpdateMailboxRequest>;

export const MailServerSettings = z.object({
  host: z.string(),
  port: z.number(),
  secure: z.boolean(),
  user: z.string().nullable(),
  hasPassword: z.boolean(),
});
export type MailServerSettings = z.infer<typeof MailServerSettings>;

/** A sender identity as the API shows it: never a password, only `hasPassword`. */
export const Mailbox = z.object({
  id: z.uuid(),
  fromName: z.string(),
  fromEmail: z.string(),
  replyTo: z.string().nullable(),
  transport: MailboxTransport,
  smtp: MailServerSettings.nullable(),
  imap: MailServerSettings.nullable(),
  dailyCap: z.number(),
  minGapSeconds: z.number(),
  verifiedAt: z.string().nullable(),
  /** Whether `POST /mailboxes/:id/inbound-secret` has set a secret for the inbound mail endpoint. */
  hasInboundSecret: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Mailbox = z.infer<typeof Mailbox>;

/** `POST /api/v1/mailboxes/:id/test`: where to send the test email. */
export const TestMailboxRequest = z.strictObject({ to: OutreachEmail });
export type TestMailboxRequest = z.infer<typeof TestMailboxRequest>;

export const TestMailboxResponse = z.object({ mailbox: Mailbox, messageId: z.string() });
export type TestMailboxResponse = z.infer<typeof TestMailboxResponse>;
