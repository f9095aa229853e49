import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.js';

describe('toCsv', () => {
  it('joins cells with the separator and lines with CRLF, leaving plain cells bare', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['1', 2],
          [true, null],
        ],
      ),
    ).toBe('a;b\r\n1;2\r\ntrue;');
  });

  it('quotes cells holding the separator, quotes or line breaks', () => {
    expect(toCsv(['x'], [['Dupont; fils'], ['say "hi"'], ['two\nlines']])).toBe(
      'x\r\n"Dupont; fils"\r\n"say ""hi"""\r\n"two\nlines"',
    );
    expect(toCsv(['x'], [['a,b']], ',')).toBe('x\r\n"a,b"');
  });

  it('defuses cells a spreadsheet would evaluate as formulas', () => {
    expect(toCsv(['x'], [['=HYPERLINK("http://evil")'], ['+33'], ['@sum'], ['Lefèvre']])).toBe(
      'x\r\n"\'=HYPERLINK(""http://evil"")"\r\n\'+33\r\n\'@sum\r\nLefèvre',
    );
  });
});
