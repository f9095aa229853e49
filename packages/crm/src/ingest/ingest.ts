import { randomUUID } from 'node:crypto';
import {
  AppError,
  MAX_INGEST_ITEMS,
  ValidationError,
  type EntityCounts,
  type IngestResponse,
} from '@prospectflow/contracts';
import {
  insertIngestRun,
  lockOrganisationIngest,
  upsertCompanies,
  upsertPeople,
  upsertPositions,
  withTransaction,
  type Pool,
  type UpsertedRow,
} from '@prospectflow/db';
import { mergePayload } from './merge.js';
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

/**
 * Upserts a Pharow payload for one organisation: companies → people → positions, three set-based
 * statements in one transaction, with the organisation's ingests serialised so that concurrent
 * batches can neither deadlock nor race on the same natural keys. Records the run.
 */
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
  const merged = mergePayload(valid.map((v) => v.item));
  return withTransaction(pool, async (client) => {
    await lockOrganisationIngest(client, input.organisationId);
    const companies = await upsertCompanies(
      client,
      input.organisationId,
      merged.companies.map((c) => ({ ...c, new_id: randomUUID() })),
    );
    const companyIds = idsByKey(companies);
    const people = await upsertPeople(
      client,
      input.organisationId,
      merged.people.map(({ company_key, ...p }) => ({
        ...p,
        new_id: randomUUID(),
        company_id: companyIds.get(company_key as string),
      })),
    );
    const personIds = idsByKey(people);
    const positionRows = merged.positions.map((p) => ({
      ...p.row,
      company_id: companyIds.get(p.companyKey),
      person_id: personIds.get(p.personKey),
    }));
    const written = await upsertPositions(client, input.organisationId, positionRows);
    const result = {
      received: input.data.length,
      accepted: valid.length,
      companies: countActions(companies),
      people: countActions(people),
      positions: { ...written, unchanged: positionRows.length - written.inserted - written.updated },
      rejected,
    };
    const runId = await insertIngestRun(client, input.organisationId, {
      source: input.source,
      status: 'succeeded',
      startedBy: input.startedBy,
      apiKeyId: input.apiKeyId,
      totalItems: input.data.length,
      counts: { companies: result.companies, people: result.people, positions: result.positions },
      rejected,
    });
    return { runId, ...result };
  });
}
