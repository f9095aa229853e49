import type { AbComparisonResult, CampaignAnalytics, ExperimentAnalytics, Funnel } from '@prospectflow/contracts';
import type { AnalyticsGroupCounts, CampaignAnalyticsData, FunnelCounts } from '@prospectflow/db';
import { compareVariants } from './ab-significance.js';

const EMPTY: FunnelCounts = { sent: 0, delivered: 0, opened: 0, replied: 0, bounced: 0, unsubscribed: 0 };

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/** A funnel with its rates: delivery and bounce over sent, the others over delivered. */
export function funnelOf(enrolled: number, counts: FunnelCounts): Funnel {
  const { sent, delivered, opened, replied, bounced, unsubscribed } = counts;
  return {
    enrolled,
    sent,
    delivered,
    opened,
    replied,
    bounced,
    unsubscribed,
    rates: {
      delivery: ratio(delivered, sent),
      open: ratio(opened, delivered),
      reply: ratio(replied, delivered),
      bounce: ratio(bounced, sent),
      unsubscribe: ratio(unsubscribed, delivered),
    },
  };
}

/** Each variant against the experiment's first (by key), on the reply rate and, once opens exist, the open rate. */
function comparisonsOf(variants: ExperimentAnalytics['variants'], withOpens: boolean): AbComparisonResult[] {
  const [baseline, ...challengers] = variants;
  if (!baseline) return [];
  const metrics = withOpens ? (['reply', 'open'] as const) : (['reply'] as const);
  return metrics.flatMap((metric) =>
    challengers.map((challenger) => {
      const successes = (f: Funnel) => (metric === 'reply' ? f.replied : f.opened);
      const { z: _z, ...comparison } = compareVariants(
        { baseline: baseline.key, challenger: challenger.key },
        { successes: successes(baseline.funnel), trials: baseline.funnel.delivered },
        { successes: successes(challenger.funnel), trials: challenger.funnel.delivered },
      );
      return { metric, baselineKey: baseline.key, challengerKey: challenger.key, ...comparison };
    }),
  );
}

/**
 * Turns the repository's counts into the analytics answer: funnels with rates per campaign, step
 * and variant, and for every experiment with two variants or more, each variant compared with
 * the first (95 % interval of the difference and a plain-language verdict).
 */
export function buildCampaignAnalytics(data: CampaignAnalyticsData): CampaignAnalytics {
  const { structure } = data;
  const countsAt = (level: AnalyticsGroupCounts['level'], stepId: string | null, variantId: string | null) =>
    data.counts.find((c) => c.level === level && c.stepId === stepId && c.variantId === variantId) ?? EMPTY;
  const reachAt = (stepId: string, variantId: string | null) =>
    data.reach.find(
      (r) => r.level === (variantId ? 'variant' : 'step') && r.stepId === stepId && r.variantId === variantId,
    )?.enrolled ?? 0;
  // Without any recorded open (tracking off, or nothing yet) an open-rate comparison says nothing.
  const withOpens = data.counts.some((c) => c.opened > 0);
  return {
    campaignId: structure.id,
    campaignName: structure.name,
    timezone: structure.timezone,
    openTracking: structure.openTracking,
    totals: funnelOf(data.enrolled, countsAt('campaign', null, null)),
    steps: structure.steps.map((step) => ({
      stepId: step.stepId,
      stepIndex: step.stepIndex,
      enabled: step.enabled,
      funnel: funnelOf(reachAt(step.stepId, null), countsAt('step', step.stepId, null)),
      experiments: step.experiments.map((experiment) => {
        const variants = experiment.variants.map((v) => ({
          variantId: v.variantId,
          key: v.key,
          funnel: funnelOf(reachAt(step.stepId, v.variantId), countsAt('variant', step.stepId, v.variantId)),
        }));
        return { ...experiment, variants, comparisons: comparisonsOf(variants, withOpens) };
      }),
    })),
    daily: data.daily,
  };
}
