import { DateTime } from 'luxon';

/** When a campaign may send: ISO weekdays (1 = Monday) and local hours [start, end) in `timezone`. */
export interface SendingWindow {
  timezone: string;
  sendDays: number[];
  startHour: number;
  endHour: number;
}

function local(at: Date, timezone: string): DateTime {
  const value = DateTime.fromJSDate(at, { zone: timezone });
  if (!value.isValid) throw new RangeError(`unknown timezone "${timezone}"`);
  return value;
}

interface LocalHour {
  /** The local hour holding the instant, as epoch milliseconds [from, to). */
  from: number;
  to: number;
  weekday: number;
  hour: number;
  dayStart: number;
}

// Per timezone, the local hour last asked about: the scheduler and the drafts ask about the same
// few instants thousands of times a second, and each luxon conversion formats a date with Intl.
const lastHour = new Map<string, LocalHour>();

/** Weekday, hour and day start of `at` in `timezone` (constant within a local hour). */
function localHour(at: Date, timezone: string): LocalHour {
  const ms = at.getTime();
  const known = lastHour.get(timezone);
  if (known && ms >= known.from && ms < known.to) return known;
  const t = local(at, timezone);
  const start = t.startOf('hour');
  const entry = {
    from: start.toMillis(),
    to: start.plus({ hours: 1 }).toMillis(),
    weekday: t.weekday,
    hour: t.hour,
    dayStart: t.startOf('day').toMillis(),
  };
  lastHour.set(timezone, entry);
  return entry;
}

/** Whether `at` falls inside the window, in the window's timezone. */
export function isWithinSendingWindow(at: Date, window: SendingWindow): boolean {
  const t = localHour(at, window.timezone);
  return window.sendDays.includes(t.weekday) && t.hour >= window.startHour && t.hour < window.endHour;
}

/**
 * The first instant at or after `at` when sending is allowed: `at` itself inside the window, else
 * the next allowed day's start hour (local wall time; a start hour skipped by a DST change
 * resolves to the next valid instant).
 */
export function nextSendingInstant(at: Date, window: SendingWindow): Date {
  if (isWithinSendingWindow(at, window)) return at;
  const t = local(at, window.timezone);
  for (let day = 0; day <= 7; day += 1) {
    const date = t.startOf('day').plus({ days: day });
    if (!window.sendDays.includes(date.weekday)) continue;
    const start = date.set({ hour: window.startHour });
    if (start.toMillis() >= t.toMillis()) return start.toJSDate();
  }
  throw new RangeError('sending window has no allowed day');
}

/** Start of the local calendar day containing `at` (daily caps count from it). */
export function startOfLocalDay(at: Date, timezone: string): Date {
  return new Date(localHour(at, timezone).dayStart);
}

/** Start of the local calendar day after the one containing `at`. */
export function startOfNextLocalDay(at: Date, timezone: string): Date {
  return local(at, timezone).startOf('day').plus({ days: 1 }).toJSDate();
}
