
/**
 * UK local time (Europe/London) for appointment capacity. GP Connect writes Slot, Schedule and
 * Appointment date-times as `yyyy-mm-ddThh:mm:ss+hh:mm` in UK local time, +00:00 in GMT and +01:00 in
 * BST, never `Z` (appointments.md §2), and practices run their sessions by the wall clock, so a 09:00
 * session is 09:00Z in winter and 08:00Z in summer. The time zone rules come from Intl (the ICU data
 * Node ships), not from the machine's TZ, so the same day gives the same instants everywhere.
 */

const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

const MINUTE_MS = 60_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Midnight UTC on `date` (YYYY-MM-DD) in ms; throws unless it is a real calendar date. */
function utcMidnight(date: string): number {
  const match = ISO_DATE.exec(date);
  const time = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== date) throw new RangeError(`${JSON.stringify(date)} is not a calendar date (YYYY-MM-DD)`);
  return time;
}

/** Minutes UK local time is ahead of UTC at `instant` (ms since the epoch): 0 (GMT) or 60 (BST). */
export function ukOffsetMinutes(instant: number): number {
  if (instant < WHOLE_HOUR_CHANGES_FROM) return offsetFromIntl(instant);
  const hour = Math.floor(instant / HOUR_MS);
  let offset = OFFSET_BY_UTC_HOUR.get(hour);
  if (offset === undefined) {
    if (OFFSET_BY_UTC_HOUR.size >= OFFSET_CACHE_LIMIT) OFFSET_BY_UTC_HOUR.clear();
    offset = offsetFromIntl(instant);
    OFFSET_BY_UTC_HOUR.set(hour, offset);
  }
  return offset;
}

/**
 * Asking Intl costs microseconds and a slot search or a booking formats hundreds of times, so offsets
 * are remembered per UTC hour: since 1972 the UK clocks have changed only on the hour, UTC (02:00
 * GMT until 1980, 01:00 GMT since), so an offset holds for the whole of a UTC hour. Earlier
 * instants go to Intl each time (before 1848 London kept its local mean time, offset by seconds).
 */
const WHOLE_HOUR_CHANGES_FROM = Date.UTC(1972, 0, 1);
const HOUR_MS = 3_600_000;
const OFFSET_CACHE_LIMIT = 100_000;
const OFFSET_BY_UTC_HOUR = new Map<number, number>();

function offsetFromIntl(instant: number): number {
  const parts = Object.fromEntries(LONDON.formatToParts(new Date(instant)).map((p) => [p.type, Number(p.value)]));
  const wall = Date.UTC(parts['year']!, parts['month']! - 1, parts['day']!, parts['hour']!, parts['minute']!, parts['second']!);
  return Math.round((wall - Math.floor(instant / 1000) * 1000) / MINUTE_MS);
}

/**
 * The instant the UK wall clock shows `time` (hh:mm) on `date` (YYYY-MM-DD). For the hour skipped or
 * repeated at a clock change (01:00-02:00) the answer is one of the candidates; sessions never start
 * then.
 */
export function ukLocalInstant(date: string, time: string): Date {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) throw new RangeError(`expected a time hh:mm, got ${JSON.stringify(time)}`);
  const wall = utcMidnight(date) + (Number(match[1]) * 60 + Number(match[2])) * MINUTE_MS;
  // The offset in force at the wall time: first guess with the offset at `wall` read as UTC, then
  // take the offset at that guess (they differ only within an hour of a change).
  const offset = ukOffsetMinutes(wall - ukOffsetMinutes(wall) * MINUTE_MS);
  return new Date(wall - offset * MINUTE_MS);
}

/** `instant` as `yyyy-mm-ddThh:mm:ss+hh:mm` in UK local time (appointments.md §2). */
export function formatUkDateTime(instant: Date): string {
  const offset = ukOffsetMinutes(instant.getTime());
  const local = new Date(instant.getTime() + offset * MINUTE_MS).toISOString().slice(0, 19);
  const pad = (n: number) => String(n).padStart(2, '0');
  // UK offsets are never negative.
  return `${local}+${pad(Math.floor(offset / 60))}:${pad(offset % 60)}`;
}

/** The UK calendar date (YYYY-MM-DD) at `instant`. */
export function ukLocalDate(instant: Date): string {
  return formatUkDateTime(instant).slice(0, 10);
}

/** The ISO date `days` calendar days after `date` (negative: before); the same across clock changes. */
export function addDays(date: string, days: number): string {
  const instant = new Date(`${date}T00:00:00Z`);
  instant.setUTCDate(instant.getUTCDate() + days);
  return instant.toISOString().slice(0, 10);
}
