import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@prospectflow/db/testing';
import { pharowItems } from '@prospectflow/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ingestProspects } from '../src/index.js';

let db: TestDatabase;
let organisationId: string;

beforeAll(async () => {
  db = await createTestDatabase(inject('templateDatabase'));
  const { rows } = await db.pool.query<{ id: string }>(
    `INSERT INTO iam_organisations (name, slug) VALUES ('Stats', $1) RETURNING id`,
    [`stats-${randomUUID().slice(0, 8)}`],
  );
  organisationId = rows[0]!.id;
});

afterAll(async () => {
  await db.drop();
});

const ingest = (data: unknown[]) =>
  ingestProspects(db.pool, { organisationId, data, atomic: false, source: 'api', startedBy: null, apiKeyId: null });

/** The plan a foreign-key check on crm_companies gets once its plan is cached (a generic plan). */
async function companyKeyCheckPlan(): Promise<string> {
  const client = await db.pool.connect();
  try {
    await client.query('SET plan_cache_mode = force_generic_plan');
    await client.query(
      'PREPARE fk_check(uuid, uuid) AS SELECT 1 FROM ONLY crm_companies x WHERE organisation_id = $1 AND id = $2 FOR KEY SHARE OF x',
    );
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN EXECUTE fk_check('${organisationId}', gen_random_uuid())`,
    );
    await client.query('DEALLOCATE fk_check; RESET plan_cache_mode');
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    client.release();
  }
}

describe('planner statistics after bulk ingests', () => {
  it('analyses the ingest tables once they hold rows, so key lookups plan on (organisation_id, id)', async () => {
    await ingest(pharowItems(60, { seed: 1, prefix: 'small' }));
    const { rows } = await db.pool.query<{ relname: string; reltuples: number }>(
      `SELECT relname, reltuples FROM pg_class WHERE relname IN ('crm_companies', 'crm_people', 'crm_positions') ORDER BY 1`,
    );
    expect(rows).toEqual([
      { relname: 'crm_companies', reltuples: 20 },
      { relname: 'crm_people', reltuples: 60 },
      { relname: 'crm_positions', reltuples: 60 },
    ]);
    await ingest(pharowItems(1500, { seed: 2, prefix: 'bigger' }));
    expect(await companyKeyCheckPlan()).toContain('Index Cond: ((organisation_id = $1) AND (id = $2))');
  });
});
