export { ingestProspects, upsertProspects, type IngestInput, type ProspectCounts } from './ingest/ingest.js';
export { validateItems, type ValidItem } from './ingest/validate.js';
export { mergePayload } from './ingest/merge.js';
export { cityOf } from './ingest/address.js';
export { listIngestRuns, getIngestRun } from './ingest/runs.js';
export { createImport, startImport, getImport, listImports, type NewCsvImport } from './import/imports.js';
export {
  processImport,
  failImport,
  ImportMovedOnError,
  type ProcessOptions,
  type ProcessResult,
} from './import/process.js';
export { openRejectedCsv, type RejectedCsv } from './import/rejected-csv.js';
export { analyseCsv, type CsvAnalysis } from './import/analyse.js';
export { InvalidCsvError, readCsv, uniqueHeaders, type CsvRecord } from './import/csv-reader.js';
export { detectEncoding, detectSeparator, decodeWindows1252 } from './import/csv-format.js';
export { suggestMapping, validateMapping, planColumns, rowToItem, deriveCompanyId } from './import/mapping.js';
