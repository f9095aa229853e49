import { query, type Queryable } from '../query.js';
import { DEMO_ADMIN, DEMO_ORGANISATION, DEMO_PROSPECTS } from './demo-data.js';

export interface SeedResult {
  organisationId: string;
  adminUserId: string;
  positions: number;
}

/** Seeds the demo tenant; running it again changes nothing (every insert is an upsert on a natural key). */
export async function seedDemoData(db: Queryable): Promise<SeedResult> {
  const org = await query<{ id: string }>(
    db,
    'seed.organisation',
    `INSERT INTO iam_organisations (name, slug) VALUES ($1, $2)
     ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
    [DEMO_ORGANISATION.name, DEMO_ORGANISATION.slug],
  );
  const organisationId = org.rows[0]!.id;
  const user = await query<{ id: string }>(
    db,
    'seed.admin',
    `WITH u AS (
       INSERT INTO iam_users (email, display_name) VALUES ($2, $3)
       ON CONFLICT (email) DO UPDATE SET display_name = EXCLUDED.display_name RETURNING id
     )
     INSERT INTO iam_organisation_users (organisation_id, user_id, role)
     SELECT $1::uuid, u.id, 'admin' FROM u
     ON CONFLICT (organisation_id, user_id) DO UPDATE SET role = 'admin'
     RETURNING user_id AS id`,
    [organisationId, DEMO_ADMIN.email, DEMO_ADMIN.displayName],
  );
  const positions = await query(
    db,
    'seed.prospects',
    `WITH input AS (
       SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(
         pharow_company_id text, company_name text, siren text, naf_sector text, city text,
         first_name text, last_name text, linkedin_url text, email text, job_title text, list text)
     ), companies AS (
       INSERT INTO crm_companies (organisation_id, pharow_company_id, name, siren, naf_sector, hq_city)
       SELECT DISTINCT ON (pharow_company_id) $1::uuid, pharow_company_id, company_name, siren, naf_sector, city FROM input
       ON CONFLICT (organisation_id, pharow_company_id) DO UPDATE SET name = EXCLUDED.name
       RETURNING id, pharow_company_id
     ), people AS (
       INSERT INTO crm_people (organisation_id, first_name, last_name, linkedin_url)
       SELECT $1::uuid, first_name, last_name, linkedin_url FROM input
       ON CONFLICT (organisation_id, linkedin_url) WHERE linkedin_url IS NOT NULL
         DO UPDATE SET first_name = EXCLUDED.first_name
       RETURNING id, linkedin_url
     )
     INSERT INTO crm_positions (organisation_id, company_id, person_id, email, job_title, pharow_list_name, email_status)
     SELECT $1::uuid, c.id, p.id, i.email, i.job_title, i.list, 'valid'
     FROM input i
     JOIN companies c USING (pharow_company_id)
     JOIN people p USING (linkedin_url)
     ON CONFLICT ON CONSTRAINT crm_positions_org_company_person_email_key
       DO UPDATE SET job_title = EXCLUDED.job_title`,
    [organisationId, JSON.stringify(DEMO_PROSPECTS.map(flatten))],
  );
  return { organisationId, adminUserId: user.rows[0]!.id, positions: positions.rowCount ?? 0 };
}

function flatten(p: (typeof DEMO_PROSPECTS)[number]) {
  return {
    pharow_company_id: p.company.pharowCompanyId,
    company_name: p.company.name,
    siren: p.company.siren,
    naf_sector: p.company.nafSector,
    city: p.company.city,
    first_name: p.person.firstName,
    last_name: p.person.lastName,
    linkedin_url: p.person.linkedinUrl,
    email: p.position.email,
    job_title: p.position.jobTitle,
    list: p.position.list,
  };
}
