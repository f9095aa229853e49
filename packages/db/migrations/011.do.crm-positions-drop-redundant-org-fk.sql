-- crm_positions.organisation_id no longer references iam_organisations directly. The composite
-- keys (organisation_id, company_id) → crm_companies and (organisation_id, person_id) → crm_people
-- already prove that the organisation exists (both parents reference iam_organisations), and
-- deleting an organisation still removes its positions through the cascade from companies and
-- people. The direct key only cost a third foreign-key check per inserted position: ~10 % of the
-- trigger time of a 10,000-item Pharow ingest (doc/PERFORMANCE.md). Tenant isolation is unchanged:
-- every tenant-to-tenant key stays composite with organisation_id.
ALTER TABLE crm_positions DROP CONSTRAINT crm_positions_organisation_id_fkey;
