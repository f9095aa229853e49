import { randomUUID } from 'node:crypto';
import {
  AppError,
  MAX_INGEST_ITEMS,
  ValidationError,
  type EntityCounts,
  type IngestResponse,
  type PharowItem,
} from '@prospectflow/contracts';
import {
  analyseGrownIngestTables,
  insertIngestRun,
  lockOrganisationIngest,
  upsertCompanies,
  upsertPeople,
  upsertPositions,
  withTransaction,
  type Pool,
  type Queryable,
  type UpsertedRow,
} from '@prospectflow/db';
import { mergePayload, positionsById } from './merge.js';
import { validateItems } from './validate.js';

export interface IngestInput {
  organisationId: string;
  data: readonly unknown[];
  /** All-or-nothing: any invalid item rejects the whole request (400). */
  atomic: boolean;
  source: 'pharow' | 'csv' | 'api';
  startedBy: string | null;
  apiKeyId: string | null;
}

function countActions(rows: UpsertedRow[]): EntityCounts {
  const counts = { inserted: 0, updated: 0, unchanged: 0 };
  for (const row of rows) counts[row.action] += 1;
  return counts;
}

function idsByKey(rows: UpsertedRow[]): Map<string, string> {
  return new Map(rows.map((r) => [r.key, r.id]));
}

/** What one upsert did to each entity. */
export interface ProspectCounts {
  companies: EntityCounts;
  people: EntityCounts;
  positions: EntityCounts;
}

/**
 * Upserts validated items inside the caller's transaction: companies → people → positions, three
 * set-based statements, after taking the organisation's ingest lock so that concurrent batches can
 * neither deadlock nor race on the same natural keys. Shared by the Pharow ingest and CSV imports.
 */
export async function upsertProspects(
  client: Queryable,
  organisationId: string,
  items: readonly PharowItem[],
): Promise<ProspectCounts> {
  const merged = mergePayload(items);
  await lockOrganisationIngest(client, organisationId);
  // The merged rows are fresh objects: the ids are added in place rather than copied.
  for (const company of merged.companies) company.new_id = randomUUID();
  const companies = await upsertCompanies(client, organisationId, merged.companies);
  const companyIds = idsByKey(companies);
  for (const person of merged.people) {
    person.new_id = randomUUID();
    person.company_id = companyIds.get(person.company_key as string);
  }
  const people = await upsertPeople(client, organisationId, merged.people);
  const personIds = idsByKey(people);
  const positionRows = positionsById(merged.positions, companyIds, personIds);
  const written = await upsertPositions(client, organisationId, positionRows);
  return {
    companies: countActions(companies),
    people: countActions(people),
    positions: { ...written, unchanged: positionRows.length - written.inserted - written.updated },
  };
}

/** Validates a Pharow payload item by item, upserts the valid items in one transaction and records the run. */
export async function ingestProspects(pool: Pool, input: IngestInput): Promise<IngestResponse> {
  if (input.data.length > MAX_INGEST_ITEMS) {
    throw new AppError('payload_too_large', 'too_many_items', `At most ${MAX_INGEST_ITEMS} items per request`, {
      maxItems: MAX_INGEST_ITEMS,
      received: input.data.length,
    });
  }
  const { valid, rejected } = validateItems(input.data);
  if (input.atomic && rejected.length > 0) {
    throw new ValidationError(
      `${new Set(rejected.map((r) => r.index)).size} item(s) are invalid; nothing was stored`,
      { rejected },
      'invalid_items',
    );
  }
  const response = await withTransaction(pool, async (client) => {
    const counts = await upsertProspects(
      client,
      input.organisationId,
      valid.map((v) => v.item),
    );
    const runId = await insertIngestRun(client, input.organisationId, {
      source: input.source,
      status: 'succeeded',
      startedBy: input.startedBy,
      apiKeyId: input.apiKeyId,
      totalItems: input.data.length,
      counts,
      rejected,
    });
    return { runId, received: input.data.length, accepted: valid.length, ...counts, rejected };
  });
  await refreshStatistics(pool);
  return response;
}

/** Keeps planner statistics in step with bulk growth; an optimisation only, so a failure is ignored. */
export async function refreshStatistics(pool: Pool): Promise<void> {
  await analyseGrownIngestTables(pool).catch(() => undefined);
}
