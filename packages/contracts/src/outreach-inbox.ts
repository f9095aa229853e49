import { z } from 'zod';
import { PageQuery } from './iam.js';
import { ReplyClassification } from './outreach-replies.js';

const Flag = z.enum(['true', 'false']).transform((v) => v === 'true');

/** `GET /inbox`: inbound messages, newest first, filtered by campaign, class and handled state. */
export const InboxListQuery = z.strictObject({
  ...PageQuery.shape,
  campaignId: z.uuid().optional(),
  classification: ReplyClassification.optional(),
  handled: Flag.optional(),
});
export type InboxListQuery = z.infer<typeof InboxListQuery>;

const Prospect = z.object({
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  companyName: z.string().nullable(),
  email: z.string().nullable(),
});

/** One inbound message of the inbox list. */
export const InboxItem = z.object({
  id: z.uuid(),
  campaignId: z.uuid().nullable(),
  campaignName: z.string().nullable(),
  enrollmentId: z.uuid().nullable(),
  enrollmentState: z.string().nullable(),
  stepIndex: z.number().nullable(),
  variantKey: z.string().nullable(),
  fromEmail: z.string().nullable(),
  subject: z.string().nullable(),
  /** The first characters of the text part. */
  snippet: z.string(),
  classification: ReplyClassification.nullable(),
  classificationReason: z.string().nullable(),
  receivedAt: z.string().nullable(),
  handledAt: z.string().nullable(),
  prospect: Prospect.nullable(),
});
export type InboxItem = z.infer<typeof InboxItem>;

/** A message of the conversation with one prospect (what we sent and what came back), oldest first. */
export const InboxThreadMessage = z.object({
  id: z.uuid(),
  direction: z.enum(['outbound', 'inbound']),
  status: z.string(),
  stepIndex: z.number().nullable(),
  variantKey: z.string().nullable(),
  fromEmail: z.string().nullable(),
  toEmail: z.string().nullable(),
  subject: z.string().nullable(),
  bodyText: z.string().nullable(),
  /** Sanitised on arrival for inbound mail; show it only in a sandboxed frame. */
  bodyHtml: z.string().nullable(),
  classification: ReplyClassification.nullable(),
  classificationReason: z.string().nullable(),
  /** `sentAt` of ours, `receivedAt` of theirs. */
  at: z.string().nullable(),
});
export type InboxThreadMessage = z.infer<typeof InboxThreadMessage>;

/** `GET /inbox/:id`: the inbound message and its whole thread. */
export const InboxDetail = InboxItem.extend({ thread: z.array(InboxThreadMessage) });
export type InboxDetail = z.infer<typeof InboxDetail>;

/** `POST /inbox/:id/classification`: an operator's class, applied like a detected one. */
export const ReclassifyRequest = z.strictObject({
  classification: ReplyClassification,
  note: z.string().trim().min(1).max(300).optional(),
});
export type ReclassifyRequest = z.infer<typeof ReclassifyRequest>;
