import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@prospectflow/db/testing';
import { TENANT_TABLES, createOrganisation, dependenciesOf, insertTenantRow, seedTenantRows } from './fixtures.js';

interface ForeignKey {
  name: string;
  table: string;
  parent: string;
  columns: string[];
  parentColumns: string[];
  tenantToTenant: boolean;
}

const FOREIGN_KEYS_SQL = `
  WITH fk AS (
    SELECT c.conname, c.conrelid, c.confrelid,
      ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
      ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS parent_columns
    FROM pg_constraint c
    WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
  ), tenant AS (
    SELECT attrelid FROM pg_attribute WHERE attname = 'organisation_id' AND NOT attisdropped
  )
  SELECT conname AS name, conrelid::regclass::text AS "table", confrelid::regclass::text AS parent,
    columns, parent_columns AS "parentColumns",
    conrelid IN (SELECT attrelid FROM tenant) AND confrelid IN (SELECT attrelid FROM tenant) AS "tenantToTenant"
  FROM fk ORDER BY 2, 1`;

/** One case per tenant-to-tenant foreign key: the child table, its FK column and the parent table. */
const cases = Object.entries(TENANT_TABLES).flatMap(([table, spec]) =>
  Object.entries(spec.refs).map(([column, parent]) => ({ table, column, parent })),
);

let db: TestDatabase;
let foreignKeys: ForeignKey[];

beforeAll(async () => {
  db = await createTestDatabase(inject('templateDatabase'));
  foreignKeys = (await db.pool.query<ForeignKey>(FOREIGN_KEYS_SQL)).rows;
});

afterAll(async () => {
  await db.drop();
});

describe('composite tenant keys in the catalog', () => {
  it('pairs organisation_id with organisation_id in every FK between two tenant tables', () => {
    const tenantKeys = foreignKeys.filter((fk) => fk.tenantToTenant);
    expect(tenantKeys.length).toBeGreaterThan(20);
    const offenders = tenantKeys.filter((fk) => {
      const at = fk.columns.indexOf('organisation_id');
      return at === -1 || fk.parentColumns[at] !== 'organisation_id' || fk.parentColumns.at(-1) !== 'id';
    });
    expect(offenders).toEqual([]);
  });

  it('has a test case for exactly the tenant-to-tenant FKs that exist', () => {
    const inCatalog = foreignKeys
      .filter((fk) => fk.tenantToTenant)
      .map((fk) => `${fk.table}.${fk.columns.filter((c) => c !== 'organisation_id').join(',')} -> ${fk.parent}`);
    const covered = cases.map(({ table, column, parent }) => `${table}.${column} -> ${parent}`);
    expect(covered.sort()).toEqual(inCatalog.sort());
  });
});

describe('every tenant-to-tenant FK', () => {
  it.each(cases)('$table.$column rejects a $parent row of another org', async ({ table, column, parent }) => {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      const [orgA, orgB] = [await createOrganisation(client, 'A'), await createOrganisation(client, 'B')];
      const idsA = await seedTenantRows(client, orgA, dependenciesOf(table));
      const idsB = await seedTenantRows(client, orgB, [parent]);
      const constraint = foreignKeys.find((fk) => fk.table === table && fk.columns.includes(column))?.name;

      await client.query('SAVEPOINT cross_tenant');
      await expect(insertTenantRow(client, table, orgA, idsA, { [column]: idsB[parent]! })).rejects.toMatchObject({
        code: '23503',
        constraint,
      });
      await client.query('ROLLBACK TO SAVEPOINT cross_tenant');

      await insertTenantRow(client, table, orgA, idsA);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});

describe('deleting an organisation', () => {
  it('cascades through every tenant table and leaves other organisations untouched', async () => {
    const tables = Object.keys(TENANT_TABLES);
    const [orgA, orgB] = [await createOrganisation(db.pool, 'A'), await createOrganisation(db.pool, 'B')];
    await seedTenantRows(db.pool, orgA, tables);
    await seedTenantRows(db.pool, orgB, tables);
    await db.pool.query(
      `INSERT INTO outreach_outbox (organisation_id, routing_key, payload) VALUES ($1, 'outreach.draft', '{}')`,
      [orgA],
    );

    await db.pool.query('DELETE FROM iam_organisations WHERE id = $1', [orgA]);

    for (const table of [...tables, 'outreach_outbox']) {
      const { rows } = await db.pool.query<{ org: string; n: number }>(
        `SELECT organisation_id AS org, count(*)::int AS n FROM ${table} WHERE organisation_id = ANY($1::uuid[]) GROUP BY 1`,
        [[orgA, orgB]],
      );
      expect(
        rows.find((r) => r.org === orgA),
        table,
      ).toBeUndefined();
      if (table !== 'outreach_outbox') expect(rows.find((r) => r.org === orgB)?.n, table).toBe(1);
    }
  });
});
