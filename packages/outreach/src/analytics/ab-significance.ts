// Statistics of an A/B comparison of two proportions (reply or open rates), pure functions.

/** z for a two-sided 95 % interval. */
export const Z_95 = 1.959963984540054;
/** z for 80 % power (one-sided β = 0.2). */
const Z_POWER_80 = 0.8416212335729143;
/** Below this many sends per variant, no verdict is given whatever the interval says. */
export const MIN_SENDS_PER_VARIANT = 30;
/** The smallest difference (proportion) the sample-size hint plans for, and the smallest base rate. */
const MIN_PLANNED_DIFFERENCE = 0.02;
const MIN_PLANNED_RATE = 0.01;

export interface Proportion {
  successes: number;
  trials: number;
}

/** Wilson score interval of a proportion (no continuity correction); [0, 1] when there are no trials. */
export function wilsonInterval({ successes, trials }: Proportion, z = Z_95): [number, number] {
  if (trials <= 0) return [0, 1];
  const p = successes / trials;
  const z2 = z * z;
  const centre = p + z2 / (2 * trials);
  const spread = z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  const denominator = 1 + z2 / trials;
  return [Math.max(0, (centre - spread) / denominator), Math.min(1, (centre + spread) / denominator)];
}

/**
 * Newcombe's hybrid score interval (method 10, 1998) of the difference `b − a` of two proportions,
 * built from the two Wilson intervals: good coverage even with few successes, unlike Wald's.
 */
export function newcombeDifference(a: Proportion, b: Proportion, z = Z_95): [number, number] {
  const pa = rate(a);
  const pb = rate(b);
  const [la, ua] = wilsonInterval(a, z);
  const [lb, ub] = wilsonInterval(b, z);
  const d = pb - pa;
  return [d - Math.sqrt((pb - lb) ** 2 + (ua - pa) ** 2), d + Math.sqrt((ub - pb) ** 2 + (pa - la) ** 2)];
}

/** Pooled two-proportion z test of `b` against `a`: the statistic and its two-sided p-value. */
export function twoProportionZTest(a: Proportion, b: Proportion): { z: number; pValue: number } {
  if (a.trials <= 0 || b.trials <= 0) return { z: 0, pValue: 1 };
  const pooled = (a.successes + b.successes) / (a.trials + b.trials);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.trials + 1 / b.trials));
  if (se === 0) return { z: 0, pValue: 1 };
  const z = (rate(b) - rate(a)) / se;
  return { z, pValue: Math.min(1, 2 * (1 - normalCdf(Math.abs(z)))) };
}

/**
 * Sends per variant a two-sided 5 % test needs to detect a difference between rates `pa` and `pb`
 * with 80 % power (Fleiss' formula without continuity correction).
 */
export function sampleSizePerVariant(pa: number, pb: number): number {
  const diff = Math.abs(pb - pa);
  if (diff === 0) return Number.POSITIVE_INFINITY;
  const mean = (pa + pb) / 2;
  const root = Z_95 * Math.sqrt(2 * mean * (1 - mean)) + Z_POWER_80 * Math.sqrt(pa * (1 - pa) + pb * (1 - pb));
  return Math.ceil((root * root) / (diff * diff));
}

/** Standard normal CDF (erf by Abramowitz–Stegun 7.1.26, |error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

const rate = (p: Proportion) => (p.trials > 0 ? p.successes / p.trials : 0);

export type AbVerdictKind = 'likely_better' | 'likely_worse' | 'no_clear_difference' | 'too_few';

export interface AbComparison {
  baselineRate: number;
  challengerRate: number;
  /** challenger − baseline, in percentage points. */
  differencePoints: number;
  ciLowPoints: number;
  ciHighPoints: number;
  z: number;
  pValue: number;
  /** The challenger compared with the baseline. */
  verdict: AbVerdictKind;
  /** Sends per variant needed to tell the observed difference apart (null once a verdict is reached). */
  neededPerVariant: number | null;
  summary: string;
}

const points = (p: number) => Math.round(p * 1000) / 10;
const formatPoints = (p: number) => points(p).toFixed(1);

/** Sends per variant to plan for: the observed difference and rate, or the minimums when smaller. */
function plannedSampleSize(pa: number, pb: number): number {
  const base = Math.max(Math.min(pa, pb), MIN_PLANNED_RATE);
  const diff = Math.max(Math.abs(pb - pa), MIN_PLANNED_DIFFERENCE);
  return sampleSizePerVariant(base, Math.min(1, base + diff));
}

/**
 * Compares a challenger variant with the baseline on one rate and says it in plain words, e.g.
 * "B leads A by 4.1 points (95 % CI 0.8 to 7.4): likely better", or "too few sends to tell: need
 * about 620 per variant" while a variant has fewer than 30 sends or the interval still spans 0
 * with fewer sends than the observed difference needs.
 */
export function compareVariants(
  names: { baseline: string; challenger: string },
  baseline: Proportion,
  challenger: Proportion,
): AbComparison {
  const pa = rate(baseline);
  const pb = rate(challenger);
  const [low, high] = newcombeDifference(baseline, challenger);
  const { z, pValue } = twoProportionZTest(baseline, challenger);
  const needed = plannedSampleSize(pa, pb);
  const fewest = Math.min(baseline.trials, challenger.trials);
  const base = {
    baselineRate: pa,
    challengerRate: pb,
    differencePoints: points(pb - pa),
    ciLowPoints: points(low),
    ciHighPoints: points(high),
    z,
    pValue,
  };
  const separated = fewest >= MIN_SENDS_PER_VARIANT && (low > 0 || high < 0);
  if (separated) {
    const better = low > 0;
    const [leader, other] = better ? [names.challenger, names.baseline] : [names.baseline, names.challenger];
    const [from, to] = better ? [low, high] : [-high, -low];
    const summary = `${leader} leads ${other} by ${formatPoints(Math.abs(pb - pa))} points (95 % CI ${formatPoints(from)} to ${formatPoints(to)}): ${better ? 'likely better' : `${names.challenger} likely worse`}`;
    return { ...base, verdict: better ? 'likely_better' : 'likely_worse', neededPerVariant: null, summary };
  }
  const interval = `${names.challenger} vs ${names.baseline}: ${pb >= pa ? '+' : '-'}${formatPoints(Math.abs(pb - pa))} points, 95 % CI ${formatPoints(low)} to ${formatPoints(high)}`;
  if (fewest < MIN_SENDS_PER_VARIANT || fewest < needed) {
    const perVariant = Math.max(needed, MIN_SENDS_PER_VARIANT);
    return {
      ...base,
      verdict: 'too_few',
      neededPerVariant: perVariant,
      summary: `too few sends to tell: need about ${perVariant} per variant (${interval})`,
    };
  }
  return {
    ...base,
    verdict: 'no_clear_difference',
    neededPerVariant: null,
    summary: `no clear difference (${interval})`,
  };
}
