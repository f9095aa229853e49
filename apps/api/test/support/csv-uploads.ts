import type { ApiHarness, ApiResponse } from './api-harness.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Excel-style export: UTF-8 with BOM, `;`, every field quoted, CRLF; a separator, doubled quotes
 * and a line break inside quoted fields. Line 5 has a bad email and line 6 no last name.
 */
export const QUOTED_SEMICOLON_CSV = Buffer.concat([
  BOM,
  Buffer.from(
    '"Prénom";"Nom";"E-mail";"Société";"Poste";"SIREN"\r\n' +
      '"Amélie";"Lefèvre";"amelie@acme.fr";"ACME; Fils & Cie";"Directrice ""générale""";"123 456 789"\r\n' +
      '"Jean";"Martin";"jean@acme.fr";"ACME; Fils & Cie";"Responsable\r\nachats";"123456789"\r\n' +
      '"Zoé";"Roux";"not-an-email";"Bureau Roux";"";""\r\n' +
      '"Chloé";"";"chloe@roux.fr";"Bureau Roux";"Gérante";""\r\n' +
      ';;;;;\r\n',
  ),
]);

/** The mapping the upload suggests for QUOTED_SEMICOLON_CSV. */
export const QUOTED_SEMICOLON_MAPPING = {
  Prénom: 'personFirstName',
  Nom: 'personLastName',
  'E-mail': 'positionEmail',
  Société: 'companyName',
  Poste: 'positionJobTitle',
  SIREN: 'companySiren',
};

/** POSTs a file as the raw body of `POST /api/v1/imports`. */
export async function uploadCsv(
  api: ApiHarness,
  token: string,
  body: Buffer | string,
  options: { filename?: string; contentType?: string; organisationId?: string } = {},
): Promise<ApiResponse> {
  const query = options.filename ? `?filename=${encodeURIComponent(options.filename)}` : '';
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    'content-type': options.contentType ?? 'text/csv',
  };
  if (options.organisationId) headers['x-organisation-id'] = options.organisationId;
  const res = await fetch(`${api.url}/api/v1/imports${query}`, { method: 'POST', headers, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}
