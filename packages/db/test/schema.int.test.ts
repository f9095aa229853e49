import { randomBytes, randomUUID } from 'node:crypto';
import { appendFile, cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MIGRATIONS_DIR, dropDatabase, ensureDatabase, migrate, withDatabaseName } from '@prospectflow/db';
import { createTestDatabase, testServerUrl, type TestDatabase } from '@prospectflow/db/testing';
import { createOrganisation, insertRow, randomHash, seedTenantRows } from './fixtures.js';

// prettier-ignore
const TABLES = [
  'iam_organisations', 'iam_users', 'iam_organisation_users', 'iam_api_keys',
  'crm_companies', 'crm_people', 'crm_positions', 'crm_ingest_runs',
  'outreach_mailboxes', 'outreach_campaigns', 'outreach_prompts', 'outreach_workflow_steps',
  'outreach_step_experiments', 'outreach_step_experiment_variants', 'outreach_campaign_enrollments',
  'outreach_enrollment_step_variant_assignments', 'outreach_tasks', 'outreach_messages',
  'outreach_suppressions', 'outreach_outbox',
  'tracking_pixels', 'tracking_message_open_stats', 'tracking_click_events',
  'lm_subscribers', 'lm_consent_events', 'lm_download_tokens', 'lm_visits',
];

/** The lead-magnet columns fixed by DESIGN.md: name, type, nullable, default. */
const LM_COLUMNS = {
  lm_subscribers: [
    ['id', 'uuid', 'NO', 'gen_random_uuid()'],
    ['email', 'text', 'NO', null],
    ['status', 'text', 'NO', "'pending'::text"],
    ['source', 'text', 'YES', null],
    ['tags', 'jsonb', 'NO', "'[]'::jsonb"],
    ['created_at', 'timestamp with time zone', 'NO', 'now()'],
    ['confirmed_at', 'timestamp with time zone', 'YES', null],
    ['unsubscribed_at', 'timestamp with time zone', 'YES', null],
    ['last_email_sent_at', 'timestamp with time zone', 'YES', null],
  ],
  lm_consent_events: [
    ['id', 'uuid', 'NO', 'gen_random_uuid()'],
    ['subscriber_id', 'uuid', 'NO', null],
    ['event_type', 'text', 'NO', null],
    ['consent_text', 'text', 'YES', null],
    ['privacy_policy_version', 'text', 'YES', null],
    ['ip', 'inet', 'YES', null],
    ['user_agent', 'text', 'YES', null],
    ['occurred_at', 'timestamp with time zone', 'NO', 'now()'],
  ],
  lm_download_tokens: [
    ['id', 'uuid', 'NO', 'gen_random_uuid()'],
    ['subscriber_id', 'uuid', 'NO', null],
    ['token_hash', 'text', 'NO', null],
    ['purpose', 'text', 'NO', null],
    ['expires_at', 'timestamp with time zone', 'NO', null],
    ['max_uses', 'integer', 'NO', '999'],
    ['use_count', 'integer', 'NO', '0'],
    ['used_at', 'timestamp with time zone', 'YES', null],
    ['created_at', 'timestamp with time zone', 'NO', 'now()'],
  ],
  lm_visits: [
    ['day', 'date', 'NO', null],
    ['count', 'integer', 'NO', '0'],
  ],
};

const LM_INDEXES = [
  'lm_consent_events (subscriber_id, occurred_at DESC)',
  'lm_download_tokens (expires_at) WHERE (use_count < max_uses)',
  'lm_download_tokens (subscriber_id, created_at DESC)',
  'UNIQUE lm_download_tokens (token_hash)',
  'lm_subscribers (created_at DESC)',
  'UNIQUE lm_subscribers (lower(email))',
  'lm_subscribers (status)',
];

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase(inject('templateDatabase'));
});

afterAll(async () => {
  await db.drop();
});

describe('migrations', () => {
  it('create every table of the data model, each with a domain prefix', async () => {
    const { rows } = await db.pool.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const names = rows.map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(TABLES));
    expect(names.filter((n) => n !== 'schema_migrations' && !/^(iam|crm|outreach|tracking|lm)_/.test(n))).toEqual([]);
  });

  it('apply nothing when run again', async () => {
    const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql'));
    const result = await migrate(db.url);
    expect(result.applied).toEqual([]);
    expect(result.version).toBe(Math.max(...files.map((f) => Number.parseInt(f, 10))));
  });

  it('refuse an already-applied migration that was edited', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pf-migrations-'));
    const url = withDatabaseName(testServerUrl(), `pf_test_edit_${randomBytes(4).toString('hex')}`);
    try {
      await cp(MIGRATIONS_DIR, dir, { recursive: true });
      await ensureDatabase(url);
      expect((await migrate(url, { migrationsDir: dir })).applied.length).toBeGreaterThanOrEqual(6);
      await appendFile(join(dir, '002.do.iam.sql'), '\n-- edited after it was applied\n');
      await expect(migrate(url, { migrationsDir: dir })).rejects.toThrow(/checksum/i);
    } finally {
      await dropDatabase(testServerUrl(), new URL(url).pathname.slice(1));
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('updated_at', () => {
  // outreach_mailboxes has a variant that ignores the IMAP poll position (migration 015).
  it('is maintained by the shared trigger on every table that has the column', async () => {
    const { rows } = await db.pool.query<{ table: string }>(`
      SELECT c.table_name AS "table" FROM information_schema.columns c
      WHERE c.table_schema = 'public' AND c.column_name = 'updated_at'
        AND NOT EXISTS (
          SELECT 1 FROM pg_trigger t
          WHERE t.tgrelid = format('public.%I', c.table_name)::regclass AND NOT t.tgisinternal
            AND t.tgfoid IN ('set_updated_at'::regproc, 'outreach_mailboxes_set_updated_at'::regproc)
        )`);
    expect(rows).toEqual([]);
  });

  it('moves forward when a row is updated', async () => {
    const id = await createOrganisation(db.pool);
    const before = await db.pool.query('SELECT updated_at FROM iam_organisations WHERE id = $1', [id]);
    const after = await db.pool.query(
      `UPDATE iam_organisations SET name = 'Renamed' WHERE id = $1 RETURNING updated_at`,
      [id],
    );
    expect(after.rows[0].updated_at.getTime()).toBeGreaterThan(before.rows[0].updated_at.getTime());
  });
});

describe('constraints', () => {
  const ctx = { org: '', user: '', ids: {} as Record<string, string> };
  const apiKey = { name: 'k', key_prefix: 'pf', key_hash: randomHash(), scopes: ['ingest:write'] };
  const inbound = { direction: 'inbound', status: 'received' };
  const position = () => ({ company_id: ctx.ids.crm_companies, person_id: ctx.ids.crm_people });
  const step = (index: number) => ({ campaign_id: ctx.ids.outreach_campaigns, step_index: index });

  beforeAll(async () => {
    ctx.org = await createOrganisation(db.pool);
    const user = await db.pool.query(`INSERT INTO iam_users (email) VALUES ('Ops@Example.test') RETURNING id`);
    ctx.user = user.rows[0].id;
    ctx.ids = await seedTenantRows(db.pool, ctx.org, ['outreach_campaign_enrollments', 'outreach_workflow_steps']);
  });

  const insert = (table: string, values: Record<string, unknown>) =>
    insertRow(db.pool, table, table.startsWith('lm_') ? values : { organisation_id: ctx.org, ...values });

  // prettier-ignore
  it.each<[string, string, () => Record<string, unknown>]>([
    ['an unknown membership role', 'iam_organisation_users', () => ({ user_id: ctx.user, role: 'owner' })],
    ['an unknown api key scope', 'iam_api_keys', () => ({ ...apiKey, scopes: ['admin:all'] })],
    ['an api key stored in clear', 'iam_api_keys', () => ({ ...apiKey, key_hash: 'pf_live_secret' })],
    ['an unknown campaign status', 'outreach_campaigns', () => ({ name: 'c', status: 'deleted' })],
    ['an inverted sending window', 'outreach_campaigns', () => ({ name: 'c', send_start_hour: 18, send_end_hour: 9 })],
    ['a non-ISO weekday', 'outreach_campaigns', () => ({ name: 'c', send_days: [0, 1] })],
    ['an unknown ingest source', 'crm_ingest_runs', () => ({ source: 'ftp' })],
    ['a blank position email', 'crm_positions', () => ({ ...position(), email: '' })],
    ['an unknown task kind', 'outreach_tasks', () => ({ enrollment_id: ctx.ids.outreach_campaign_enrollments, kind: 'call' })],
    ['a negative step delay', 'outreach_workflow_steps', () => ({ ...step(99), delay_days: -1 })],
    ['an unknown reply classification', 'outreach_messages', () => ({ ...inbound, classification: 'spam' })],
    ['an inbound message marked sent', 'outreach_messages', () => ({ ...inbound, status: 'sent' })],
    ['an unknown suppression reason', 'outreach_suppressions', () => ({ email: 'x@y.test', reason: 'because' })],
    ['an unknown subscriber status', 'lm_subscribers', () => ({ email: 'a@b.test', status: 'vip' })],
    ['an unknown token purpose', 'lm_download_tokens', () => ({ subscriber_id: randomUUID(), token_hash: 'h', purpose: 'forever', expires_at: new Date() })],
  ])('reject %s (23514)', async (_, table, values) => {
    await expect(insert(table, values())).rejects.toMatchObject({ code: '23514' });
  });

  it('treat emails case-insensitively where they are citext', async () => {
    await expect(db.pool.query(`INSERT INTO iam_users (email) VALUES ('ops@example.TEST')`)).rejects.toMatchObject({
      code: '23505',
    });
  });

  it('keep a position without email unique per company and person', async () => {
    const add = () => insert('crm_positions', position());
    await add();
    await expect(add()).rejects.toMatchObject({
      code: '23505',
      constraint: 'crm_positions_org_company_person_email_key',
    });
  });

  it('let workflow steps be reordered in one statement', async () => {
    const campaign = ctx.ids.outreach_campaigns;
    await insert('outreach_workflow_steps', step(1000));
    await insert('outreach_workflow_steps', step(1001));
    const swapped = await db.pool.query(
      `UPDATE outreach_workflow_steps SET step_index = 2001 - step_index WHERE campaign_id = $1 AND step_index >= 1000`,
      [campaign],
    );
    expect(swapped.rowCount).toBe(2);
  });
});

// The design fixes these four tables; lm_email_jobs (009, the email job ledger) is checked by its own tests.
describe('lead magnet tables', () => {
  it('have exactly the columns fixed by the design', async () => {
    const { rows } = await db.pool.query<{ table: string; column: [string, string, string, string | null] }>(`
      SELECT table_name AS "table", ARRAY[column_name::text, data_type::text, is_nullable::text, column_default::text] AS column
      FROM information_schema.columns WHERE table_schema = 'public' AND table_name LIKE 'lm\\_%' AND table_name <> 'lm_email_jobs'
      ORDER BY table_name, ordinal_position`);
    const actual: Record<string, unknown[]> = {};
    for (const { table, column } of rows) (actual[table] ??= []).push(column);
    expect(actual).toEqual(LM_COLUMNS);
  });

  it('have the indexes fixed by the design', async () => {
    const { rows } = await db.pool.query<{ def: string }>(`
      SELECT regexp_replace(indexdef, '^CREATE (UNIQUE )?INDEX \\S+ ON public\\.(\\S+) USING btree ', '\\1\\2 ') AS def
      FROM pg_indexes WHERE schemaname = 'public' AND tablename LIKE 'lm\\_%' AND tablename <> 'lm_email_jobs' AND indexname NOT LIKE '%\\_pkey'`);
    expect(rows.map((r) => r.def).sort()).toEqual([...LM_INDEXES].sort());
  });

  it('keep consent events append-only and erase everything with the subscriber', async () => {
    const subscriber = await db.pool.query(
      `INSERT INTO lm_subscribers (email, source) VALUES ('Bride@Example.test', 'landing') RETURNING id`,
    );
    const id = subscriber.rows[0].id;
    await db.pool.query(
      `INSERT INTO lm_consent_events (subscriber_id, event_type, consent_text, ip) VALUES ($1, 'signup', 'Oui', '203.0.113.7')`,
      [id],
    );
    await db.pool.query(
      `INSERT INTO lm_download_tokens (subscriber_id, token_hash, purpose, expires_at)
      VALUES ($1, $2, 'confirm_and_download', now() + interval '48 hours')`,
      [id, randomHash()],
    );

    await expect(
      db.pool.query(`UPDATE lm_consent_events SET consent_text = 'Non' WHERE subscriber_id = $1`, [id]),
    ).rejects.toMatchObject({
      code: '23001',
    });
    await expect(db.pool.query(`DELETE FROM lm_consent_events WHERE subscriber_id = $1`, [id])).rejects.toMatchObject({
      code: '23001',
    });
    await expect(
      db.pool.query(`INSERT INTO lm_subscribers (email) VALUES ('bride@example.TEST')`),
    ).rejects.toMatchObject({
      code: '23505',
    });

    await db.pool.query('DELETE FROM lm_subscribers WHERE id = $1', [id]);
    const left = await db.pool.query(
      `SELECT (SELECT count(*) FROM lm_consent_events WHERE subscriber_id = $1)::int AS events,
      (SELECT count(*) FROM lm_download_tokens WHERE subscriber_id = $1)::int AS tokens`,
      [id],
    );
    expect(left.rows[0]).toEqual({ events: 0, tokens: 0 });
  });
});
