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

/** Closes a run that was recorded as `running` (CSV imports), with its final counts. */
export async function finishIngestRun(
  db: Queryable,
  organisationId: string,
  id: string,
  run: Pick<IngestRunRecord, 'status' | 'totalItems' | 'counts'>,
): Promise<void> {
  await query(
    db,
    'crm.finish_ingest_run',
    `UPDATE crm_ingest_runs SET status = $3, total_items = $4, counts = $5::jsonb, finished_at = now()
     WHERE organisation_id = $1 AND id = $2`,
    [organisationId, id, run.status, run.totalItems, JSON.stringify(run.counts)],
  );
}

// Microseconds: createdAt doubles as the keyset cursor.
const ISO = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

// A CSV run's rejected rows live with its import; a Pharow run's in `rejected` (one entry per issue).
const RUN_COLUMNS = `r.id, r.source, r.status, r.started_by AS "startedBy", r.api_key_id AS "apiKeyId",
  r.total_items AS "totalItems", r.counts, i.id AS "importId", i.filename,
  coalesce(i.rejected_count,
    (SELECT count(DISTINCT e->>'index')::int FROM jsonb_array_elements(r.rejected) e)) AS "rejectedCount",
  ${ISO('r.created_at')} AS "createdAt", ${ISO('r.finished_at')} AS "finishedAt"`;
const RUN_FROM = `crm_ingest_runs r
  LEFT JOIN crm_imports i ON i.organisation_id = r.organisation_id AND i.ingest_run_id = r.id`;

export interface IngestRunRow {
  id: string;
  source: 'pharow' | 'csv' | 'api';
  status: 'running' | 'succeeded' | 'failed';
  startedBy: string | null;
  apiKeyId: string | null;
  totalItems: number;
  counts: Record<string, unknown>;
  importId: string | null;
  filename: string | null;
  rejectedCount: number;
  createdAt: string;
  finishedAt: string | null;
}

/** The organisation's ingest history, newest first, keyset-paginated on (created_at, id). */
export async function listIngestRuns(
  db: Queryable,
  organisationId: string,
  page: { limit: number; source?: IngestRunRecord['source']; before?: { createdAt: string; id: string } },
): Promise<IngestRunRow[]> {
  const result = await query<IngestRunRow>(
    db,
    'crm.list_ingest_runs',
    `SELECT ${RUN_COLUMNS} FROM ${RUN_FROM}
     WHERE r.organisation_id = $1 AND ($2::text IS NULL OR r.source = $2)
       AND ($3::timestamptz IS NULL OR (r.created_at, r.id) < ($3::timestamptz, $4::uuid))
     ORDER BY r.created_at DESC, r.id DESC LIMIT $5`,
    [organisationId, page.source ?? null, page.before?.createdAt ?? null, page.before?.id ?? null, page.limit],
  );
  return result.rows;
}

/** One run with its rejected items, or null (also for another organisation's id). */
export async function getIngestRun(
  db: Queryable,
  organisationId: string,
  id: string,
): Promise<(IngestRunRow & { rejected: unknown[] }) | null> {
  const result = await query<IngestRunRow & { rejected: unknown[] }>(
    db,
    'crm.get_ingest_run',
    `SELECT ${RUN_COLUMNS}, r.rejected FROM ${RUN_FROM} WHERE r.organisation_id = $1 AND r.id = $2`,
    [organisationId, id],
  );
  return result.rows[0] ?? null;
}
