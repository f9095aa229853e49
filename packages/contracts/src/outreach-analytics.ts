import { z } from 'zod';

/** Rates of a funnel (0–1; null when the denominator is 0). */
export const FunnelRates = z.object({
  /** delivered / sent */
  delivery: z.number().nullable(),
  /** opened / delivered */
  open: z.number().nullable(),
  /** replied / delivered */
  reply: z.number().nullable(),
  /** bounced / sent */
  bounce: z.number().nullable(),
  /** unsubscribed / delivered */
  unsubscribe: z.number().nullable(),
});

/** Counts of one campaign, step or variant (emails, except `enrolled`: prospects). */
export const Funnel = z.object({
  enrolled: z.number().int(),
  sent: z.number().int(),
  delivered: z.number().int(),
  opened: z.number().int(),
  replied: z.number().int(),
  bounced: z.number().int(),
  unsubscribed: z.number().int(),
  rates: FunnelRates,
});
export type Funnel = z.infer<typeof Funnel>;

/** One variant compared with the experiment's baseline (its first variant by key) on one rate. */
export const AbComparisonResult = z.object({
  metric: z.enum(['reply', 'open']),
  baselineKey: z.string(),
  challengerKey: z.string(),
  baselineRate: z.number(),
  challengerRate: z.number(),
  /** challenger − baseline, percentage points, with Newcombe's 95 % interval. */
  differencePoints: z.number(),
  ciLowPoints: z.number(),
  ciHighPoints: z.number(),
  pValue: z.number(),
  verdict: z.enum(['likely_better', 'likely_worse', 'no_clear_difference', 'too_few']),
  neededPerVariant: z.number().nullable(),
  summary: z.string(),
});
export type AbComparisonResult = z.infer<typeof AbComparisonResult>;

export const VariantAnalytics = z.object({
  variantId: z.uuid(),
  key: z.string(),
  funnel: Funnel,
});

export const ExperimentAnalytics = z.object({
  experimentId: z.uuid(),
  name: z.string(),
  status: z.string(),
  variants: z.array(VariantAnalytics),
  comparisons: z.array(AbComparisonResult),
});
export type ExperimentAnalytics = z.infer<typeof ExperimentAnalytics>;

export const StepAnalytics = z.object({
  stepId: z.uuid(),
  stepIndex: z.number().int(),
  enabled: z.boolean(),
  funnel: Funnel,
  experiments: z.array(ExperimentAnalytics),
});
export type StepAnalytics = z.infer<typeof StepAnalytics>;

/** One local day of the campaign's timezone. */
export const DailyPoint = z.object({
  date: z.string(),
  sent: z.number().int(),
  opened: z.number().int(),
  replied: z.number().int(),
});
export type DailyPoint = z.infer<typeof DailyPoint>;

/** `GET /campaigns/:id/analytics`. */
export const CampaignAnalytics = z.object({
  campaignId: z.uuid(),
  campaignName: z.string(),
  timezone: z.string(),
  openTracking: z.boolean(),
  totals: Funnel,
  steps: z.array(StepAnalytics),
  daily: z.array(DailyPoint),
});
export type CampaignAnalytics = z.infer<typeof CampaignAnalytics>;
