import { IMPORT_SAMPLE_ROWS, type CsvEncoding, type CsvSeparator } from '@prospectflow/contracts';
import { decodeHead, detectEncoding, detectSeparator, sliceBuffer } from './csv-format.js';
import { InvalidCsvError, fitCells, readCsv, uniqueHeaders } from './csv-reader.js';

export interface CsvAnalysis {
  encoding: CsvEncoding;
  separator: CsvSeparator;
  headers: string[];
  sampleRows: string[][];
  /** Data rows (records after the header; blank ones not counted). */
  totalRows: number;
}

/** Detects the encoding and separator of an uploaded file, reads its header and counts its rows (one streaming pass). */
export async function analyseCsv(bytes: Buffer): Promise<CsvAnalysis> {
  const encoding = detectEncoding(bytes);
  const separator = detectSeparator(decodeHead(bytes, encoding));
  let headers: string[] | undefined;
  const sampleRows: string[][] = [];
  let totalRows = 0;
  for await (const record of readCsv(sliceBuffer(bytes), { encoding, separator })) {
    if (!headers) {
      headers = uniqueHeaders(record.cells);
      continue;
    }
    totalRows += 1;
    if (sampleRows.length < IMPORT_SAMPLE_ROWS) sampleRows.push(fitCells(record.cells, headers.length));
  }
  if (!headers) throw new InvalidCsvError('The file has no header line');
  return { encoding, separator, headers, sampleRows, totalRows };
}
