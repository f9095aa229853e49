import { query, type Queryable } from '../query.js';

export interface RejectedRowReason {
  /** The CSV column (or the Pharow field when no column maps to it). */
  column: string;
  reason: string;
}

export interface RejectedRow {
  line: number;
  reasons: RejectedRowReason[];
  cells: string[];
}

/** Stores rejected rows of an import; a row already stored (same line) is left as it is. */
export async function insertRejectedRows(
  db: Queryable,
  organisationId: string,
  importId: string,
  rows: RejectedRow[],
): Promise<void> {
  if (rows.length === 0) return;
  await query(
    db,
    'crm.insert_rejected_rows',
    `INSERT INTO crm_import_rejected_rows (organisation_id, import_id, line, reasons, cells)
     SELECT $1, $2, line, reasons, cells FROM jsonb_to_recordset($3::jsonb) AS x(line int, reasons jsonb, cells jsonb)
     ON CONFLICT DO NOTHING`,
    [organisationId, importId, JSON.stringify(rows)],
  );
}

/** Rejected rows of an import in line order, the `limit` after line `afterLine`. */
export async function listRejectedRows(
  db: Queryable,
  organisationId: string,
  importId: string,
  page: { afterLine: number; limit: number },
): Promise<RejectedRow[]> {
  const result = await query<RejectedRow>(
    db,
    'crm.list_rejected_rows',
    `SELECT line, reasons, cells FROM crm_import_rejected_rows
     WHERE organisation_id = $1 AND import_id = $2 AND line > $3
     ORDER BY line LIMIT $4`,
    [organisationId, importId, page.afterLine, page.limit],
  );
  return result.rows;
}
