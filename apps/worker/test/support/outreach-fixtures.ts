import { randomUUID } from 'node:crypto';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { Pool } from '@prospectflow/db';

/**
 * A local SMTP server that keeps every message it accepts, parsed. `reject` answers RCPT TO with
 * an SMTP reply code (e.g. 550 permanent, 451 transient) for the addresses it returns one for.
 */
export async function startSmtpCatcher(
  options: { delayMs?: number; reject?: (address: string) => number | null } = {},
) {
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const code = options.reject?.(address.address) ?? null;
      if (code === null) return callback();
      callback(Object.assign(new Error(`${code} recipient refused by the test server`), { responseCode: code }));
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        void simpleParser(Buffer.concat(chunks)).then((mail) => {
          received.push(mail);
          if (options.delayMs) setTimeout(() => callback(), options.delayMs);
          else callback();
        }, callback);
      });
    },
  });
  // A client killed mid-session (the SIGKILL test) resets its socket; that is not a server failure.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return { received, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export interface Seeded {
  organisationId: string;
  mailboxId: string;
  campaignId: string;
  stepIds: string[];
  variantIds: Record<string, string>;
  enrollmentIds: string[];
  emails: string[];
}

export interface SeedOptions {
  smtpPort: number;
  prospects: { firstName: string | null; lastName: string; company: string; jobTitle: string }[];
  requireApproval: boolean;
  openTracking: boolean;
  abTest: boolean;
  now: Date;
  tag?: string;
}

/** An organisation, a mailbox on the local SMTP server, a running 2-step campaign and its enrollments with draft tasks. */
export async function seedCampaign(pool: Pool, options: SeedOptions): Promise<Seeded> {
  const tag = options.tag ?? randomUUID().slice(0, 8);
  const q = async (sql: string, params: unknown[]) => (await pool.query(sql, params)).rows;
  const [org] = await q(`INSERT INTO iam_organisations (name, slug) VALUES ($1, $1) RETURNING id`, [`org-${tag}`]);
  const organisationId: string = org.id;
  const [mailbox] = await q(
    `INSERT INTO outreach_mailboxes (organisation_id, from_name, from_email, reply_to, transport, smtp_host, smtp_port,
       smtp_secure, min_gap_seconds, daily_cap)
     VALUES ($1, 'Claire Martin', $2, $3, 'smtp', '127.0.0.1', $4, false, 0, 100000) RETURNING id`,
    [organisationId, `claire@${tag}.example.com`, `replies@${tag}.example.com`, options.smtpPort],
  );
  const [campaign] = await q(
    `INSERT INTO outreach_campaigns (organisation_id, name, status, mailbox_id, timezone, send_days, send_start_hour,
       send_end_hour, daily_cap, require_approval, open_tracking)
     VALUES ($1, 'Rentrée 2026', 'running', $2, 'Europe/Paris', '{1,2,3,4,5,6,7}', 0, 24, 100000, $3, $4) RETURNING id`,
    [organisationId, mailbox.id, options.requireApproval, options.openTracking],
  );
  const steps = await q(
    `INSERT INTO outreach_workflow_steps (organisation_id, campaign_id, step_index, delay_days, subject_template, body_template)
     VALUES ($1, $2, 0, 0, 'Bonjour {{person.firstName}}', 'Step one for {{company.name}}'),
            ($1, $2, 1, 3, '', $3)
     RETURNING id, step_index`,
    [
      organisationId,
      campaign.id,
      '{{person.firstName | "Bonjour"}}, une relance pour {{company.name}} ({{position.jobTitle}}).',
    ],
  );
  const stepIds = steps.sort((a, b) => a.step_index - b.step_index).map((s) => s.id as string);
  const variantIds: Record<string, string> = {};
  if (options.abTest) {
    const [experiment] = await q(
      `INSERT INTO outreach_step_experiments (organisation_id, step_id, name) VALUES ($1, $2, 'Accroche') RETURNING id`,
      [organisationId, stepIds[0]],
    );
    const variants = await q(
      `INSERT INTO outreach_step_experiment_variants (organisation_id, experiment_id, key, weight, subject_template, body_template)
       VALUES ($1, $2, 'A', 1, '[A] {{person.firstName | "Bonjour"}} et {{company.name}}',
               'Bonjour {{person.firstName | "à vous"}},\n\n{{company.name}} & vos équipes <3 : un mot pour le/la {{position.jobTitle}}.'),
              ($1, $2, 'B', 1, '[B] Une idée pour {{company.name}}',
               'Madame, Monsieur {{person.lastName}},\n\nVariante B pour {{company.name}}.')
       RETURNING id, key`,
      [organisationId, experiment.id],
    );
    for (const v of variants) variantIds[v.key] = v.id;
  }
  const enrollmentIds: string[] = [];
  const emails: string[] = [];
  for (const [n, prospect] of options.prospects.entries()) {
    const [company] = await q(`INSERT INTO crm_companies (organisation_id, name) VALUES ($1, $2) RETURNING id`, [
      organisationId,
      prospect.company,
    ]);
    const [person] = await q(
      `INSERT INTO crm_people (organisation_id, first_name, last_name) VALUES ($1, $2, $3) RETURNING id`,
      [organisationId, prospect.firstName, prospect.lastName],
    );
    const email = `p${n}.${tag}@prospects.example.fr`;
    const [position] = await q(
      `INSERT INTO crm_positions (organisation_id, company_id, person_id, email, job_title) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [organisationId, company.id, person.id, email, prospect.jobTitle],
    );
    const [enrollment] = await q(
      `INSERT INTO outreach_campaign_enrollments (organisation_id, campaign_id, position_id) VALUES ($1, $2, $3) RETURNING id`,
      [organisationId, campaign.id, position.id],
    );
    enrollmentIds.push(enrollment.id);
    emails.push(email);
  }
  await q(
    `INSERT INTO outreach_tasks (organisation_id, enrollment_id, step_id, kind, scheduled_for)
     SELECT $1, e, $2, 'draft', $3 FROM unnest($4::uuid[]) AS e`,
    [organisationId, stepIds[0], options.now.toISOString(), enrollmentIds],
  );
  return { organisationId, mailboxId: mailbox.id, campaignId: campaign.id, stepIds, variantIds, enrollmentIds, emails };
}

/** Approves every draft of the organisation as the API does: approved + a send task, in one transaction. */
export async function approveDrafts(pool: Pool, organisationId: string, now: Date): Promise<number> {
  const result = await pool.query(
    `WITH approved AS (
       UPDATE outreach_messages SET status = 'approved', approved_at = now()
       WHERE organisation_id = $1 AND status = 'draft' RETURNING organisation_id, enrollment_id, step_id
     )
     INSERT INTO outreach_tasks (organisation_id, enrollment_id, step_id, kind, scheduled_for)
     SELECT organisation_id, enrollment_id, step_id, 'send', $2 FROM approved
     ON CONFLICT (organisation_id, enrollment_id, step_id, kind) WHERE status IN ('pending', 'claimed') DO NOTHING`,
    [organisationId, now.toISOString()],
  );
  return result.rowCount ?? 0;
}

/** Outbound messages of the organisation by status. */
export async function messageStatuses(pool: Pool, organisationId: string): Promise<Record<string, number>> {
  const result = await pool.query(
    `SELECT status, count(*)::int AS n FROM outreach_messages WHERE organisation_id = $1 GROUP BY status`,
    [organisationId],
  );
  return Object.fromEntries(result.rows.map((r) => [r.status, r.n]));
}
