export { ingestProspects, type IngestInput } from './ingest/ingest.js';
export { validateItems, type ValidItem } from './ingest/validate.js';
export { mergePayload } from './ingest/merge.js';
export { cityOf } from './ingest/address.js';
