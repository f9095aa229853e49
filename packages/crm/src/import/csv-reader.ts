import { Readable, pipeline } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { ValidationError, type CsvEncoding, type CsvSeparator } from '@prospectflow/contracts';
import { decodeChunks } from './csv-format.js';

/** A file that cannot be read as CSV (400 on upload; the job fails for good in the worker). */
export class InvalidCsvError extends ValidationError {
  constructor(message: string, details?: unknown) {
    super(message, details, 'invalid_csv');
  }
}

export interface CsvFormat {
  encoding: CsvEncoding;
  separator: CsvSeparator;
}

export interface CsvRecord {
  /** Line of the file where the record starts (1 = the header line). */
  line: number;
  cells: string[];
}

/** Line breaks inside a record's cells (a quoted field may span lines; CRLF counts once). */
function innerLineBreaks(cells: readonly string[]): number {
  let breaks = 0;
  for (const cell of cells) breaks += cell.match(/\r\n|\n|\r/g)?.length ?? 0;
  return breaks;
}

/**
 * Streams CSV records out of byte chunks with csv-parse: RFC 4180 quoting (separators, quotes and
 * line breaks inside quoted fields), stray quotes kept literally, short or long rows accepted
 * (missing cells read as empty), blank lines and all-empty records (`;;;`) skipped. Line numbers
 * are counted here: csv-parse's own `info.lines` drifts with CRLF inside quoted fields.
 */
export async function* readCsv(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  format: CsvFormat,
): AsyncGenerator<CsvRecord> {
  const parser = parse({ delimiter: format.separator, relax_column_count: true, relax_quotes: true });
  pipeline(Readable.from(decodeChunks(chunks, format.encoding)), parser, () => undefined);
  let line = 1;
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      const start = line;
      line += 1 + innerLineBreaks(cells);
      if (cells.some((cell) => cell.trim() !== '')) yield { line: start, cells };
    }
  } catch (error) {
    if (error instanceof CsvError) {
      const { lines } = error as { lines?: number };
      throw new InvalidCsvError(`The file is not valid CSV: ${error.message}`, { line: lines });
    }
    throw error;
  } finally {
    parser.destroy();
  }
}

/** Trimmed header names (200 characters at most), made unique (`Email (2)`) and never empty (`Column 3`), so a mapping can name each. */
export function uniqueHeaders(cells: readonly string[]): string[] {
  const seen = new Set<string>();
  return cells.map((cell, index) => {
    const base = cell.trim().slice(0, 200) || `Column ${index + 1}`;
    let name = base;
    for (let n = 2; seen.has(name); n += 1) name = `${base} (${n})`;
    seen.add(name);
    return name;
  });
}

/** A record cut or padded to the header's width. */
export function fitCells(cells: readonly string[], width: number): string[] {
  return Array.from({ length: width }, (_, i) => cells[i] ?? '');
}
