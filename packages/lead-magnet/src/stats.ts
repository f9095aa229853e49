import { getLeadMagnetStats, recordLandingVisit, type Pool } from '@prospectflow/db';

/** A measured ratio beside its target range (inclusive), as the dashboard shows it. */
export interface Kpi {
  value: number | null;
  target: { min: number; max: number };
}

export interface LeadMagnetStats {
  since: string;
  totals: { visits: number; signups: number; confirmed: number; downloaded: number };
  captureRate: Kpi;
  confirmationRate: Kpi;
  downloadCompletion: Kpi;
  overallConversion: Kpi;
  /** Median seconds from signup to confirmation; target below two hours. */
  medianTimeToConfirmSeconds: { value: number | null; target: { max: number } };
  signupsPerDay: { day: string; signups: number; confirmed: number }[];
  signupsPerSource: { source: string | null; signups: number }[];
}

/** The targets of the issue: capture 15–25 %, confirmation 40–60 %, download 80–95 %, overall 30–50 %. */
export const KPI_TARGETS = {
  captureRate: { min: 0.15, max: 0.25 },
  confirmationRate: { min: 0.4, max: 0.6 },
  downloadCompletion: { min: 0.8, max: 0.95 },
  overallConversion: { min: 0.3, max: 0.5 },
  medianTimeToConfirmSeconds: { max: 2 * 3600 },
} as const;

/** Ratio or null when the denominator is zero (no data is not 0 %). */
export function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

/** The lead-magnet KPIs for signups since `since` (default: the last 30 days). */
export async function getStats(pool: Pool, since = new Date(Date.now() - 30 * 86_400_000)): Promise<LeadMagnetStats> {
  const rows = await getLeadMagnetStats(pool, since);
  const { signups, confirmed, downloaded, visits, medianConfirmSeconds } = rows.totals;
  return {
    since: since.toISOString(),
    totals: { visits, signups, confirmed, downloaded },
    captureRate: { value: ratio(signups, visits), target: KPI_TARGETS.captureRate },
    confirmationRate: { value: ratio(confirmed, signups), target: KPI_TARGETS.confirmationRate },
    downloadCompletion: { value: ratio(downloaded, confirmed), target: KPI_TARGETS.downloadCompletion },
    overallConversion: { value: ratio(downloaded, signups), target: KPI_TARGETS.overallConversion },
    medianTimeToConfirmSeconds: { value: medianConfirmSeconds, target: KPI_TARGETS.medianTimeToConfirmSeconds },
    signupsPerDay: rows.signupsPerDay,
    signupsPerSource: rows.signupsPerSource,
  };
}

/** Counts one landing-page visit (no personal data). */
export async function recordVisit(pool: Pool): Promise<void> {
  await recordLandingVisit(pool);
}
