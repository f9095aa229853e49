import {
  ConflictError,
  ImportMapping,
  type CsvEncoding,
  type CsvSeparator,
  type ImportJob,
} from '@prospectflow/contracts';
import * as db from '@prospectflow/db';
import { refreshStatistics, upsertProspects } from '../ingest/ingest.js';
import { validateItems } from '../ingest/validate.js';
import { fitCells, readCsv, type CsvRecord } from './csv-reader.js';
import { planColumns, rowToItem, type ColumnPlan } from './mapping.js';
import { addCounts, countsOf } from './views.js';

export interface ProcessOptions {
  /** Rows per transaction (default 1,000). */
  batchSize?: number;
  /** Stops between batches (shutdown); the job is then retried and resumes where it stopped. */
  signal?: AbortSignal;
  /** Bytes read from the database at a time (default 1 MiB). */
  readBytes?: number;
  /** Called after each committed batch with the rows done so far. */
  onBatch?: (rowsDone: number) => void;
}

/** Another delivery of the same job committed first: it carries on, this one is retried later. */
export class ImportMovedOnError extends ConflictError {
  constructor(message = 'The import progressed in another delivery') {
    super(message, 'import_moved_on');
  }
}

export interface ProcessResult {
  outcome: 'succeeded' | 'skipped';
  rowsDone: number;
}

/** The stored file, read in slices so memory stays flat whatever its size. */
async function* storedFile(pool: db.Pool, job: ImportJob, readBytes: number): AsyncGenerator<Buffer> {
  for (let offset = 0; ; offset += readBytes) {
    const chunk = await db.readImportContent(pool, job.organisationId, job.importId, offset, readBytes);
    // The file is dropped when an import succeeds: another delivery finished it.
    if (chunk === null) throw new ImportMovedOnError('The import was finished by another delivery');
    if (chunk.length > 0) yield chunk;
    if (chunk.length < readBytes) return;
  }
}

/** Moves a queued import to `processing` and opens its ingest run once; null when there is nothing to do. */
async function beginImport(pool: db.Pool, job: ImportJob): Promise<db.ImportDetailRow | null> {
  return db.withTransaction(pool, async (client) => {
    const row = await db.getImport(client, job.organisationId, job.importId, { lock: true });
    if (!row || (row.status !== 'queued' && row.status !== 'processing') || !row.mapping) return null;
    const ingestRunId =
      row.ingestRunId ??
      (await db.insertIngestRun(client, job.organisationId, {
        source: 'csv',
        status: 'running',
        startedBy: row.createdBy,
        apiKeyId: null,
        totalItems: row.rowsTotal,
        counts: {},
        rejected: [],
      }));
    return db.updateImport(client, job.organisationId, job.importId, {
      status: 'processing',
      ingestRunId,
      started: true,
    });
  });
}

/**
 * Validates and upserts one batch, and advances the progress in the same transaction: a batch is
 * either fully counted or not at all. `startRow` must still be the import's progress, otherwise
 * another delivery moved on and this one stops (ImportMovedOnError, retried later from the new point).
 */
async function commitBatch(
  pool: db.Pool,
  job: ImportJob,
  plan: ColumnPlan & { width: number },
  startRow: number,
  records: CsvRecord[],
): Promise<number> {
  const { valid, rejected } = validateItems(records.map((r) => rowToItem(r.cells, plan)));
  const reasons = new Map<number, db.RejectedRowReason[]>();
  for (const r of rejected) {
    const field = r.path.split('.')[0]!;
    const list = reasons.get(r.index) ?? [];
    list.push({ column: plan.labels.get(field) ?? field, reason: r.reason });
    reasons.set(r.index, list);
  }
  const rejectedRows = [...reasons].map(([index, list]) => ({
    line: records[index]!.line,
    reasons: list,
    cells: fitCells(records[index]!.cells, plan.width),
  }));
  return db.withTransaction(pool, async (client) => {
    const current = await db.getImport(client, job.organisationId, job.importId, { lock: true });
    if (!current || current.status !== 'processing' || current.rowsDone !== startRow) {
      throw new ImportMovedOnError();
    }
    const counts = await upsertProspects(
      client,
      job.organisationId,
      valid.map((v) => v.item),
    );
    await db.insertRejectedRows(client, job.organisationId, job.importId, rejectedRows);
    const rowsDone = startRow + records.length;
    await db.updateImport(client, job.organisationId, job.importId, {
      rowsDone,
      rowsTotal: Math.max(current.rowsTotal, rowsDone),
      acceptedCount: current.acceptedCount + valid.length,
      rejectedCount: current.rejectedCount + rejectedRows.length,
      counts: addCounts(countsOf(current.counts), counts),
    });
    return rowsDone;
  });
}

/** Closes the import (succeeded, file dropped) and its ingest run with the totals. */
async function finishImport(pool: db.Pool, job: ImportJob, rowsDone: number): Promise<void> {
  await db.withTransaction(pool, async (client) => {
    const current = await db.getImport(client, job.organisationId, job.importId, { lock: true });
    if (current?.status !== 'processing' || current.rowsDone !== rowsDone) {
      throw new ImportMovedOnError();
    }
    const row = await db.updateImport(client, job.organisationId, job.importId, {
      status: 'succeeded',
      rowsTotal: rowsDone,
      finished: true,
      clearContent: true,
    });
    await db.finishIngestRun(client, job.organisationId, row!.ingestRunId!, {
      status: 'succeeded',
      totalItems: rowsDone,
      counts: countsOf(row!.counts),
    });
  });
}

/**
 * Processes a queued CSV import: streams the stored file through the CSV parser, maps each row to a
 * Pharow item and upserts them in batches with the Pharow ingest code. Resumable and idempotent:
 * rows already counted (`rows_done`) are skipped, and a finished import is left alone.
 */
export async function processImport(
  pool: db.Pool,
  job: ImportJob,
  options: ProcessOptions = {},
): Promise<ProcessResult> {
  const row = await beginImport(pool, job);
  if (!row) return { outcome: 'skipped', rowsDone: 0 };
  const batchSize = options.batchSize ?? 1000;
  const plan = { ...planColumns(row.headers, ImportMapping.parse(row.mapping)), width: row.headers.length };
  const format = { encoding: row.encoding as CsvEncoding, separator: row.separator as CsvSeparator };
  let rowsDone = row.rowsDone;
  let seen = -1; // the header is record 0
  let batch: CsvRecord[] = [];
  const commit = async () => {
    options.signal?.throwIfAborted();
    rowsDone = await commitBatch(pool, job, plan, rowsDone, batch);
    await refreshStatistics(pool);
    batch = [];
    options.onBatch?.(rowsDone);
  };
  for await (const record of readCsv(storedFile(pool, job, options.readBytes ?? 1024 * 1024), format)) {
    seen += 1;
    if (seen === 0 || seen <= row.rowsDone) continue;
    batch.push(record);
    if (batch.length >= batchSize) await commit();
  }
  if (batch.length > 0) await commit();
  await finishImport(pool, job, rowsDone);
  return { outcome: 'succeeded', rowsDone };
}

/** Marks an import failed (unreadable file, or retries exhausted) and closes its ingest run. */
export async function failImport(pool: db.Pool, job: ImportJob, error: string): Promise<void> {
  await db.withTransaction(pool, async (client) => {
    const row = await db.getImport(client, job.organisationId, job.importId, { lock: true });
    if (!row || row.status === 'succeeded' || row.status === 'failed') return;
    await db.updateImport(client, job.organisationId, job.importId, { status: 'failed', error, finished: true });
    if (row.ingestRunId) {
      await db.finishIngestRun(client, job.organisationId, row.ingestRunId, {
        status: 'failed',
        totalItems: row.rowsDone,
        counts: countsOf(row.counts),
      });
    }
  });
}
