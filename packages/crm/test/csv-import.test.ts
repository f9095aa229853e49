import { describe, expect, it } from 'vitest';
import {
  analyseCsv,
  decodeWindows1252,
  deriveCompanyId,
  detectEncoding,
  detectSeparator,
  planColumns,
  readCsv,
  rowToItem,
  suggestMapping,
  uniqueHeaders,
  validateMapping,
} from '../src/index.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

async function records(text: string | Buffer, separator: ';' | ',' = ';') {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  // Tiny chunks: records, quotes and multi-byte characters straddle chunk boundaries.
  const chunks = Array.from({ length: Math.ceil(bytes.length / 3) }, (_, i) => bytes.subarray(i * 3, i * 3 + 3));
  const out = [];
  for await (const record of readCsv(chunks, { encoding: 'utf-8', separator })) out.push(record);
  return out;
}

describe('format detection', () => {
  it('tells UTF-8 (with or without BOM), UTF-16LE and windows-1252 apart', () => {
    expect(detectEncoding(Buffer.concat([BOM, Buffer.from('Prénom')]))).toBe('utf-8');
    expect(detectEncoding(Buffer.from('Prénom;Nom'))).toBe('utf-8');
    expect(detectEncoding(Buffer.from('Prénom;Nom', 'latin1'))).toBe('windows-1252');
    expect(detectEncoding(Buffer.from([0xff, 0xfe, 0x41, 0x00]))).toBe('utf-16le');
  });

  it('decodes windows-1252, including what Latin-1 lacks (€ ’ œ Œ)', () => {
    expect(decodeWindows1252(Buffer.from([0x80, 0x92, 0x9c, 0x8c, 0xe9, 0x41]))).toBe('€’œŒéA');
  });

  it('counts separators in the header line outside quotes', () => {
    expect(detectSeparator('"Nom, prénom";Email;Société\na,b,c,d,e,f')).toBe(';');
    expect(detectSeparator('Email,Name,"Company; Inc"')).toBe(',');
    expect(detectSeparator('Email\tName')).toBe('\t');
    expect(detectSeparator('Email')).toBe(',');
  });
});

describe('readCsv', () => {
  it('parses quoted separators, doubled quotes and line breaks, and reports the starting line', async () => {
    const rows = await records('a;b\n"x;1";"say ""hi"""\n\n"multi\nline";2\n;\nlast;3');
    expect(rows).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x;1', 'say "hi"'] },
      { line: 4, cells: ['multi\nline', '2'] },
      { line: 7, cells: ['last', '3'] },
    ]);
  });

  it('handles CRLF line endings and a UTF-8 BOM', async () => {
    const rows = await records(
      Buffer.concat([BOM, Buffer.from('Prénom,Nom\r\nAmélie,"Le\r\nFèvre"\r\nZoé,Roux\r\n')]),
      ',',
    );
    expect(rows.map((r) => r.line)).toEqual([1, 2, 4]);
    expect(rows[0]!.cells).toEqual(['Prénom', 'Nom']);
    expect(rows[1]!.cells).toEqual(['Amélie', 'Le\r\nFèvre']);
  });

  it('rejects a file whose quote never closes', async () => {
    await expect(records('a;b\n"open;1\n')).rejects.toMatchObject({ code: 'invalid_csv' });
  });

  it('makes header names unique and non-empty', () => {
    expect(uniqueHeaders([' Email ', '', 'Email', 'Column 2'])).toEqual([
      'Email',
      'Column 2',
      'Email (2)',
      'Column 2 (2)',
    ]);
  });
});

describe('analyseCsv', () => {
  it('reads a Latin-1 file with accents', async () => {
    const analysis = await analyseCsv(Buffer.from('Prénom;Nom\nAmélie;Lefèvre\nChloé;Garçon\n', 'latin1'));
    expect(analysis).toEqual({
      encoding: 'windows-1252',
      separator: ';',
      headers: ['Prénom', 'Nom'],
      sampleRows: [
        ['Amélie', 'Lefèvre'],
        ['Chloé', 'Garçon'],
      ],
      totalRows: 2,
    });
  });
});

describe('mapping', () => {
  it('suggests Pharow fields for Pharow names and French/English aliases, each field once', () => {
    expect(
      suggestMapping([
        'E-mail',
        'Prénom',
        'NOM',
        'Société',
        'siren',
        'Poste',
        'LinkedIn',
        'personFirstName',
        'Notes',
        'Email',
      ]),
    ).toEqual({
      'E-mail': 'positionEmail',
      Prénom: 'personFirstName',
      NOM: 'personLastName',
      Société: 'companyName',
      siren: 'companySiren',
      Poste: 'positionJobTitle',
      LinkedIn: 'personLinkedinUrl',
      personFirstName: null,
      Notes: null,
      Email: null,
    });
  });

  it('lists missing, duplicated and unknown columns in one error', () => {
    expect(() =>
      validateMapping(['Email', 'Nom', 'Autre'], {
        Email: 'positionEmail',
        Nom: 'personLastName',
        Autre: 'personLastName',
        X: null,
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'invalid_mapping',
        details: {
          missingFields: ['personFirstName', 'companyName'],
          duplicateFields: ['personLastName'],
          unknownColumns: ['X'],
        },
      }),
    );
    expect(() =>
      validateMapping(['a', 'b', 'c', 'd'], {
        a: 'positionEmail',
        b: 'personFirstName',
        c: 'personLastName',
        d: 'companyName',
      }),
    ).not.toThrow();
  });

  it('derives the company id from the SIREN, else the name, when no column gives it', () => {
    const headers = ['Email', 'Entreprise', 'SIREN'];
    const plan = planColumns(headers, { Email: 'positionEmail', Entreprise: 'companyName', SIREN: 'companySiren' });
    expect(rowToItem(['a@b.fr', 'ACME', '123 456 789'], plan)).toMatchObject({
      companySiren: '123456789',
      pharowCompanyId: 'siren:123456789',
    });
    expect(rowToItem(['a@b.fr', '  Acme   SAS ', ''], plan).pharowCompanyId).toBe('name:acme sas');
    expect(deriveCompanyId('', '')).toBeUndefined();
  });
});
