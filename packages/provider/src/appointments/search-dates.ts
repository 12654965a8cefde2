import { fail, ukLocalInstant } from '@gpconnect/fhir';

/**
 * Date search parameters of Appointment Management (appointments.md §3 and §7): a two-letter FHIR
 * prefix, then a full date (`yyyy-mm-dd`) or, where allowed, a date-time with its offset
 * (`yyyy-mm-ddThh:mm:ss±hh:mm`). Partial dates, `Z` and date-times without an offset are refused.
 * A date means the UK calendar day.
 */

export type DatePrefix = 'ge' | 'le';

export interface SearchDate {
  prefix: DatePrefix;
  /** YYYY-MM-DD as written. */
  date: string;
  /** Whether only a date was sent. */
  dateOnly: boolean;
  /** The instant it starts at: a date is UK local midnight at the start of the day. */
  start: Date;
  /** The instant it ends at: a date runs to the next UK midnight; a date-time is an instant. */
  end: Date;
  /** Its wall-clock reading in ms (local time read as UTC), so windows are measured in calendar days across clock changes. */
  wallClock: number;
}

const PREFIX = /^([a-z]{2})(.*)$/s;
const KNOWN_PREFIXES = new Set(['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap']);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
// A '+' the client did not percent-encode arrives as a space: the offset is still unambiguous.
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):([0-5]\d):([0-5]\d)(?:\.\d{1,9})?([+\- ])(0\d|1[0-4]):([0-5]\d)$/;

function invalid(name: string, raw: string, why: string): never {
  fail('INVALID_PARAMETER', `${name}=${JSON.stringify(raw)}: ${why}`);
}

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

function ukMidnight(name: string, raw: string, date: string): Date {
  try {
    return ukLocalInstant(date, '00:00');
  } catch {
    invalid(name, raw, `${date} is not a calendar date`);
  }
}

/**
 * Reads one prefixed date parameter value. `prefixes` are those this parameter accepts; any other,
 * known or not, is INVALID_PARAMETER, as is a value that is not a full date (or, when
 * `allowDateTime`, a date-time with an offset).
 */
export function readSearchDate(name: string, raw: string, prefixes: readonly DatePrefix[], allowDateTime: boolean): SearchDate {
  const match = PREFIX.exec(raw);
  if (!match) invalid(name, raw, `a prefix (${prefixes.join(' or ')}) and a date are required`);
  const [, prefix, value] = match as unknown as [string, string, string];
  if (!KNOWN_PREFIXES.has(prefix)) invalid(name, raw, `unknown prefix ${prefix}`);
  if (!(prefixes as readonly string[]).includes(prefix)) invalid(name, raw, `the prefix must be ${prefixes.join(' or ')}`);

  if (DATE.test(value)) {
    const start = ukMidnight(name, raw, value);
    return { prefix: prefix as DatePrefix, date: value, dateOnly: true, start, end: ukMidnight(name, raw, nextDay(value)), wallClock: Date.parse(`${value}T00:00:00Z`) };
  }
  const dateTime = allowDateTime ? DATE_TIME.exec(value) : null;
  if (!dateTime) invalid(name, raw, allowDateTime ? 'expected yyyy-mm-dd or yyyy-mm-ddThh:mm:ss with a UTC offset (±hh:mm)' : 'expected a full date, yyyy-mm-dd');
  const [, date, hh, mm, ss, sign, offH, offM] = dateTime as unknown as string[];
  ukMidnight(name, raw, date!); // rejects 2026-02-30 and the like
  const wallClock = Date.parse(`${date}T${hh}:${mm}:${ss}Z`);
  const offsetMs = (Number(offH) * 60 + Number(offM)) * 60_000 * (sign === '-' ? -1 : 1);
  const instant = new Date(wallClock - offsetMs);
  return { prefix: prefix as DatePrefix, date: date!, dateOnly: false, start: instant, end: instant, wallClock };
}

/** The single value of a parameter that must be sent exactly once: missing is BAD_REQUEST, repeated INVALID_PARAMETER. */
export function singleParameter(query: Readonly<Record<string, string | string[] | undefined>>, name: string): string {
  const value = query[name];
  if (value === undefined) fail('BAD_REQUEST', `The ${name} parameter is required`);
  if (Array.isArray(value)) fail('INVALID_PARAMETER', `The ${name} parameter must be sent once, not ${value.length} times`);
  return value;
}

/** Every value of a parameter that may repeat. */
export function allValues(query: Readonly<Record<string, string | string[] | undefined>>, name: string): string[] {
  const value = query[name];
  return value === undefined ? [] : [value].flat();
}
