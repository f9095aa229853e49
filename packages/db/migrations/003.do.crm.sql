-- CRM: companies, people and positions (person × company × email) pushed by Pharow, CSV or API.
-- Tenant rule: every row carries organisation_id, every FK target has UNIQUE (organisation_id, id)
-- and every FK between tenant tables is composite, so org A can never point at a row of org B.
-- Unique keys reject '' so that ingest normalises blank optional strings to NULL.

CREATE TABLE crm_companies (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id      uuid NOT NULL REFERENCES iam_organisations (id) ON DELETE CASCADE,
  pharow_company_id    text CHECK (pharow_company_id <> ''),
  siren                text CHECK (siren <> ''),
  hq_siret             text,
  name                 text NOT NULL,
  brand_name           text,
  linkedin_name        text,
  main_phone           text,
  main_phone_origin    text,
  generic_email        citext,
  naf_sector           text,
  activity             text,
  founding_year        integer,
  founding_date        date,
  growing              boolean,
  nb_employees         integer,
  employee_range       text,
  url                  text,
  linkedin_url         text,
  hq_full_address      text,
  hq_city              text,
  hq_postal_code       text,
  annual_revenue_euros bigint,
  annual_revenue_year  integer,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id),
  UNIQUE (organisation_id, pharow_company_id)
);
CREATE UNIQUE INDEX crm_companies_org_siren_key ON crm_companies (organisation_id, siren) WHERE siren IS NOT NULL;
CREATE INDEX crm_companies_org_created_idx ON crm_companies (organisation_id, created_at DESC);
CREATE INDEX crm_companies_name_trgm_idx ON crm_companies USING gin (name gin_trgm_ops);

CREATE TABLE crm_people (
  id                         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id            uuid NOT NULL REFERENCES iam_organisations (id) ON DELETE CASCADE,
  first_name                 text,
  last_name                  text,
  salutation                 text,
  linkedin_url               text CHECK (linkedin_url <> ''),
  mobile_phone               text,
  phone_kaspr_1              text,
  phone_kaspr_3              text,
  mobile_phone_bettercontact text,
  phone_fullenrich_1         text,
  phone_fullenrich_3         text,
  created_at                 timestamptz NOT NULL DEFAULT now(),
  updated_at                 timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id)
);
CREATE UNIQUE INDEX crm_people_org_linkedin_key ON crm_people (organisation_id, linkedin_url) WHERE linkedin_url IS NOT NULL;
CREATE INDEX crm_people_org_created_idx ON crm_people (organisation_id, created_at DESC);
CREATE INDEX crm_people_first_name_trgm_idx ON crm_people USING gin (first_name gin_trgm_ops);
CREATE INDEX crm_people_last_name_trgm_idx ON crm_people USING gin (last_name gin_trgm_ops);

-- email is NULL when unknown; NULLS NOT DISTINCT keeps "no email" positions unique too.
CREATE TABLE crm_positions (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id   uuid NOT NULL REFERENCES iam_organisations (id) ON DELETE CASCADE,
  company_id        uuid NOT NULL,
  person_id         uuid NOT NULL,
  email             citext CHECK (email <> ''),
  job_title         text,
  email_status      text,
  email_reliability text,
  pharow_list_name  text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id),
  CONSTRAINT crm_positions_org_company_person_email_key
    UNIQUE NULLS NOT DISTINCT (organisation_id, company_id, person_id, email),
  FOREIGN KEY (organisation_id, company_id) REFERENCES crm_companies (organisation_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organisation_id, person_id) REFERENCES crm_people (organisation_id, id) ON DELETE CASCADE
);
CREATE INDEX crm_positions_org_person_idx ON crm_positions (organisation_id, person_id);
CREATE INDEX crm_positions_org_email_idx ON crm_positions (organisation_id, email);
CREATE INDEX crm_positions_org_created_idx ON crm_positions (organisation_id, created_at DESC);
-- citext's own ILIKE cannot use a trigram index: search with `email::text ILIKE $1`.
CREATE INDEX crm_positions_email_trgm_idx ON crm_positions USING gin ((email::text) gin_trgm_ops);

CREATE TABLE crm_ingest_runs (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES iam_organisations (id) ON DELETE CASCADE,
  source          text NOT NULL CHECK (source IN ('pharow', 'csv', 'api')),
  started_by      uuid REFERENCES iam_users (id) ON DELETE SET NULL,
  api_key_id      uuid,
  status          text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
  counts          jsonb NOT NULL DEFAULT '{}',
  rejected        jsonb NOT NULL DEFAULT '[]',
  total_items     integer NOT NULL DEFAULT 0 CHECK (total_items >= 0),
  created_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz,
  UNIQUE (organisation_id, id),
  FOREIGN KEY (organisation_id, api_key_id) REFERENCES iam_api_keys (organisation_id, id)
    ON DELETE SET NULL (api_key_id)
);
CREATE INDEX crm_ingest_runs_org_created_idx ON crm_ingest_runs (organisation_id, created_at DESC);
CREATE INDEX crm_ingest_runs_org_api_key_idx ON crm_ingest_runs (organisation_id, api_key_id) WHERE api_key_id IS NOT NULL;

CREATE TRIGGER crm_companies_set_updated_at BEFORE UPDATE ON crm_companies
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER crm_people_set_updated_at BEFORE UPDATE ON crm_people
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER crm_positions_set_updated_at BEFORE UPDATE ON crm_positions
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
