import type { Company, CompanyListItem, CompanySort } from '@prospectflow/contracts';
import { query, type Queryable } from '../query.js';
import {
  NAME_COLLATION,
  SqlParams,
  asName,
  companyColumns,
  companySummaryColumns,
  containsPattern,
  iso,
  epochMicros,
  fromEpochMicros,
  searchWords,
} from './prospect-sql.js';

export interface CompanyFilters {
  q?: string;
  nafSector?: string[];
  employeeRange?: string[];
  city?: string[];
}

/** Where a page starts: after the row with this sort key and id. */
export interface Keyset {
  key: string;
  id: string;
}

/** A list row with the text of its sort key, for the next page's cursor. */
export type Keyed<T> = T & { sortKey: string };

/** Conditions on crm_companies `c` of `organisationId` ($1): name words (trigram index), sector, size, city. */
export function companyConditions(params: SqlParams, filters: CompanyFilters, c = 'c'): string[] {
  const where: string[] = [];
  for (const word of filters.q ? searchWords(filters.q) : []) {
    where.push(`${c}.name ILIKE ${params.add(containsPattern(word))}`);
  }
  if (filters.nafSector) where.push(`${c}.naf_sector = ANY (${params.add(filters.nafSector)}::text[])`);
  if (filters.employeeRange) where.push(`${c}.employee_range = ANY (${params.add(filters.employeeRange)}::text[])`);
  if (filters.city) {
    where.push(`lower(${c}.hq_city) = ANY (ARRAY(SELECT lower(v) FROM unnest(${params.add(filters.city)}::text[]) v))`);
  }
  return where;
}

const COMPANY_SORTS = {
  name: { expr: `c.name COLLATE ${NAME_COLLATION}`, key: 'c.name', param: asName },
  createdAt: { expr: 'c.created_at', key: epochMicros('c.created_at'), param: fromEpochMicros },
};

/** Companies of an organisation, filtered, ordered by `sort` then id, the `limit` rows after `after`. */
export async function listCompanies(
  db: Queryable,
  organisationId: string,
  filters: CompanyFilters,
  page: { sort: CompanySort; after?: Keyset; limit: number },
): Promise<Keyed<CompanyListItem>[]> {
  const params = new SqlParams();
  const where = [`c.organisation_id = ${params.add(organisationId)}`, ...companyConditions(params, filters)];
  const desc = page.sort.startsWith('-');
  const sort = COMPANY_SORTS[page.sort.replace('-', '') as keyof typeof COMPANY_SORTS];
  if (page.after) {
    const key = sort.param(params.add(page.after.key));
    where.push(`(${sort.expr}, c.id) ${desc ? '<' : '>'} (${key}, ${params.add(page.after.id)}::uuid)`);
  }
  const direction = desc ? 'DESC' : 'ASC';
  const result = await query<Keyed<CompanyListItem>>(
    db,
    'crm.list_companies',
    `SELECT ${companySummaryColumns('c')}, ${iso('c.created_at')} AS "createdAt",
       (SELECT count(*)::int FROM crm_positions x
        WHERE x.organisation_id = c.organisation_id AND x.company_id = c.id) AS "positionCount",
       ${sort.key} AS "sortKey"
     FROM crm_companies c
     WHERE ${where.join(' AND ')}
     ORDER BY ${sort.expr} ${direction}, c.id ${direction}
     LIMIT ${params.add(page.limit)}`,
    params.values,
  );
  return result.rows;
}

/** How many companies match, counting at most `cap + 1` rows. */
export async function countCompanies(
  db: Queryable,
  organisationId: string,
  filters: CompanyFilters,
  cap: number,
): Promise<number> {
  const params = new SqlParams();
  const where = [`c.organisation_id = ${params.add(organisationId)}`, ...companyConditions(params, filters)];
  const result = await query<{ total: number }>(
    db,
    'crm.count_companies',
    `SELECT count(*)::int AS total FROM (
       SELECT 1 FROM crm_companies c WHERE ${where.join(' AND ')} LIMIT ${params.add(cap + 1)}
     ) t`,
    params.values,
  );
  return result.rows[0]!.total;
}

/** One company of the organisation with its position count, or null (also for other organisations' ids). */
export async function getCompany(
  db: Queryable,
  organisationId: string,
  id: string,
): Promise<(Company & { positionCount: number }) | null> {
  const result = await query<Company & { positionCount: number }>(
    db,
    'crm.get_company',
    `SELECT ${companyColumns('c')},
       (SELECT count(*)::int FROM crm_positions x
        WHERE x.organisation_id = c.organisation_id AND x.company_id = c.id) AS "positionCount"
     FROM crm_companies c WHERE c.organisation_id = $1 AND c.id = $2`,
    [organisationId, id],
  );
  return result.rows[0] ?? null;
}
