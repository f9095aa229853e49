import { ConflictError } from '@prospectflow/contracts';

/** Positional parameters of a statement whose WHERE clause depends on the filters given. */
export class SqlParams {
  readonly values: unknown[] = [];

  /** Adds a value and returns its placeholder; values never enter the SQL text. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** Millisecond ISO-8601 UTC text, as every API timestamp. */
export const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * A timestamp as integer microseconds since the epoch, and back: a keyset cursor must keep full
 * precision (rows a few µs apart would be skipped) and a digits-only key cannot make a cast fail.
 */
export const epochMicros = (column: string) => `(extract(epoch FROM ${column}) * 1000000)::bigint::text`;
export const fromEpochMicros = (param: string) =>
  `('epoch'::timestamptz + ${param}::bigint * interval '1 microsecond')`;

/** Collation for names shown in order: case- and accent-aware ("Évrard" next to "Eve", not after "Zola"). */
export const NAME_COLLATION = '"und-x-icu"';

/** A text parameter compared in NAME_COLLATION. */
export const asName = (param: string) => `${param}::text COLLATE ${NAME_COLLATION}`;

/** Search words (at most 8): every word must match, so "jean dupont" finds Jean Dupont. */
export function searchWords(q: string): string[] {
  return [...new Set(q.split(/\s+/).filter(Boolean))].slice(0, 8);
}

/** ILIKE pattern matching `word` anywhere, LIKE wildcards in it taken literally. */
export function containsPattern(word: string): string {
  return `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Runs a write and turns a unique violation into a 409 named after the constraint that refused it. */
export async function conflictsAs<T>(write: Promise<T>, codes: Record<string, [code: string, message: string]>) {
  try {
    return await write;
  } catch (error) {
    const { code, constraint } = error as { code?: string; constraint?: string };
    const known = constraint === undefined ? undefined : codes[constraint];
    if (code === '23505')
      throw new ConflictError(known?.[1] ?? 'This change conflicts with another record', known?.[0]);
    throw error;
  }
}

/** Company fields of list items (a to_json row: aliases become keys). */
export const companySummaryColumns = (c: string) => `${c}.id, ${c}.name, ${c}.brand_name AS "brandName", ${c}.siren,
  ${c}.naf_sector AS "nafSector", ${c}.employee_range AS "employeeRange", ${c}.hq_city AS city, ${c}.url`;

export const companyColumns = (c: string) => `${companySummaryColumns(c)},
  ${c}.pharow_company_id AS "pharowCompanyId", ${c}.hq_siret AS "hqSiret", ${c}.linkedin_name AS "linkedinName",
  ${c}.linkedin_url AS "linkedinUrl", ${c}.main_phone AS "mainPhone", ${c}.main_phone_origin AS "mainPhoneOrigin",
  ${c}.generic_email::text AS "genericEmail", ${c}.activity, ${c}.founding_year AS "foundingYear",
  to_char(${c}.founding_date, 'YYYY-MM-DD') AS "foundingDate", ${c}.growing, ${c}.nb_employees AS "nbEmployees",
  ${c}.hq_full_address AS "hqFullAddress", ${c}.hq_postal_code AS "hqPostalCode",
  ${c}.annual_revenue_euros::float8 AS "annualRevenueEuros", ${c}.annual_revenue_year AS "annualRevenueYear",
  ${iso(`${c}.created_at`)} AS "createdAt", ${iso(`${c}.updated_at`)} AS "updatedAt"`;

export const personSummaryColumns = (p: string) => `${p}.id, ${p}.first_name AS "firstName",
  ${p}.last_name AS "lastName", ${p}.salutation, ${p}.linkedin_url AS "linkedinUrl", ${p}.mobile_phone AS "mobilePhone",
  ${p}.phone_kaspr_1 AS "phoneKaspr1", ${p}.phone_kaspr_3 AS "phoneKaspr3",
  ${p}.mobile_phone_bettercontact AS "mobilePhoneBettercontact", ${p}.phone_fullenrich_1 AS "phoneFullenrich1",
  ${p}.phone_fullenrich_3 AS "phoneFullenrich3"`;

export const personColumns = (p: string) => `${personSummaryColumns(p)},
  ${iso(`${p}.created_at`)} AS "createdAt", ${iso(`${p}.updated_at`)} AS "updatedAt"`;

/** The position has an enrollment in any campaign. */
export const enrolledSql = (pos: string) => `EXISTS (SELECT 1 FROM outreach_campaign_enrollments e
  WHERE e.organisation_id = ${pos}.organisation_id AND e.position_id = ${pos}.id)`;

/** The position's email is on the organisation's suppression list. */
export const suppressedSql = (pos: string) => `EXISTS (SELECT 1 FROM outreach_suppressions s
  WHERE s.organisation_id = ${pos}.organisation_id AND s.email = ${pos}.email)`;

/**
 * Position fields of a result row. `enrolled` and `suppressed` are scalar sub-selects rather than
 * EXISTS: the planner may answer an EXISTS in a select list by hashing the whole enrollment or
 * suppression table of every organisation, where a page needs one index probe per row.
 */
export const positionColumns = (pos: string) => `${pos}.id, ${pos}.email::text AS email,
  ${pos}.job_title AS "jobTitle", ${pos}.email_status AS "emailStatus", ${pos}.email_reliability AS "emailReliability",
  ${pos}.pharow_list_name AS "listName", ${iso(`${pos}.created_at`)} AS "createdAt",
  ${iso(`${pos}.updated_at`)} AS "updatedAt",
  coalesce((SELECT true FROM outreach_campaign_enrollments e
    WHERE e.organisation_id = ${pos}.organisation_id AND e.position_id = ${pos}.id LIMIT 1), false) AS enrolled,
  coalesce((SELECT true FROM outreach_suppressions s
    WHERE s.organisation_id = ${pos}.organisation_id AND s.email = ${pos}.email), false) AS suppressed`;

/** `columns` of the row in scope as one JSON object (a correlated sub-select: aliases become keys). */
export const jsonOf = (columns: string) => `(SELECT to_json(j) FROM (SELECT ${columns}) j)`;
