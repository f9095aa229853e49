import type { InboxDetail, InboxItem, ReplyClassification } from '@prospectflow/contracts';
import type { Keyed, Keyset } from '../crm/companies.js';
import { epochMicros, fromEpochMicros, iso } from '../crm/prospect-sql.js';
import { query, type Queryable } from '../query.js';

export interface InboxFilters {
  campaignId?: string;
  classification?: ReplyClassification;
  handled?: boolean;
}

/** Inbound messages `m` with their enrollment, campaign, step, variant and prospect. */
const INBOX_FROM = `outreach_messages m
  LEFT JOIN outreach_campaign_enrollments e ON e.organisation_id = m.organisation_id AND e.id = m.enrollment_id
  LEFT JOIN outreach_campaigns c ON c.organisation_id = e.organisation_id AND c.id = e.campaign_id
  LEFT JOIN outreach_workflow_steps s ON s.organisation_id = m.organisation_id AND s.id = m.step_id
  LEFT JOIN outreach_step_experiment_variants v ON v.organisation_id = m.organisation_id AND v.id = m.variant_id`;

const INBOX_COLUMNS = `m.id, e.campaign_id AS "campaignId", c.name AS "campaignName", m.enrollment_id AS "enrollmentId",
  e.state AS "enrollmentState", s.step_index AS "stepIndex", v.key AS "variantKey", m.from_email::text AS "fromEmail",
  m.subject, left(btrim(regexp_replace(coalesce(m.body_text, ''), '\\s+', ' ', 'g')), 160) AS snippet,
  m.classification, m.classification_reason AS "classificationReason",
  ${iso('m.received_at')} AS "receivedAt", ${iso('m.handled_at')} AS "handledAt",
  (SELECT json_build_object('firstName', pe.first_name, 'lastName', pe.last_name, 'companyName', co.name,
     'email', pos.email)
   FROM crm_positions pos
   JOIN crm_people pe ON pe.organisation_id = pos.organisation_id AND pe.id = pos.person_id
   JOIN crm_companies co ON co.organisation_id = pos.organisation_id AND co.id = pos.company_id
   WHERE pos.organisation_id = e.organisation_id AND pos.id = e.position_id) AS prospect`;

/** The inbox: inbound messages, newest received first, `limit` rows after `after`. */
export async function listInbox(
  db: Queryable,
  organisationId: string,
  filters: InboxFilters,
  page: { after?: Keyset; limit: number },
): Promise<Keyed<InboxItem>[]> {
  const result = await query<Keyed<InboxItem>>(
    db,
    'outreach.list_inbox',
    `SELECT ${INBOX_COLUMNS}, ${epochMicros('m.received_at')} AS "sortKey"
     FROM ${INBOX_FROM}
     WHERE m.organisation_id = $1 AND m.direction = 'inbound' AND m.received_at IS NOT NULL
       AND ($2::uuid IS NULL OR e.campaign_id = $2)
       AND ($3::text IS NULL OR m.classification = $3)
       AND ($4::boolean IS NULL OR (m.handled_at IS NOT NULL) = $4)
       AND ($5::text IS NULL OR (m.received_at, m.id) < (${fromEpochMicros('$5')}, $6::uuid))
     ORDER BY m.received_at DESC, m.id DESC LIMIT $7`,
    [
      organisationId,
      filters.campaignId ?? null,
      filters.classification ?? null,
      filters.handled ?? null,
      page.after?.key ?? null,
      page.after?.id ?? null,
      page.limit,
    ],
  );
  return result.rows;
}

/**
 * One inbound message with its thread: the enrollment's messages we sent (or began sending) and
 * every inbound one, in time order. Null when it is not an inbound message of the organisation.
 */
export async function getInboxMessage(db: Queryable, organisationId: string, id: string): Promise<InboxDetail | null> {
  const result = await query<InboxDetail>(
    db,
    'outreach.get_inbox_message',
    `SELECT ${INBOX_COLUMNS},
       coalesce((
         SELECT json_agg(json_build_object('id', t.id, 'direction', t.direction, 'status', t.status,
                  'stepIndex', ts.step_index, 'variantKey', tv.key, 'fromEmail', t.from_email,
                  'toEmail', t.to_email, 'subject', t.subject, 'bodyText', t.body_text, 'bodyHtml', t.body_html,
                  'classification', t.classification, 'classificationReason', t.classification_reason,
                  'at', ${iso('coalesce(t.sent_at, t.received_at)')})
                ORDER BY coalesce(t.sent_at, t.received_at, t.created_at), t.id)
         FROM outreach_messages t
         LEFT JOIN outreach_workflow_steps ts ON ts.organisation_id = t.organisation_id AND ts.id = t.step_id
         LEFT JOIN outreach_step_experiment_variants tv ON tv.organisation_id = t.organisation_id AND tv.id = t.variant_id
         WHERE t.organisation_id = m.organisation_id AND t.enrollment_id = m.enrollment_id
           AND (t.direction = 'inbound' OR t.status IN ('sending', 'sent'))
       ), json_build_array(json_build_object('id', m.id, 'direction', m.direction, 'status', m.status,
            'stepIndex', s.step_index, 'variantKey', v.key, 'fromEmail', m.from_email, 'toEmail', m.to_email,
            'subject', m.subject, 'bodyText', m.body_text, 'bodyHtml', m.body_html,
            'classification', m.classification, 'classificationReason', m.classification_reason,
            'at', ${iso('m.received_at')}))) AS thread
     FROM ${INBOX_FROM}
     WHERE m.organisation_id = $1 AND m.id = $2 AND m.direction = 'inbound'`,
    [organisationId, id],
  );
  return result.rows[0] ?? null;
}

/** Marks an inbound message handled (keeping the first time) or not; false when it is not the organisation's. */
export async function setInboxHandled(
  db: Queryable,
  organisationId: string,
  id: string,
  handled: boolean,
  at: Date,
): Promise<boolean> {
  const result = await query(
    db,
    'outreach.set_inbox_handled',
    `UPDATE outreach_messages SET handled_at = CASE WHEN $3 THEN coalesce(handled_at, $4::timestamptz) END
     WHERE organisation_id = $1 AND id = $2 AND direction = 'inbound'`,
    [organisationId, id, handled, at.toISOString()],
  );
  return (result.rowCount ?? 0) > 0;
}
