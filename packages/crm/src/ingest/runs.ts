import {
  NotFoundError,
  decodeCursor,
  toPage,
  type IngestRunDetail,
  type IngestRunListQuery,
  type IngestRunSummary,
  type RejectedItem,
} from '@prospectflow/contracts';
import * as db from '@prospectflow/db';
import { z } from 'zod';

const RunCursor = z.object({ createdAt: z.iso.datetime(), id: z.uuid() });

/** The ingest history (Pharow pushes, API calls, CSV imports), newest first. */
export async function listIngestRuns(
  pool: db.Pool,
  organisationId: string,
  query: IngestRunListQuery,
): Promise<{ items: IngestRunSummary[]; nextCursor: string | null }> {
  const before = query.cursor ? decodeCursor(query.cursor, RunCursor) : undefined;
  const rows = await db.listIngestRuns(pool, organisationId, { limit: query.limit + 1, source: query.source, before });
  return toPage(rows, query.limit, (row) => ({ createdAt: row.createdAt, id: row.id }));
}

/** One run with its rejected items. */
export async function getIngestRun(pool: db.Pool, organisationId: string, id: string): Promise<IngestRunDetail> {
  const row = await db.getIngestRun(pool, organisationId, id);
  if (!row) throw new NotFoundError('Ingest run not found');
  return { ...row, rejected: row.rejected as RejectedItem[] };
}
