import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { guardSends, lockDueTasks, storeDrafts, type GuardSendItem, type DraftToStore } from '@prospectflow/db';
import type { PoolClient } from 'pg';
import { createTestDatabase, type TestDatabase } from '@prospectflow/db/testing';

// The campaign engine's hot statements must find their rows by key whatever the statistics say.
// Statistics taken at a quiet moment (no task claimed, no message approved) make the planner
// believe those partial sets hold one row; a plan that then walks them costs every task in flight
// per item under load (doc/PERFORMANCE.md "Third session"). Each test reproduces that state: the
// database is analysed before the work is claimed, and the plans are the generic ones the
// workers' pools use (plan_cache_mode = force_generic_plan).

const IN_FLIGHT = 300;
let db: TestDatabase;
let organisationId: string;
let drafts: { taskId: string }[];
let sends: { taskId: string }[];

beforeAll(async () => {
  db = await createTestDatabase(inject('templateDatabase'));
  const q = async (sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rows;
  [{ id: organisationId }] = (await q(`INSERT INTO iam_organisations (name, slug) VALUES ('Plans', $1) RETURNING id`, [
    `plans-${randomUUID().slice(0, 8)}`,
  ])) as [{ id: string }];
  const [campaign] = await q(
    `WITH mb AS (
       INSERT INTO outreach_mailboxes (organisation_id, from_name, from_email, transport, smtp_host, smtp_port)
       VALUES ($1, 'Claire', 'claire@plans.example', 'smtp', '127.0.0.1', 25) RETURNING id
     ), c AS (
       INSERT INTO outreach_campaigns (organisation_id, name, status, mailbox_id, send_days, send_start_hour, send_end_hour)
       SELECT $1, 'Plans', 'running', id, '{1,2,3,4,5,6,7}', 0, 24 FROM mb RETURNING id, mailbox_id
     )
     INSERT INTO outreach_workflow_steps (organisation_id, campaign_id, step_index, subject_template, body_template)
     SELECT $1, id, 0, 'Bonjour', 'Bonjour {{person.firstName}}' FROM c
     RETURNING campaign_id, id AS step_id, (SELECT mailbox_id FROM c) AS mailbox_id`,
    [organisationId],
  );
  // 2 × IN_FLIGHT enrollments: the first half with a pending draft task, the second with an
  // approved message and a pending send task; then ANALYZE, then everything claimed.
  await q(
    `WITH g AS (
       SELECT i, gen_random_uuid() AS company_id, gen_random_uuid() AS person_id, gen_random_uuid() AS position_id,
              gen_random_uuid() AS enrollment_id
       FROM generate_series(1, $5::int * 2) i
     ), co AS (
       INSERT INTO crm_companies (id, organisation_id, name) SELECT company_id, $1, 'Société ' || i FROM g
     ), pe AS (
       INSERT INTO crm_people (id, organisation_id, first_name) SELECT person_id, $1, 'Prénom' || i FROM g
     ), po AS (
       INSERT INTO crm_positions (id, organisation_id, company_id, person_id, email)
       SELECT position_id, $1, company_id, person_id, 'p' || i || '@plans.example' FROM g
     ), en AS (
       INSERT INTO outreach_campaign_enrollments (id, organisation_id, campaign_id, position_id)
       SELECT enrollment_id, $1, $2, position_id FROM g
     ), me AS (
       INSERT INTO outreach_messages (organisation_id, enrollment_id, step_id, mailbox_id, direction, status,
         from_email, to_email, subject, body_text)
       SELECT $1, enrollment_id, $3, $4, 'outbound', 'approved', 'claire@plans.example', 'p' || i || '@plans.example',
              'Bonjour', 'Bonjour' FROM g WHERE i > $5
     )
     INSERT INTO outreach_tasks (organisation_id, enrollment_id, step_id, kind, scheduled_for)
     SELECT $1, enrollment_id, $3, CASE WHEN i > $5 THEN 'send' ELSE 'draft' END, now() - interval '1 minute' FROM g`,
    [organisationId, campaign.campaign_id, campaign.step_id, campaign.mailbox_id, IN_FLIGHT],
  );
  // History, as a running database has: tasks done long ago.
  await q(
    `INSERT INTO outreach_tasks (organisation_id, enrollment_id, step_id, kind, status, scheduled_for)
     SELECT organisation_id, enrollment_id, step_id, 'draft', 'done', now() - interval '30 days'
     FROM outreach_tasks, generate_series(1, 40) WHERE organisation_id = $1`,
    [organisationId],
  );
  // The quiet-time statistics: nothing claimed, nothing approved yet as far as ANALYZE knows...
  await q(`UPDATE outreach_messages SET status = 'draft' WHERE organisation_id = $1`, [organisationId]);
  await q('ANALYZE');
  // ...then the rush: every task claimed, every message approved.
  await q(`UPDATE outreach_messages SET status = 'approved' WHERE organisation_id = $1`, [organisationId]);
  await q(
    `UPDATE outreach_tasks SET status = 'claimed', locked_until = now() + interval '1 hour' WHERE organisation_id = $1 AND status = 'pending'`,
    [organisationId],
  );
  drafts = await q(
    `SELECT id AS "taskId" FROM outreach_tasks WHERE kind = 'draft' AND status = 'claimed' ORDER BY id LIMIT 20`,
  );
  sends = await q(
    `SELECT id AS "taskId" FROM outreach_tasks WHERE kind = 'send' AND status = 'claimed' ORDER BY id LIMIT 20`,
  );
});

afterAll(async () => {
  await db?.drop();
});

/**
 * The generic plan of a named statement after `run` prepared it on one connection, as JSON text,
 * and the rows it visited (EXPLAIN ANALYZE in a transaction rolled back).
 */
async function planOf(name: string, run: (client: PoolClient) => Promise<unknown>, args: string) {
  const client = await db.pool.connect();
  try {
    await client.query('SET plan_cache_mode = force_generic_plan');
    await client.query('BEGIN');
    await run(client);
    await client.query('ROLLBACK');
    await client.query('BEGIN');
    const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE "${name}"(${args})`);
    await client.query('ROLLBACK');
    return JSON.stringify(rows[0]['QUERY PLAN']);
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

const hash = () => createHash('sha256').update(randomUUID()).digest('hex');
const uuids = (values: string[]) => `'{${values.join(',')}}'::uuid[]`;
const texts = (values: (string | null)[]) =>
  `ARRAY[${values.map((v) => (v === null ? 'NULL' : `'${v}'`)).join(',')}]::text[]`;

/** Largest "Actual Rows" × "Actual Loops" of any scan on `relation` in the plan. */
function rowsScanned(plan: string, relation: string): number {
  const nodes: { 'Relation Name'?: string; 'Actual Rows'?: number; 'Actual Loops'?: number; Plans?: unknown[] }[] = [];
  const walk = (node: (typeof nodes)[number]) => {
    nodes.push(node);
    for (const child of (node.Plans ?? []) as (typeof nodes)[number][]) walk(child);
  };
  for (const root of JSON.parse(plan) as { Plan: (typeof nodes)[number] }[]) walk(root.Plan);
  return Math.max(
    0,
    ...nodes
      .filter((n) => n['Relation Name'] === relation)
      .map((n) => (n['Actual Rows'] ?? 0) * (n['Actual Loops'] ?? 1)),
  );
}

describe('hot statements under quiet-time statistics (generic plans)', () => {
  it('the send guard finds its tasks and messages by key, not through every task in flight', async () => {
    const items: GuardSendItem[] = sends.map((s) => ({
      organisationId,
      taskId: s.taskId,
      id: randomUUID(),
      unsubscribeTokenHash: hash(),
      pixelTokenHash: hash(),
    }));
    const plan = await planOf(
      'outreach.guard_sends',
      (client) => guardSends(client, items),
      [
        uuids(items.map(() => organisationId)),
        uuids(items.map((i) => i.taskId)),
        uuids(items.map((i) => i.id)),
        texts(items.map((i) => i.unsubscribeTokenHash)),
        texts(items.map((i) => i.pixelTokenHash)),
      ].join(', '),
    );
    expect(plan).toContain('"Actual Rows":20');
    expect(plan).not.toContain('outreach_tasks_stale_claim_idx');
    // A walk of the claimed tasks visits every task in flight; by key, one row per item.
    expect(rowsScanned(plan, 'outreach_tasks')).toBeLessThanOrEqual(items.length);
    expect(rowsScanned(plan, 'outreach_messages')).toBeLessThanOrEqual(items.length * 2);
  });

  it('the draft store finds its tasks by key', async () => {
    const items: DraftToStore[] = drafts.map((d) => ({
      taskId: d.taskId,
      sendAt: new Date(),
      message: {
        organisationId,
        enrollmentId: '00000000-0000-0000-0000-000000000000',
        stepId: '00000000-0000-0000-0000-000000000000',
        variantId: null,
        mailboxId: null,
        status: 'draft',
        fromEmail: 'claire@plans.example',
        toEmail: null,
        subject: 'Bonjour',
        bodyText: 'Bonjour',
        bodyHtml: '<p>Bonjour</p>',
      },
    }));
    const column = (pick: (item: DraftToStore) => string | null) => texts(items.map(pick));
    const plan = await planOf(
      'outreach.store_drafts',
      (client) => storeDrafts(client, items),
      [
        uuids(items.map(() => organisationId)),
        uuids(items.map((i) => i.taskId)),
        `ARRAY[${items.map(() => 'NULL').join(',')}]::uuid[]`,
        `ARRAY[${items.map(() => 'NULL').join(',')}]::uuid[]`,
        column((i) => i.message.status),
        column((i) => i.message.fromEmail),
        column((i) => i.message.toEmail),
        column((i) => i.message.subject),
        column((i) => i.message.bodyText),
        column((i) => i.message.bodyHtml),
        `ARRAY[${items.map(() => 'now()').join(',')}]::timestamptz[]`,
      ].join(', '),
    );
    expect(plan).toContain('"Actual Rows":20');
    expect(plan).not.toContain('outreach_tasks_stale_claim_idx');
    expect(rowsScanned(plan, 'outreach_tasks')).toBeLessThanOrEqual(items.length);
  });

  it('a scheduler tick reads due tasks in its own order and stops after its batch', async () => {
    await db.pool.query(
      `UPDATE outreach_tasks SET status = 'pending' WHERE organisation_id = $1 AND status = 'claimed'`,
      [organisationId],
    );
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      const due = await lockDueTasks(client, new Date(), 50);
      expect(due).toHaveLength(50);
      await client.query('ROLLBACK');
      const { rows } = await client.query(
        `EXPLAIN (ANALYZE, FORMAT JSON) SELECT id FROM outreach_tasks t
         WHERE t.status = 'pending' AND t.kind IN ('draft', 'send') AND t.scheduled_for <= now()
         ORDER BY t.scheduled_for, t.id LIMIT 50`,
      );
      const plan = JSON.stringify(rows[0]['QUERY PLAN']);
      expect(plan).toContain('outreach_tasks_due_idx');
      expect(plan).not.toContain('Sort');
      expect(rowsScanned(plan, 'outreach_tasks')).toBeLessThanOrEqual(50);
    } finally {
      client.release();
    }
  });
});
