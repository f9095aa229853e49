/** Cells a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR) get a leading quote mark. */
const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(value: string | number | boolean | null | undefined, separator: string): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return text.includes('"') || text.includes(separator) || /[\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A CSV document (RFC 4180 quoting, CRLF lines) from a header row and data rows. `;` by default:
 * what a French Excel expects, and what the CSV import reads back.
 */
export function toCsv(
  header: readonly string[],
  rows: readonly (readonly (string | number | boolean | null | undefined)[])[],
  separator = ';',
): string {
  return [header, ...rows].map((row) => row.map((cell) => csvCell(cell, separator)).join(separator)).join('\r\n');
}

/** Lets the browser save `content` as a UTF-8 file (with a BOM so Excel reads the accents). */
export function downloadText(filename: string, content: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob(['\uFEFF', content], { type }));
  const link = Object.assign(document.createElement('a'), { href: url, download: filename });
  link.click();
  URL.revokeObjectURL(url);
}
