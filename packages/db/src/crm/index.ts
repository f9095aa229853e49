export {
  upsertCompanies,
  upsertPeople,
  upsertPositions,
  lockOrganisationIngest,
  type UpsertedRow,
  type UpsertAction,
} from './ingest-upsert.js';
export { insertIngestRun, type IngestRunRecord } from './ingest-runs.js';
