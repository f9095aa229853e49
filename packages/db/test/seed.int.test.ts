import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';
import { seedDemoData } from '../src/index.js';

describe('demo seed', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(inject('templateDatabase'));
  });
  afterAll(async () => {
    await db.drop();
  });

  it('creates the demo tenant and is idempotent', async () => {
    const first = await seedDemoData(db.pool);
    const second = await seedDemoData(db.pool);
    expect(second.organisationId).toBe(first.organisationId);
    const counts = await db.pool.query(
      `SELECT (SELECT count(*) FROM iam_organisations)::int AS orgs,
              (SELECT count(*) FROM iam_organisation_users WHERE role = 'admin')::int AS admins,
              (SELECT count(*) FROM crm_companies)::int AS companies,
              (SELECT count(*) FROM crm_people)::int AS people,
              (SELECT count(*) FROM crm_positions)::int AS positions`,
    );
    expect(counts.rows[0]).toEqual({ orgs: 1, admins: 1, companies: 3, people: 5, positions: 5 });
  });
});
