import type { Pool } from '@prospectflow/db';

/**
 * The floor to compare against: the same rows written by one plain SQL statement (no
 * validation, no matching, no change detection, no HTTP), into the three tables at once.
 */
export async function baselineInsert(
  pool: Pool,
  organisationId: string,
  items: Record<string, unknown>[],
): Promise<number> {
  const started = performance.now();
  await pool.query(
    `WITH input AS (
       SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(
         "pharowCompanyId" text, "companyName" text, "companySiren" text, "companyNafSector" text,
         "companyEmployeeRangeCorrected" text, "companyUrl" text, "companyHqFullAddress" text,
         "personFirstName" text, "personLastName" text, "personLinkedinUrl" text, "personSalutation" text,
         "positionEmail" text, "positionJobTitle" text, "positionEmailStatus" text, "pharowListName" text)
     ), companies AS (
       INSERT INTO crm_companies (organisation_id, pharow_company_id, name, naf_sector, employee_range, url, hq_full_address)
       SELECT DISTINCT ON ("pharowCompanyId") $1::uuid, "pharowCompanyId", "companyName", "companyNafSector",
              "companyEmployeeRangeCorrected", "companyUrl", "companyHqFullAddress" FROM input
       RETURNING id, pharow_company_id
     ), people AS (
       INSERT INTO crm_people (organisation_id, first_name, last_name, linkedin_url, salutation)
       SELECT $1::uuid, "personFirstName", "personLastName", nullif("personLinkedinUrl", '') || '#' || "positionEmail", "personSalutation"
       FROM input RETURNING id, linkedin_url
     )
     INSERT INTO crm_positions (organisation_id, company_id, person_id, email, job_title, email_status, pharow_list_name)
     SELECT $1::uuid, c.id, p.id, i."positionEmail", i."positionJobTitle", i."positionEmailStatus", i."pharowListName"
     FROM input i
     JOIN companies c ON c.pharow_company_id = i."pharowCompanyId"
     JOIN people p ON p.linkedin_url = nullif(i."personLinkedinUrl", '') || '#' || i."positionEmail"`,
    [organisationId, JSON.stringify(items)],
  );
  return performance.now() - started;
}
