import type { BulkApproveResponse, DraftSummary, MessageDetail } from '@prospectflow/contracts';
import type { Keyed, Keyset } from '../crm/companies.js';
import { epochMicros, fromEpochMicros, iso } from '../crm/prospect-sql.js';
import { query, type Queryable } from '../query.js';

/** Outbound messages `m` with their enrollment `e` (for the campaign) and step `s`. */
const MESSAGE_FROM = `outreach_messages m
  LEFT JOIN outreach_campaign_enrollments e ON e.organisation_id = m.organisation_id AND e.id = m.enrollment_id
  LEFT JOIN outreach_workflow_steps s ON s.organisation_id = m.organisation_id AND s.id = m.step_id
  LEFT JOIN outreach_step_experiment_variants v ON v.organisation_id = m.organisation_id AND v.id = m.variant_id`;

/** The review queue: drafts, oldest first, optionally of one campaign. */
export async function listDrafts(
  db: Queryable,
  organisationId: string,
  filters: { campaignId?: string },
  page: { after?: Keyset; limit: number },
): Promise<Keyed<DraftSummary>[]> {
  const result = await query<Keyed<DraftSummary>>(
    db,
    'outreach.list_drafts',
    `SELECT m.id, e.campaign_id AS "campaignId", c.name AS "campaignName", m.enrollment_id AS "enrollmentId",
       e.position_id AS "positionId", m.step_id AS "stepId", s.step_index AS "stepIndex", v.key AS "variantKey",
       m.from_email::text AS "fromEmail", m.to_email::text AS "toEmail", m.subject, m.body_text AS "bodyText",
       ${iso('m.created_at')} AS "createdAt",
       (SELECT json_build_object('firstName', p.first_name, 'lastName', p.last_name, 'companyName', co.name)
        FROM crm_positions pos
        JOIN crm_people p ON p.organisation_id = pos.organisation_id AND p.id = pos.person_id
        JOIN crm_companies co ON co.organisation_id = pos.organisation_id AND co.id = pos.company_id
        WHERE pos.organisation_id = e.organisation_id AND pos.id = e.position_id) AS prospect,
       ${epochMicros('m.created_at')} AS "sortKey"
     FROM ${MESSAGE_FROM}
     JOIN outreach_campaigns c ON c.organisation_id = e.organisation_id AND c.id = e.campaign_id
     WHERE m.organisation_id = $1 AND m.status = 'draft' AND m.direction = 'outbound'
       AND ($2::uuid IS NULL OR e.campaign_id = $2)
       AND ($3::text IS NULL OR (m.created_at, m.id) > (${fromEpochMicros('$3')}, $4::uuid))
     ORDER BY m.created_at, m.id LIMIT $5`,
    [organisationId, filters.campaignId ?? null, page.after?.key ?? null, page.after?.id ?? null, page.limit],
  );
  return result.rows;
}

type MessageRow = Omit<MessageDetail, 'headers' | 'history'> & {
  fromName: string | null;
  replyTo: string | null;
  messageId: string | null;
  inReplyTo: string | null;
  references: string | null;
  draftedAt: string;
  approvedBy: string | null;
};

/** One message with what the message view shows; null when it is not the organisation's. */
export async function getMessage(db: Queryable, organisationId: string, id: string): Promise<MessageRow | null> {
  const result = await query<MessageRow>(
    db,
    'outreach.get_message',
    `SELECT m.id, m.direction, m.status, e.campaign_id AS "campaignId", m.enrollment_id AS "enrollmentId",
       m.step_id AS "stepId", s.step_index AS "stepIndex", m.variant_id AS "variantId", v.key AS "variantKey",
       m.mailbox_id AS "mailboxId", m.from_email::text AS "fromEmail", m.to_email::text AS "toEmail", m.subject,
       m.body_text AS "bodyText", m.body_html AS "bodyHtml", m.error, m.approved_by AS "approvedBy",
       ${iso('m.approved_at')} AS "approvedAt", ${iso('m.sent_at')} AS "sentAt", ${iso('m.received_at')} AS "receivedAt",
       ${iso('m.created_at')} AS "createdAt", ${iso('m.updated_at')} AS "updatedAt", ${iso('m.created_at')} AS "draftedAt",
       mb.from_name AS "fromName", mb.reply_to::text AS "replyTo", m.message_id AS "messageId",
       m.in_reply_to AS "inReplyTo", m.references_header AS "references",
       (SELECT json_build_object('count', o.open_count, 'machineCount', o.machine_open_count,
          'firstOpenedAt', ${iso('o.first_opened_at')}, 'lastOpenedAt', ${iso('o.last_opened_at')})
        FROM tracking_message_open_stats o WHERE o.organisation_id = m.organisation_id AND o.message_id = m.id) AS opens
     FROM ${MESSAGE_FROM}
     LEFT JOIN outreach_mailboxes mb ON mb.organisation_id = m.organisation_id AND mb.id = m.mailbox_id
     WHERE m.organisation_id = $1 AND m.id = $2`,
    [organisationId, id],
  );
  return result.rows[0] ?? null;
}

/** The status of a message, locked for a change; null when absent. */
export async function lockMessageStatus(db: Queryable, organisationId: string, id: string): Promise<string | null> {
  const result = await query<{ status: string }>(
    db,
    'outreach.lock_message',
    `SELECT status FROM outreach_messages WHERE organisation_id = $1 AND id = $2 FOR UPDATE`,
    [organisationId, id],
  );
  return result.rows[0]?.status ?? null;
}

/** Edits subject and bodies of a draft (only while it is a draft). */
export async function updateDraftContent(
  db: Queryable,
  organisationId: string,
  id: string,
  changes: { subject?: string; bodyText?: string; bodyHtml?: string | null },
): Promise<boolean> {
  const result = await query(
    db,
    'outreach.update_draft',
    `UPDATE outreach_messages SET subject = coalesce($3, subject), body_text = coalesce($4, body_text),
       body_html = CASE WHEN $5 THEN $6 ELSE body_html END
     WHERE organisation_id = $1 AND id = $2 AND status = 'draft'`,
    [
      organisationId,
      id,
      changes.subject ?? null,
      changes.bodyText ?? null,
      'bodyHtml' in changes,
      changes.bodyHtml ?? null,
    ],
  );
  return (result.rowCount ?? 0) > 0;
}

/**
 * Approves drafts in one statement: each draft whose enrollment is still active or paused becomes
 * 'approved' and gets a pending 'send' task for its (enrollment, step) due at `now`.
 */
export async function approveDrafts(
  db: Queryable,
  organisationId: string,
  ids: string[],
  approvedBy: string | null,
  now: Date,
): Promise<BulkApproveResponse> {
  const result = await query<{ id: string; outcome: 'approved' | 'not_draft' | 'enrollment_stopped' }>(
    db,
    'outreach.approve_drafts',
    `WITH target AS (
       SELECT m.id, m.status, e.state FROM outreach_messages m
       JOIN outreach_campaign_enrollments e ON e.organisation_id = m.organisation_id AND e.id = m.enrollment_id
       WHERE m.organisation_id = $1 AND m.id = ANY ($2::uuid[]) AND m.direction = 'outbound'
       FOR UPDATE OF m
     ),
     approved AS (
       UPDATE outreach_messages m SET status = 'approved', approved_by = $3, approved_at = $4
       FROM target t
       WHERE m.organisation_id = $1 AND m.id = t.id AND m.status = 'draft' AND t.state IN ('active', 'paused')
       RETURNING m.id, m.enrollment_id, m.step_id
     ),
     tasks AS (
       INSERT INTO outreach_tasks (organisation_id, enrollment_id, step_id, kind, scheduled_for)
       SELECT $1, enrollment_id, step_id, 'send', $4 FROM approved
       ON CONFLICT DO NOTHING
       RETURNING 1
     )
     SELECT t.id, CASE WHEN a.id IS NOT NULL THEN 'approved' WHEN t.status <> 'draft' THEN 'not_draft'
       ELSE 'enrollment_stopped' END AS outcome
     FROM target t LEFT JOIN approved a ON a.id = t.id`,
    [organisationId, ids, approvedBy, now],
  );
  const outcome = new Map(result.rows.map((r) => [r.id, r.outcome]));
  const approved: string[] = [];
  const skipped: BulkApproveResponse['skipped'] = [];
  for (const id of ids) {
    const o = outcome.get(id) ?? 'not_found';
    if (o === 'approved') approved.push(id);
    else skipped.push({ id, reason: o });
  }
  return { approved, skipped };
}

/**
 * Rejects a draft; its enrollment is paused (when active) so that nothing follows until an
 * operator resumes it (a new draft of the step) or removes it. False when not a draft.
 */
export async function rejectDraft(db: Queryable, organisationId: string, id: string): Promise<boolean> {
  const result = await query<{ enrollment_id: string | null }>(
    db,
    'outreach.reject_draft',
    `UPDATE outreach_messages SET status = 'rejected'
     WHERE organisation_id = $1 AND id = $2 AND status = 'draft' RETURNING enrollment_id`,
    [organisationId, id],
  );
  if (result.rowCount === 0) return false;
  await query(
    db,
    'outreach.pause_after_reject',
    `UPDATE outreach_campaign_enrollments SET state = 'paused' WHERE organisation_id = $1 AND id = $2 AND state = 'active'`,
    [organisationId, result.rows[0]!.enrollment_id],
  );
  return true;
}
