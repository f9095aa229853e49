import { query, type Queryable } from '../query.js';

export interface LeadMagnetTotals {
  signups: number;
  confirmed: number;
  downloaded: number;
  visits: number;
  medianConfirmSeconds: number | null;
}

export interface LeadMagnetStatsRows {
  totals: LeadMagnetTotals;
  signupsPerDay: { day: string; signups: number; confirmed: number }[];
  signupsPerSource: { source: string | null; signups: number }[];
}

/** Raw lead-magnet figures for subscribers who signed up since `since` (UTC days), plus visits on those days. */
export async function getLeadMagnetStats(db: Queryable, since: Date): Promise<LeadMagnetStatsRows> {
  const [totals, perDay, perSource] = await Promise.all([
    selectTotals(db, since),
    selectSignupsPerDay(db, since),
    selectSignupsPerSource(db, since),
  ]);
  return { totals, signupsPerDay: perDay, signupsPerSource: perSource };
}

async function selectTotals(db: Queryable, since: Date): Promise<LeadMagnetTotals> {
  const result = await query<LeadMagnetTotals>(
    db,
    'lm.stats_totals',
    `WITH subs AS (SELECT * FROM lm_subscribers WHERE created_at >= $1)
     SELECT (SELECT count(*)::int FROM subs) AS signups,
            (SELECT count(*)::int FROM subs WHERE confirmed_at IS NOT NULL) AS confirmed,
            (SELECT count(*)::int FROM subs s WHERE EXISTS (
               SELECT 1 FROM lm_download_tokens t WHERE t.subscriber_id = s.id AND t.use_count > 0)) AS downloaded,
            (SELECT coalesce(sum(count), 0)::int FROM lm_visits WHERE day >= ($1::timestamptz AT TIME ZONE 'UTC')::date)
              AS visits,
            (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM confirmed_at - created_at))
             FROM subs WHERE confirmed_at IS NOT NULL)::float8 AS "medianConfirmSeconds"`,
    [since.toISOString()],
  );
  return result.rows[0]!;
}

async function selectSignupsPerDay(db: Queryable, since: Date): Promise<LeadMagnetStatsRows['signupsPerDay']> {
  const result = await query<LeadMagnetStatsRows['signupsPerDay'][number]>(
    db,
    'lm.stats_per_day',
    `SELECT to_char((created_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS day, count(*)::int AS signups,
            count(confirmed_at)::int AS confirmed
     FROM lm_subscribers WHERE created_at >= $1 GROUP BY 1 ORDER BY 1`,
    [since.toISOString()],
  );
  return result.rows;
}

async function selectSignupsPerSource(db: Queryable, since: Date): Promise<LeadMagnetStatsRows['signupsPerSource']> {
  const result = await query<LeadMagnetStatsRows['signupsPerSource'][number]>(
    db,
    'lm.stats_per_source',
    `SELECT source, count(*)::int AS signups FROM lm_subscribers WHERE created_at >= $1
     GROUP BY source ORDER BY signups DESC, source NULLS LAST`,
    [since.toISOString()],
  );
  return result.rows;
}
