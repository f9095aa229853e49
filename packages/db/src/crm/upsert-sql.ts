/** A column written by ingest: its SQL name and type in the jsonb input record. */
export interface IngestColumn {
  name: string;
  type: 'text' | 'citext' | 'integer' | 'bigint' | 'boolean' | 'date';
}

/** `name type, …` for `jsonb_to_recordset(...) AS x(…)`. */
export function recordsetColumns(columns: readonly IngestColumn[], extra: string[] = []): string {
  return [...extra, ...columns.map((c) => `${c.name} ${c.type}`)].join(', ');
}

/** `col = coalesce(src.col, t.col), …`: newer non-null values win, nulls never erase. */
export function coalesceAssignments(columns: readonly IngestColumn[], target: string, source: string): string {
  return columns.map((c) => `${c.name} = coalesce(${source}.${c.name}, ${target}.${c.name})`).join(',\n    ');
}

/** True when applying `source` onto `target` would change at least one column. */
export function changedPredicate(columns: readonly IngestColumn[], target: string, source: string): string {
  return columns
    .map((c) => `(${source}.${c.name} IS NOT NULL AND ${source}.${c.name} IS DISTINCT FROM ${target}.${c.name})`)
    .join('\n    OR ');
}

export const COMPANY_COLUMNS: readonly IngestColumn[] = [
  { name: 'pharow_company_id', type: 'text' },
  { name: 'siren', type: 'text' },
  { name: 'hq_siret', type: 'text' },
  { name: 'name', type: 'text' },
  { name: 'brand_name', type: 'text' },
  { name: 'linkedin_name', type: 'text' },
  { name: 'main_phone', type: 'text' },
  { name: 'main_phone_origin', type: 'text' },
  { name: 'generic_email', type: 'citext' },
  { name: 'naf_sector', type: 'text' },
  { name: 'activity', type: 'text' },
  { name: 'founding_year', type: 'integer' },
  { name: 'founding_date', type: 'date' },
  { name: 'growing', type: 'boolean' },
  { name: 'nb_employees', type: 'integer' },
  { name: 'employee_range', type: 'text' },
  { name: 'url', type: 'text' },
  { name: 'linkedin_url', type: 'text' },
  { name: 'hq_full_address', type: 'text' },
  { name: 'hq_city', type: 'text' },
  { name: 'hq_postal_code', type: 'text' },
  { name: 'annual_revenue_euros', type: 'bigint' },
  { name: 'annual_revenue_year', type: 'integer' },
];

export const PERSON_COLUMNS: readonly IngestColumn[] = [
  { name: 'first_name', type: 'text' },
  { name: 'last_name', type: 'text' },
  { name: 'salutation', type: 'text' },
  { name: 'linkedin_url', type: 'text' },
  { name: 'mobile_phone', type: 'text' },
  { name: 'phone_kaspr_1', type: 'text' },
  { name: 'phone_kaspr_3', type: 'text' },
  { name: 'mobile_phone_bettercontact', type: 'text' },
  { name: 'phone_fullenrich_1', type: 'text' },
  { name: 'phone_fullenrich_3', type: 'text' },
];

/** Position columns besides the identity (company, person, email). */
export const POSITION_COLUMNS: readonly IngestColumn[] = [
  { name: 'job_title', type: 'text' },
  { name: 'email_status', type: 'text' },
  { name: 'email_reliability', type: 'text' },
  { name: 'pharow_list_name', type: 'text' },
];
