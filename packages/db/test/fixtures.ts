import { createHash, randomUUID } from 'node:crypto';
import type { Queryable } from '@prospectflow/db';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}

/** A fresh SHA-256 hex digest, the shape of every stored token or key hash. */
export function randomHash(): string {
  return createHash('sha256').update(randomUUID()).digest('hex');
}

/** Inserts an organisation with a unique slug and returns its id. */
export async function createOrganisation(db: Queryable, name = 'Acme'): Promise<string> {
  const slug = `org-${randomUUID().slice(0, 8)}`;
  const { rows } = await db.query<{ id: string }>(
    'INSERT INTO iam_organisations (name, slug) VALUES ($1, $2) RETURNING id',
    [name, slug],
  );
  return rows[0]!.id;
}

interface TenantTable {
  /** Tenant foreign-key column → the tenant table it references. */
  refs: Record<string, string>;
  /** Other required columns; called per insert so unique columns get fresh values. */
  values: () => Record<string, unknown>;
}

let counter = 0;
const next = () => ++counter;

/**
 * Every tenant table that takes part in a tenant-to-tenant foreign key, with the minimal
 * row it needs. The tenant-keys test checks this map against pg_constraint, so a new
 * composite FK without an entry here fails the suite.
 */
export const TENANT_TABLES: Record<string, TenantTable> = {
  iam_api_keys: {
    refs: {},
    values: () => ({ name: 'pharow', key_prefix: 'pf_test', key_hash: randomHash(), scopes: ['ingest:write'] }),
  },
  crm_companies: { refs: {}, values: () => ({ name: 'Bureau Martin', pharow_company_id: randomUUID() }) },
  crm_people: { refs: {}, values: () => ({ first_name: 'Jeanne', last_name: 'Martin' }) },
  crm_positions: {
    refs: { company_id: 'crm_companies', person_id: 'crm_people' },
    values: () => ({ email: `${randomUUID()}@example.test`, job_title: 'CEO' }),
  },
  crm_ingest_runs: { refs: { api_key_id: 'iam_api_keys' }, values: () => ({ source: 'api' }) },
  crm_imports: {
    refs: { ingest_run_id: 'crm_ingest_runs' },
    values: () => ({
      filename: 'prospects.csv',
      size_bytes: 6,
      encoding: 'utf-8',
      separator: ';',
      headers: '["Email"]',
    }),
  },
  crm_import_rejected_rows: {
    refs: { import_id: 'crm_imports' },
    values: () => ({ line: next() + 1, reasons: '[]', cells: '["x"]' }),
  },
  outreach_mailboxes: {
    refs: {},
    values: () => ({
      from_name: 'Sales',
      from_email: `${randomUUID()}@sender.test`,
      smtp_host: 'localhost',
      smtp_port: 25,
    }),
  },
  outreach_campaigns: { refs: { mailbox_id: 'outreach_mailboxes' }, values: () => ({ name: 'Spring' }) },
  outreach_prompts: { refs: {}, values: () => ({ name: `prompt-${next()}`, user_prompt: 'Write to {{firstName}}' }) },
  outreach_workflow_steps: {
    refs: { campaign_id: 'outreach_campaigns', prompt_id: 'outreach_prompts' },
    values: () => ({ step_index: next() }),
  },
  outreach_step_experiments: {
    refs: { step_id: 'outreach_workflow_steps' },
    values: () => ({ name: 'subject test', status: 'draft' }),
  },
  outreach_step_experiment_variants: {
    refs: { experiment_id: 'outreach_step_experiments', prompt_id: 'outreach_prompts' },
    values: () => ({ key: `V${next()}`, weight: 1 }),
  },
  outreach_campaign_enrollments: {
    refs: { campaign_id: 'outreach_campaigns', position_id: 'crm_positions' },
    values: () => ({}),
  },
  outreach_enrollment_step_variant_assignments: {
    refs: {
      enrollment_id: 'outreach_campaign_enrollments',
      step_id: 'outreach_workflow_steps',
      variant_id: 'outreach_step_experiment_variants',
    },
    values: () => ({}),
  },
  outreach_tasks: {
    refs: { enrollment_id: 'outreach_campaign_enrollments', step_id: 'outreach_workflow_steps' },
    values: () => ({ kind: 'draft' }),
  },
  outreach_messages: {
    refs: {
      enrollment_id: 'outreach_campaign_enrollments',
      step_id: 'outreach_workflow_steps',
      variant_id: 'outreach_step_experiment_variants',
      mailbox_id: 'outreach_mailboxes',
    },
    values: () => ({ direction: 'outbound', status: 'draft', message_id: `<${randomUUID()}@pf.test>` }),
  },
  outreach_suppressions: {
    refs: { source_message_id: 'outreach_messages' },
    values: () => ({ email: `${randomUUID()}@example.test`, reason: 'manual' }),
  },
  tracking_pixels: { refs: { message_id: 'outreach_messages' }, values: () => ({ token_hash: randomHash() }) },
  outreach_campaign_send_slots: {
    refs: { campaign_id: 'outreach_campaigns' },
    values: () => ({ day_start: new Date(Date.UTC(2030, 0, 1 + next())), taken: 1 }),
  },
  outreach_mailbox_send_slots: {
    refs: { mailbox_id: 'outreach_mailboxes' },
    values: () => ({ hour_start: new Date(Date.UTC(2030, 0, 1, next())), taken: 1, last_taken_at: new Date() }),
  },
  tracking_message_open_stats: { refs: { message_id: 'outreach_messages' }, values: () => ({ open_count: 1 }) },
  outreach_webhook_endpoints: {
    refs: {},
    values: () => ({
      url: 'https://hooks.example.test/pf',
      event_types: ['reply.received'],
      secret_encrypted: 'v1.x.y.z',
    }),
  },
  outreach_webhook_deliveries: {
    refs: { endpoint_id: 'outreach_webhook_endpoints' },
    values: () => ({ event_id: randomUUID(), event_type: 'ping', event_created_at: new Date(), payload: '{}' }),
  },
  tracking_click_events: {
    refs: { message_id: 'outreach_messages' },
    values: () => ({ url: 'https://example.test/' }),
  },
};

/** Ids of one organisation's rows, by table name. */
export type TenantIds = Record<string, string>;

/** Inserts one row of `table` for `organisationId`; FK columns take `ids`, then `overrides` by column. */
export async function insertTenantRow(
  db: Queryable,
  table: string,
  organisationId: string,
  ids: TenantIds,
  overrides: Record<string, string> = {},
): Promise<string> {
  const spec = TENANT_TABLES[table];
  if (!spec) throw new Error(`no fixture for ${table}`);
  const refs = Object.fromEntries(Object.entries(spec.refs).map(([column, parent]) => [column, ids[parent]]));
  return insertRow(db, table, { organisation_id: organisationId, ...refs, ...spec.values(), ...overrides });
}

/** Inserts one row given as column → value and returns its id (undefined for tables without one). */
export async function insertRow(db: Queryable, table: string, row: Record<string, unknown>): Promise<string> {
  const columns = Object.keys(row);
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING *`,
    Object.values(row),
  );
  return rows[0]!.id;
}

/** Tables that must exist before `table` can be inserted, in dependency order (parents first). */
export function dependenciesOf(table: string, seen: string[] = []): string[] {
  for (const parent of Object.values(TENANT_TABLES[table]?.refs ?? {})) {
    if (seen.includes(parent)) continue;
    dependenciesOf(parent, seen);
    seen.push(parent);
  }
  return seen;
}

/** Inserts one row per table (plus everything they depend on) for one organisation. */
export async function seedTenantRows(db: Queryable, organisationId: string, tables: string[]): Promise<TenantIds> {
  const ids: TenantIds = {};
  const ordered = tables.flatMap((table) => [...dependenciesOf(table), table]);
  for (const table of ordered) {
    if (!(table in ids)) ids[table] = await insertTenantRow(db, table, organisationId, ids);
  }
  return ids;
}
