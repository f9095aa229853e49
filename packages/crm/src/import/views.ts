import type {
  CsvEncoding,
  CsvSeparator,
  EntityCounts,
  ImportCounts,
  ImportDetail,
  ImportMapping,
  ImportSummary,
} from '@prospectflow/contracts';
import type { ImportDetailRow, ImportRow } from '@prospectflow/db';
import { suggestMapping } from './mapping.js';

const zero = (): EntityCounts => ({ inserted: 0, updated: 0, unchanged: 0 });

/** Stored counts completed with zeros (an import that has not run a batch has none). */
export function countsOf(stored: Record<string, unknown>): ImportCounts {
  return { companies: zero(), people: zero(), positions: zero(), ...stored } as ImportCounts;
}

/** Adds one batch's counts to the running totals. */
export function addCounts(total: ImportCounts, batch: ImportCounts): ImportCounts {
  const add = (a: EntityCounts, b: EntityCounts) => ({
    inserted: a.inserted + b.inserted,
    updated: a.updated + b.updated,
    unchanged: a.unchanged + b.unchanged,
  });
  return {
    companies: add(total.companies, batch.companies),
    people: add(total.people, batch.people),
    positions: add(total.positions, batch.positions),
  };
}

/** Progress in whole percent, 100 once succeeded (also for a file without data rows). */
export function percentOf(row: Pick<ImportRow, 'status' | 'rowsDone' | 'rowsTotal'>): number {
  if (row.status === 'succeeded') return 100;
  return row.rowsTotal > 0 ? Math.min(100, Math.floor((row.rowsDone * 100) / row.rowsTotal)) : 0;
}

export function toSummary(row: ImportRow): ImportSummary {
  return {
    ...row,
    encoding: row.encoding as CsvEncoding,
    separator: row.separator as CsvSeparator,
    percent: percentOf(row),
    counts: countsOf(row.counts),
  };
}

export function toDetail(row: ImportDetailRow): ImportDetail {
  const { headers, sampleRows, mapping, ...summary } = row;
  return {
    ...toSummary(summary),
    headers,
    sampleRows,
    suggestedMapping: suggestMapping(headers),
    mapping: mapping as ImportMapping | null,
  };
}
