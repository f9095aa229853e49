import { z } from 'zod';
import { PageQuery } from './iam.js';

export const CampaignStatus = z.enum(['draft', 'running', 'paused', 'archived']);
export type CampaignStatus = z.infer<typeof CampaignStatus>;

/** An IANA zone name that this runtime knows ("Europe/Paris"); offsets and abbreviations are refused. */
export const IanaTimezone = z
  .string()
  .trim()
  .max(64)
  .refine((tz) => {
    if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(tz)) return false;
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'Unknown IANA time zone (e.g. Europe/Paris)');

/** ISO weekdays (1 = Monday … 7 = Sunday) and local hours, `endHour` exclusive. */
export const SendingWindow = z
  .strictObject({
    days: z
      .array(z.number().int().min(1).max(7))
      .min(1)
      .max(7)
      .transform((d) => [...new Set(d)].sort((a, b) => a - b)),
    startHour: z.number().int().min(0).max(23),
    endHour: z.number().int().min(1).max(24),
  })
  .refine((w) => w.startHour < w.endHour, { path: ['endHour'], message: 'Must be after startHour' });
export type SendingWindow = z.infer<typeof SendingWindow>;

const campaignFields = {
  name: z.string().trim().min(1).max(200),
  mailboxId: z.uuid().nullable(),
  timezone: IanaTimezone,
  sendingWindow: SendingWindow,
  dailyCap: z.number().int().min(1).max(100_000),
  requireApproval: z.boolean(),
  openTracking: z.boolean(),
};

export const CreateCampaignRequest = z.strictObject({
  name: campaignFields.name,
  mailboxId: campaignFields.mailboxId.optional(),
  timezone: campaignFields.timezone.default('Europe/Paris'),
  sendingWindow: campaignFields.sendingWindow.optional(),
  dailyCap: campaignFields.dailyCap.optional(),
  requireApproval: campaignFields.requireApproval.optional(),
  openTracking: campaignFields.openTracking.optional(),
});
export type CreateCampaignRequest = z.infer<typeof CreateCampaignRequest>;

export const UpdateCampaignRequest = z
  .strictObject({
    name: campaignFields.name.optional(),
    mailboxId: campaignFields.mailboxId.optional(),
    timezone: campaignFields.timezone.optional(),
    sendingWindow: campaignFields.sendingWindow.optional(),
    dailyCap: campaignFields.dailyCap.optional(),
    requireApproval: campaignFields.requireApproval.optional(),
    openTracking: campaignFields.openTracking.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'Give at least one field to change');
export type UpdateCampaignRequest = z.infer<typeof UpdateCampaignRequest>;

export const CampaignListQuery = z.strictObject({
  ...PageQuery.shape,
  status: CampaignStatus.optional(),
});
export type CampaignListQuery = z.infer<typeof CampaignListQuery>;

/** Enrollments by state and outbound messages by status, from the campaign's own rows. */
export const CampaignCounters = z.object({
  enrolled: z.number(),
  active: z.number(),
  paused: z.number(),
  finished: z.number(),
  replied: z.number(),
  bounced: z.number(),
  unsubscribed: z.number(),
  drafts: z.number(),
  approved: z.number(),
  sent: z.number(),
  failed: z.number(),
  opened: z.number(),
});
export type CampaignCounters = z.infer<typeof CampaignCounters>;

export const Campaign = z.object({
  id: z.uuid(),
  name: z.string(),
  status: CampaignStatus,
  mailboxId: z.uuid().nullable(),
  timezone: z.string(),
  sendingWindow: z.object({ days: z.array(z.number()), startHour: z.number(), endHour: z.number() }),
  dailyCap: z.number(),
  requireApproval: z.boolean(),
  openTracking: z.boolean(),
  createdBy: z.uuid().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  counters: CampaignCounters,
});
export type Campaign = z.infer<typeof Campaign>;

export const Step = z.object({
  id: z.uuid(),
  campaignId: z.uuid(),
  stepIndex: z.number(),
  delayDays: z.number(),
  exitOnReply: z.boolean(),
  enabled: z.boolean(),
  promptId: z.uuid().nullable(),
  subjectTemplate: z.string().nullable(),
  bodyTemplate: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Step = z.infer<typeof Step>;

/** `GET /campaigns/:id`: the campaign with its steps in order. */
export const CampaignDetail = Campaign.extend({ steps: z.array(Step) });
export type CampaignDetail = z.infer<typeof CampaignDetail>;

/** Subject and body templates of a step or variant; "" clears. */
export const templateFields = {
  promptId: z.uuid().nullable().optional(),
  subjectTemplate: z
    .string()
    .max(998)
    .transform((v) => (v.trim() === '' ? null : v))
    .nullable()
    .optional(),
  bodyTemplate: z
    .string()
    .max(100_000)
    .transform((v) => (v.trim() === '' ? null : v))
    .nullable()
    .optional(),
};

export const CreateStepRequest = z.strictObject({
  delayDays: z.number().int().min(0).max(365).optional(),
  exitOnReply: z.boolean().optional(),
  enabled: z.boolean().optional(),
  ...templateFields,
});
export type CreateStepRequest = z.infer<typeof CreateStepRequest>;

export const UpdateStepRequest = CreateStepRequest.refine(
  (v) => Object.keys(v).length > 0,
  'Give at least one field to change',
);
export type UpdateStepRequest = z.infer<typeof UpdateStepRequest>;

/** The campaign's step ids in their new order (every step exactly once). */
export const ReorderStepsRequest = z.strictObject({ stepIds: z.array(z.uuid()).min(1).max(100) });
export type ReorderStepsRequest = z.infer<typeof ReorderStepsRequest>;

/** What prevents a campaign from starting; `POST …/start` answers 422 with a list of these. */
export const StartBlocker = z.object({
  code: z.enum(['mailbox_missing', 'no_enabled_step', 'step_without_content', 'variant_without_content']),
  message: z.string(),
  stepId: z.uuid().optional(),
  stepIndex: z.number().optional(),
  variantId: z.uuid().optional(),
});
export type StartBlocker = z.infer<typeof StartBlocker>;

/** `POST /campaigns/:id/steps/:stepId/preview`: the prospect to render against. */
export const PreviewStepRequest = z.strictObject({ positionId: z.uuid(), variantId: z.uuid().optional() });
export type PreviewStepRequest = z.infer<typeof PreviewStepRequest>;

/** A step rendered against a prospect: templates as the email would read, or the prompt the LLM would get. */
export const StepPreview = z.discriminatedUnion('source', [
  z.object({
    source: z.literal('templates'),
    variantKey: z.string().nullable(),
    subject: z.string(),
    text: z.string(),
    html: z.string(),
  }),
  z.object({
    source: z.literal('prompt'),
    variantKey: z.string().nullable(),
    promptId: z.uuid(),
    systemPrompt: z.string(),
    userPrompt: z.string(),
  }),
]);
export type StepPreview = z.infer<typeof StepPreview>;
