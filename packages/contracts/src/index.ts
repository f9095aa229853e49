export * from './errors.js';
export * from './health.js';
export * from './iam.js';
export * from './iam-permissions.js';
export * from './pagination.js';
