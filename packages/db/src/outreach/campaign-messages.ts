import type { CampaignMessageSummary, OutboundMessageStatus } from '@prospectflow/contracts';
import type { Keyed, Keyset } from '../crm/companies.js';
import { epochMicros, fromEpochMicros, iso } from '../crm/prospect-sql.js';
import { query, type Queryable } from '../query.js';

/** A campaign's outbound messages, newest first, optionally of one status and/or one step. */
export async function listCampaignMessages(
  db: Queryable,
  organisationId: string,
  campaignId: string,
  filters: { status?: OutboundMessageStatus; stepId?: string },
  page: { after?: Keyset; limit: number },
): Promise<Keyed<CampaignMessageSummary>[]> {
  const result = await query<Keyed<CampaignMessageSummary>>(
    db,
    'outreach.list_campaign_messages',
    `SELECT m.id, m.status, m.enrollment_id AS "enrollmentId", m.step_id AS "stepId", s.step_index AS "stepIndex",
       v.key AS "variantKey", m.to_email::text AS "toEmail", m.subject, ${iso('m.sent_at')} AS "sentAt", m.error,
       coalesce(o.open_count > 0, false) AS opened, ${iso('m.created_at')} AS "createdAt",
       ${epochMicros('m.created_at')} AS "sortKey"
     FROM outreach_messages m
     JOIN outreach_campaign_enrollments e ON e.organisation_id = m.organisation_id AND e.id = m.enrollment_id
     LEFT JOIN outreach_workflow_steps s ON s.organisation_id = m.organisation_id AND s.id = m.step_id
     LEFT JOIN outreach_step_experiment_variants v ON v.organisation_id = m.organisation_id AND v.id = m.variant_id
     LEFT JOIN tracking_message_open_stats o ON o.organisation_id = m.organisation_id AND o.message_id = m.id
     WHERE m.organisation_id = $1 AND e.campaign_id = $2 AND m.direction = 'outbound'
       AND ($3::text IS NULL OR m.status = $3) AND ($4::uuid IS NULL OR m.step_id = $4)
       AND ($5::text IS NULL OR (m.created_at, m.id) < (${fromEpochMicros('$5')}, $6::uuid))
     ORDER BY m.created_at DESC, m.id DESC LIMIT $7`,
    [
      organisationId,
      campaignId,
      filters.status ?? null,
      filters.stepId ?? null,
      page.after?.key ?? null,
      page.after?.id ?? null,
      page.limit,
    ],
  );
  return result.rows;
}
