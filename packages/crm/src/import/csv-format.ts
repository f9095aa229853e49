import { isUtf8 } from 'node:buffer';
import type { CsvEncoding, CsvSeparator } from '@prospectflow/contracts';

/** Bytes 0x80–0x9F of windows-1252 (the 5 unassigned ones stay C1 controls, as in the WHATWG decoder). */
const CP1252_80_9F =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/**
 * windows-1252 by hand: Node's TextDecoder('windows-1252') decodes as ISO-8859-1 on some versions,
 * which turns Excel's ’ € œ into control characters. Single-byte, so chunks decode independently.
 */
export function decodeWindows1252(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('latin1')
    .replace(/[\u0080-\u009f]/g, (c) => CP1252_80_9F[c.charCodeAt(0) - 0x80]!);
}

/** UTF-8 (with or without BOM), UTF-16LE with its BOM (Excel's "Unicode text"), else windows-1252 (Latin-1 superset). */
export function detectEncoding(bytes: Buffer): CsvEncoding {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  return isUtf8(bytes) ? 'utf-8' : 'windows-1252';
}

/** Decodes byte chunks to text chunks (a BOM is dropped; a character split across chunks is kept whole). */
export async function* decodeChunks(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  encoding: CsvEncoding,
): AsyncGenerator<string> {
  if (encoding === 'windows-1252') {
    for await (const chunk of chunks) yield decodeWindows1252(chunk);
    return;
  }
  const decoder = new TextDecoder(encoding);
  for await (const chunk of chunks) {
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/** The start of a file as text, enough to see its header line. */
export function decodeHead(bytes: Buffer, encoding: CsvEncoding, length = 64 * 1024): string {
  const head = bytes.subarray(0, length);
  return encoding === 'windows-1252' ? decodeWindows1252(head) : new TextDecoder(encoding).decode(head);
}

const SEPARATORS: readonly CsvSeparator[] = [';', ',', '\t'];

/** The separator used most often in the header line, outside quotes (`;` wins ties, `,` when there is none). */
export function detectSeparator(text: string): CsvSeparator {
  const counts = new Map<string, number>(SEPARATORS.map((s) => [s, 0]));
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && counts.has(char)) counts.set(char, counts.get(char)! + 1);
  }
  let best: CsvSeparator = ',';
  let max = 0;
  for (const separator of SEPARATORS) {
    if (counts.get(separator)! > max) [best, max] = [separator, counts.get(separator)!];
  }
  return best;
}

/** Splits a buffer into slices so that it can be parsed like a stream. */
export function* sliceBuffer(bytes: Buffer, size = 64 * 1024): Generator<Buffer> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}
