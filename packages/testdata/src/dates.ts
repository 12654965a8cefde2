/**
 * Calendar arithmetic on ISO dates (YYYY-MM-DD) in UTC only, so a fixture loaded on the same day
 * gives the same dates whatever the machine's time zone.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Milliseconds since the epoch of midnight UTC on `date`; throws unless it is a real calendar date. */
export function parseIsoDate(date: string): number {
  const match = ISO_DATE.exec(date);
  if (!match) throw new RangeError(`expected an ISO date (YYYY-MM-DD), got ${JSON.stringify(date)}`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const time = Date.UTC(year, month - 1, day);
  if (formatIsoDate(time) !== date) throw new RangeError(`${date} is not a calendar date`);
  return time;
}

export function formatIsoDate(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/** `date` moved by `days` (negative: earlier). */
export function addDays(date: string, days: number): string {
  if (!Number.isInteger(days)) throw new RangeError(`a whole number of days is required, got ${days}`);
  return formatIsoDate(parseIsoDate(date) + days * DAY_MS);
}

/** The dateTime `minutes` after `dateTime`, written in UTC with a +00:00 offset as the record's dateTimes are. */
export function minutesAfter(dateTime: string, minutes: number): string {
  return new Date(Date.parse(dateTime) + minutes * 60_000).toISOString().replace('.000Z', '+00:00');
}
