import { randomBytes } from 'node:crypto';
import type { Queryable } from '@prospectflow/db';

type Row = Record<string, unknown>;

/** Inserts one row built from column names written in the test itself; returns its id. */
async function insert(db: Queryable, table: string, row: Row): Promise<string> {
  const columns = Object.keys(row);
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
    Object.values(row),
  );
  return rows[0]!.id;
}

export interface ProspectIds {
  positionId: string;
  personId: string;
  companyId: string;
}

/**
 * Inserts a prospect directly in SQL: a company (or `companyId`), a person (or `personId`) and
 * their position. Columns are crm_* column names.
 */
export async function insertProspect(
  db: Queryable,
  organisationId: string,
  seed: { company?: Row; companyId?: string; person?: Row; personId?: string; position?: Row },
): Promise<ProspectIds> {
  const companyId =
    seed.companyId ??
    (await insert(db, 'crm_companies', {
      organisation_id: organisationId,
      pharow_company_id: `pc-${randomBytes(6).toString('hex')}`,
      name: 'Company',
      ...seed.company,
    }));
  const personId =
    seed.personId ?? (await insert(db, 'crm_people', { organisation_id: organisationId, ...seed.person }));
  const positionId = await insert(db, 'crm_positions', {
    organisation_id: organisationId,
    company_id: companyId,
    person_id: personId,
    ...seed.position,
  });
  return { positionId, personId, companyId };
}

/** Enrolls a position in a (new) campaign; returns the campaign and enrollment ids. */
export async function enroll(db: Queryable, organisationId: string, positionId: string) {
  const campaignId = await insert(db, 'outreach_campaigns', { organisation_id: organisationId, name: 'Campaign' });
  const enrollmentId = await insert(db, 'outreach_campaign_enrollments', {
    organisation_id: organisationId,
    campaign_id: campaignId,
    position_id: positionId,
  });
  return { campaignId, enrollmentId };
}

/** Puts an email address on the organisation's suppression list. */
export async function suppress(db: Queryable, organisationId: string, email: string): Promise<void> {
  await db.query(`INSERT INTO outreach_suppressions (organisation_id, email, reason) VALUES ($1, $2, 'unsubscribed')`, [
    organisationId,
    email,
  ]);
}

/**
 * Everything outreach and tracking keep about an enrollment: a step with an A/B variant and its
 * assignment, a task, an outbound message with its pixel, open stats and a click.
 */
export async function addOutreachHistory(
  db: Queryable,
  organisationId: string,
  ids: { campaignId: string; enrollmentId: string },
  email: string,
) {
  const org = { organisation_id: organisationId };
  const stepId = await insert(db, 'outreach_workflow_steps', { ...org, campaign_id: ids.campaignId, step_index: 0 });
  const experimentId = await insert(db, 'outreach_step_experiments', { ...org, step_id: stepId, name: 'Subject test' });
  const variantId = await insert(db, 'outreach_step_experiment_variants', {
    ...org,
    experiment_id: experimentId,
    key: 'A',
  });
  await insert(db, 'outreach_enrollment_step_variant_assignments', {
    ...org,
    enrollment_id: ids.enrollmentId,
    step_id: stepId,
    variant_id: variantId,
  });
  await insert(db, 'outreach_tasks', { ...org, enrollment_id: ids.enrollmentId, step_id: stepId, kind: 'send' });
  const messageId = await insert(db, 'outreach_messages', {
    ...org,
    enrollment_id: ids.enrollmentId,
    step_id: stepId,
    variant_id: variantId,
    direction: 'outbound',
    status: 'sent',
    to_email: email,
    subject: 'Bonjour',
    body_text: 'Hello',
  });
  await insert(db, 'tracking_pixels', { ...org, message_id: messageId, token_hash: randomBytes(32).toString('hex') });
  await db.query(
    `INSERT INTO tracking_message_open_stats (organisation_id, message_id, open_count) VALUES ($1, $2, 1)`,
    [organisationId, messageId],
  );
  await insert(db, 'tracking_click_events', { ...org, message_id: messageId, url: 'https://example.test/offer' });
  return { messageId };
}

/** Inserts an inbound message that no enrollment claimed (matched by nothing but its sender address). */
export async function addUnmatchedInbound(db: Queryable, organisationId: string, fromEmail: string): Promise<string> {
  return insert(db, 'outreach_messages', {
    organisation_id: organisationId,
    direction: 'inbound',
    status: 'received',
    from_email: fromEmail,
    subject: 'Re: Bonjour',
    body_text: 'Merci de me retirer de vos listes',
  });
}

/** How many rows of every public table mention `needle` anywhere in their text form. */
export async function tablesMentioning(db: Queryable, needle: string): Promise<Record<string, number>> {
  const { rows: tables } = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  );
  const found: Record<string, number> = {};
  for (const { name } of tables) {
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${name} t WHERE strpos(lower(t::text), lower($1)) > 0`,
      [needle],
    );
    if (rows[0]!.n > 0) found[name] = rows[0]!.n;
  }
  return found;
}
