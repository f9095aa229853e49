import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

// Builds the sample guide served by the local S3 stand-in (`make dev`): a one-page A4 PDF 1.4 with
// a French title, written by hand so that no PDF library is needed. Regenerate the committed file with
//   node --import tsx scripts/sample-guide-pdf.ts

export const SAMPLE_GUIDE_PATH = fileURLToPath(new URL('../assets/guide-mariee-sereine.pdf', import.meta.url));

const LINES: { size: number; text: string }[] = [
  { size: 26, text: 'Guide de la mariée sereine' },
  { size: 14, text: 'Light & Shutter – photographe de mariage' },
  { size: 11, text: '' },
  { size: 11, text: 'Exemple de guide pour le développement local :' },
  { size: 11, text: 'le vrai document est déposé dans le bucket S3 de production.' },
  { size: 11, text: '' },
  { size: 11, text: '1. Choisir son photographe douze à dix-huit mois avant le jour J.' },
  { size: 11, text: '2. Prévoir une séance « first look » pour des portraits détendus.' },
  { size: 11, text: '3. Confier le planning à un témoin : vous profitez, il veille.' },
];

// Helvetica with WinAnsiEncoding: Latin-1 bytes, plus the typographic characters French uses.
const WIN_ANSI: Record<string, number> = { '–': 0x96, '—': 0x97, '’': 0x92, '…': 0x85, '€': 0x80 };

function pdfString(text: string): Buffer {
  const bytes = [...text].map((char) => WIN_ANSI[char] ?? char.charCodeAt(0));
  if (bytes.some((byte) => byte > 0xff)) throw new Error(`"${text}" has characters outside WinAnsiEncoding`);
  const escaped = bytes.flatMap((byte) => ([0x28, 0x29, 0x5c].includes(byte) ? [0x5c, byte] : [byte]));
  return Buffer.from([0x28, ...escaped, 0x29]);
}

function pageContent(): Buffer {
  const parts: Buffer[] = [Buffer.from('BT\n72 770 Td\n')];
  for (const [index, line] of LINES.entries()) {
    const leading = index === 0 ? 0 : Math.round(line.size * 1.8);
    parts.push(Buffer.from(`/F1 ${line.size} Tf\n0 -${leading} Td\n`), pdfString(line.text), Buffer.from(' Tj\n'));
  }
  parts.push(Buffer.from('ET\n'));
  return Buffer.concat(parts);
}

/** The sample guide's bytes: a valid PDF (cross-reference table with exact offsets). */
export function buildSampleGuidePdf(): Buffer {
  const content = pageContent();
  const objects: Buffer[] = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'),
    Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    Buffer.from(
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    ),
    Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>'),
    Buffer.concat([Buffer.from(`<< /Length ${content.length} >>\nstream\n`), content, Buffer.from('endstream')]),
    Buffer.concat([Buffer.from('<< /Title '), pdfString('Guide de la mariée sereine'), Buffer.from(' >>')]),
  ];
  // The binary comment line tells transfer tools the file is binary.
  const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = chunks[0]!.length;
  const offsets: number[] = [];
  for (const [index, body] of objects.entries()) {
    offsets.push(offset);
    const object = Buffer.concat([Buffer.from(`${index + 1} 0 obj\n`), body, Buffer.from('\nendobj\n')]);
    chunks.push(object);
    offset += object.length;
  }
  const xref = [
    'xref',
    `0 ${objects.length + 1}`,
    '0000000000 65535 f ',
    ...offsets.map((at) => `${String(at).padStart(10, '0')} 00000 n `),
    'trailer',
    `<< /Size ${objects.length + 1} /Root 1 0 R /Info 6 0 R >>`,
    'startxref',
    String(offset),
    '%%EOF',
    '',
  ].join('\n');
  chunks.push(Buffer.from(xref));
  return Buffer.concat(chunks);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeFile(SAMPLE_GUIDE_PATH, buildSampleGuidePdf());
  console.log(`wrote ${SAMPLE_GUIDE_PATH}`);
}
