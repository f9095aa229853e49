import type { Campaign, CampaignStatus } from '@prospectflow/contracts';
import { epochMicros, fromEpochMicros, iso } from '../crm/prospect-sql.js';
import type { Keyed, Keyset } from '../crm/companies.js';
import { query, type Queryable } from '../query.js';

export interface CampaignSettings {
  name: string;
  mailboxId: string | null;
  timezone: string;
  sendingWindow: { days: number[]; startHour: number; endHour: number };
  dailyCap: number;
  requireApproval: boolean;
  openTracking: boolean;
}

/** Counters from the campaign's enrollments and outbound messages (one grouped pass each). */
const counters = (c: string) => `(SELECT to_json(k) FROM (SELECT
    coalesce(e.enrolled, 0) AS enrolled, coalesce(e.active, 0) AS active, coalesce(e.paused, 0) AS paused,
    coalesce(e.finished, 0) AS finished, coalesce(e.replied, 0) AS replied, coalesce(e.bounced, 0) AS bounced,
    coalesce(e.unsubscribed, 0) AS unsubscribed, coalesce(m.drafts, 0) AS drafts, coalesce(m.approved, 0) AS approved,
    coalesce(m.sent, 0) AS sent, coalesce(m.failed, 0) AS failed, coalesce(m.opened, 0) AS opened
  FROM (SELECT count(*)::int AS enrolled,
          count(*) FILTER (WHERE state = 'active')::int AS active,
          count(*) FILTER (WHERE state = 'paused')::int AS paused,
          count(*) FILTER (WHERE state = 'finished')::int AS finished,
          count(*) FILTER (WHERE state = 'replied')::int AS replied,
          count(*) FILTER (WHERE state = 'bounced')::int AS bounced,
          count(*) FILTER (WHERE state = 'unsubscribed')::int AS unsubscribed
        FROM outreach_campaign_enrollments
        WHERE organisation_id = ${c}.organisation_id AND campaign_id = ${c}.id) e,
       (SELECT count(*) FILTER (WHERE msg.status = 'draft')::int AS drafts,
          count(*) FILTER (WHERE msg.status IN ('approved', 'queued', 'sending'))::int AS approved,
          count(*) FILTER (WHERE msg.status = 'sent')::int AS sent,
          count(*) FILTER (WHERE msg.status = 'failed')::int AS failed,
          count(*) FILTER (WHERE EXISTS (SELECT 1 FROM tracking_message_open_stats o
            WHERE o.organisation_id = msg.organisation_id AND o.message_id = msg.id AND o.open_count > 0))::int AS opened
        FROM outreach_campaign_enrollments en
        JOIN outreach_messages msg ON msg.organisation_id = en.organisation_id AND msg.enrollment_id = en.id
        WHERE en.organisation_id = ${c}.organisation_id AND en.campaign_id = ${c}.id AND msg.direction = 'outbound') m
  ) k)`;

const campaignColumns = (c: string) => `${c}.id, ${c}.name, ${c}.status, ${c}.mailbox_id AS "mailboxId", ${c}.timezone,
  json_build_object('days', ${c}.send_days, 'startHour', ${c}.send_start_hour, 'endHour', ${c}.send_end_hour)
    AS "sendingWindow",
  ${c}.daily_cap AS "dailyCap", ${c}.require_approval AS "requireApproval", ${c}.open_tracking AS "openTracking",
  ${c}.created_by AS "createdBy", ${iso(`${c}.created_at`)} AS "createdAt", ${iso(`${c}.updated_at`)} AS "updatedAt",
  ${counters(c)} AS counters`;

const settingsParams = (s: CampaignSettings) => [
  s.name,
  s.mailboxId,
  s.timezone,
  s.sendingWindow.days,
  s.sendingWindow.startHour,
  s.sendingWindow.endHour,
  s.dailyCap,
  s.requireApproval,
  s.openTracking,
];

/** Inserts a draft campaign; a mailbox of another organisation fails on the composite foreign key. */
export async function insertCampaign(
  db: Queryable,
  organisationId: string,
  settings: CampaignSettings,
  createdBy: string | null,
): Promise<Campaign> {
  const result = await query<Campaign>(
    db,
    'outreach.insert_campaign',
    `WITH c AS (
       INSERT INTO outreach_campaigns (organisation_id, name, mailbox_id, timezone, send_days, send_start_hour,
         send_end_hour, daily_cap, require_approval, open_tracking, created_by)
       VALUES ($1, $2, $3, $4, $5::int[], $6, $7, $8, $9, $10, $11) RETURNING *
     )
     SELECT ${campaignColumns('c')} FROM c`,
    [organisationId, ...settingsParams(settings), createdBy],
  );
  return result.rows[0]!;
}

/** The stored settings and status of a campaign, optionally locked; null when absent. */
export async function getCampaignSettings(
  db: Queryable,
  organisationId: string,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<(CampaignSettings & { id: string; status: CampaignStatus }) | null> {
  const result = await query<CampaignSettings & { id: string; status: CampaignStatus }>(
    db,
    'outreach.get_campaign_settings',
    `SELECT id, status, name, mailbox_id AS "mailboxId", timezone,
       json_build_object('days', send_days, 'startHour', send_start_hour, 'endHour', send_end_hour) AS "sendingWindow",
       daily_cap AS "dailyCap", require_approval AS "requireApproval", open_tracking AS "openTracking"
     FROM outreach_campaigns WHERE organisation_id = $1 AND id = $2 ${options.forUpdate ? 'FOR UPDATE' : ''}`,
    [organisationId, id],
  );
  return result.rows[0] ?? null;
}

/** Replaces a campaign's settings (the caller merged the changes). */
export async function updateCampaignSettings(
  db: Queryable,
  organisationId: string,
  id: string,
  settings: CampaignSettings,
): Promise<void> {
  await query(
    db,
    'outreach.update_campaign',
    `UPDATE outreach_campaigns SET name = $3, mailbox_id = $4, timezone = $5, send_days = $6::int[],
       send_start_hour = $7, send_end_hour = $8, daily_cap = $9, require_approval = $10, open_tracking = $11
     WHERE organisation_id = $1 AND id = $2`,
    [organisationId, id, ...settingsParams(settings)],
  );
}

/** Moves a campaign to `to` only from one of `from`; false when its status was another. */
export async function transitionCampaign(
  db: Queryable,
  organisationId: string,
  id: string,
  from: CampaignStatus[],
  to: CampaignStatus,
): Promise<boolean> {
  const result = await query(
    db,
    'outreach.transition_campaign',
    `UPDATE outreach_campaigns SET status = $4 WHERE organisation_id = $1 AND id = $2 AND status = ANY ($3::text[])`,
    [organisationId, id, from, to],
  );
  return (result.rowCount ?? 0) > 0;
}

export async function getCampaign(db: Queryable, organisationId: string, id: string): Promise<Campaign | null> {
  const result = await query<Campaign>(
    db,
    'outreach.get_campaign',
    `SELECT ${campaignColumns('c')} FROM outreach_campaigns c WHERE c.organisation_id = $1 AND c.id = $2`,
    [organisationId, id],
  );
  return result.rows[0] ?? null;
}

/** Campaigns, newest first, with counters; `limit` rows after `after`. */
export async function listCampaigns(
  db: Queryable,
  organisationId: string,
  filters: { status?: CampaignStatus },
  page: { after?: Keyset; limit: number },
): Promise<Keyed<Campaign>[]> {
  const result = await query<Keyed<Campaign>>(
    db,
    'outreach.list_campaigns',
    `SELECT ${campaignColumns('c')}, ${epochMicros('c.created_at')} AS "sortKey"
     FROM outreach_campaigns c
     WHERE c.organisation_id = $1 AND ($2::text IS NULL OR c.status = $2)
       AND ($3::text IS NULL OR (c.created_at, c.id) < (${fromEpochMicros('$3')}, $4::uuid))
     ORDER BY c.created_at DESC, c.id DESC LIMIT $5`,
    [organisationId, filters.status ?? null, page.after?.key ?? null, page.after?.id ?? null, page.limit],
  );
  return result.rows;
}

/** Deletes a campaign (its steps, enrollments and their tasks and messages cascade). */
export async function deleteCampaign(db: Queryable, organisationId: string, id: string): Promise<boolean> {
  const result = await query(
    db,
    'outreach.delete_campaign',
    `DELETE FROM outreach_campaigns WHERE organisation_id = $1 AND id = $2`,
    [organisationId, id],
  );
  return (result.rowCount ?? 0) > 0;
}

/** Cancels the campaign's pending tasks (archiving: nothing more may run). Returns how many. */
export async function cancelCampaignTasks(db: Queryable, organisationId: string, campaignId: string): Promise<number> {
  const result = await query(
    db,
    'outreach.cancel_campaign_tasks',
    `UPDATE outreach_tasks t SET status = 'cancelled', locked_by = NULL, locked_until = NULL
     FROM outreach_campaign_enrollments e
     WHERE t.organisation_id = $1 AND e.organisation_id = $1 AND e.campaign_id = $2 AND t.enrollment_id = e.id
       AND t.status = 'pending'`,
    [organisationId, campaignId],
  );
  return result.rowCount ?? 0;
}
