import type { ImportStatus } from '@prospectflow/contracts';
import { query, type Queryable } from '../query.js';

// Microseconds: createdAt doubles as the keyset cursor of the list.
const ISO = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const SUMMARY_COLUMNS = `id, filename, size_bytes AS "sizeBytes", encoding, separator, status,
  rows_done AS "rowsDone", rows_total AS "rowsTotal", accepted_count AS "acceptedCount",
  rejected_count AS "rejectedCount", counts, error, created_by AS "createdBy", ingest_run_id AS "ingestRunId",
  ${ISO('created_at')} AS "createdAt", ${ISO('started_at')} AS "startedAt", ${ISO('finished_at')} AS "finishedAt"`;
const DETAIL_COLUMNS = `${SUMMARY_COLUMNS}, headers, sample_rows AS "sampleRows", mapping`;

export interface ImportRow {
  id: string;
  filename: string;
  sizeBytes: number;
  encoding: string;
  separator: string;
  status: ImportStatus;
  rowsDone: number;
  rowsTotal: number;
  acceptedCount: number;
  rejectedCount: number;
  counts: Record<string, unknown>;
  error: string | null;
  createdBy: string | null;
  ingestRunId: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface ImportDetailRow extends ImportRow {
  headers: string[];
  sampleRows: string[][];
  mapping: Record<string, string | null> | null;
}

export interface NewImport {
  createdBy: string | null;
  filename: string;
  content: Buffer;
  encoding: string;
  separator: string;
  headers: string[];
  sampleRows: string[][];
  rowsTotal: number;
}

/** Stores an uploaded file and what was detected about it (status `uploaded`). */
export async function insertImport(db: Queryable, organisationId: string, input: NewImport): Promise<ImportDetailRow> {
  const result = await query<ImportDetailRow>(
    db,
    'crm.insert_import',
    `INSERT INTO crm_imports (organisation_id, created_by, filename, size_bytes, content, encoding, separator,
       headers, sample_rows, rows_total)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10)
     RETURNING ${DETAIL_COLUMNS}`,
    [
      organisationId,
      input.createdBy,
      input.filename,
      input.content.length,
      input.content,
      input.encoding,
      input.separator,
      JSON.stringify(input.headers),
      JSON.stringify(input.sampleRows),
      input.rowsTotal,
    ],
  );
  return result.rows[0]!;
}

/** One import of the organisation (without the file), optionally locked for the rest of the transaction. */
export async function getImport(
  db: Queryable,
  organisationId: string,
  id: string,
  options: { lock?: boolean } = {},
): Promise<ImportDetailRow | null> {
  const result = await query<ImportDetailRow>(
    db,
    options.lock ? 'crm.lock_import' : 'crm.get_import',
    `SELECT ${DETAIL_COLUMNS} FROM crm_imports WHERE organisation_id = $1 AND id = $2${options.lock ? ' FOR UPDATE' : ''}`,
    [organisationId, id],
  );
  return result.rows[0] ?? null;
}

/** The organisation's imports, newest first, keyset-paginated on (created_at, id). */
export async function listImports(
  db: Queryable,
  organisationId: string,
  page: { limit: number; status?: ImportStatus; before?: { createdAt: string; id: string } },
): Promise<ImportRow[]> {
  const result = await query<ImportRow>(
    db,
    'crm.list_imports',
    `SELECT ${SUMMARY_COLUMNS} FROM crm_imports
     WHERE organisation_id = $1 AND ($2::text IS NULL OR status = $2)
       AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
     ORDER BY created_at DESC, id DESC LIMIT $5`,
    [organisationId, page.status ?? null, page.before?.createdAt ?? null, page.before?.id ?? null, page.limit],
  );
  return result.rows;
}

/** Fields of an import that its lifecycle changes; unset fields are kept. */
export interface ImportChanges {
  status?: ImportStatus;
  mapping?: Record<string, string | null>;
  ingestRunId?: string;
  rowsDone?: number;
  rowsTotal?: number;
  acceptedCount?: number;
  rejectedCount?: number;
  counts?: unknown;
  error?: string;
  started?: boolean;
  finished?: boolean;
  /** Drops the stored file (once imported, only the rejected rows are kept). */
  clearContent?: boolean;
}

/** Applies lifecycle changes to one import. */
export async function updateImport(
  db: Queryable,
  organisationId: string,
  id: string,
  changes: ImportChanges,
): Promise<ImportDetailRow | null> {
  const result = await query<ImportDetailRow>(
    db,
    'crm.update_import',
    `UPDATE crm_imports SET
       status = coalesce($3, status),
       mapping = coalesce($4::jsonb, mapping),
       ingest_run_id = coalesce($5, ingest_run_id),
       rows_done = coalesce($6, rows_done),
       rows_total = coalesce($7, rows_total),
       accepted_count = coalesce($8, accepted_count),
       rejected_count = coalesce($9, rejected_count),
       counts = coalesce($10::jsonb, counts),
       error = coalesce(left($11, 2000), error),
       started_at = CASE WHEN $12 THEN coalesce(started_at, now()) ELSE started_at END,
       finished_at = CASE WHEN $13 THEN now() ELSE finished_at END,
       content = CASE WHEN $14 THEN NULL ELSE content END
     WHERE organisation_id = $1 AND id = $2
     RETURNING ${DETAIL_COLUMNS}`,
    [
      organisationId,
      id,
      changes.status ?? null,
      changes.mapping === undefined ? null : JSON.stringify(changes.mapping),
      changes.ingestRunId ?? null,
      changes.rowsDone ?? null,
      changes.rowsTotal ?? null,
      changes.acceptedCount ?? null,
      changes.rejectedCount ?? null,
      changes.counts === undefined ? null : JSON.stringify(changes.counts),
      changes.error ?? null,
      changes.started ?? false,
      changes.finished ?? false,
      changes.clearContent ?? false,
    ],
  );
  return result.rows[0] ?? null;
}

/** `length` bytes of the stored file from byte `offset` (0-based); empty past the end, null once cleared. */
export async function readImportContent(
  db: Queryable,
  organisationId: string,
  id: string,
  offset: number,
  length: number,
): Promise<Buffer | null> {
  const result = await query<{ chunk: Buffer | null }>(
    db,
    'crm.read_import_content',
    `SELECT substring(content FROM $3::int + 1 FOR $4::int) AS chunk FROM crm_imports
     WHERE organisation_id = $1 AND id = $2`,
    [organisationId, id, offset, length],
  );
  return result.rows[0]?.chunk ?? null;
}
