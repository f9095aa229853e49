import { DateTime } from 'luxon';

// Month names (French without accents, English, abbreviations), January first.
const MONTH_NAMES = [
  ['janvier', 'january', 'jan'],
  ['fevrier', 'february', 'feb'],
  ['mars', 'march', 'mar'],
  ['avril', 'april', 'apr'],
  ['mai', 'may'],
  ['juin', 'june', 'jun'],
  ['juillet', 'july', 'jul'],
  ['aout', 'august', 'aug'],
  ['septembre', 'september', 'sept', 'sep'],
  ['octobre', 'october', 'oct'],
  ['novembre', 'november', 'nov'],
  ['decembre', 'december', 'dec'],
];
const MONTHS: Record<string, number> = Object.fromEntries(
  MONTH_NAMES.flatMap((names, index) => names.map((name) => [name, index + 1])),
);
const MONTH = Object.keys(MONTHS)
  .sort((a, b) => b.length - a.length)
  .join('|');
const WEEKDAY =
  '(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|friday|saturday|sunday)';

// "de retour le / back on / returning / à partir du" name the day of return; "jusqu'au / until" the last day away.
const RETURN_ON =
  'de retour(?: au bureau)?(?: le| a partir du)?|retour prevu le|je serai la le|a partir du|a compter du|des le|back(?: in the office)? on|back(?: in the office)?|returning(?: on)?|return(?:ing)? to the office on|will return on';
const AWAY_UNTIL = "jusqu'au|jusqu'a|jusqu au|until|till|through";

const DAY_MONTH = `(?:${WEEKDAY},?\\s+)?(\\d{1,2})(?:er|st|nd|rd|th)?(?:\\s+of)?\\s+(${MONTH})\\.?(?:,?\\s+(\\d{4}))?`;
const MONTH_DAY = `(?:${WEEKDAY},?\\s+)?(${MONTH})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?(?:,?\\s+(\\d{4}))?`;
const NUMERIC = `(?:${WEEKDAY},?\\s+)?(\\d{1,2})[/.-](\\d{1,2})(?:[/.-](\\d{4}|\\d{2}))?(?![\\d/.-]\\d)`;

const PATTERN = new RegExp(
  `\\b(${RETURN_ON}|${AWAY_UNTIL})\\s+(?:(?:le|the)\\s+)?(?:${DAY_MONTH}|${MONTH_DAY}|${NUMERIC})`,
  'i',
);

/** Lower case, no accents, typographic apostrophes straightened. */
function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2019\u2018`]/g, "'")
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

function candidate(year: number, month: number, day: number, zone: string): DateTime | null {
  const date = DateTime.fromObject({ year, month, day }, { zone });
  return date.isValid ? date : null;
}

/** The date as written, in the first year that puts it on or after the reference day. */
function inferYear(month: number, day: number, year: number | null, reference: DateTime): DateTime | null {
  if (year !== null) return candidate(year < 100 ? 2000 + year : year, month, day, reference.zoneName ?? 'UTC');
  const thisYear = candidate(reference.year, month, day, reference.zoneName ?? 'UTC');
  if (thisYear && thisYear >= reference.startOf('day')) return thisYear;
  return candidate(reference.year + 1, month, day, reference.zoneName ?? 'UTC');
}

/** dd/mm unless that day is impossible or past and mm/dd is not; without a year, the next such day. */
function numericDate(first: number, second: number, year: number | null, reference: DateTime): DateTime | null {
  const today = reference.startOf('day');
  const asWritten = (month: number, day: number) =>
    candidate(
      year === null ? reference.year : year < 100 ? 2000 + year : year,
      month,
      day,
      reference.zoneName ?? 'UTC',
    );
  const dayFirst = asWritten(second, first);
  if (dayFirst && dayFirst >= today) return dayFirst;
  const monthFirst = asWritten(first, second);
  if (monthFirst && monthFirst >= today) return monthFirst;
  return year === null ? inferYear(second, first, null, reference) : null;
}

/**
 * The day an out-of-office says its author is back, from French or English wording ("de retour le
 * 12 mars", "jusqu'au 3/04/2026", "back on March 12", "returning Monday, April 6"); "until" names
 * the last day away, so the return is the day after. Numeric dates are read day first (dd/mm),
 * month first only when day first is impossible or already past. Midnight in `zone`; null when
 * nothing is found or the date is before `reference`.
 */
export function findReturnDate(text: string, reference: Date, zone = 'Europe/Paris'): Date | null {
  const found = PATTERN.exec(fold(text));
  if (!found) return null;
  const [, keyword, d1, m1, y1, m2, d2, y2, n1, n2, n3] = found;
  const ref = DateTime.fromJSDate(reference, { zone });
  let date: DateTime | null = null;
  if (d1 && m1) date = inferYear(MONTHS[m1]!, Number(d1), y1 ? Number(y1) : null, ref);
  else if (m2 && d2) date = inferYear(MONTHS[m2]!, Number(d2), y2 ? Number(y2) : null, ref);
  else if (n1 && n2) date = numericDate(Number(n1), Number(n2), n3 ? Number(n3) : null, ref);
  if (!date || date < ref.startOf('day')) return null;
  const away = new RegExp(`^(?:${AWAY_UNTIL})$`).test(keyword!);
  return (away ? date.plus({ days: 1 }) : date).startOf('day').toJSDate();
}
