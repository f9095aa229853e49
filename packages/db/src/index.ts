export { createPool, type Pool, type PoolConfig } from './pool.js';
export { createAppPool, type DatabaseSettings } from './app-pool.js';
export { query, setQueryTimer, type Queryable, type QueryTimer } from './query.js';
export { withTransaction } from './transaction.js';
export { createStatementBatcher, type StatementBatcherOptions } from './statement-batcher.js';
export { migrate, MIGRATIONS_DIR, type MigrationResult } from './migrate.js';
export { pingDatabase } from './health.js';
export { ensureDatabase, dropDatabase, databaseNameOf, withDatabaseName } from './database-admin.js';
export { seedDemoData, type SeedResult } from './seed/seed-demo.js';
export { DEMO_ADMIN, DEMO_ORGANISATION } from './seed/demo-data.js';
export {
  enqueueOutbox,
  claimOutboxBatch,
  markOutboxPublished,
  markOutboxFailed,
  outboxBacklog,
  purgePublishedOutbox,
  type OutboxMessage,
  type OutboxRow,
} from './outbox/repository.js';
export * from './iam/index.js';
export * from './crm/index.js';
export { listProspects, countProspects, getProspect, listCompanyPositions, updatePosition } from './crm/prospects.js';
export type { ProspectFilters, PositionChanges } from './crm/prospects.js';
export {
  listCompanies,
  countCompanies,
  getCompany,
  type CompanyFilters,
  type Keyed,
  type Keyset,
} from './crm/companies.js';
export { updatePerson, erasePerson, type PersonChanges, type ErasureResult } from './crm/people.js';
export * from './lead-magnet/index.js';
export * from './outreach/index.js';
