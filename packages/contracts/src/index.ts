export * from './errors.js';
export * from './health.js';
export * from './iam.js';
export * from './iam-permissions.js';
export * from './pagination.js';
export * from './crm-ingest.js';
export * from './crm-prospects.js';
export * from './crm-imports.js';
