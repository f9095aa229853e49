import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@prospectflow/db/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ingestProspects } from '../src/index.js';

let db: TestDatabase;
let organisationId: string;

beforeAll(async () => {
  db = await createTestDatabase(inject('templateDatabase'));
  const { rows } = await db.pool.query<{ id: string }>(
    `INSERT INTO iam_organisations (name, slug) VALUES ('Identity', $1) RETURNING id`,
    [`identity-${randomUUID().slice(0, 8)}`],
  );
  organisationId = rows[0]!.id;
});

afterAll(async () => {
  await db.drop();
});

const ingest = (data: unknown[]) =>
  ingestProspects(db.pool, { organisationId, data, atomic: false, source: 'api', startedBy: null, apiKeyId: null });

const jean = { positionEmail: 'jean@acme.fr', personFirstName: 'Jean', personLastName: 'Dupont', companyName: 'Acme' };

describe('two payload keys that resolve to one stored company', () => {
  it('fold their positions instead of writing the same row twice', async () => {
    await ingest([{ ...jean, pharowCompanyId: 'a', companySiren: '123456789' }]);
    // "b" carries company "a"'s SIREN, so both items land on company "a" and the same person.
    const result = await ingest([
      { ...jean, pharowCompanyId: 'b', companySiren: '123456789', positionJobTitle: 'CEO' },
      { ...jean, pharowCompanyId: 'a', positionJobTitle: 'CTO' },
    ]);
    expect(result.positions).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
    const { rows } = await db.pool.query('SELECT job_title FROM crm_positions WHERE organisation_id = $1', [
      organisationId,
    ]);
    expect(rows).toEqual([{ job_title: 'CTO' }]);
  });
});
