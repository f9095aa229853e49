import { query, type Queryable } from '../query.js';
import {
  COMPANY_COLUMNS,
  PERSON_COLUMNS,
  POSITION_COLUMNS,
  changedPredicate,
  coalesceAssignments,
  recordsetColumns,
} from './upsert-sql.js';

export type UpsertAction = 'inserted' | 'updated' | 'unchanged';
export type Row = Record<string, unknown>;

export interface UpsertedRow {
  key: string;
  id: string;
  action: UpsertAction;
}

const names = (columns: readonly { name: string }[], prefix = '') =>
  columns.map((c) => `${prefix}${c.name}`).join(', ');

// New rows get ids chosen by the caller (new_id), so each input key maps to its row without
// relying on RETURNING order. The data-modifying CTEs always run, even when not referenced.
const RESULT_SELECT = `SELECT m.key, coalesce(m.existing_id, m.new_id) AS id,
       CASE WHEN m.existing_id IS NULL THEN 'inserted'
            WHEN m.existing_id IN (SELECT id FROM updated) THEN 'updated'
            ELSE 'unchanged' END AS action
FROM matched m`;

// Identity: Pharow's company id, else the SIREN. Rows arrive sorted by key (deadlock-free order).
const COMPANIES_SQL = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(${recordsetColumns(COMPANY_COLUMNS, ['key text', 'new_id uuid'])})
), matched AS (
  SELECT i.*, coalesce(
    (SELECT c.id FROM crm_companies c WHERE c.organisation_id = $1 AND c.pharow_company_id = i.pharow_company_id),
    (SELECT c.id FROM crm_companies c WHERE c.organisation_id = $1 AND i.siren IS NOT NULL AND c.siren = i.siren)
  ) AS existing_id
  FROM input i
), updated AS (
  UPDATE crm_companies t SET
    ${coalesceAssignments(
      COMPANY_COLUMNS.filter((c) => c.name !== 'pharow_company_id'),
      't',
      'm',
    )},
    pharow_company_id = coalesce(t.pharow_company_id, m.pharow_company_id)
  FROM matched m
  WHERE t.organisation_id = $1 AND t.id = m.existing_id AND (${changedPredicate(COMPANY_COLUMNS, 't', 'm')})
  RETURNING t.id
), inserted AS (
  INSERT INTO crm_companies (id, organisation_id, ${names(COMPANY_COLUMNS)})
  SELECT new_id, $1, ${names(COMPANY_COLUMNS)} FROM matched WHERE existing_id IS NULL ORDER BY key
  RETURNING id
)
${RESULT_SELECT}`;

// Identity: LinkedIn URL, else first + last name (case-insensitive) among the people of the
// same company, as long as LinkedIn URLs do not contradict each other.
const PEOPLE_SQL = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(${recordsetColumns(PERSON_COLUMNS, ['key text', 'new_id uuid', 'company_id uuid'])})
), matched AS (
  SELECT i.*, coalesce(
    (SELECT p.id FROM crm_people p
      WHERE p.organisation_id = $1 AND i.linkedin_url IS NOT NULL AND p.linkedin_url = i.linkedin_url),
    (SELECT p.id FROM crm_people p
      JOIN crm_positions pos ON pos.organisation_id = p.organisation_id AND pos.person_id = p.id
      WHERE p.organisation_id = $1 AND pos.company_id = i.company_id
        AND lower(p.first_name) = lower(i.first_name) AND lower(p.last_name) = lower(i.last_name)
        AND (p.linkedin_url IS NULL OR i.linkedin_url IS NULL)
      ORDER BY p.created_at, p.id LIMIT 1)
  ) AS existing_id
  FROM input i
), updated AS (
  UPDATE crm_people t SET ${coalesceAssignments(PERSON_COLUMNS, 't', 'm')}
  FROM matched m
  WHERE t.organisation_id = $1 AND t.id = m.existing_id AND (${changedPredicate(PERSON_COLUMNS, 't', 'm')})
  RETURNING t.id
), inserted AS (
  INSERT INTO crm_people (id, organisation_id, ${names(PERSON_COLUMNS)})
  SELECT new_id, $1, ${names(PERSON_COLUMNS)} FROM matched WHERE existing_id IS NULL ORDER BY key
  RETURNING id
)
${RESULT_SELECT}`;

const POSITIONS_SQL = `
INSERT INTO crm_positions (organisation_id, company_id, person_id, email, ${names(POSITION_COLUMNS)})
SELECT $1, company_id, person_id, email, ${names(POSITION_COLUMNS)}
FROM jsonb_to_recordset($2::jsonb) AS x(${recordsetColumns(POSITION_COLUMNS, ['company_id uuid', 'person_id uuid', 'email citext'])})
ORDER BY company_id, person_id, email
ON CONFLICT ON CONSTRAINT crm_positions_org_company_person_email_key DO UPDATE SET
  ${coalesceAssignments(POSITION_COLUMNS, 'crm_positions', 'EXCLUDED')}
WHERE ${changedPredicate(POSITION_COLUMNS, 'crm_positions', 'EXCLUDED')}
RETURNING (xmax = 0) AS inserted`;

/** Upserts companies (one statement); rows need `key`, `new_id` plus COMPANY_COLUMNS fields. */
export async function upsertCompanies(db: Queryable, organisationId: string, rows: Row[]): Promise<UpsertedRow[]> {
  if (rows.length === 0) return [];
  return (await query<UpsertedRow>(db, 'crm.upsert_companies', COMPANIES_SQL, [organisationId, JSON.stringify(rows)]))
    .rows;
}

/** Upserts people (one statement); rows need `key`, `new_id`, `company_id` plus PERSON_COLUMNS fields. */
export async function upsertPeople(db: Queryable, organisationId: string, rows: Row[]): Promise<UpsertedRow[]> {
  if (rows.length === 0) return [];
  return (await query<UpsertedRow>(db, 'crm.upsert_people', PEOPLE_SQL, [organisationId, JSON.stringify(rows)])).rows;
}

/** Upserts positions (one statement); returns how many were inserted and updated. */
export async function upsertPositions(
  db: Queryable,
  organisationId: string,
  rows: Row[],
): Promise<{ inserted: number; updated: number }> {
  if (rows.length === 0) return { inserted: 0, updated: 0 };
  const result = await query<{ inserted: boolean }>(db, 'crm.upsert_positions', POSITIONS_SQL, [
    organisationId,
    JSON.stringify(rows),
  ]);
  const inserted = result.rows.filter((r) => r.inserted).length;
  return { inserted, updated: result.rows.length - inserted };
}

/** Serialises ingests of one organisation for the rest of the transaction (see doc/INGEST.md). */
export async function lockOrganisationIngest(db: Queryable, organisationId: string): Promise<void> {
  await query(db, 'crm.lock_ingest', `SELECT pg_advisory_xact_lock(hashtextextended('crm-ingest:' || $1, 0))`, [
    organisationId,
  ]);
}
