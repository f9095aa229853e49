import { z } from 'zod';
import { PageQuery } from './iam.js';

export const MessageStatus = z.enum([
  'draft',
  'approved',
  'rejected',
  'queued',
  'sending',
  'sent',
  'failed',
  'received',
]);
export type MessageStatus = z.infer<typeof MessageStatus>;

export const DraftListQuery = z.strictObject({ ...PageQuery.shape, campaignId: z.uuid().optional() });
export type DraftListQuery = z.infer<typeof DraftListQuery>;

/** A message of the review queue (oldest first). */
export const DraftSummary = z.object({
  id: z.uuid(),
  campaignId: z.uuid(),
  campaignName: z.string(),
  enrollmentId: z.uuid(),
  positionId: z.uuid(),
  stepId: z.uuid().nullable(),
  stepIndex: z.number().nullable(),
  variantKey: z.string().nullable(),
  fromEmail: z.string().nullable(),
  toEmail: z.string().nullable(),
  subject: z.string().nullable(),
  bodyText: z.string().nullable(),
  createdAt: z.string(),
  prospect: z.object({ firstName: z.string().nullable(), lastName: z.string().nullable(), companyName: z.string() }),
});
export type DraftSummary = z.infer<typeof DraftSummary>;

/** The statuses of an outbound message (an inbound one is always 'received'). */
export const OutboundMessageStatus = MessageStatus.exclude(['received']);
export type OutboundMessageStatus = z.infer<typeof OutboundMessageStatus>;

/** `GET /campaigns/:id/messages`: a campaign's outbound messages, newest first. */
export const CampaignMessageListQuery = z.strictObject({
  ...PageQuery.shape,
  status: OutboundMessageStatus.optional(),
  stepId: z.uuid().optional(),
});
export type CampaignMessageListQuery = z.infer<typeof CampaignMessageListQuery>;

export const CampaignMessageSummary = z.object({
  id: z.uuid(),
  status: OutboundMessageStatus,
  enrollmentId: z.uuid().nullable(),
  stepId: z.uuid().nullable(),
  stepIndex: z.number().nullable(),
  variantKey: z.string().nullable(),
  toEmail: z.string().nullable(),
  subject: z.string().nullable(),
  sentAt: z.string().nullable(),
  error: z.string().nullable(),
  /** A (human) open was tracked: `open_count > 0`, machine opens excluded. */
  opened: z.boolean(),
  createdAt: z.string(),
});
export type CampaignMessageSummary = z.infer<typeof CampaignMessageSummary>;

export const MessageEvent = z.object({ status: z.string(), at: z.string(), by: z.uuid().nullable().optional() });

export const MessageDetail = z.object({
  id: z.uuid(),
  direction: z.enum(['outbound', 'inbound']),
  status: MessageStatus,
  campaignId: z.uuid().nullable(),
  enrollmentId: z.uuid().nullable(),
  stepId: z.uuid().nullable(),
  stepIndex: z.number().nullable(),
  variantId: z.uuid().nullable(),
  variantKey: z.string().nullable(),
  mailboxId: z.uuid().nullable(),
  fromEmail: z.string().nullable(),
  toEmail: z.string().nullable(),
  subject: z.string().nullable(),
  bodyText: z.string().nullable(),
  bodyHtml: z.string().nullable(),
  /** The RFC 5322 headers the message carries (or will carry; Message-ID once sent). */
  headers: z.record(z.string(), z.string()),
  error: z.string().nullable(),
  approvedBy: z.uuid().nullable(),
  approvedAt: z.string().nullable(),
  sentAt: z.string().nullable(),
  receivedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** What is known of the message's life, from its timestamps (no separate history table). */
  history: z.array(MessageEvent),
  opens: z
    .object({
      count: z.number(),
      machineCount: z.number(),
      firstOpenedAt: z.string().nullable(),
      lastOpenedAt: z.string().nullable(),
    })
    .nullable(),
});
export type MessageDetail = z.infer<typeof MessageDetail>;

/** `PATCH /messages/:id` on a draft; a new `bodyText` without `bodyHtml` regenerates the HTML from the text. */
export const UpdateDraftRequest = z
  .strictObject({
    subject: z.string().trim().min(1).max(998).optional(),
    bodyText: z.string().min(1).max(100_000).optional(),
    bodyHtml: z.string().min(1).max(200_000).nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'Give at least one field to change');
export type UpdateDraftRequest = z.infer<typeof UpdateDraftRequest>;

export const BulkApproveRequest = z.strictObject({
  messageIds: z
    .array(z.uuid())
    .min(1)
    .max(500)
    .transform((ids) => [...new Set(ids)]),
});
export type BulkApproveRequest = z.infer<typeof BulkApproveRequest>;

export const BulkApproveResponse = z.object({
  approved: z.array(z.uuid()),
  /** Ids not approved: unknown (or of another organisation), not a draft, or enrollment stopped. */
  skipped: z.array(z.object({ id: z.uuid(), reason: z.enum(['not_found', 'not_draft', 'enrollment_stopped']) })),
});
export type BulkApproveResponse = z.infer<typeof BulkApproveResponse>;
