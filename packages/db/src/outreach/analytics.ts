import { query, type Queryable } from '../query.js';

/** Email counts of one group (campaign, step or variant). */
export interface FunnelCounts {
  sent: number;
  delivered: number;
  opened: number;
  replied: number;
  bounced: number;
  unsubscribed: number;
}

export interface AnalyticsGroupCounts extends FunnelCounts {
  /** Null on the campaign row; the step of step and variant rows. */
  stepId: string | null;
  variantId: string | null;
  level: 'campaign' | 'step' | 'variant';
}

export interface AnalyticsStructure {
  id: string;
  name: string;
  timezone: string;
  openTracking: boolean;
  steps: {
    stepId: string;
    stepIndex: number;
    enabled: boolean;
    experiments: {
      experimentId: string;
      name: string;
      status: string;
      variants: { variantId: string; key: string }[];
    }[];
  }[];
}

export interface CampaignAnalyticsData {
  structure: AnalyticsStructure;
  enrolled: number;
  /** Enrollments that reached a step (a message or an A/B assignment for it), per step and per variant. */
  reach: { stepId: string; variantId: string | null; level: 'step' | 'variant'; enrolled: number }[];
  counts: AnalyticsGroupCounts[];
  daily: { date: string; sent: number; opened: number; replied: number }[];
}

const LEVEL = `CASE GROUPING(step_id, variant_id) WHEN 3 THEN 'campaign' WHEN 1 THEN 'step' ELSE 'variant' END`;

/**
 * The campaign's analytics in one statement (one snapshot). Per sent email: opened when a human
 * open was recorded (`open_count > 0`; machine opens excluded), replied / bounced (permanent) /
 * unsubscribed by an inbound message answering it (its `in_reply_to`) of that class; unsubscribed
 * also through its unsubscribe link (the suppression it created). Daily series in the campaign's
 * timezone: sends, first human opens and first replies per email, the last 366 days with activity.
 */
const ANALYTICS_SQL = `
WITH en AS (
  SELECT id FROM outreach_campaign_enrollments WHERE organisation_id = $1 AND campaign_id = $2
), msg AS MATERIALIZED (
  SELECT m.id, m.enrollment_id, m.step_id, m.variant_id, m.direction, m.status, m.message_id, m.in_reply_to,
         m.classification, m.sent_at, m.received_at
  FROM en JOIN outreach_messages m ON m.organisation_id = $1 AND m.enrollment_id = en.id
), answers AS (
  SELECT enrollment_id, in_reply_to,
         bool_or(classification = 'bounce_permanent') AS bounced,
         bool_or(classification = 'unsubscribe_request') AS unsubscribe_request,
         min(received_at) FILTER (WHERE classification = 'human_reply') AS replied_at
  FROM msg WHERE direction = 'inbound' AND in_reply_to IS NOT NULL
  GROUP BY enrollment_id, in_reply_to
), sent AS (
  SELECT o.id, o.step_id, o.variant_id, o.sent_at,
         coalesce(st.open_count, 0) > 0 AS opened, st.first_opened_at,
         coalesce(a.bounced, false) AS bounced, a.replied_at,
         coalesce(a.unsubscribe_request, false) OR EXISTS (
           SELECT 1 FROM outreach_suppressions su
           WHERE su.organisation_id = $1 AND su.source_message_id = o.id AND su.reason = 'unsubscribed'
         ) AS unsubscribed
  FROM msg o
  LEFT JOIN answers a ON a.enrollment_id = o.enrollment_id AND a.in_reply_to = o.message_id
  LEFT JOIN tracking_message_open_stats st ON st.organisation_id = $1 AND st.message_id = o.id
  WHERE o.direction = 'outbound' AND o.status = 'sent'
), counts AS (
  SELECT ${LEVEL} AS level, step_id AS "stepId", variant_id AS "variantId",
         count(*)::int AS sent, count(*) FILTER (WHERE NOT bounced)::int AS delivered,
         count(*) FILTER (WHERE opened)::int AS opened, count(*) FILTER (WHERE replied_at IS NOT NULL)::int AS replied,
         count(*) FILTER (WHERE bounced)::int AS bounced, count(*) FILTER (WHERE unsubscribed)::int AS unsubscribed
  FROM sent GROUP BY GROUPING SETS ((), (step_id), (step_id, variant_id))
), reach AS (
  SELECT enrollment_id, step_id, variant_id FROM msg WHERE direction = 'outbound' AND step_id IS NOT NULL
  UNION
  SELECT a.enrollment_id, a.step_id, a.variant_id
  FROM en JOIN outreach_enrollment_step_variant_assignments a ON a.organisation_id = $1 AND a.enrollment_id = en.id
), reach_counts AS (
  SELECT ${LEVEL} AS level, step_id AS "stepId", variant_id AS "variantId", count(DISTINCT enrollment_id)::int AS enrolled
  FROM reach GROUP BY GROUPING SETS ((step_id), (step_id, variant_id))
), events AS (
  SELECT (sent_at AT TIME ZONE $3)::date AS day, 'sent' AS kind FROM sent
  UNION ALL SELECT (first_opened_at AT TIME ZONE $3)::date, 'opened' FROM sent WHERE opened AND first_opened_at IS NOT NULL
  UNION ALL SELECT (replied_at AT TIME ZONE $3)::date, 'replied' FROM sent WHERE replied_at IS NOT NULL
), days AS (
  SELECT generate_series(greatest(min(day), max(day) - 365), max(day), interval '1 day')::date AS day FROM events
), daily AS (
  SELECT to_char(d.day, 'YYYY-MM-DD') AS date, count(e.kind) FILTER (WHERE e.kind = 'sent')::int AS sent,
         count(e.kind) FILTER (WHERE e.kind = 'opened')::int AS opened,
         count(e.kind) FILTER (WHERE e.kind = 'replied')::int AS replied
  FROM days d LEFT JOIN events e ON e.day = d.day GROUP BY d.day
)
SELECT (SELECT count(*)::int FROM en) AS enrolled,
       coalesce((SELECT json_agg(c) FROM counts c), '[]') AS counts,
       coalesce((SELECT json_agg(r) FROM reach_counts r), '[]') AS reach,
       coalesce((SELECT json_agg(d ORDER BY d.date) FROM daily d), '[]') AS daily`;

/** Steps, experiments and variants of a campaign (null when it is not the organisation's). */
async function getStructure(db: Queryable, organisationId: string, campaignId: string) {
  const result = await query<AnalyticsStructure>(
    db,
    'outreach.analytics_structure',
    `SELECT c.id, c.name, c.timezone, c.open_tracking AS "openTracking",
       coalesce((
         SELECT json_agg(json_build_object('stepId', s.id, 'stepIndex', s.step_index, 'enabled', s.enabled,
           'experiments', coalesce((
             SELECT json_agg(json_build_object('experimentId', x.id, 'name', x.name, 'status', x.status,
               'variants', coalesce((
                 SELECT json_agg(json_build_object('variantId', v.id, 'key', v.key) ORDER BY v.key)
                 FROM outreach_step_experiment_variants v
                 WHERE v.organisation_id = x.organisation_id AND v.experiment_id = x.id), '[]'))
               ORDER BY x.created_at, x.id)
             FROM outreach_step_experiments x WHERE x.organisation_id = s.organisation_id AND x.step_id = s.id), '[]'))
           ORDER BY s.step_index)
         FROM outreach_workflow_steps s WHERE s.organisation_id = c.organisation_id AND s.campaign_id = c.id), '[]')
         AS steps
     FROM outreach_campaigns c WHERE c.organisation_id = $1 AND c.id = $2`,
    [organisationId, campaignId],
  );
  return result.rows[0] ?? null;
}

/** Everything the analytics of a campaign are computed from; null when it is not the organisation's. */
export async function getCampaignAnalyticsData(
  db: Queryable,
  organisationId: string,
  campaignId: string,
): Promise<CampaignAnalyticsData | null> {
  const structure = await getStructure(db, organisationId, campaignId);
  if (!structure) return null;
  const result = await query<Omit<CampaignAnalyticsData, 'structure'>>(
    db,
    'outreach.campaign_analytics',
    ANALYTICS_SQL,
    [organisationId, campaignId, structure.timezone],
  );
  return { structure, ...result.rows[0]! };
}
