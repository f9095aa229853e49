import { randomBytes, randomUUID } from 'node:crypto';
import type { Queryable } from '@prospectflow/db';

type Classification = 'human_reply' | 'auto_reply' | 'bounce_permanent' | 'bounce_temporary' | 'unsubscribe_request';

/** What happened to one prospect's email of one step. */
export interface StepOutcome {
  /** Default `sent`; a draft or failed message was never sent. */
  status?: 'sent' | 'draft' | 'failed';
  sentAt?: string;
  humanOpens?: number;
  machineOpens?: number;
  firstOpenedAt?: string;
  /** An inbound message answering this email. */
  answer?: { classification: Classification; at: string; body?: string; reason?: string };
  /** The recipient clicked this email's unsubscribe link. */
  unsubscribedByLink?: boolean;
}

export interface ProspectPlan {
  firstName?: string;
  /** The A/B variant of step 0 (by key). */
  variant?: string;
  /** Outcomes by step index; a missing step was never reached. */
  steps: StepOutcome[];
}

export interface SeededCampaign {
  campaignId: string;
  mailboxId: string;
  stepIds: string[];
  experimentId: string;
  variantIds: Record<string, string>;
  enrollmentIds: string[];
  /** Inbound message ids in plan order. */
  inboundIds: string[];
}

const STATE_OF: Partial<Record<Classification, string>> = {
  human_reply: 'replied',
  bounce_permanent: 'bounced',
  unsubscribe_request: 'unsubscribed',
};

async function one<T>(db: Queryable, sql: string, params: unknown[]): Promise<T> {
  const { rows } = await db.query(sql, params);
  return rows[0] as T;
}

/**
 * Inserts in SQL a running two-step campaign whose step 0 runs an A/B experiment (variants `keys`),
 * and for each planned prospect: a position, an enrollment, its variant assignment, the emails of
 * the steps it reached, their opens (human and machine), the inbound answers and link unsubscribes.
 */
export async function seedAbCampaign(
  db: Queryable,
  organisationId: string,
  plans: ProspectPlan[],
  options: { name?: string; timezone?: string; keys?: string[] } = {},
): Promise<SeededCampaign> {
  const tag = randomBytes(4).toString('hex');
  const mailbox = await one<{ id: string }>(
    db,
    `INSERT INTO outreach_mailboxes (organisation_id, from_name, from_email) VALUES ($1, 'Sales', $2) RETURNING id`,
    [organisationId, `sales-${tag}@sender.example`],
  );
  const campaign = await one<{ id: string }>(
    db,
    `INSERT INTO outreach_campaigns (organisation_id, name, status, mailbox_id, timezone, open_tracking)
     VALUES ($1, $2, 'running', $3, $4, true) RETURNING id`,
    [organisationId, options.name ?? `A/B ${tag}`, mailbox.id, options.timezone ?? 'Europe/Paris'],
  );
  const stepIds: string[] = [];
  for (const index of [0, 1]) {
    const step = await one<{ id: string }>(
      db,
      `INSERT INTO outreach_workflow_steps (organisation_id, campaign_id, step_index, delay_days, subject_template, body_template)
       VALUES ($1, $2, $3, $4, 'Hello', 'Body') RETURNING id`,
      [organisationId, campaign.id, index, index * 3],
    );
    stepIds.push(step.id);
  }
  const experiment = await one<{ id: string }>(
    db,
    `INSERT INTO outreach_step_experiments (organisation_id, step_id, name) VALUES ($1, $2, 'Subject line') RETURNING id`,
    [organisationId, stepIds[0]],
  );
  const variantIds: Record<string, string> = {};
  for (const key of options.keys ?? ['A', 'B']) {
    const variant = await one<{ id: string }>(
      db,
      `INSERT INTO outreach_step_experiment_variants (organisation_id, experiment_id, key, subject_template, body_template)
       VALUES ($1, $2, $3, $4, 'Body') RETURNING id`,
      [organisationId, experiment.id, key, `Subject ${key}`],
    );
    variantIds[key] = variant.id;
  }
  const seeded: SeededCampaign = {
    campaignId: campaign.id,
    mailboxId: mailbox.id,
    stepIds,
    experimentId: experiment.id,
    variantIds,
    enrollmentIds: [],
    inboundIds: [],
  };
  for (const [n, plan] of plans.entries()) await seedProspect(db, organisationId, seeded, plan, `${tag}-${n}`);
  return seeded;
}

async function seedProspect(
  db: Queryable,
  organisationId: string,
  seeded: SeededCampaign,
  plan: ProspectPlan,
  tag: string,
): Promise<void> {
  const email = `p-${tag}@prospect.example`;
  const answers = plan.steps.map((s) => s.answer?.classification).filter((c): c is Classification => !!c);
  const stopping = answers.map((c) => STATE_OF[c]).find(Boolean);
  const state = stopping ?? (plan.steps.some((s) => s.unsubscribedByLink) ? 'unsubscribed' : 'active');
  const enrollment = await one<{ id: string }>(
    db,
    `WITH co AS (INSERT INTO crm_companies (organisation_id, pharow_company_id, name) VALUES ($1, $2, $3) RETURNING id),
     pe AS (INSERT INTO crm_people (organisation_id, first_name, last_name) VALUES ($1, $4, 'Martin') RETURNING id),
     po AS (INSERT INTO crm_positions (organisation_id, company_id, person_id, email)
            SELECT $1, co.id, pe.id, $5 FROM co, pe RETURNING id)
     INSERT INTO outreach_campaign_enrollments (organisation_id, campaign_id, position_id, state, current_step_index)
     SELECT $1, $6, po.id, $7, $8 FROM po RETURNING id`,
    [
      organisationId,
      `pc-${tag}`,
      `Boulangerie ${tag}`,
      plan.firstName ?? 'Claire',
      email,
      seeded.campaignId,
      state,
      Math.max(0, plan.steps.length - 1),
    ],
  );
  seeded.enrollmentIds.push(enrollment.id);
  const variantId = plan.variant ? seeded.variantIds[plan.variant]! : null;
  if (variantId) {
    await db.query(
      `INSERT INTO outreach_enrollment_step_variant_assignments (organisation_id, enrollment_id, step_id, variant_id)
       VALUES ($1, $2, $3, $4)`,
      [organisationId, enrollment.id, seeded.stepIds[0], variantId],
    );
  }
  for (const [index, outcome] of plan.steps.entries()) {
    await seedEmail(db, organisationId, seeded, {
      enrollmentId: enrollment.id,
      stepId: seeded.stepIds[index]!,
      variantId: index === 0 ? variantId : null,
      email,
      outcome,
    });
  }
}

async function seedEmail(
  db: Queryable,
  organisationId: string,
  seeded: SeededCampaign,
  email: { enrollmentId: string; stepId: string; variantId: string | null; email: string; outcome: StepOutcome },
): Promise<void> {
  const { outcome } = email;
  const status = outcome.status ?? 'sent';
  const messageId = status === 'sent' ? `<${randomUUID()}@sender.example>` : null;
  const sent = await one<{ id: string }>(
    db,
    `INSERT INTO outreach_messages (organisation_id, enrollment_id, step_id, variant_id, mailbox_id, direction, status,
       message_id, thread_id, from_email, to_email, subject, body_text, body_html, sent_at)
     VALUES ($1, $2, $3, $4, $5, 'outbound', $6, $7, $2, 'sales@sender.example', $8, 'Hello there',
       'Bonjour, a word about your bakery.', '<p>Bonjour, a word about your bakery.</p>', $9) RETURNING id`,
    [
      organisationId,
      email.enrollmentId,
      email.stepId,
      email.variantId,
      seeded.mailboxId,
      status,
      messageId,
      email.email,
      status === 'sent' ? (outcome.sentAt ?? new Date().toISOString()) : null,
    ],
  );
  if (outcome.humanOpens || outcome.machineOpens) {
    await db.query(
      `INSERT INTO tracking_message_open_stats (organisation_id, message_id, open_count, machine_open_count,
         first_opened_at, last_opened_at)
       VALUES ($1, $2, $3, $4, $5, $5)`,
      [
        organisationId,
        sent.id,
        outcome.humanOpens ?? 0,
        outcome.machineOpens ?? 0,
        outcome.humanOpens ? (outcome.firstOpenedAt ?? outcome.sentAt) : null,
      ],
    );
  }
  if (outcome.unsubscribedByLink) {
    await db.query(
      `INSERT INTO outreach_suppressions (organisation_id, email, reason, source_message_id)
       VALUES ($1, $2, 'unsubscribed', $3)`,
      [organisationId, email.email, sent.id],
    );
  }
  if (outcome.answer) {
    const { classification, at, body, reason } = outcome.answer;
    const inbound = await one<{ id: string }>(
      db,
      `INSERT INTO outreach_messages (organisation_id, enrollment_id, step_id, variant_id, mailbox_id, direction, status,
         message_id, in_reply_to, thread_id, from_email, to_email, subject, body_text, body_html, classification,
         classification_reason, received_at)
       VALUES ($1, $2, $3, $4, $5, 'inbound', 'received', $6, $7, $2, $8, 'sales@sender.example', 'Re: Hello there',
         $9, $10, $11, $12, $13) RETURNING id`,
      [
        organisationId,
        email.enrollmentId,
        email.stepId,
        email.variantId,
        seeded.mailboxId,
        `<${randomUUID()}@prospect.example>`,
        messageId,
        email.email,
        body ?? 'Merci, rappelez-moi jeudi.',
        `<p>${body ?? 'Merci, rappelez-moi jeudi.'}</p>`,
        classification,
        reason ?? `detected ${classification}`,
        at,
      ],
    );
    seeded.inboundIds.push(inbound.id);
  }
}
