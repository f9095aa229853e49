import type { CompanyPosition, Prospect, ProspectDetail, ProspectSort } from '@prospectflow/contracts';
import { query, type Queryable } from '../query.js';
import { companyConditions, type CompanyFilters, type Keyed, type Keyset } from './companies.js';
import {
  NAME_COLLATION,
  SqlParams,
  asName,
  companyColumns,
  companySummaryColumns,
  conflictsAs,
  containsPattern,
  enrolledSql,
  epochMicros,
  fromEpochMicros,
  jsonOf,
  personColumns,
  personSummaryColumns,
  positionColumns,
  searchWords,
  suppressedSql,
} from './prospect-sql.js';

export interface ProspectFilters extends CompanyFilters {
  list?: string[];
  emailStatus?: string[];
  enrolled?: boolean;
  suppressed?: boolean;
  companyId?: string;
}

/**
 * Positions of $1 matching one search word in the email, the person's first or last name or the
 * company name. One branch per table, so each can use its trigram index (an OR across the joined
 * tables could use none); the planner still prefers the organisation's rows when they are few.
 */
const searchHits = (pattern: string) => `SELECT x.id FROM crm_positions x
    WHERE x.organisation_id = $1 AND x.email::text ILIKE ${pattern}
  UNION ALL
  SELECT x.id FROM crm_positions x JOIN crm_people xp ON xp.organisation_id = x.organisation_id AND xp.id = x.person_id
    WHERE x.organisation_id = $1 AND (xp.first_name ILIKE ${pattern} OR xp.last_name ILIKE ${pattern})
  UNION ALL
  SELECT x.id FROM crm_positions x JOIN crm_companies xc ON xc.organisation_id = x.organisation_id AND xc.id = x.company_id
    WHERE x.organisation_id = $1 AND xc.name ILIKE ${pattern}`;

/** WHERE conditions on crm_positions `pos` only, so the count needs no join; $1 is the organisation. */
function prospectConditions(params: SqlParams, organisationId: string, filters: ProspectFilters): string[] {
  const where = [`pos.organisation_id = ${params.add(organisationId)}`];
  for (const word of filters.q ? searchWords(filters.q) : []) {
    where.push(`pos.id IN (${searchHits(params.add(containsPattern(word)))})`);
  }
  if (filters.list) where.push(`pos.pharow_list_name = ANY (${params.add(filters.list)}::text[])`);
  if (filters.emailStatus) where.push(`pos.email_status = ANY (${params.add(filters.emailStatus)}::text[])`);
  if (filters.companyId) where.push(`pos.company_id = ${params.add(filters.companyId)}::uuid`);
  if (filters.enrolled !== undefined) where.push(`${filters.enrolled ? '' : 'NOT '}${enrolledSql('pos')}`);
  if (filters.suppressed !== undefined) where.push(`${filters.suppressed ? '' : 'NOT '}${suppressedSql('pos')}`);
  const company = companyConditions(params, {
    nafSector: filters.nafSector,
    employeeRange: filters.employeeRange,
    city: filters.city,
  });
  if (company.length > 0) {
    where.push(
      `pos.company_id IN (SELECT c.id FROM crm_companies c WHERE c.organisation_id = $1 AND ${company.join(' AND ')})`,
    );
  }
  return where;
}

/**
 * `SELECT pos.id, pos.email` of the positions matching `filters`, for set-based statements such as
 * enrollment; the organisation becomes `$1`, so call it before adding any other parameter.
 */
export function matchingPositionsSql(params: SqlParams, organisationId: string, filters: ProspectFilters): string {
  return `SELECT pos.id, pos.email FROM crm_positions pos
    WHERE ${prospectConditions(params, organisationId, filters).join(' AND ')}`;
}

/** Sort expression, the text of its value kept in the cursor, and that text turned back into a value. */
const PROSPECT_SORTS = {
  createdAt: { expr: 'pos.created_at', key: epochMicros('pos.created_at'), param: fromEpochMicros },
  lastName: {
    expr: `coalesce(p.last_name, '') COLLATE ${NAME_COLLATION}`,
    key: `coalesce(p.last_name, '')`,
    param: asName,
  },
  companyName: { expr: `c.name COLLATE ${NAME_COLLATION}`, key: 'c.name', param: asName },
  email: {
    expr: `coalesce(pos.email::text, '')`,
    key: `coalesce(pos.email::text, '')`,
    param: (v: string) => `${v}::text`,
  },
};

const PROSPECT_FROM = `crm_positions pos
  JOIN crm_people p ON p.organisation_id = pos.organisation_id AND p.id = pos.person_id
  JOIN crm_companies c ON c.organisation_id = pos.organisation_id AND c.id = pos.company_id`;

/** Prospects (position × person × company), filtered, ordered by `sort` then position id, after `after`. */
export async function listProspects(
  db: Queryable,
  organisationId: string,
  filters: ProspectFilters,
  page: { sort: ProspectSort; after?: Keyset; limit: number },
): Promise<Keyed<Prospect>[]> {
  const params = new SqlParams();
  const where = prospectConditions(params, organisationId, filters);
  const desc = page.sort.startsWith('-');
  const sort = PROSPECT_SORTS[page.sort.replace('-', '') as keyof typeof PROSPECT_SORTS];
  if (page.after) {
    const key = sort.param(params.add(page.after.key));
    // The plain bound repeats the row comparison's first column so that an index on it can seek.
    where.push(`${sort.expr} ${desc ? '<=' : '>='} ${key}`);
    where.push(`(${sort.expr}, pos.id) ${desc ? '<' : '>'} (${key}, ${params.add(page.after.id)}::uuid)`);
  }
  const direction = desc ? 'DESC' : 'ASC';
  const result = await query<Keyed<Prospect>>(
    db,
    'crm.list_prospects',
    `SELECT ${positionColumns('pos')}, ${jsonOf(personSummaryColumns('p'))} AS person,
       ${jsonOf(companySummaryColumns('c'))} AS company, ${sort.key} AS "sortKey"
     FROM ${PROSPECT_FROM}
     WHERE ${where.join(' AND ')}
     ORDER BY ${sort.expr} ${direction}, pos.id ${direction}
     LIMIT ${params.add(page.limit)}`,
    params.values,
  );
  return result.rows;
}

/** How many prospects match, counting at most `cap + 1` rows. */
export async function countProspects(
  db: Queryable,
  organisationId: string,
  filters: ProspectFilters,
  cap: number,
): Promise<number> {
  const params = new SqlParams();
  const where = prospectConditions(params, organisationId, filters);
  const result = await query<{ total: number }>(
    db,
    'crm.count_prospects',
    `SELECT count(*)::int AS total FROM (
       SELECT 1 FROM crm_positions pos WHERE ${where.join(' AND ')} LIMIT ${params.add(cap + 1)}
     ) t`,
    params.values,
  );
  return result.rows[0]!.total;
}

/** One prospect with its full person and company and the person's other positions, or null. */
export async function getProspect(db: Queryable, organisationId: string, id: string): Promise<ProspectDetail | null> {
  const result = await query<ProspectDetail>(
    db,
    'crm.get_prospect',
    `SELECT ${positionColumns('pos')}, ${jsonOf(personColumns('p'))} AS person, ${jsonOf(companyColumns('c'))} AS company,
       (SELECT coalesce(json_agg(o ORDER BY o."createdAt", o.id), '[]') FROM (
          SELECT ${positionColumns('op')}, json_build_object('id', oc.id, 'name', oc.name) AS company
          FROM crm_positions op
          JOIN crm_companies oc ON oc.organisation_id = op.organisation_id AND oc.id = op.company_id
          WHERE op.organisation_id = pos.organisation_id AND op.person_id = pos.person_id AND op.id <> pos.id
        ) o) AS "otherPositions"
     FROM ${PROSPECT_FROM}
     WHERE pos.organisation_id = $1 AND pos.id = $2`,
    [organisationId, id],
  );
  return result.rows[0] ?? null;
}

/** A company's positions with their person, by last name then first name, at most `limit`. */
export async function listCompanyPositions(
  db: Queryable,
  organisationId: string,
  companyId: string,
  limit: number,
): Promise<CompanyPosition[]> {
  const result = await query<CompanyPosition>(
    db,
    'crm.list_company_positions',
    `SELECT ${positionColumns('pos')}, ${jsonOf(personSummaryColumns('p'))} AS person
     FROM crm_positions pos JOIN crm_people p ON p.organisation_id = pos.organisation_id AND p.id = pos.person_id
     WHERE pos.organisation_id = $1 AND pos.company_id = $2
     ORDER BY p.last_name COLLATE ${NAME_COLLATION}, p.first_name COLLATE ${NAME_COLLATION}, pos.id
     LIMIT $3`,
    [organisationId, companyId, limit],
  );
  return result.rows;
}

export interface PositionChanges {
  email?: string | null;
  jobTitle?: string | null;
  emailStatus?: string | null;
  listName?: string | null;
}

const POSITION_FIELDS: Record<keyof PositionChanges, string> = {
  email: 'email',
  jobTitle: 'job_title',
  emailStatus: 'email_status',
  listName: 'pharow_list_name',
};

/**
 * Applies curated edits to a position (locking it) and returns its person id, or null when the
 * organisation has no such position; 409 `duplicate_position` when the email is taken.
 */
export async function updatePosition(
  db: Queryable,
  organisationId: string,
  id: string,
  changes: PositionChanges,
): Promise<{ personId: string } | null> {
  const params = new SqlParams();
  const set = Object.entries(changes)
    .filter(([, value]) => value !== undefined)
    .map(([field, value]) => `${POSITION_FIELDS[field as keyof PositionChanges]} = ${params.add(value)}`);
  const result = await conflictsAs(
    query<{ personId: string }>(
      db,
      'crm.update_position',
      `UPDATE crm_positions SET ${[...set, 'updated_at = now()'].join(', ')}
       WHERE organisation_id = ${params.add(organisationId)} AND id = ${params.add(id)}
       RETURNING person_id AS "personId"`,
      params.values,
    ),
    {
      crm_positions_org_company_person_email_key: [
        'duplicate_position',
        'This person already has a position with this email at this company',
      ],
    },
  );
  return result.rows[0] ?? null;
}
