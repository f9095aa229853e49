export {
  upsertCompanies,
  upsertPeople,
  upsertPositions,
  lockOrganisationIngest,
  type UpsertedRow,
  type UpsertAction,
} from './ingest-upsert.js';
export { analyseGrownIngestTables } from './ingest-statistics.js';
export {
  insertIngestRun,
  finishIngestRun,
  listIngestRuns,
  getIngestRun,
  type IngestRunRecord,
  type IngestRunRow,
} from './ingest-runs.js';
export {
  insertImport,
  getImport,
  listImports,
  updateImport,
  readImportContent,
  type ImportRow,
  type ImportDetailRow,
  type ImportChanges,
  type NewImport,
} from './imports.js';
export { insertRejectedRows, listRejectedRows, type RejectedRow, type RejectedRowReason } from './import-rejections.js';
