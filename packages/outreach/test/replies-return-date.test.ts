import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { findReturnDate, parseInboundMail } from '../src/index.js';

// Monday 9 March 2026, 10:00 in Paris.
const received = new Date('2026-03-09T09:00:00Z');
const parisMidnight = (isoDay: string) => DateTime.fromISO(isoDay, { zone: 'Europe/Paris' }).toJSDate();

describe('findReturnDate', () => {
  it.each([
    ['Je serai de retour le 12 mars.', '2026-03-12'],
    ['De retour le lundi 16 mars 2026, je vous répondrai.', '2026-03-16'],
    ["Absente jusqu'au 3/04/2026 inclus.", '2026-04-04'],
    ['Je suis en congés jusqu’au 20 mars.', '2026-03-21'],
    ['Je reprendrai mes messages à partir du lundi 6 avril.', '2026-04-06'],
    ['Je serai joignable à compter du 1er avril', '2026-04-01'],
    ["I'll be back on March 12.", '2026-03-12'],
    // 4 March is already past on 9 March: read month first, 3 April, back the day after.
    ['I am out of the office until 04/03/2026.', '2026-04-04'],
    ['Absent until 20/03/2026', '2026-03-21'],
    ['Out of office, returning Monday, April 6.', '2026-04-06'],
    ['Back in the office on 23rd March', '2026-03-23'],
    // Day first would be 4 February (past): read month first, 2 April.
    ['Away until 04/02.', '2026-04-03'],
    // Without a year, a date already past this year is next year's.
    ['De retour le 2 janvier.', '2027-01-02'],
  ])('"%s" → %s', (text, day) => {
    expect(findReturnDate(text, received)).toEqual(parisMidnight(day));
  });

  it.each(['Je suis absente cette semaine.', 'Back soon!', 'De retour le 31 février.', 'until 12/2025'])(
    'no date in "%s"',
    (text) => {
      expect(findReturnDate(text, received)).toBeNull();
    },
  );

  it('finds the dates of the corpus out-of-office messages', async () => {
    const read = (name: string) =>
      parseInboundMail(readFileSync(new URL(`./fixtures/mime/${name}.eml`, import.meta.url)));
    const french = await read('ooo-french');
    expect(findReturnDate(french.text, french.date!)).toEqual(parisMidnight('2026-03-12'));
    const english = await read('ooo-english');
    expect(findReturnDate(english.text, english.date!)).toEqual(parisMidnight('2026-04-06'));
  });
});
