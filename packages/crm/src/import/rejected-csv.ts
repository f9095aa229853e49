import { stringify } from 'csv-stringify/sync';
import { NotFoundError } from '@prospectflow/contracts';
import * as db from '@prospectflow/db';

const PAGE = 2000;

export interface RejectedCsv {
  /** Download name: the upload's name with `-rejected`. */
  filename: string;
  /** UTF-8 text with a BOM (Excel), in the upload's separator: line, reasons, then the original columns. */
  chunks: AsyncIterable<string>;
}

async function* rejectedLines(pool: db.Pool, organisationId: string, row: db.ImportDetailRow): AsyncGenerator<string> {
  const options = { delimiter: row.separator, record_delimiter: 'windows' as const };
  yield `\ufeff${stringify([['line', 'reasons', ...row.headers]], options)}`;
  for (let afterLine = 0; ;) {
    const rows = await db.listRejectedRows(pool, organisationId, row.id, { afterLine, limit: PAGE });
    if (rows.length === 0) return;
    const records = rows.map((r) => [
      String(r.line),
      r.reasons.map((x) => `${x.column}: ${x.reason}`).join('; '),
      ...r.cells,
    ]);
    yield stringify(records, options);
    if (rows.length < PAGE) return;
    afterLine = rows[rows.length - 1]!.line;
  }
}

/** The rejected rows of an import as CSV, read page by page (404 for an unknown id). */
export async function openRejectedCsv(pool: db.Pool, organisationId: string, id: string): Promise<RejectedCsv> {
  const row = await db.getImport(pool, organisationId, id);
  if (!row) throw new NotFoundError('Import not found');
  const base = row.filename.replace(/\.(csv|txt|tsv)$/i, '');
  return { filename: `${base}-rejected.csv`, chunks: rejectedLines(pool, organisationId, row) };
}
