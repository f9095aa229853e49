import { query, type Queryable } from '../query.js';

// The columns the ingest statements and the foreign-key checks filter on. Analysing only these
// costs a few milliseconds instead of ~250 ms for crm_positions (citext and trigram statistics);
// autovacuum keeps the full statistics that searches need.
const KEY_COLUMNS: Record<string, string> = {
  crm_companies: 'organisation_id',
  crm_people: 'organisation_id',
  crm_positions: 'organisation_id, company_id, person_id',
};

/**
 * ANALYZEs the key columns of the ingest tables that were never analysed or have more than
 * doubled in size since their last ANALYZE; returns the tables analysed. Bulk loads can outrun
 * autovacuum (or run where it is off), and without statistics a generic plan cached while a table
 * was small stays in use after it has grown: the foreign-key checks of a pooled connection then
 * walk every company of the organisation through `(organisation_id, created_at)` instead of
 * `(organisation_id, id)` (see doc/PERFORMANCE.md). An ANALYZE invalidates those plans in every
 * session; the doubling rule keeps this to a handful of runs over a table's life.
 */
export async function analyseGrownIngestTables(db: Queryable): Promise<string[]> {
  const stale = await query<{ relname: string }>(
    db,
    'crm.ingest_tables_stale',
    `SELECT relname::text FROM pg_class
     WHERE oid = ANY ($1::regclass[])
       AND pg_relation_size(oid) > 0
       AND (reltuples < 0 OR pg_relation_size(oid) / current_setting('block_size')::int > 2 * relpages + 8)
     ORDER BY relname`,
    [Object.keys(KEY_COLUMNS)],
  );
  const tables = stale.rows.map((r) => r.relname).filter((t) => t in KEY_COLUMNS);
  if (tables.length > 0) {
    await query(db, 'crm.analyse_ingest_tables', `ANALYZE ${tables.map((t) => `${t} (${KEY_COLUMNS[t]})`).join(', ')}`);
  }
  return tables;
}
