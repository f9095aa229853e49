-- Prospect and company lists sorted by name: walk an index in the displayed order instead of
-- sorting every row of the organisation for each page. The collation is the one the API sorts
-- names with (ICU root: "Évrard" next to "Eve", "de la Tour" next to "Delacroix"), and the
-- expressions match the ORDER BY of packages/db/src/crm/{prospects,companies}.ts exactly.
-- Email sort and created_at sort need nothing new (crm_positions_org_created_idx serves the latter).

CREATE INDEX crm_people_org_last_name_idx ON crm_people (organisation_id, (coalesce(last_name, '')) COLLATE "und-x-icu");
CREATE INDEX crm_companies_org_name_idx ON crm_companies (organisation_id, name COLLATE "und-x-icu");
