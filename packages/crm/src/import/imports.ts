import {
  CRM_IMPORT_QUEUE,
  ConflictError,
  NotFoundError,
  decodeCursor,
  toPage,
  type ImportDetail,
  type ImportJob,
  type ImportListQuery,
  type ImportSummary,
  type StartImportRequest,
  type UploadImportResponse,
} from '@prospectflow/contracts';
import * as db from '@prospectflow/db';
import { z } from 'zod';
import { analyseCsv } from './analyse.js';
import { InvalidCsvError } from './csv-reader.js';
import { validateMapping } from './mapping.js';
import { toDetail, toSummary } from './views.js';

export interface NewCsvImport {
  organisationId: string;
  createdBy: string | null;
  filename: string;
  content: Buffer;
}

/** Stores an uploaded CSV with its detected format, header, first rows and row count (status `uploaded`). */
export async function createImport(pool: db.Pool, input: NewCsvImport): Promise<UploadImportResponse> {
  if (input.content.length === 0) throw new InvalidCsvError('The file is empty');
  const analysis = await analyseCsv(input.content);
  const row = await db.insertImport(pool, input.organisationId, {
    createdBy: input.createdBy,
    filename: input.filename,
    content: input.content,
    encoding: analysis.encoding,
    separator: analysis.separator,
    headers: analysis.headers,
    sampleRows: analysis.sampleRows,
    rowsTotal: analysis.totalRows,
  });
  return { ...toDetail(row), totalRows: analysis.totalRows };
}

/**
 * Records the column mapping and queues the import: status `queued` and the `crm.import` job in
 * the outbox, in one transaction. An import starts once (409 afterwards).
 */
export async function startImport(
  pool: db.Pool,
  organisationId: string,
  id: string,
  request: StartImportRequest,
): Promise<ImportDetail> {
  return db.withTransaction(pool, async (client) => {
    const current = await db.getImport(client, organisationId, id, { lock: true });
    if (!current) throw new NotFoundError('Import not found');
    if (current.status !== 'uploaded') {
      throw new ConflictError(`This import was already started (${current.status})`, 'import_already_started');
    }
    validateMapping(current.headers, request.mapping);
    const updated = await db.updateImport(client, organisationId, id, { status: 'queued', mapping: request.mapping });
    const job: ImportJob = { importId: id, organisationId };
    await db.enqueueOutbox(client, [{ organisationId, routingKey: CRM_IMPORT_QUEUE, payload: job }]);
    return toDetail(updated!);
  });
}

export async function getImport(pool: db.Pool, organisationId: string, id: string): Promise<ImportDetail> {
  const row = await db.getImport(pool, organisationId, id);
  if (!row) throw new NotFoundError('Import not found');
  return toDetail(row);
}

const ListCursor = z.object({ createdAt: z.iso.datetime(), id: z.uuid() });

/** The organisation's imports, newest first. */
export async function listImports(
  pool: db.Pool,
  organisationId: string,
  query: ImportListQuery,
): Promise<{ items: ImportSummary[]; nextCursor: string | null }> {
  const before = query.cursor ? decodeCursor(query.cursor, ListCursor) : undefined;
  const rows = await db.listImports(pool, organisationId, { limit: query.limit + 1, status: query.status, before });
  const page = toPage(rows, query.limit, (row) => ({ createdAt: row.createdAt, id: row.id }));
  return { items: page.items.map(toSummary), nextCursor: page.nextCursor };
}
