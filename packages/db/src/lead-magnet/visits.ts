import { query, type Queryable } from '../query.js';

/** Counts one landing-page visit on today's (UTC) counter; no personal data is kept. */
export async function recordLandingVisit(db: Queryable, count = 1): Promise<void> {
  await query(
    db,
    'lm.record_visit',
    `INSERT INTO lm_visits (day, count) VALUES ((now() AT TIME ZONE 'UTC')::date, $1)
     ON CONFLICT (day) DO UPDATE SET count = lm_visits.count + EXCLUDED.count`,
    [count],
  );
}
