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

/** Whether `at` falls inside the window, in the window's timezone. */
export function isWithinSendingWindow(at: Date, window: SendingWindow): boolean {
  const t = local(at, window.timezone);
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
  return local(at, timezone).startOf('day').toJSDate();
}

/** Start of the local calendar day after the one containing `at`. */
export function startOfNextLocalDay(at: Date, timezone: string): Date {
  return local(at, timezone).startOf('day').plus({ days: 1 }).toJSDate();
}
