import { query, type Queryable } from '../query.js';

export interface IngestRunRecord {
  source: 'pharow' | 'csv' | 'api';
  status: 'running' | 'succeeded' | 'failed';
  startedBy: string | null;
  apiKeyId: string | null;
  totalItems: number;
  counts: unknown;
  rejected: unknown[];
}

/** Records one ingest for the history page; returns its id. */
export async function insertIngestRun(db: Queryable, organisationId: string, run: IngestRunRecord): Promise<string> {
  const result = await query<{ id: string }>(
    db,
    'crm.insert_ingest_run',
    `INSERT INTO crm_ingest_runs (organisation_id, source, status, started_by, api_key_id, total_items, counts, rejected, finished_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, CASE WHEN $3 = 'running' THEN NULL ELSE now() END)
     RETURNING id`,
    [
      organisationId,
      run.source,
      run.status,
      run.startedBy,
      run.apiKeyId,
      run.totalItems,
      JSON.stringify(run.counts),
      JSON.stringify(run.rejected),
    ],
  );
  return result.rows[0]!.id;
}
